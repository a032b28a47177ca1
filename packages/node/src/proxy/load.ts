/**
 * `npm run load -w @medvault/node`: a bounded load test of one proxy on
 * loopback. A local chain, a ledger host and the proxy run as child
 * processes; this process makes a grant, then (1) finds the sustainable rate
 * with a closed loop of concurrent readers, and (2) offers 1×, 2× and 4×
 * that rate open-loop, each request freshly signed, printing
 * re-encryptions per second, p50/p99 latency and answers by status. Every
 * re-encryption also appends a signed access entry to the patient's ledger.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealRecordBytes } from '@medvault/core/envelope';
import { Ledger, MemoryLedgerStore, nextEncryptionKeys, PatientKeys } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { PublicKey, SecretKey, Signer } from '@medvault/core/pre';
import { grantAccess, jsonBody, signRequest } from '@medvault/core/proxy';
import { hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { devClient, startDevChain } from '../chain/dev-chain.js';
import { writeKeyFile } from '../cli/key-file.js';
import { CLI } from '../cli/run-cli.js';

const PHASE_MS = Number(process.env.LOAD_PHASE_MS ?? 10_000);

function launch(
  args: string[],
  pattern: RegExp,
): Promise<{ proc: ChildProcess; match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += d;
      const match = out.match(pattern);
      if (match) resolve({ proc, match });
    });
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)
    : Number.NaN;

const dir = await mkdtemp(join(tmpdir(), 'medvault-load-'));
const chain = await startDevChain();
const children: ChildProcess[] = [];
try {
  const host = await launch(
    // one proxy logs every access from one address: far above the per-address default
    [
      'ledger-host',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'ledgers'),
      '--writes-per-minute',
      '1000000',
    ],
    /listening on (\S+)/,
  );
  children.push(host.proc);
  const keyFile = join(dir, 'proxy.key');
  await writeKeyFile(keyFile, SecretKey.random());
  const proxyRun = await launch(
    [
      'proxy',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'proxy'),
      '--key',
      keyFile,
      '--rpc',
      chain.rpcUrl,
      '--registry',
      chain.registry,
      // one reader here: lift the per-key limit (50/s by default) to measure the proxy itself
      '--max-per-key',
      '100000',
    ],
    /listening on (\S+) key ([0-9a-f]{66})/,
  );
  children.push(proxyRun.proc);
  const proxyUrl = proxyRun.match[1] as string;
  const proxyKey = PublicKey.fromCompressedBytes(hexToBytes(proxyRun.match[2] as string));

  // a patient, one sealed lab result in the ledger, a grant to a clinic through this proxy
  const keys = PatientKeys.fromSeed(randomBytes(64));
  const identity = new Signer(keys.identity());
  const lab = keys.encryptionKey('laboratory', 0);
  const clinic = new Signer(SecretKey.random());
  const hostClient = new LedgerHostClient({ url: host.match[1] as string });
  const local = await Ledger.create(identity, { store: new MemoryLedgerStore() });
  const ledgerId = await hostClient.createLedger(local.entryBytes(0));
  const published = nextEncryptionKeys(keys, local.state, ['laboratory']);
  if (published) await hostClient.submit(ledgerId, 'encryption-keys', published, identity);
  const sealed = await sealRecordBytes(
    lab.publicKey(),
    new TextEncoder().encode('{"code":"HbA1c"}'),
    {
      contentType: 'application/fhir+json',
    },
  );
  const cid = sealed.cid.toString();
  await hostClient.submit(
    ledgerId,
    'record',
    {
      cid,
      capsule: sealed.capsule.toBytes(),
      contentType: 'application/fhir+json',
      category: 'laboratory',
      size: sealed.size,
      recipient: lab.publicKey().toCompressedBytes(),
    },
    identity, // the patient's own record (another author's would need the patient's endorsement)
  );
  const { client, relayer } = await devClient(chain.rpcUrl);
  const grant = await grantAccess({
    identity: keys.identity(),
    delegations: [{ category: 'laboratory', epoch: 0, secretKey: lab }],
    notesKey: keys.notesKey().publicKey(),
    reader: clinic.verifyingKey(),
    scope: { categories: ['laboratory'] },
    purpose: 'load test',
    expiresAt: Date.now() + 3_600_000,
    proxies: [{ url: proxyUrl, publicKey: proxyKey }],
    threshold: 1,
    ledger: { host: hostClient, ledgerId },
    chain: { client, registry: chain.registry, relayer },
  });

  const body = jsonBody({ grantId: grant.grantId, cids: [cid] });
  async function once(): Promise<{ status: number; ms: number }> {
    const headers = {
      ...signRequest(clinic, {
        audience: proxyKey,
        method: 'POST',
        path: '/v1/reencrypt',
        body,
      }),
      'content-type': 'application/json',
    };
    const started = performance.now();
    try {
      const r = await fetch(`${proxyUrl}/v1/reencrypt`, {
        method: 'POST',
        headers,
        body: body as BodyInit,
        signal: AbortSignal.timeout(15_000),
      });
      await r.arrayBuffer();
      return { status: r.status, ms: performance.now() - started };
    } catch {
      return { status: 0, ms: performance.now() - started };
    }
  }

  function report(label: string, results: { status: number; ms: number }[], elapsedMs: number) {
    const ok = results.filter((r) => r.status === 200);
    const latencies = ok.map((r) => r.ms).sort((a, b) => a - b);
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const fivexx = [...statuses]
      .filter(([s]) => s >= 500 && s !== 503)
      .reduce((n, [, c]) => n + c, 0);
    console.log(
      `${label.padEnd(22)} ${(ok.length / (elapsedMs / 1000)).toFixed(0).padStart(5)} re-enc/s  p50 ${percentile(latencies, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(latencies, 99).toFixed(1).padStart(6)} ms  answers ${[...statuses].map(([s, c]) => `${s === 0 ? 'failed' : s}:${c}`).join(' ')}${fivexx ? `  (5xx other than 503: ${fivexx})` : ''}`,
    );
    return ok.length / (elapsedMs / 1000);
  }

  console.log(
    `\nOne proxy on loopback, each re-encryption checked on chain and in the ledger, and logged (phases of ${PHASE_MS / 1000} s)`,
  );
  // warm up
  for (let i = 0; i < 50; i++) await once();

  // closed loop: the rate the proxy sustains with 8 readers waiting on each answer
  const closed: { status: number; ms: number }[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() - start < PHASE_MS) closed.push(await once());
    }),
  );
  const capacity = report('closed loop, 8 readers', closed, performance.now() - start);

  /** Offers `rate` requests a second for `ms`, open loop; returns the answers. */
  async function offer(rate: number, ms: number) {
    const results: Promise<{ status: number; ms: number }>[] = [];
    const t0 = performance.now();
    let sent = 0;
    while (performance.now() - t0 < ms) {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      while (sent < due) {
        results.push(once());
        sent += 1;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    return { settled: await Promise.all(results), elapsed: performance.now() - t0 };
  }

  // The sustainable rate: the highest offered rate (in steps of a tenth of
  // the capacity) answered in full with p99 under 50 ms.
  let sustainable = capacity * 0.1;
  for (let tenth = 1; tenth <= 10; tenth++) {
    const rate = (capacity * tenth) / 10;
    const { settled } = await offer(rate, PHASE_MS);
    const ok = settled
      .filter((r) => r.status === 200)
      .map((r) => r.ms)
      .sort((x, y) => x - y);
    if (ok.length < settled.length || percentile(ok, 99) >= 50) break;
    sustainable = rate;
  }
  console.log(`sustainable rate (p99 < 50 ms, no errors): ${sustainable.toFixed(0)}/s`);

  for (const factor of [1, 2, 4]) {
    const rate = Math.max(1, sustainable * factor);
    const { settled, elapsed } = await offer(rate, PHASE_MS);
    report(`open loop ${factor}× (${rate.toFixed(0)}/s)`, settled, elapsed);
  }
  const health = (await (await fetch(`${proxyUrl}/v1/health`)).json()) as { grants: number };
  console.log(`fragments held after the run: ${health.grants} (1 delivered)`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await chain.anvil.stop();
  await rm(dir, { recursive: true, force: true });
}
