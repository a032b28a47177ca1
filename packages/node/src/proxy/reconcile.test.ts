/**
 * The proxy reconciles the fragments it holds with the chain: at start and
 * every `reconcileIntervalMs` it drops the fragments of grants revoked,
 * expired, or never registered within the grace period — so a proxy that
 * was down during a revocation does not keep the fragment forever. Real
 * anvil with the registry, real proxies over one data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGrant, revokeGrant } from '@medvault/core/chain';
import { generateKFrags, SecretKey, Signer } from '@medvault/core/pre';
import { jsonBody, type KfragDelivery, sealKfragFor, signRequest } from '@medvault/core/proxy';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DevChain, type DevClient, devClient, startDevChain } from '../chain/dev-chain.js';
import { KfragStore } from './kfrag-store.js';
import { type ProxyOptions, type RunningProxy, startProxy } from './server.js';

let chain: DevChain;
let client: DevClient;
let relayer: `0x${string}`;
const dirs: string[] = [];
const running: RunningProxy[] = [];

beforeAll(async () => {
  chain = await startDevChain();
  ({ client, relayer } = await devClient(chain.rpcUrl));
});
afterAll(async () => {
  for (const p of running) await p.close();
  await chain?.anvil.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const LEDGER_HOST = 'http://127.0.0.1:1';
const scope = { categories: ['laboratory'] };

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'medvault-reconcile-'));
  dirs.push(dir);
  return dir;
}

async function proxy(
  dataDir: string,
  key: SecretKey,
  options: Partial<ProxyOptions> = {},
): Promise<RunningProxy & { key: SecretKey }> {
  const p = await startProxy({
    dataDir,
    key,
    rpcUrl: chain.rpcUrl,
    registry: chain.registry,
    watchIntervalMs: 0,
    log: () => {},
    ...options,
  });
  running.push(p);
  return { ...p, key };
}

async function stop(p: RunningProxy): Promise<void> {
  running.splice(running.indexOf(p), 1);
  await p.close();
}

/** The number of grants a proxy holds, by its health route. */
async function held(p: RunningProxy): Promise<number> {
  return ((await (await fetch(`${p.url}/v1/health`)).json()) as { grants: number }).grants;
}

/** A new grant of a new patient for a new reader, registered on chain. */
async function registered(expiresAt = Date.now() + 86_400_000) {
  const grant = {
    patient: SecretKey.random(),
    reader: SecretKey.random().publicKey(),
    grantId: randomBytes(32),
    ledgerId: randomBytes(32),
    salt: randomBytes(32),
    expiresAt,
  };
  await registerGrant(client, {
    registry: chain.registry,
    relayer,
    owner: grant.patient,
    grantId: grant.grantId,
    ledgerId: grant.ledgerId,
    grantee: grant.reader.toCompressedBytes(),
    scope,
    ledgerHost: LEDGER_HOST,
    salt: grant.salt,
    expiresAt,
  });
  return grant;
}

/** The grant's patient delivers one fragment of it to `to`. */
async function deliver(
  to: { url: string; key: SecretKey },
  grant: Awaited<ReturnType<typeof registered>>,
) {
  const signer = new Signer(grant.patient);
  const lab = SecretKey.random(); // the encryption key delegated
  const [kfrag] = generateKFrags(lab, grant.reader, signer, 1, 1, true, true);
  const body: KfragDelivery = {
    ledgerId: bytesToHex(grant.ledgerId),
    ledgerHost: LEDGER_HOST,
    patient: bytesToHex(grant.patient.publicKey().toCompressedBytes()),
    verifyingKey: bytesToHex(signer.verifyingKey().toCompressedBytes()),
    reader: bytesToHex(grant.reader.toCompressedBytes()),
    scope,
    expiresAt: grant.expiresAt,
    salt: bytesToHex(grant.salt),
    fragments: [
      {
        key: bytesToHex(lab.publicKey().toCompressedBytes()),
        kfrag: sealKfragFor(to.key.publicKey(), kfrag!),
      },
    ],
  };
  const path = `/v1/grants/${bytesToHex(grant.grantId)}/kfrag`;
  const bytes = jsonBody(body);
  const response = await fetch(`${to.url}${path}`, {
    method: 'PUT',
    headers: {
      ...signRequest(signer, { audience: to.key.publicKey(), method: 'PUT', path, body: bytes }),
      'content-type': 'application/json',
    },
    body: bytes as BodyInit,
  });
  expect(response.status).toBe(201);
}

/**
 * A fragment the store holds for a grant never registered, stored `age` ms
 * ago (put straight into the proxy's store: a proxy may refuse to take a
 * fragment for an unregistered grant, but one taken before still needs dropping).
 */
async function storedUnregistered(dataDir: string, age = 0) {
  const store = await KfragStore.open(dataDir);
  const patient = bytesToHex(SecretKey.random().publicKey().toCompressedBytes());
  await store.put({
    grantId: bytesToHex(randomBytes(32)),
    ledgerId: bytesToHex(randomBytes(32)),
    ledgerHost: LEDGER_HOST,
    patient,
    verifyingKey: patient,
    reader: bytesToHex(SecretKey.random().publicKey().toCompressedBytes()),
    scope,
    expiresAt: Date.now() + 86_400_000,
    salt: bytesToHex(randomBytes(32)),
    kfrags: [{ key: patient, kfrag: bytesToHex(randomBytes(300)) }],
    storedAt: Date.now() - age,
  });
}

describe('reconciling fragments with the chain', () => {
  test('a grant revoked while the proxy was down: its fragment is gone after the restart', async () => {
    const dataDir = await newDataDir();
    const key = SecretKey.random();
    const first = await proxy(dataDir, key);
    const revoked = await registered();
    const active = await registered();
    await deliver(first, revoked);
    await deliver(first, active);
    expect(await held(first)).toBe(2);
    await stop(first);

    await revokeGrant(client, {
      registry: chain.registry,
      relayer,
      owner: revoked.patient,
      grantId: revoked.grantId,
    });

    const again = await proxy(dataDir, key);
    await expect.poll(() => held(again), { timeout: 5_000 }).toBe(1);
    // the active grant's fragment stays
    await new Promise((r) => setTimeout(r, 300));
    expect(await held(again)).toBe(1);
  });

  test("an expired grant's fragment is dropped at the next reconcile", async () => {
    const p = await proxy(await newDataDir(), SecretKey.random(), { reconcileIntervalMs: 200 });
    const block = await client.getBlock();
    const grant = await registered(Number(block.timestamp) * 1000 + 3_600_000);
    await deliver(p, grant);
    await new Promise((r) => setTimeout(r, 500));
    expect(await held(p)).toBe(1);
    await client.request({ method: 'evm_increaseTime' as never, params: [3601] as never });
    await client.request({ method: 'evm_mine' as never });
    await expect.poll(() => held(p), { timeout: 5_000 }).toBe(0);
  });

  test('a fragment never registered is dropped once the grace period is over, not before', async () => {
    const dataDir = await newDataDir();
    await storedUnregistered(dataDir, 0);
    await storedUnregistered(dataDir, 120_000);
    const p = await proxy(dataDir, SecretKey.random(), {
      reconcileIntervalMs: 100,
      registrationGraceMs: 60_000,
    });
    await expect.poll(() => held(p), { timeout: 5_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await held(p)).toBe(1);
  });

  test("a stranger's revocation of the same grant id (their own namespace) drops nothing", async () => {
    const p = await proxy(await newDataDir(), SecretKey.random(), {
      watchIntervalMs: 100,
      reconcileIntervalMs: 100,
    });
    const grant = await registered();
    await deliver(p, grant);
    const stranger = SecretKey.random();
    await registerGrant(client, {
      registry: chain.registry,
      relayer,
      owner: stranger,
      grantId: grant.grantId,
      ledgerId: grant.ledgerId,
      grantee: grant.reader.toCompressedBytes(),
      scope,
      ledgerHost: LEDGER_HOST,
      salt: grant.salt,
      expiresAt: grant.expiresAt,
    });
    await revokeGrant(client, {
      registry: chain.registry,
      relayer,
      owner: stranger,
      grantId: grant.grantId,
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(await held(p)).toBe(1);
    // the patient's own revocation is seen by the watcher
    await revokeGrant(client, {
      registry: chain.registry,
      relayer,
      owner: grant.patient,
      grantId: grant.grantId,
    });
    await expect.poll(() => held(p), { timeout: 5_000 }).toBe(0);
  });

  test('a chain that does not answer drops nothing', async () => {
    const dataDir = await newDataDir();
    await storedUnregistered(dataDir, 120_000);
    const p = await proxy(dataDir, SecretKey.random(), {
      rpcUrl: 'http://127.0.0.1:9',
      reconcileIntervalMs: 100,
      registrationGraceMs: 0,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await held(p)).toBe(1);
  });
});
