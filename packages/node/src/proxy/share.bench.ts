/**
 * `npm run bench:share -w @medvault/node`: what the key hierarchy costs
 * (issue #17, Performance), against real local services — a dev chain
 * (anvil) with the registry, a ledger host and three proxies (threshold 2),
 * all on 127.0.0.1 free ports; the ledger host and the proxies run in this
 * process, anvil in its own. Figures, printed:
 *
 * 1. a share over 1 and over 3 categories (epoch 0), from the call to
 *    `grantAccess` (the patient has clicked Share) to its return: grant
 *    registered on chain, each proxy's fragments delivered and verified, the
 *    grant entry in the ledger; with fragment generation (`makeFragmentSets`,
 *    and sealing each proxy's fragments to it) timed on its own, just before
 *    each share, on the same inputs, and the rest being the difference;
 * 2. the same over 3 categories × 3 epochs (after two rotations: 9 sets);
 * 3. an author's lookup of the category key (`currentEncryptionKey` on a
 *    state of 14 categories × 3 epochs) against the one Umbral `encrypt` of
 *    a seal (of its 32-byte data key): a seal is exactly that encrypt plus
 *    this lookup;
 * 4. `POST /v1/reencrypt` of 100 records through a real proxy, for a grant
 *    holding 1 fragment and one holding 9 (the proxy picks each record's
 *    fragment by its key in a Map), and of 1 record (the fixed cost of a
 *    request: chain check, ledger refresh, access entry).
 *
 * Each figure: median and p90 of `BENCH_ROUNDS` runs (default 9) after one
 * warm-up, the kinds of share (and of request) alternating run by run; the
 * peak RSS of this process at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealRecordBytes } from '@medvault/core/envelope';
import {
  currentEncryptionKey,
  DEFAULT_CATEGORIES,
  Ledger,
  MemoryLedgerStore,
  nextEncryptionKeys,
} from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { encrypt, preBackendReady, SecretKey, Signer } from '@medvault/core/pre';
import {
  type Delegation,
  type Grant,
  grantAccess,
  jsonBody,
  makeFragmentSets,
  type ProxyEndpoint,
  signRequest,
} from '@medvault/core/proxy';
import { testPatient } from '@medvault/testing';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { devClient, startDevChain } from '../chain/dev-chain.js';
import { startLedgerHost } from '../ledger-host/server.js';
import { type RunningProxy, startProxy } from './server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const THRESHOLD = 2;
const RECORDS = 100;
const CATEGORIES = ['laboratory', 'imaging', 'medication'];
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const p90 = (xs: number[]) => quantile(xs, 0.9);
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const rows: string[] = [];
const row = (...cells: string[]) => rows.push(`| ${cells.join(' | ')} |`);

/** Nanoseconds per call of `fn`: rounds of about `roundMs`, median and p90 over `rounds`. */
function perCall(fn: (i: number) => unknown, roundMs = 150, rounds = 7) {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    const took = performance.now() - t;
    if (took > roundMs / 4) {
      n = Math.max(1, Math.round((n * roundMs) / took));
      break;
    }
    n *= 4;
  }
  const ns: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    ns.push(((performance.now() - t) * 1e6) / n);
  }
  return { median: median(ns), p90: p90(ns) };
}
const time = (ns: number) => (ns < 1000 ? `${ns.toFixed(0)} ns` : `${(ns / 1000).toFixed(1)} µs`);

const backend = await preBackendReady();
const started = performance.now();
const dir = await mkdtemp(join(tmpdir(), 'medvault-share-bench-'));
const chain = await startDevChain();
const services: { close(): Promise<void> }[] = [];
try {
  const { client, relayer } = await devClient(chain.rpcUrl);
  const chainAccess = { client, registry: chain.registry, relayer };
  // one address writes everything here (the patient, and the proxies' access entries)
  const host = await startLedgerHost({
    dataDir: join(dir, 'ledgers'),
    log: () => {},
    writesPerMinute: 1_000_000,
  });
  services.push(host);
  const proxies: RunningProxy[] = [];
  for (const name of ['a', 'b', 'c']) {
    const proxy = await startProxy({
      dataDir: join(dir, `proxy-${name}`),
      key: SecretKey.random(),
      rpcUrl: chain.rpcUrl,
      registry: chain.registry,
      perKeyPerSecond: 100_000,
      log: () => {},
    });
    services.push(proxy);
    proxies.push(proxy);
  }
  const endpoints: ProxyEndpoint[] = proxies.map((p) => ({ url: p.url, publicKey: p.publicKey }));

  const patient = testPatient();
  const owner = patient.owner;
  const clinic = SecretKey.random();
  const hostClient = new LedgerHostClient({ url: host.url });
  const local = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  const ledgerId = await hostClient.createLedger(local.entryBytes(0));
  const ledger = { host: hostClient, ledgerId };
  await hostClient.submit(ledgerId, 'encryption-keys', patient.keysEntry(CATEGORIES), owner);

  const delegation = (category: string, epoch: number): Delegation => ({
    category,
    epoch,
    secretKey: patient.secretOf(category, epoch),
  });
  const share = (delegations: Delegation[]) =>
    grantAccess({
      identity: patient.identity,
      delegations,
      notesKey: patient.keys.notesKey().publicKey(),
      reader: clinic.publicKey(),
      scope: { categories: [...new Set(delegations.map((d) => d.category))] },
      purpose: 'benchmark',
      expiresAt: Date.now() + 3_600_000,
      proxies: endpoints,
      threshold: THRESHOLD,
      ledger,
      chain: chainAccess,
    });

  // two rotations first: epochs 1 and 2 of each category published (the
  // shares over epoch 0 cost the same either way, and all three kinds of
  // share then alternate, run by run, so load on the machine touches each alike)
  for (const epoch of [1, 2]) {
    const keys = CATEGORIES.map((category) => ({
      category,
      epoch,
      key: patient.recipientOf(category, epoch),
    }));
    await hostClient.submit(ledgerId, 'encryption-keys', { keys }, owner);
  }
  const nine = CATEGORIES.flatMap((c) => [0, 1, 2].map((e) => delegation(c, e)));
  const shares = [
    { label: 'share, 1 category (epoch 0)', delegations: [delegation('laboratory', 0)] },
    {
      label: 'share, 3 categories (epoch 0)',
      delegations: CATEGORIES.map((c) => delegation(c, 0)),
    },
    { label: 'share, 3 categories × 3 epochs (after 2 rotations)', delegations: nine },
  ].map((s) => ({
    ...s,
    grant: undefined as Grant | undefined,
    totals: [] as number[],
    generate: [] as number[],
    sealing: [] as number[],
    rest: [] as number[],
  }));
  const signer = new Signer(patient.identity);
  console.error('sharing…');
  for (let run = 0; run <= ROUNDS; run++) {
    for (const s of shares) {
      // fragment generation alone, on the same inputs, just before the share
      const t0 = performance.now();
      const sets = makeFragmentSets(s.delegations, clinic.publicKey(), signer, THRESHOLD, 3);
      const t1 = performance.now();
      const sealed = endpoints.map((p, i) => sets.sealedFor(i, p.publicKey));
      const t2 = performance.now();
      const made = await share(s.delegations);
      const total = performance.now() - t2;
      if (made.proxies.length !== sealed.length)
        throw new Error(`${s.label}: ${made.proxies.length} holders`);
      s.grant = made;
      if (run === 0) continue; // warm-up
      s.totals.push(total);
      s.generate.push(t1 - t0);
      s.sealing.push(t2 - t1);
      s.rest.push(total - (t2 - t0));
    }
  }
  const cell = (xs: number[]) => `${ms(median(xs))} / ${ms(p90(xs))}`;
  for (const s of shares) {
    row(
      s.label,
      `${s.delegations.length}`,
      cell(s.totals),
      cell(s.generate),
      cell(s.sealing),
      cell(s.rest),
    );
  }
  const grant1 = shares[0]?.grant as Grant;
  const grant9 = shares[2]?.grant as Grant;

  // the records: 100 laboratory results (epoch 0), and 99 over the 9 keys
  console.error('sealing records…');
  const sealTo = async (category: string, epoch: number, i: number) => {
    const sealed = await sealRecordBytes(
      patient.keyOf(category, epoch),
      new TextEncoder().encode(
        `{"code":"${category}","i":${i},"r":"${bytesToHex(randomBytes(8))}"}`,
      ),
      { contentType: 'application/fhir+json' },
    );
    const cid = sealed.cid.toString();
    await hostClient.submit(
      ledgerId,
      'record',
      {
        cid,
        capsule: sealed.capsule.toBytes(),
        contentType: 'application/fhir+json',
        category,
        size: sealed.size,
        recipient: patient.recipientOf(category, epoch),
      },
      owner, // the patient's own records: no endorsement needed
    );
    return cid;
  };
  const labCids: string[] = [];
  for (let i = 0; i < RECORDS; i++) labCids.push(await sealTo('laboratory', 0, i));
  const spreadCids: string[] = [];
  for (let i = 0; i < 99; i++) {
    const d = nine[i % 9] as Delegation;
    spreadCids.push(await sealTo(d.category, d.epoch, i));
  }

  const readerSigner = new Signer(clinic);
  const proxy = endpoints[0] as ProxyEndpoint;
  const reencryptOnce = async (grant: Grant, cids: string[]) => {
    const body = jsonBody({ grantId: grant.grantId, cids });
    const response = await fetch(`${proxy.url}/v1/reencrypt`, {
      method: 'POST',
      headers: {
        ...signRequest(readerSigner, {
          audience: proxy.publicKey,
          method: 'POST',
          path: '/v1/reencrypt',
          body,
        }),
        'content-type': 'application/json',
      },
      body: body as BodyInit,
    });
    const json = (await response.json()) as { cfrags?: { cfrag?: string }[] };
    const served = json.cfrags?.filter((c) => c.cfrag).length ?? 0;
    if (response.status !== 200 || served !== cids.length)
      throw new Error(`reencrypt: ${response.status}, ${served} of ${cids.length} served`);
  };
  const requests = [
    { label: '1 fragment, 1 record', grant: grant1, cids: labCids.slice(0, 1) },
    { label: '9 fragments, 1 record', grant: grant9, cids: labCids.slice(0, 1) },
    { label: '1 fragment, 100 records (laboratory, epoch 0)', grant: grant1, cids: labCids },
    { label: '9 fragments, the same 100 records', grant: grant9, cids: labCids },
    { label: '9 fragments, 99 records over its 9 keys', grant: grant9, cids: spreadCids },
  ].map((r) => ({ ...r, times: [] as number[] }));
  console.error('re-encrypting…');
  for (let run = 0; run <= ROUNDS; run++) {
    for (const r of requests) {
      const t = performance.now();
      await reencryptOnce(r.grant, r.cids);
      if (run > 0) r.times.push(performance.now() - t);
    }
  }
  const reencryptTable = requests.map((r) => {
    // beyond the fixed cost of a request (its grant's 1-record request)
    const single = requests.find((o) => o.grant === r.grant && o.cids.length === 1);
    const perRecord =
      single && r.cids.length > 1
        ? `${(((median(r.times) - median(single.times)) * 1000) / (r.cids.length - 1)).toFixed(0)} µs`
        : '—';
    return `| ${r.label} | ${ms(median(r.times))} / ${ms(p90(r.times))} | ${perRecord} |`;
  });

  // 3. an author's lookup of the category key, against the seal's one encrypt
  console.error('lookups…');
  const wide = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  for (let epoch = 0; epoch < 3; epoch++) {
    const body = nextEncryptionKeys(patient.keys, wide.state, DEFAULT_CATEGORIES, { rotate: true });
    if (!body) throw new Error('nothing to publish');
    await wide.append('encryption-keys', body, owner);
  }
  const state = wide.state;
  if (currentEncryptionKey(state, 'vital-signs').epoch !== 2) throw new Error('not 3 epochs');
  const category = (i: number) => DEFAULT_CATEGORIES[i % DEFAULT_CATEGORIES.length] as string;
  const lookup = perCall((i) => currentEncryptionKey(state, category(i)));
  const mapOnly = perCall((i) => state.encryptionKeys.get(category(i))?.at(-1));
  const labKey = currentEncryptionKey(state, 'laboratory').key;
  const dataKey = randomBytes(32);
  const sealOnce = perCall(() => encrypt(labKey, dataKey), 300, 5);
  const lookupAndSeal = perCall(
    (i) => encrypt(currentEncryptionKey(state, category(i)).key, dataKey),
    300,
    5,
  );
  // the proxy's per-record pick: the record's key as hex, then a Map of 9 fragments
  const recipients = nine.map((d) => patient.recipientOf(d.category, d.epoch));
  const fragments = new Map(recipients.map((r) => [bytesToHex(r), r]));
  const pick = perCall((i) => fragments.get(bytesToHex(recipients[i % 9] as Uint8Array)));

  const rssMiB = process.resourceUsage().maxRSS / 1024;
  const cpu = cpus();
  console.log(
    `\nShares and re-encryption with the key hierarchy — Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), PRE backend ${backend}; ledger host and 3 proxies (threshold 2) in this process, anvil apart; ${ROUNDS} runs after a warm-up, median / p90\n`,
  );
  console.log(
    '| share (`grantAccess`, 3 proxies) | fragment sets | total, ms | generate (`makeFragmentSets`), ms | seal to the 3 proxies, ms | the rest (chain, delivery, ledger), ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  console.log('\n| `POST /v1/reencrypt`, one proxy | request, ms | per further record (median) |');
  console.log('| --- | --- | --- |');
  for (const r of reencryptTable) console.log(r);
  console.log('\n| per call | median | p90 |');
  console.log('| --- | --- | --- |');
  const line = (label: string, x: { median: number; p90: number }) =>
    console.log(`| ${label} | ${time(x.median)} | ${time(x.p90)} |`);
  line('`currentEncryptionKey` (14 categories × 3 epochs)', lookup);
  line('  of which the Map lookup (without decoding the key)', mapOnly);
  line('Umbral `encrypt` (the seal’s one, of a 32-byte data key)', sealOnce);
  line('lookup + `encrypt` (what a seal adds up to)', lookupAndSeal);
  line('proxy: record key to hex + Map of 9 fragments', pick);
  console.log(
    `\nlookup / encrypt: ${((lookup.median / sealOnce.median) * 100).toFixed(1)} %; peak RSS ${rssMiB.toFixed(0)} MiB; run ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
} finally {
  for (const s of services.reverse()) await s.close().catch(() => undefined);
  await chain.anvil.stop();
  await rm(dir, { recursive: true, force: true });
}
