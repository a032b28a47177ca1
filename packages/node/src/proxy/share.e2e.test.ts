/**
 * Sharing end to end: three proxies as child processes (`medvault proxy`),
 * threshold 2, a real local chain (anvil) with the registry, a ledger host
 * and a file blob store, all over real HTTP on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { revokeGrant } from '@medvault/core/chain';
import { collect, sealRecordBytes } from '@medvault/core/envelope';
import { decodeEntry, hashEntry, Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { PublicKey, SecretKey, Signer } from '@medvault/core/pre';
import {
  type Grant,
  grantAccess,
  jsonBody,
  NotEnoughFragmentsError,
  type ProxyEndpoint,
  readShared,
  revokeAccess,
  signRequest,
} from '@medvault/core/proxy';
import { testPatient } from '@medvault/testing';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DevChain, devClient, startDevChain } from '../chain/dev-chain.js';
import { writeKeyFile } from '../cli/key-file.js';
import { medvault, type SpawnedService, spawnService } from '../cli/run-cli.js';
import { type RunningLedgerHost, startLedgerHost } from '../ledger-host/server.js';
import { FsStore } from '../storage/fs-store.js';

type ProxyProcess = {
  name: string;
  dataDir: string;
  keyFile: string;
  service: SpawnedService;
  endpoint: ProxyEndpoint;
};

let dir: string;
let chain: DevChain;
let chainAccess: {
  client: Awaited<ReturnType<typeof devClient>>['client'];
  registry: `0x${string}`;
  relayer: `0x${string}`;
};
let host: RunningLedgerHost;
let hostClient: LedgerHostClient;
let store: FsStore;
let ledgerId: string;
const proxies: ProxyProcess[] = [];
const extraServers: Server[] = [];
const keys = testPatient();
/** The patient's identity key: owns the ledger, signs on chain and every fragment. */
const patient = keys.identity;
const clinic = SecretKey.random();
const hospital = new Signer(SecretKey.random());
const records: Record<string, { cid: string; plaintext: string }> = {};

async function launchProxy(name: string, dataDir: string, keyFile: string): Promise<ProxyProcess> {
  const service = await spawnService(
    [
      'proxy',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--key',
      keyFile,
      '--rpc',
      chain.rpcUrl,
      '--registry',
      chain.registry,
    ],
    /listening on (http:\/\/\S+) key ([0-9a-f]{66})/,
  );
  const [, url, key] = service.match as unknown as [string, string, string];
  return {
    name,
    dataDir,
    keyFile,
    service,
    endpoint: { url, publicKey: PublicKey.fromCompressedBytes(hexToBytes(key)) },
  };
}

/** Stops a proxy at once, as a crash would. */
const kill = (p: ProxyProcess) => p.service.stop('SIGKILL');

/** A man in the middle that flips a byte of every capsule fragment a real proxy returns. */
async function tamperingFront(target: ProxyEndpoint): Promise<ProxyEndpoint> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host') headers[k] = v;
    const upstream = await fetch(`${target.url}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    let text = await upstream.text();
    if (req.url === '/v1/reencrypt' && upstream.ok) {
      const json = JSON.parse(text) as { cfrags: { cid: string; cfrag: string }[] };
      for (const c of json.cfrags) {
        const bytes = hexToBytes(c.cfrag);
        bytes[bytes.length - 40]! ^= 1;
        c.cfrag = bytesToHex(bytes);
      }
      text = JSON.stringify(json);
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  extraServers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    publicKey: target.publicKey,
  };
}

async function seal(name: string, category: string, text: string): Promise<void> {
  const sealed = await sealRecordBytes(keys.keyOf(category), new TextEncoder().encode(text), {
    contentType: 'application/fhir+json',
  });
  const cid = (await store.put(sealed.bytes)).toString();
  // the hospital proposes the record; it counts once the patient endorses it
  const proposal = await hostClient.submit(
    ledgerId,
    'record',
    {
      cid,
      capsule: sealed.capsule.toBytes(),
      contentType: 'application/fhir+json',
      resourceType: 'Observation',
      category,
      size: sealed.size,
      recipient: keys.recipientOf(category),
    },
    hospital,
  );
  await hostClient.submit(
    ledgerId,
    'endorse',
    { proposal: proposal.seq, entryHash: hashEntry(proposal), accept: true },
    new Signer(patient),
  );
  records[name] = { cid, plaintext: text };
}

const share = (
  endpoints: ProxyEndpoint[],
  overrides: Partial<Parameters<typeof grantAccess>[0]> = {},
) =>
  grantAccess({
    identity: patient,
    delegations: [{ category: 'laboratory', epoch: 0, secretKey: keys.secretOf('laboratory') }],
    notesKey: keys.keys.notesKey().publicKey(),
    reader: clinic.publicKey(),
    scope: { categories: ['laboratory'] },
    purpose: 'diabetes follow-up',
    expiresAt: Date.now() + 3_600_000,
    proxies: endpoints,
    threshold: 2,
    ledger: { host: hostClient, ledgerId },
    chain: chainAccess,
    ...overrides,
  });

async function read(grant: Grant, names: string[]) {
  const { records: opened, failures } = await readShared({
    reader: clinic,
    grant,
    cids: names.map((n) => records[n]!.cid),
    store,
    timeoutMs: 5_000,
    hedgeAfterMs: 300,
  });
  const texts = await Promise.all(
    opened.map(async (r) => new TextDecoder().decode(await collect(r.stream))),
  );
  return { texts, failures };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-share-'));
  chain = await startDevChain();
  const { client, relayer } = await devClient(chain.rpcUrl);
  chainAccess = { client, registry: chain.registry, relayer };
  host = await startLedgerHost({ dataDir: join(dir, 'ledgers'), log: () => {} });
  hostClient = new LedgerHostClient({ url: host.url });
  store = await FsStore.open(join(dir, 'blobs'));
  const local = await Ledger.create(new Signer(patient), { store: new MemoryLedgerStore() });
  ledgerId = await hostClient.createLedger(local.entryBytes(0));
  await hostClient.submit(ledgerId, 'encryption-keys', keys.keysEntry(), new Signer(patient));
  await seal('hba1c', 'laboratory', '{"code":"HbA1c","value":6.1}');
  await seal('lipids', 'laboratory', '{"code":"LDL","value":2.4}');
  await seal('xray', 'imaging', '{"code":"chest x-ray"}');
  for (const name of ['a', 'b', 'c']) {
    const keyFile = join(dir, `${name}.key`);
    await writeKeyFile(keyFile, SecretKey.random());
    proxies.push(await launchProxy(name, join(dir, `proxy-${name}`), keyFile));
  }
}, 60_000);

afterAll(async () => {
  for (const p of proxies) await kill(p);
  for (const s of extraServers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await host?.close();
  await chain?.anvil.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('sharing through three proxies, threshold 2', () => {
  let grant: Grant;

  test('the patient shares lab results; the clinic reads them', async () => {
    grant = await share(proxies.map((p) => p.endpoint));
    const { texts, failures } = await read(grant, ['hba1c', 'lipids']);
    expect(texts).toEqual([records.hba1c!.plaintext, records.lipids!.plaintext]);
    expect(failures).toEqual([]);
  });

  test('a proxy that tampers with its fragments is caught, named, and skipped', async () => {
    const front = await tamperingFront(proxies[0]!.endpoint);
    const tampered = await share([front, proxies[1]!.endpoint, proxies[2]!.endpoint]);
    const { texts, failures } = await read(tampered, ['hba1c']);
    expect(texts).toEqual([records.hba1c!.plaintext]);
    expect(failures).toEqual([
      expect.objectContaining({ proxy: front.url, code: 'PROXY_BAD_FRAGMENT' }),
    ]);
  });

  test('a replayed request is refused, and so is one replayed to another proxy', async () => {
    const body = jsonBody({ grantId: grant.grantId, cids: [records.hba1c!.cid] });
    const headers = {
      ...signRequest(new Signer(clinic), {
        audience: proxies[2]!.endpoint.publicKey,
        method: 'POST',
        path: '/v1/reencrypt',
        body,
      }),
      'content-type': 'application/json',
    };
    const send = (to: ProxyEndpoint) =>
      fetch(`${to.url}/v1/reencrypt`, { method: 'POST', headers, body: body as BodyInit });
    expect((await send(proxies[2]!.endpoint)).status).toBe(200);
    const replay = await send(proxies[2]!.endpoint);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'PROXY_AUTH_REPLAY' } });
    // the same signed request, taken to a proxy it was not addressed to
    const elsewhere = await send(proxies[0]!.endpoint);
    expect(elsewhere.status).toBe(401);
    expect(await elsewhere.json()).toMatchObject({ error: { code: 'PROXY_AUTH_SIGNATURE' } });
  });

  test('a record outside the scope is refused, alone: the records in scope of the same read still open', async () => {
    const result = await readShared({
      reader: clinic,
      grant,
      cids: [records.hba1c!.cid, records.xray!.cid],
      store,
      timeoutMs: 5_000,
      hedgeAfterMs: 300,
    });
    expect(result.records.map((r) => r.cid)).toEqual([records.hba1c!.cid]);
    expect(new TextDecoder().decode(await collect(result.records[0]!.stream))).toBe(
      records.hba1c!.plaintext,
    );
    expect(result.failed).toEqual([
      { cid: records.xray!.cid, code: 'PROXY_OUT_OF_SCOPE', message: expect.any(String) },
    ]);
    expect(result.failures).toEqual([]);
  });

  test('someone else’s signature is refused', async () => {
    const stranger = SecretKey.random();
    const error = await readShared({
      reader: stranger,
      grant,
      cids: [records.hba1c!.cid],
      store,
      timeoutMs: 5_000,
    }).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(NotEnoughFragmentsError);
    expect(
      (error as NotEnoughFragmentsError).failures.every((f) => f.code === 'PROXY_NOT_AUTHORIZED'),
    ).toBe(true);
  });

  test('an expired grant is refused', async () => {
    const shortLived = await share(
      proxies.map((p) => p.endpoint),
      { expiresAt: Date.now() + 2_500 },
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const error = await read(shortLived, ['hba1c']).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(NotEnoughFragmentsError);
    expect((error as NotEnoughFragmentsError).failures.map((f) => f.code)).toContain(
      'PROXY_GRANT_INACTIVE',
    );
  });

  test('a proxy that accepts connections but never answers does not hold up the read', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createNetServer((socket) => {
      sockets.add(socket); // accepted, never answered
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const hanging = {
        url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        publicKey: proxies[0]!.endpoint.publicKey,
      };
      const { texts } = await read(
        { ...grant, proxies: [hanging, proxies[1]!.endpoint, proxies[2]!.endpoint] },
        ['hba1c'],
      );
      expect(texts).toEqual([records.hba1c!.plaintext]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  test('a proxy that missed the forget request drops the fragment when the revocation reaches the chain', async () => {
    const other = await share(proxies.map((p) => p.endpoint));
    await revokeGrant(chainAccess.client, {
      registry: chainAccess.registry,
      relayer: chainAccess.relayer,
      owner: patient,
      grantId: hexToBytes(other.grantId),
    });
    const ask = async () => {
      const body = jsonBody({ grantId: other.grantId, cids: [records.hba1c!.cid] });
      const r = await fetch(`${proxies[1]!.endpoint.url}/v1/reencrypt`, {
        method: 'POST',
        headers: {
          ...signRequest(new Signer(clinic), {
            audience: proxies[1]!.endpoint.publicKey,
            method: 'POST',
            path: '/v1/reencrypt',
            body,
          }),
        },
        body: body as BodyInit,
      });
      return ((await r.json()) as { error: { code: string } }).error.code;
    };
    let code = await ask();
    for (let i = 0; i < 50 && code !== 'PROXY_GRANT_UNKNOWN'; i++) {
      expect(code).toBe('PROXY_GRANT_INACTIVE'); // refused all along, by the chain check
      await new Promise((r) => setTimeout(r, 200));
      code = await ask();
    }
    expect(code).toBe('PROXY_GRANT_UNKNOWN'); // and then forgotten, from the event
  });

  test('one proxy down: reading still works; two down: a clear error naming them', async () => {
    await kill(proxies[0]!);
    const { texts, failures } = await read(grant, ['lipids']);
    expect(texts).toEqual([records.lipids!.plaintext]);
    expect(failures.map((f) => f.code)).toEqual(failures.length ? ['PROXY_UNREACHABLE'] : []);
    await kill(proxies[1]!);
    const error = await read(grant, ['lipids']).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(NotEnoughFragmentsError);
    const failed = (error as NotEnoughFragmentsError).failures;
    expect(failed.map((f) => f.proxy).sort()).toEqual(
      [proxies[0]!.endpoint.url, proxies[1]!.endpoint.url].sort(),
    );
    expect((error as NotEnoughFragmentsError).shortMessage).toMatch(/Fewer than 2 proxies/);
  });

  test('after revocation every proxy refuses, even those that missed the forget request', async () => {
    const { unreachable } = await revokeAccess({
      identity: patient,
      grant,
      ledger: { host: hostClient, ledgerId },
      chain: chainAccess,
      timeoutMs: 2_000,
    });
    expect(unreachable.map((u) => u.proxy).sort()).toEqual(
      [proxies[0]!.endpoint.url, proxies[1]!.endpoint.url].sort(),
    );
    // the two that were down come back with their fragments still on disk
    proxies[0] = await launchProxy('a', proxies[0]!.dataDir, proxies[0]!.keyFile);
    proxies[1] = await launchProxy('b', proxies[1]!.dataDir, proxies[1]!.keyFile);
    const back = { ...grant, proxies: proxies.map((p) => p.endpoint) };
    const error = await read(back, ['hba1c']).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(NotEnoughFragmentsError);
    for (const f of (error as NotEnoughFragmentsError).failures) {
      expect(['PROXY_GRANT_INACTIVE', 'PROXY_GRANT_UNKNOWN']).toContain(f.code);
    }
    expect((error as NotEnoughFragmentsError).failures).toHaveLength(3);
  });

  test('the patient’s ledger shows every access and verifies with medvault ledger verify', async () => {
    const entries = await hostClient.withSigner(new Signer(patient)).entries(ledgerId);
    const accesses = entries.map(decodeEntry).filter((e) => e.kind === 'access');
    // first read 2, tampered share 2, replay test 1, one-down read 2 (or 3 with a hedge)
    expect(accesses.length).toBeGreaterThanOrEqual(7);
    const proxyKeys = proxies.map((p) => bytesToHex(p.endpoint.publicKey.toCompressedBytes()));
    for (const access of accesses) expect(proxyKeys).toContain(bytesToHex(access.author));
    const file = join(dir, 'patient.ledger');
    await writeFile(file, Buffer.concat(entries.map((e) => Buffer.from(e))));
    const verified = await medvault('ledger', 'verify', file);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });
});
