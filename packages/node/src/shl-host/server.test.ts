/**
 * The SHL host over real HTTP on 127.0.0.1: manifests with `location` and
 * `embedded` files, location URLs that expire, passcodes (401 with the
 * attempts left, then a lockout), expiry, revocation, the signed access log,
 * typed refusals of bad input, and links that survive a restart.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type AccessLogEntry, AccessLogError, verifyAccessLog } from './access-log.js';
import { checkPasscode, hashPasscode } from './passcode.js';
import { type RunningShlHost, type ShlHostOptions, startShlHost } from './server.js';

/** A compact JWE of `size` ciphertext characters, in the shape the host checks (it never decrypts). */
function fakeJwe(size = 100, contentType = 'application/fhir+json'): string {
  const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', cty: contentType }));
  return `${header.toString('base64url')}..${'i'.repeat(16)}.${'c'.repeat(size)}.${'t'.repeat(22)}`;
}

/** A clock the tests move. */
const clock = { t: Date.parse('2030-01-01T00:00:00Z') };
const now = () => clock.t;

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
let dir: string;
let host: RunningShlHost;
const hosts: RunningShlHost[] = [];

async function start(options: Partial<ShlHostOptions> = {}): Promise<RunningShlHost> {
  const started = await startShlHost({
    dataDir: join(dir, 'shl'),
    now,
    passcodeScrypt: FAST_SCRYPT,
    limits: { manifestsPerMinute: 10_000, uploadsPerMinute: 10_000, maxFileBytes: 64 * 1024 },
    log: () => {},
    ...options,
  });
  hosts.push(started);
  return started;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-shl-host-'));
  host = await start();
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  clock.t = Date.parse('2030-01-01T00:00:00Z');
});

type Answer = { status: number; json: Record<string, unknown>; headers: Headers };

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const r = await fetch(url, init);
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: r.status, json, headers: r.headers };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

type Created = { id: string; manifestUrl: string; managementToken: string; flag: string };

async function create(body: Record<string, unknown>, on = host): Promise<Created> {
  const r = await post(`${on.url}/api/links`, {
    files: [{ contentType: 'application/fhir+json', jwe: fakeJwe() }],
    ...body,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as Created;
}

const owner = (link: Created) => ({ authorization: `Bearer ${link.managementToken}` });
const info = async (link: Created, on = host) =>
  (await call(`${on.url}/api/links/${link.id}`, { headers: owner(link) })).json as {
    status: string;
    remainingAttempts?: number;
    log: AccessLogEntry[];
    hostKey: string;
  };

describe('manifest', () => {
  test('files by location and embedded; locations serve the JWE; CORS on the public routes', async () => {
    const small = fakeJwe(50);
    const large = fakeJwe(5000, 'application/smart-health-card');
    const link = await create({
      files: [
        { contentType: 'application/fhir+json', jwe: small },
        { contentType: 'application/smart-health-card', jwe: large },
      ],
      label: 'Allergies for Dr. Ada',
    });
    expect(link.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.manifestUrl).toBe(`${host.url}/shl/${link.id}`);
    expect(link.flag).toBe('');

    const m = await post(link.manifestUrl, { recipient: 'Dr. Ada', embeddedLengthMax: 1000 });
    expect(m.status).toBe(200);
    expect(m.headers.get('access-control-allow-origin')).toBe('*');
    expect(m.json.status).toBe('finalized');
    const files = m.json.files as { contentType: string; embedded?: string; location?: string }[];
    expect(files.map((f) => f.contentType)).toEqual([
      'application/fhir+json',
      'application/smart-health-card',
    ]);
    expect(files[0]?.embedded).toBe(small);
    expect(files[0]?.location).toBeUndefined();
    const location = files[1]?.location as string;
    expect(location).toMatch(
      new RegExp(`^${host.url}/shl/${link.id}/files/[A-Za-z0-9_-]{22}\\?t=[A-Za-z0-9_-]{43}$`),
    );
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/jose');
    expect(file.headers.get('access-control-allow-origin')).toBe('*');
    expect(await file.text()).toBe(large);

    // without embeddedLengthMax: every file by location
    const plain = await post(link.manifestUrl, { recipient: 'Clinic' });
    expect((plain.json.files as { location?: string }[]).every((f) => f.location)).toBe(true);

    // preflight for a browser receiver; the owner API is not open to other origins
    for (const url of [link.manifestUrl, location]) {
      const pre = await fetch(url, { method: 'OPTIONS' });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('*');
      expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
    }
    const ownerAnswer = await fetch(`${host.url}/api/links/${link.id}`, { headers: owner(link) });
    expect(ownerAnswer.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a location URL works for an hour, for its own file only', async () => {
    const link = await create({
      files: [
        { contentType: 'application/fhir+json', jwe: fakeJwe(10) },
        { contentType: 'application/fhir+json', jwe: fakeJwe(20) },
      ],
    });
    const m = await post(link.manifestUrl, { recipient: 'Dr. Ada' });
    const [a, b] = (m.json.files as { location: string }[]).map((f) => new URL(f.location));
    const swapped = `${a?.origin}${a?.pathname}?t=${b?.searchParams.get('t')}`;
    expect((await call(swapped)).status).toBe(404);
    clock.t += 60 * 60 * 1000 - 1;
    expect((await fetch(a as URL)).status).toBe(200);
    clock.t += 1;
    const expired = await call((a as URL).href);
    expect(expired.status).toBe(404);
    expect(expired.json.error).toEqual({
      code: 'SHL_HOST_NOT_FOUND',
      message: 'this file location expired',
    });
    expect(expired.headers.get('access-control-allow-origin')).toBe('*');
    expect((await call(`${(a as URL).origin}${(a as URL).pathname}`)).status).toBe(404);
  });

  test('unknown and malformed ids are the same 404', async () => {
    for (const id of ['A'.repeat(43), 'short', '%zz']) {
      const r = await post(`${host.url}/shl/${id}`, { recipient: 'x' });
      expect(r.status, id).toBe(404);
      expect((r.json.error as { code: string }).code).toBe('SHL_HOST_NOT_FOUND');
    }
  });
});

describe('passcodes', () => {
  test('a wrong passcode is a 401 with the attempts left, counted down; the right one is served', async () => {
    const link = await create({ passcode: 'correct horse' });
    expect(link.flag).toBe('P');
    const missing = await post(link.manifestUrl, { recipient: 'Nobody' });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({
      error: { code: 'SHL_HOST_PASSCODE_REQUIRED' },
      remainingAttempts: 10,
    });
    const left = [];
    for (const guess of ['1234', '0000', 'Correct horse']) {
      const r = await post(link.manifestUrl, { recipient: 'Mallory', passcode: guess });
      expect(r.status).toBe(401);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect((r.json.error as { code: string }).code).toBe('SHL_HOST_WRONG_PASSCODE');
      left.push(r.json.remainingAttempts);
    }
    expect(left).toEqual([9, 8, 7]);
    const ok = await post(link.manifestUrl, { recipient: 'Dr. Ada', passcode: 'correct horse' });
    expect(ok.status).toBe(200);
    expect((await info(link)).remainingAttempts).toBe(7); // the lifetime count does not reset
  });

  test('after the limit the link stops working for everyone, the right passcode included', async () => {
    const link = await create({ passcode: 'secret', maxAttempts: 3 });
    const left = [];
    for (let i = 0; i < 3; i++) {
      left.push((await post(link.manifestUrl, { recipient: 'M', passcode: `x${i}` })).json);
    }
    expect(left.map((j) => j.remainingAttempts)).toEqual([2, 1, 0]);
    const right = await post(link.manifestUrl, { recipient: 'Dr. Ada', passcode: 'secret' });
    expect(right.status).toBe(404);
    expect((right.json.error as { code: string }).code).toBe('SHL_HOST_NOT_FOUND');
    expect(await info(link)).toMatchObject({ status: 'locked', remainingAttempts: 0 });
  });

  test('parallel guesses cannot spend more attempts than the link has', async () => {
    const link = await create({ passcode: 'secret', maxAttempts: 3 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(link.manifestUrl, { recipient: 'M', passcode: `guess-${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([401, 401, 401, 404, 404, 404, 404, 404]);
    const remaining = answers.filter((a) => a.status === 401).map((a) => a.json.remainingAttempts);
    expect(remaining.sort()).toEqual([0, 1, 2]);
  });
});

describe('expiry and revocation', () => {
  test('after exp the manifest and its locations are a 404', async () => {
    const exp = Math.floor(clock.t / 1000) + 60;
    const link = await create({ exp });
    const m = await post(link.manifestUrl, { recipient: 'Dr. Ada' });
    const location = (m.json.files as { location: string }[])[0]?.location as string;
    clock.t = exp * 1000;
    expect((await post(link.manifestUrl, { recipient: 'Dr. Ada' })).status).toBe(404);
    expect((await call(location)).status).toBe(404);
    const status = await info(link);
    expect(status.status).toBe('expired');
    expect(status.log.at(-1)).toMatchObject({ outcome: 'refused', reason: 'expired' });
  });

  test('an exp in the past is refused', async () => {
    const r = await post(`${host.url}/api/links`, {
      files: [{ contentType: 'application/fhir+json', jwe: fakeJwe() }],
      exp: Math.floor(clock.t / 1000) - 1,
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: 'SHL_HOST_BAD_REQUEST', message: 'exp is in the past' });
  });

  test('revocation: at once, for the manifest and the locations already handed out; the log stays', async () => {
    const link = await create({});
    const m = await post(link.manifestUrl, { recipient: 'Dr. Ada' });
    const location = (m.json.files as { location: string }[])[0]?.location as string;
    // only with its token
    expect((await call(`${host.url}/api/links/${link.id}`, { method: 'DELETE' })).status).toBe(401);
    const wrong = { authorization: `Bearer ${'A'.repeat(43)}` };
    const refused = await call(`${host.url}/api/links/${link.id}`, {
      method: 'DELETE',
      headers: wrong,
    });
    expect(refused.status).toBe(404);
    const revoked = await call(`${host.url}/api/links/${link.id}`, {
      method: 'DELETE',
      headers: owner(link),
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: link.id, status: 'revoked' });
    expect((await post(link.manifestUrl, { recipient: 'Dr. Ada' })).status).toBe(404);
    expect((await call(location)).status).toBe(404);
    const status = await info(link);
    expect(status.status).toBe('revoked');
    expect(status.log.map((e) => e.outcome)).toEqual(['served', 'refused']);
    // its ciphertext is gone from disk
    await expect(
      readFile(join(dir, 'shl', 'links', link.id, 'link.json'), 'utf8'),
    ).resolves.toContain('revokedAt');
    await expect(readdir(join(dir, 'shl', 'links', link.id, 'files'))).rejects.toThrow(/ENOENT/);
  });
});

describe('the access log', () => {
  test('records each request with its recipient and outcome, signed by the host key', async () => {
    const link = await create({ passcode: 'pw' });
    await post(link.manifestUrl, { recipient: 'Dr. Ada, St. Elsewhere', passcode: 'pw' });
    await post(link.manifestUrl, { recipient: 'Mallory', passcode: 'nope' });
    await post(link.manifestUrl, { recipient: 'Someone' });
    const status = await info(link);
    expect(status.hostKey).toBe(host.hostKey);
    expect(
      status.log.map(({ recipient, outcome, reason, remainingAttempts }) => ({
        recipient,
        outcome,
        reason,
        remainingAttempts,
      })),
    ).toEqual([
      {
        recipient: 'Dr. Ada, St. Elsewhere',
        outcome: 'served',
        reason: undefined,
        remainingAttempts: 10,
      },
      { recipient: 'Mallory', outcome: 'wrong-passcode', reason: undefined, remainingAttempts: 9 },
      { recipient: 'Someone', outcome: 'refused', reason: 'no-passcode', remainingAttempts: 9 },
    ]);
    expect(status.log[0]?.at).toBe('2030-01-01T00:00:00.000Z');
    verifyAccessLog(link.id, status.log, status.hostKey);
    // altered, reordered or cut in the middle: it does not verify
    const altered = status.log.map((e, i) => (i === 1 ? { ...e, recipient: 'Dr. Ada' } : e));
    expect(() => verifyAccessLog(link.id, altered, status.hostKey)).toThrow(AccessLogError);
    const cut = [status.log[0], { ...status.log[2], seq: 1 }] as AccessLogEntry[];
    expect(() => verifyAccessLog(link.id, cut, status.hostKey)).toThrow(/does not follow/);
    expect(() => verifyAccessLog('another link', status.log, status.hostKey)).toThrow(
      AccessLogError,
    );
  });
});

describe('long-term links', () => {
  test('an L link says can-change and takes new files; another link refuses them', async () => {
    const link = await create({ longTerm: true });
    expect(link.flag).toBe('L');
    const replaced = await call(`${host.url}/api/links/${link.id}/files`, {
      method: 'PUT',
      headers: owner(link),
      body: JSON.stringify({
        files: [{ contentType: 'application/smart-health-card', jwe: fakeJwe(7) }],
      }),
    });
    expect(replaced.status).toBe(200);
    const m = await post(link.manifestUrl, { recipient: 'Dr. Ada', embeddedLengthMax: 10_000 });
    expect(m.json).toMatchObject({
      status: 'can-change',
      files: [{ contentType: 'application/smart-health-card', embedded: fakeJwe(7) }],
    });
    const fixed = await create({});
    const refused = await call(`${host.url}/api/links/${fixed.id}/files`, {
      method: 'PUT',
      headers: owner(fixed),
      body: JSON.stringify({ files: [{ contentType: 'application/fhir+json', jwe: fakeJwe() }] }),
    });
    expect(refused.status).toBe(409);
    expect((refused.json.error as { code: string }).code).toBe('SHL_HOST_NOT_LONG_TERM');
  });
});

describe('bad input: typed refusals, never a crash', () => {
  const codeOf = (a: Answer) => (a.json.error as { code?: string } | undefined)?.code;

  test('manifest requests', async () => {
    const link = await create({});
    const notJson = await post(link.manifestUrl, '{"recipient":');
    expect([notJson.status, codeOf(notJson)]).toEqual([400, 'SHL_HOST_BAD_JSON']);
    expect(notJson.headers.get('access-control-allow-origin')).toBe('*');
    for (const body of [{}, { recipient: '' }, { recipient: 7 }, [], 'x', null]) {
      const r = await post(link.manifestUrl, JSON.stringify(body));
      expect([r.status, codeOf(r)], JSON.stringify(body)).toEqual([400, 'SHL_HOST_BAD_REQUEST']);
    }
    const negative = await post(link.manifestUrl, { recipient: 'x', embeddedLengthMax: -1 });
    expect(codeOf(negative)).toBe('SHL_HOST_BAD_REQUEST');
    const big = await post(link.manifestUrl, { recipient: 'x'.repeat(10_000) });
    expect([big.status, codeOf(big)]).toEqual([413, 'SHL_HOST_TOO_LARGE']);
    expect(big.headers.get('access-control-allow-origin')).toBe('*');
    const method = await call(link.manifestUrl);
    expect([method.status, codeOf(method)]).toEqual([405, 'SHL_HOST_METHOD']);
    const nowhere = await call(`${host.url}/nowhere`);
    expect([nowhere.status, codeOf(nowhere)]).toEqual([404, 'SHL_HOST_NOT_FOUND']);
  });

  test('uploads', async () => {
    const url = `${host.url}/api/links`;
    const file = { contentType: 'application/fhir+json', jwe: fakeJwe() };
    const cases: [unknown, number, string][] = [
      ['{', 400, 'SHL_HOST_BAD_JSON'],
      [{}, 400, 'SHL_HOST_BAD_REQUEST'],
      [{ files: [] }, 400, 'SHL_HOST_BAD_REQUEST'],
      [{ files: [{ ...file, contentType: 'text/html' }] }, 400, 'SHL_HOST_BAD_REQUEST'],
      [{ files: [file], label: 'x'.repeat(81) }, 400, 'SHL_HOST_BAD_REQUEST'],
      [{ files: [file], maxAttempts: 0 }, 400, 'SHL_HOST_BAD_REQUEST'],
      [{ files: [{ ...file, jwe: '{"resourceType":"Patient"}' }] }, 400, 'SHL_HOST_BAD_FILE'],
      [{ files: [{ ...file, jwe: 'a.b.c.d.e' }] }, 400, 'SHL_HOST_BAD_FILE'],
      [
        { files: [{ ...file, jwe: fakeJwe().replace(/^[^.]+/, 'eyJhbGciOiJSU0EtT0FFUCJ9') }] },
        400,
        'SHL_HOST_BAD_FILE',
      ],
      [{ files: Array(21).fill(file) }, 413, 'SHL_HOST_TOO_MANY_FILES'],
      [{ files: [{ ...file, jwe: fakeJwe(70_000) }] }, 413, 'SHL_HOST_FILE_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(url, typeof body === 'string' ? body : JSON.stringify(body));
      expect([r.status, codeOf(r)], JSON.stringify(body).slice(0, 80)).toEqual([status, code]);
    }
  });

  test('a body over the upload limit is a 413; the owner API needs its token', async () => {
    const small = await start({
      dataDir: join(dir, 'small'),
      limits: { maxLinkBytes: 1024, maxFileBytes: 1024 },
    });
    const r = await post(`${small.url}/api/links`, { files: [], pad: 'x'.repeat(300 * 1024) });
    expect([r.status, codeOf(r)]).toEqual([413, 'SHL_HOST_TOO_LARGE']);
    const link = await create({}, small);
    const unauthenticated = await call(`${small.url}/api/links/${link.id}`);
    expect([unauthenticated.status, codeOf(unauthenticated)]).toEqual([
      401,
      'SHL_HOST_UNAUTHENTICATED',
    ]);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');
    const other = await create({}, small);
    const crossed = await call(`${small.url}/api/links/${link.id}`, { headers: owner(other) });
    expect([crossed.status, codeOf(crossed)]).toEqual([404, 'SHL_HOST_NOT_FOUND']);
  });

  test('too many manifest requests from one address: 429 with Retry-After, readable by a browser', async () => {
    const limited = await start({
      dataDir: join(dir, 'limited'),
      limits: { manifestsPerMinute: 2 },
    });
    const link = await create({}, limited);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(link.manifestUrl, { recipient: 'x' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    const last = answers[2] as Answer;
    expect(codeOf(last)).toBe('HTTP_RATE_LIMITED');
    expect(last.headers.get('retry-after')).toBe('30');
    expect(last.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('configuration', () => {
  test('manifest and location URLs start with the public URL; one too long for a 128-character manifest URL is refused', async () => {
    const proxied = await start({
      dataDir: join(dir, 'public'),
      publicUrl: 'https://shl.example.org/',
    });
    const link = await create({}, proxied);
    expect(link.manifestUrl).toMatch(/^https:\/\/shl\.example\.org\/shl\/[A-Za-z0-9_-]{43}$/);
    const m = await post(`${proxied.url}/shl/${link.id}`, { recipient: 'Dr. Ada' });
    const location = (m.json.files as { location: string }[])[0]?.location;
    expect(location).toMatch(/^https:\/\/shl\.example\.org\/shl\/[^/]{43}\/files\//);
    await expect(
      startShlHost({ dataDir: join(dir, 'long'), publicUrl: `https://${'a'.repeat(80)}.org` }),
    ).rejects.toThrow(/128/);
  });

  test('passcodes are stored as scrypt hashes, N = 2^15 by default', async () => {
    const stored = await hashPasscode('tulip-42');
    expect(stored).toMatchObject({ N: 2 ** 15, r: 8, p: 1 });
    expect(JSON.stringify(stored)).not.toContain('tulip');
    expect(await checkPasscode('tulip-42', stored)).toBe(true);
    expect(await checkPasscode('tulip-43', stored)).toBe(false);
    const again = await hashPasscode('tulip-42');
    expect(again.salt).not.toBe(stored.salt);
    expect(again.hash).not.toBe(stored.hash);
  });
});

describe('crash-safe storage', () => {
  test('a restart keeps links, attempts, log and key; what a crash left half-written is cleaned', async () => {
    const dataDir = join(dir, 'restart');
    const first = await start({ dataDir });
    const link = await create({ passcode: 'pw' }, first);
    await post(link.manifestUrl, { recipient: 'Mallory', passcode: 'wrong' });
    await first.close();

    // what a crash could leave: a creation without link.json, a torn log line, a temp file
    const links = join(dataDir, 'links');
    const half = 'B'.repeat(43);
    await mkdir(join(links, half, 'files'), { recursive: true });
    await writeFile(join(links, half, 'files', 'x.jwe'), 'partial');
    await writeFile(join(links, link.id, 'access.log'), '{"seq":1,"at":"torn', { flag: 'a' });
    await writeFile(join(dataDir, 'tmp', '999999999.abcdef'), 'temp');

    const second = await start({ dataDir });
    expect(second.hostKey).toBe(first.hostKey);
    const manifestUrl = `${second.url}/shl/${link.id}`;
    const r = await post(manifestUrl, { recipient: 'Mallory', passcode: 'wrong again' });
    expect(r.json.remainingAttempts).toBe(8);
    expect((await post(manifestUrl, { recipient: 'Dr. Ada', passcode: 'pw' })).status).toBe(200);
    const status = await info(link, second);
    expect(status.log.map((e) => e.seq)).toEqual([0, 1, 2]);
    verifyAccessLog(link.id, status.log, second.hostKey);
    await expect(readFile(join(links, half, 'files', 'x.jwe'))).rejects.toThrow();
    await expect(readFile(join(dataDir, 'tmp', '999999999.abcdef'))).rejects.toThrow();
  });
});
