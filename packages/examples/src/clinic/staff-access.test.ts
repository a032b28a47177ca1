/**
 * Who may use the clinic's API, over real HTTP against the clinic's server
 * on 127.0.0.1 (a free port), as an attacker would try it: without signing
 * in, from another Host (DNS rebinding), from another origin with the staff's
 * cookie, without the CSRF token, and guessing the password. The upstream
 * services are unreachable addresses: every request here is decided before
 * the clinic reads anything, or by the handler itself.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretKey } from '@medvault/core/pre';
import { type GrantJson, grantJsonSchema } from '@medvault/core/proxy';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClinicSite, startClinicSite } from './server.js';

const STAFF = { username: 'okafor', password: 'correct horse battery staple' };
const NOWHERE = 'http://127.0.0.1:9'; // the discard port: nothing listens
const dirs: string[] = [];
const sites: ClinicSite[] = [];

const key = () => bytesToHex(SecretKey.random().publicKey().toCompressedBytes());

/**
 * A grant the clinic already holds (a patient shared it earlier). Fields the
 * grant's JSON has gained since (the commitment's ledger host and salt, the categories delegated) are
 * filled in when its schema names them.
 */
function heldGrant(reader: SecretKey): GrantJson {
  const later: Record<string, unknown> = {
    ledgerHost: NOWHERE,
    salt: bytesToHex(randomBytes(32)),
    categories: ['laboratory'],
  };
  return {
    grantId: bytesToHex(randomBytes(32)),
    ledgerId: bytesToHex(randomBytes(32)),
    patient: key(),
    verifyingKey: key(),
    reader: bytesToHex(reader.publicKey().toCompressedBytes()),
    scope: { categories: ['laboratory'] },
    purpose: 'Diabetes follow-up',
    expiresAt: Date.now() + 86_400_000,
    proxies: [{ url: NOWHERE, publicKey: key() }],
    threshold: 1,
    ...Object.fromEntries(Object.entries(later).filter(([name]) => name in grantJsonSchema.shape)),
  } as GrantJson;
}

async function clinic(options: Record<string, unknown> = {}, grants: GrantJson[] = []) {
  const dataDir = await mkdtemp(join(tmpdir(), 'medvault-clinic-'));
  dirs.push(dataDir);
  await writeFile(join(dataDir, 'grants.json'), JSON.stringify(grants));
  const site = await startClinicSite({
    readerKey: SecretKey.random(),
    ledgerHost: NOWHERE,
    blobService: NOWHERE,
    rpcUrl: NOWHERE,
    registry: '0x0000000000000000000000000000000000000000',
    dataDir,
    port: 0,
    staff: STAFF,
    log: () => {},
    ...options,
  });
  sites.push(site);
  return site;
}

afterAll(async () => {
  for (const site of sites) await site.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

type Answer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { error?: { code: string; message: string } } & Record<string, unknown>;
};

/**
 * One request with exactly these headers (`node:http`, so Host and Origin
 * are what an attacker's client would send), from `from` (a loopback address).
 */
function send(
  site: { url: string },
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: unknown;
    from?: string;
    noHost?: boolean;
  } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${site.url}${path}`,
      {
        method,
        agent: false,
        setHost: !options.noHost,
        localAddress: options.from ?? '127.0.0.1',
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let json = {};
          try {
            json = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs in as the page does: same origin, JSON credentials. */
async function signIn(site: ClinicSite, credentials = STAFF) {
  const answer = await send(site, 'POST', '/api/session', {
    headers: { origin: site.url },
    body: credentials,
  });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  const setCookie = String(answer.headers['set-cookie']?.[0]);
  const cookie = setCookie.split(';')[0] as string;
  return { cookie, csrfToken: answer.json.csrfToken as string, setCookie };
}

/** The headers of a signed-in call from the clinic's own page. */
const staffHeaders = (site: ClinicSite, s: { cookie: string; csrfToken: string }) => ({
  origin: site.url,
  cookie: s.cookie,
  'x-csrf-token': s.csrfToken,
});

describe('a stranger without a session', () => {
  let site: ClinicSite;
  let grant: GrantJson;
  beforeAll(async () => {
    const readerKey = SecretKey.random();
    grant = heldGrant(readerKey);
    site = await clinic({ readerKey }, [grant]);
  });

  test('GET /api/grants is 401 CLINIC_NOT_SIGNED_IN, and lists nothing', async () => {
    const answer = await send(site, 'GET', '/api/grants');
    expect(answer.status).toBe(401);
    expect(answer.json.error?.code).toBe('CLINIC_NOT_SIGNED_IN');
    expect(JSON.stringify(answer.json)).not.toContain(grant.grantId);
  });

  test('POST /api/grants/:id/read is 401, even from the same origin', async () => {
    const answer = await send(site, 'POST', `/api/grants/${grant.grantId}/read`, {
      headers: { origin: site.url },
      body: {},
    });
    expect(answer.status).toBe(401);
    expect(answer.json.error?.code).toBe('CLINIC_NOT_SIGNED_IN');
  });

  test('the proof, anchor, share list and receiving routes are 401 as well', async () => {
    for (const [method, path] of [
      ['GET', `/api/grants/${grant.grantId}/proofs/0`],
      ['GET', `/api/grants/${grant.grantId}/anchor`],
      ['GET', '/api/shares'],
      ['POST', '/api/grants'],
    ] as const) {
      const answer = await send(site, method, path, {
        headers: { origin: site.url },
        ...(method === 'POST' ? { body: { grant } } : {}),
      });
      expect(answer.status, path).toBe(401);
      expect(answer.json.error?.code, path).toBe('CLINIC_NOT_SIGNED_IN');
    }
  });

  test('a made-up session cookie is 401', async () => {
    const made = `clinic_session=${Buffer.from(randomBytes(32)).toString('base64url')}`;
    const answer = await send(site, 'GET', '/api/grants', { headers: { cookie: made } });
    expect(answer.status).toBe(401);
  });

  test('the page itself is public: it asks to sign in', async () => {
    const answer = await send(site, 'GET', '/');
    expect(answer.status).toBe(200);
    expect((await send(site, 'GET', '/api/session')).json).toEqual({ signedIn: false });
  });
});

describe('DNS rebinding: a Host that is not the site', () => {
  test('is refused 421 CLINIC_WRONG_HOST before any handler, with a valid session too', async () => {
    const site = await clinic();
    const session = await signIn(site);
    const port = new URL(site.url).port;
    for (const [method, path] of [
      ['GET', '/api/grants'],
      ['POST', '/api/grants'],
      ['GET', '/'],
      ['GET', '/app.js'],
      ['POST', '/api/session'],
    ] as const) {
      const answer = await send(site, method, path, {
        headers: {
          ...staffHeaders(site, session),
          host: `attacker.example:${port}`,
          origin: `http://attacker.example:${port}`,
        },
        ...(method === 'POST' ? { body: STAFF } : {}),
      });
      expect(answer.status, `${method} ${path}`).toBe(421);
      expect(answer.json.error?.code).toBe('CLINIC_WRONG_HOST');
    }
    // no Host at all is not the site either (Node itself answers 400 for HTTP/1.1)
    const bare = await send(site, 'GET', '/api/grants', {
      headers: { cookie: session.cookie },
      noHost: true,
    });
    expect([400, 421]).toContain(bare.status);
  });

  test('its own address, localhost, and the names configured are the site', async () => {
    const site = await clinic({ allowedHosts: ['clinic.example'] });
    const session = await signIn(site);
    const port = new URL(site.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'clinic.example',
      'CLINIC.example:443',
    ]) {
      const answer = await send(site, 'GET', '/api/grants', {
        headers: { host, cookie: session.cookie },
      });
      expect(answer.status, host).toBe(200);
    }
  });
});

describe('cross-site requests carrying the staff cookie', () => {
  let site: ClinicSite;
  let session: { cookie: string; csrfToken: string };
  beforeAll(async () => {
    site = await clinic();
    session = await signIn(site);
  });

  test('a POST from a foreign Origin is 403 CLINIC_CROSS_ORIGIN, token or not', async () => {
    for (const origin of [
      'https://attacker.example',
      'null',
      site.url.replace('http:', 'https:'),
    ]) {
      const answer = await send(site, 'POST', '/api/grants', {
        headers: { ...staffHeaders(site, session), origin },
        body: { grant: heldGrant(SecretKey.random()) },
      });
      expect(answer.status, origin).toBe(403);
      expect(answer.json.error?.code).toBe('CLINIC_CROSS_ORIGIN');
    }
  });

  test('a POST with neither Origin nor Sec-Fetch-Site: same-origin is 403', async () => {
    const { origin: _, ...headers } = staffHeaders(site, session);
    const cross = await send(site, 'POST', '/api/grants/00/read', {
      headers: { ...headers, 'sec-fetch-site': 'cross-site' },
      body: {},
    });
    expect(cross.status).toBe(403);
    expect(cross.json.error?.code).toBe('CLINIC_CROSS_ORIGIN');
    // a browser that says same-origin without an Origin header gets through to the handler
    const same = await send(site, 'POST', '/api/grants/00/read', {
      headers: { ...headers, 'sec-fetch-site': 'same-origin' },
      body: {},
    });
    expect(same.status).toBe(404);
    expect(same.json.error?.code).toBe('NO_GRANT');
  });

  test('signing in from a foreign Origin is 403 (no login CSRF)', async () => {
    const answer = await send(site, 'POST', '/api/session', {
      headers: { origin: 'https://attacker.example' },
      body: STAFF,
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  test('a same-origin POST without the CSRF token, or with a wrong one, is 403 CLINIC_BAD_CSRF_TOKEN', async () => {
    const other = await signIn(site);
    for (const token of [undefined, '', 'x', other.csrfToken, `${session.csrfToken}x`]) {
      const answer = await send(site, 'POST', '/api/grants', {
        headers: {
          origin: site.url,
          cookie: session.cookie,
          ...(token === undefined ? {} : { 'x-csrf-token': token }),
        },
        body: { grant: heldGrant(SecretKey.random()) },
      });
      expect(answer.status, String(token)).toBe(403);
      expect(answer.json.error?.code).toBe('CLINIC_BAD_CSRF_TOKEN');
    }
  });
});

describe('signing in', () => {
  test('a wrong password is 401; after 10 within 15 minutes, 429 even with the right one, for that username and address only', async () => {
    const site = await clinic();
    const wrong = { username: STAFF.username, password: 'guess' };
    for (let i = 0; i < 10; i++) {
      const answer = await send(site, 'POST', '/api/session', {
        headers: { origin: site.url },
        body: wrong,
      });
      expect(answer.status, `attempt ${i + 1}`).toBe(401);
      expect(answer.json.error?.code).toBe('CLINIC_BAD_CREDENTIALS');
    }
    for (const credentials of [wrong, STAFF]) {
      const answer = await send(site, 'POST', '/api/session', {
        headers: { origin: site.url },
        body: credentials,
      });
      expect(answer.status).toBe(429);
      expect(answer.json.error?.code).toBe('CLINIC_TOO_MANY_ATTEMPTS');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(60);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    // the staff member at another address still signs in
    const elsewhere = await send(site, 'POST', '/api/session', {
      headers: { origin: site.url },
      body: STAFF,
      from: '127.0.0.2',
    });
    expect(elsewhere.status).toBe(200);
  });

  test('an unknown username is the same 401; a body without both strings is 400', async () => {
    const site = await clinic();
    const unknown = await send(site, 'POST', '/api/session', {
      headers: { origin: site.url },
      body: { username: 'mallory', password: STAFF.password },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error?.code).toBe('CLINIC_BAD_CREDENTIALS');
    for (const body of [{}, { username: STAFF.username }, { username: 1, password: 2 }, []]) {
      const answer = await send(site, 'POST', '/api/session', {
        headers: { origin: site.url },
        body,
      });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error?.code).toBe('CLINIC_BAD_SIGN_IN');
    }
  });

  test('the session cookie: 32 random bytes, HttpOnly, SameSite=Strict, Path=/; Secure under https', async () => {
    const site = await clinic();
    const { setCookie, cookie } = await signIn(site);
    expect(setCookie).toMatch(/^clinic_session=[A-Za-z0-9_-]{43}; /);
    expect(Buffer.from(cookie.split('=')[1] as string, 'base64url')).toHaveLength(32);
    const attributes = setCookie.split('; ').slice(1);
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect(attributes).not.toContain('Secure');

    const behindTls = await clinic({ publicUrl: 'https://clinic.example' });
    const tls = await send(behindTls, 'POST', '/api/session', {
      headers: { host: 'clinic.example', origin: 'https://clinic.example' },
      body: STAFF,
    });
    expect(tls.status).toBe(200);
    const secure = String(tls.headers['set-cookie']?.[0]).split('; ');
    // the https origin only: the same name over http is another origin
    const plain = await send(behindTls, 'POST', '/api/session', {
      headers: { host: 'clinic.example', origin: 'http://clinic.example' },
      body: STAFF,
    });
    expect(plain.status).toBe(403);
    expect(secure[0]).toMatch(/^__Host-clinic_session=/);
    expect(secure).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict']));
  });

  test('signed in, same origin, with the token: the API answers', async () => {
    const readerKey = SecretKey.random();
    const held = heldGrant(readerKey);
    const site = await clinic({ readerKey }, [held]);
    const session = await signIn(site);
    const headers = staffHeaders(site, session);
    expect(
      (await send(site, 'GET', '/api/session', { headers: { cookie: session.cookie } })).json,
    ).toEqual({
      signedIn: true,
      username: STAFF.username,
      csrfToken: session.csrfToken,
    });
    const list = await send(site, 'GET', '/api/grants', { headers: { cookie: session.cookie } });
    expect(list.status).toBe(200);
    expect(list.json).toEqual([held]);
    // the handler decides: a grant for another reader is not the clinic's
    const foreign = await send(site, 'POST', '/api/grants', {
      headers,
      body: { grant: heldGrant(SecretKey.random()) },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error?.code).toBe('NOT_OUR_GRANT');
    const unknown = await send(site, 'POST', `/api/grants/${'ab'.repeat(32)}/read`, {
      headers,
      body: {},
    });
    expect(unknown.json.error?.code).toBe('NO_GRANT');
  });

  test('the shares are listed with who received them; a refused read says what the page needs to put it in words', async () => {
    const readerKey = SecretKey.random();
    const held = heldGrant(readerKey);
    const site = await clinic({ readerKey }, [held]);
    const session = await signIn(site);
    const headers = staffHeaders(site, session);
    // a new share arrives: kept with when and by whom, though its read is refused (nothing upstream)
    const fresh = { ...heldGrant(readerKey), purpose: 'Second opinion' };
    const before = Date.now();
    const received = await send(site, 'POST', '/api/grants', { headers, body: { grant: fresh } });
    expect(received.status).toBe(502);
    const list = await send(site, 'GET', '/api/shares', { headers: { cookie: session.cookie } });
    expect(list.status).toBe(200);
    const shares = list.json as unknown as Record<string, unknown>[];
    expect(shares.map((s) => s.grantId)).toEqual([fresh.grantId, held.grantId]);
    expect(shares[0]).toMatchObject({
      purpose: 'Second opinion',
      covers: 'Lab results',
      receivedBy: STAFF.username,
      status: 'active',
      expiresAt: fresh.expiresAt,
    });
    expect(shares[0]?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(shares[0]?.patient).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){4}$/);
    // the grant held from before receipts were kept: no receipt, still listed and readable
    expect(shares[1]).not.toHaveProperty('receivedBy');
    // the refusal: the library's code, and the share's threshold, proxies and expiry beside it
    const refused = await send(site, 'POST', `/api/grants/${held.grantId}/read`, {
      headers,
      body: {},
    });
    expect(refused.status).toBe(502);
    expect(refused.json.error?.code).toMatch(/^[A-Z_]+$/);
    expect(refused.json.refusal).toEqual({
      code: refused.json.error?.code,
      failures: [],
      threshold: 1,
      proxies: 1,
      expiresAt: held.expiresAt,
    });
    // after a restart on the same data directory, the receipt is still there
    const dataDir = dirs.at(-1) as string;
    const again = await startClinicSite({
      readerKey,
      ledgerHost: NOWHERE,
      blobService: NOWHERE,
      rpcUrl: NOWHERE,
      registry: '0x0000000000000000000000000000000000000000',
      dataDir,
      port: 0,
      staff: STAFF,
      log: () => {},
    });
    sites.push(again);
    const relisted = await send(again, 'GET', '/api/shares', {
      headers: { cookie: (await signIn(again)).cookie },
    });
    expect(relisted.json).toEqual(list.json);
  });

  test('signing out ends the session; the old cookie is refused', async () => {
    const site = await clinic();
    const session = await signIn(site);
    const out = await send(site, 'DELETE', '/api/session', {
      headers: staffHeaders(site, session),
    });
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']?.[0]).toMatch(/^clinic_session=; .*Max-Age=0/);
    const after = await send(site, 'GET', '/api/grants', { headers: { cookie: session.cookie } });
    expect(after.status).toBe(401);
  });

  test('an idle session expires', async () => {
    const site = await clinic({ sessionIdleMs: 300 });
    const session = await signIn(site);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // use keeps it alive
    expect(
      (await send(site, 'GET', '/api/grants', { headers: { cookie: session.cookie } })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (await send(site, 'GET', '/api/grants', { headers: { cookie: session.cookie } })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const expired = await send(site, 'GET', '/api/grants', { headers: { cookie: session.cookie } });
    expect(expired.status).toBe(401);
    expect(expired.json.error?.code).toBe('CLINIC_NOT_SIGNED_IN');
  });

  test('without staff credentials, the site makes a random password and says it', async () => {
    const site = await clinic({ staff: undefined });
    expect(site.staff.username).toBe('staff');
    expect(site.staff.password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    await signIn(site, site.staff);
    const other = await clinic({ staff: undefined });
    expect(other.staff.password).not.toBe(site.staff.password);
  });
});
