/**
 * The proxy's HTTP surface on bad input, limits and overload (real HTTP on
 * 127.0.0.1; a real dev chain where a delivery is checked against the
 * registry, a dead one where the chain is down on purpose). The full share
 * runs in share.e2e.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGrant } from '@medvault/core/chain';
import type { GrantScope } from '@medvault/core/ledger';
import { generateKFrags, SecretKey, Signer } from '@medvault/core/pre';
import { jsonBody, type KfragDelivery, sealKfragFor, signRequest } from '@medvault/core/proxy';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DevChain, devClient, startDevChain } from '../chain/dev-chain.js';
import { type ProxyOptions, type RunningProxy, startProxy } from './server.js';

const dirs: string[] = [];
const running: RunningProxy[] = [];
const DEAD_RPC = 'http://127.0.0.1:9'; // nothing listens on the discard port

async function proxy(
  options: Partial<ProxyOptions> = {},
): Promise<RunningProxy & { key: SecretKey; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'medvault-proxy-'));
  dirs.push(dataDir);
  const key = SecretKey.random();
  const p = await startProxy({
    dataDir,
    key,
    rpcUrl: DEAD_RPC,
    registry: `0x${'11'.repeat(20)}`,
    watchIntervalMs: 0,
    log: () => {},
    ...options,
  });
  running.push(p);
  return { ...p, key, dataDir };
}

afterAll(async () => {
  for (const p of running) await p.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The patient's identity key (signs), and two encryption keys it delegates from. */
const patient = SecretKey.random();
const patientSigner = new Signer(patient);
const lab0 = SecretKey.random();
const lab1 = SecretKey.random();
const reader = SecretKey.random();
const hex = (pk: { toCompressedBytes(): Uint8Array }) => bytesToHex(pk.toCompressedBytes());

async function signed(
  to: { url: string; key: SecretKey },
  method: 'PUT' | 'POST' | 'DELETE',
  path: string,
  body: unknown,
  signer = patientSigner,
) {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : jsonBody(body);
  const response = await fetch(`${to.url}${path}`, {
    method,
    headers: {
      ...signRequest(signer, { audience: to.key.publicKey(), method, path, body: bytes }),
      'content-type': 'application/json',
    },
    body: bytes as BodyInit,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? JSON.parse(text) : undefined,
  };
}

const SCOPE: GrantScope = { categories: ['laboratory'] };
const EXPIRES = Date.now() + 3_600_000;
const SALT = '5a'.repeat(32);

/** A fragment of `from` (an encryption key) for the reader, signed by the identity, sealed to a proxy. */
function fragment(proxyKey: SecretKey, from = lab0, forReader = reader, signer = patientSigner) {
  const [kfrag] = generateKFrags(from, forReader.publicKey(), signer, 1, 1, true, true);
  return { key: hex(from.publicKey()), kfrag: sealKfragFor(proxyKey.publicKey(), kfrag!) };
}

function delivery(proxyKey: SecretKey, forReader = reader): KfragDelivery {
  return {
    ledgerId: '00'.repeat(32),
    ledgerHost: 'http://127.0.0.1:1',
    patient: hex(patient.publicKey()),
    verifyingKey: hex(patientSigner.verifyingKey()),
    reader: hex(reader.publicKey()),
    scope: SCOPE,
    expiresAt: EXPIRES,
    salt: SALT,
    fragments: [fragment(proxyKey, lab0, forReader)],
  };
}

let chain: DevChain;
/** The delivery's grant, registered on chain by `owner` (the patient by default) under a new id. */
async function registered(body: KfragDelivery, owner = patient): Promise<string> {
  const grantId = randomBytes(32);
  const { client, relayer } = await devClient(chain.rpcUrl);
  await registerGrant(client, {
    registry: chain.registry,
    relayer,
    owner,
    grantId,
    ledgerId: Buffer.from(body.ledgerId, 'hex'),
    grantee: Buffer.from(body.reader, 'hex'),
    scope: body.scope,
    ledgerHost: body.ledgerHost,
    salt: Buffer.from(body.salt, 'hex'),
    expiresAt: body.expiresAt,
  });
  return bytesToHex(grantId);
}

beforeAll(async () => {
  chain = await startDevChain();
});
afterAll(async () => {
  await chain?.anvil.stop();
});

describe('proxy HTTP surface', () => {
  let p: Awaited<ReturnType<typeof proxy>>;
  beforeAll(async () => {
    p = await proxy({ rpcUrl: chain.rpcUrl, registry: chain.registry });
  });

  test('health and metrics', async () => {
    const health = await (await fetch(`${p.url}/v1/health`)).json();
    expect(health).toEqual({ status: 'ok', publicKey: hex(p.publicKey), grants: 0 });
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toMatch(/medvault_proxy_request_duration_seconds_count \d+/);
    expect(metrics).toMatch(/medvault_proxy_grants 0/);
  });

  test('unknown routes are 404, wrong methods 405 with Allow', async () => {
    expect((await fetch(`${p.url}/v2/anything`)).status).toBe(404);
    const wrong = await fetch(`${p.url}/v1/reencrypt`, { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  test('a key fragment is stored once; the same again is fine, another for the same key is a conflict; another key’s is added', async () => {
    const body = delivery(p.key);
    const grantId = await registered(body);
    const put = (b: KfragDelivery) => signed(p, 'PUT', `/v1/grants/${grantId}/kfrag`, b);
    expect((await put(body)).status).toBe(201);
    expect((await put(body)).status).toBe(200);
    const other = await put(delivery(p.key));
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('PROXY_GRANT_EXISTS');
    // a rotation: the next epoch's fragment joins the grant
    expect((await put({ ...body, fragments: [fragment(p.key, lab1)] })).status).toBe(201);
    const file = JSON.parse(await readFile(join(p.dataDir, 'grants', `${grantId}.json`), 'utf8'));
    expect(file.kfrags.map((k: { key: string }) => k.key)).toEqual([
      hex(lab0.publicKey()),
      hex(lab1.publicKey()),
    ]);
    // other terms under the same id are a conflict
    const otherTerms = await put({
      ...body,
      fragments: [fragment(p.key, SecretKey.random())],
      scope: { categories: ['psychiatry'] },
    });
    expect(otherTerms.status).toBe(422); // the chain's commitment names other terms
  });

  test('fragments that are not for this proxy, or do not verify, are refused with 422', async () => {
    const grantId = bytesToHex(randomBytes(32));
    const elsewhere = await signed(
      p,
      'PUT',
      `/v1/grants/${grantId}/kfrag`,
      delivery(SecretKey.random()),
    );
    expect(elsewhere).toMatchObject({
      status: 422,
      json: { error: { code: 'PROXY_KFRAG_INVALID' } },
    });
    const forAnotherReader = await signed(
      p,
      'PUT',
      `/v1/grants/${grantId}/kfrag`,
      delivery(p.key, SecretKey.random()),
    );
    expect(forAnotherReader).toMatchObject({
      status: 422,
      json: { error: { code: 'PROXY_KFRAG_INVALID' } },
    });
  });

  test('a delivery signed by another key than the fragment’s is refused with 403', async () => {
    const grantId = bytesToHex(randomBytes(32));
    const r = await signed(
      p,
      'PUT',
      `/v1/grants/${grantId}/kfrag`,
      delivery(p.key),
      new Signer(reader),
    );
    expect(r).toMatchObject({ status: 403, json: { error: { code: 'PROXY_NOT_AUTHORIZED' } } });
  });

  test('unsigned requests are 400, not JSON or off-schema bodies 400 with what was wrong', async () => {
    const unsigned = await fetch(`${p.url}/v1/reencrypt`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json()).error.code).toBe('PROXY_AUTH_MALFORMED');
    const notJson = await signed(p, 'POST', '/v1/reencrypt', 'not json');
    expect(notJson).toMatchObject({ status: 400, json: { error: { code: 'PROXY_INVALID_BODY' } } });
    const offSchema = await signed(p, 'POST', '/v1/reencrypt', { grantId: 'zz', cids: [] });
    expect(offSchema.status).toBe(400);
    expect(offSchema.json.error.message).toMatch(/grantId/);
  });

  test('any signed body gets a typed 4xx answer, never a 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), fc.record({ grantId: fc.string(), cids: fc.array(fc.string()) })),
        fc.constantFrom('/v1/reencrypt', `/v1/grants/${'ab'.repeat(32)}/kfrag`),
        async (body, path) => {
          const r = await signed(p, path === '/v1/reencrypt' ? 'POST' : 'PUT', path, body);
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(r.status).toBeLessThan(500);
          expect(typeof r.json.error.code).toBe('string');
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a re-encryption for a grant the proxy does not hold is 404', async () => {
    const r = await signed(
      p,
      'POST',
      '/v1/reencrypt',
      { grantId: 'cd'.repeat(32), cids: ['bafy'] },
      new Signer(reader),
    );
    expect(r).toMatchObject({ status: 404, json: { error: { code: 'PROXY_GRANT_UNKNOWN' } } });
  });

  test('a delivery that differs from the grant registered on chain is refused with 422', async () => {
    const body = delivery(p.key);
    const grantId = await registered(body);
    const put = (b: KfragDelivery, signer = patientSigner) =>
      signed(p, 'PUT', `/v1/grants/${grantId}/kfrag`, b, signer);
    // the access-log hijack and the outbound URL: another host, another ledger
    for (const changed of [
      { ledgerHost: 'http://attacker.example:8080' },
      { ledgerId: 'ee'.repeat(32) },
      { scope: { categories: ['psychiatry'] } },
      { salt: '00'.repeat(32) },
      { expiresAt: EXPIRES + 86_400_000 },
    ]) {
      const r = await put({ ...body, ...changed });
      expect(r, JSON.stringify(changed)).toMatchObject({
        status: 422,
        json: { error: { code: 'PROXY_KFRAG_INVALID' } },
      });
    }
    // an id the patient never registered
    const unknown = await signed(p, 'PUT', `/v1/grants/${'ab'.repeat(32)}/kfrag`, body);
    expect(unknown.json.error.code).toBe('PROXY_KFRAG_INVALID');
    // a stranger registers the same terms under its own key and delivers its own fragment
    const stranger = SecretKey.random();
    const strangerSigner = new Signer(stranger);
    const own = {
      ...body,
      patient: hex(stranger.publicKey()),
      verifyingKey: hex(strangerSigner.verifyingKey()),
      fragments: [fragment(p.key, stranger, reader, strangerSigner)],
    };
    const theirs = await signed(p, 'PUT', `/v1/grants/${grantId}/kfrag`, own, strangerSigner);
    expect(theirs.json.error.code).toBe('PROXY_KFRAG_INVALID');
    expect((await put(body)).status).toBe(201);
  });

  test('the chain unreachable is a 503 with Retry-After, not a crash', async () => {
    const dead = await proxy();
    const grantId = bytesToHex(randomBytes(32));
    const r = await signed(dead, 'PUT', `/v1/grants/${grantId}/kfrag`, delivery(dead.key));
    expect(r).toMatchObject({
      status: 503,
      json: { error: { code: 'PROXY_UPSTREAM_UNAVAILABLE' } },
    });
    expect(r.headers.get('retry-after')).toBe('1');
  });

  test('bodies over the limit are 413', async () => {
    const small = await proxy({ maxBodyBytes: 1000 });
    const r = await fetch(`${small.url}/v1/reencrypt`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('PROXY_BODY_TOO_LARGE');
  });
});

describe('overload', () => {
  test('a key over its rate gets 429 with Retry-After', async () => {
    const p = await proxy({ perKeyPerSecond: 1 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await signed(
        p,
        'POST',
        '/v1/reencrypt',
        { grantId: 'ef'.repeat(32), cids: ['x'] },
        new Signer(reader),
      );
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 2)).toEqual([404, 404]);
    expect(statuses).toContain(429);
    expect(retryAfter).toBe('1');
  });

  test('past its capacity the proxy answers 503 with Retry-After', async () => {
    const p = await proxy({ maxInFlight: 0 });
    const r = await signed(p, 'POST', '/v1/reencrypt', {
      grantId: 'ef'.repeat(32),
      cids: ['x'],
    });
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('PROXY_BUSY');
    expect(r.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${p.url}/v1/health`)).status).toBe(200);
  });
});
