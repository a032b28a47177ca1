/**
 * `resolveLink` against a real HTTP server on 127.0.0.1 (a free port, started
 * and stopped here) that serves manifests and files as an SHL host would:
 * embedded and located files, the passcode and its remaining attempts,
 * expiry and revocation, tampered files, a location or redirect to another
 * origin, size limits as bytes arrive, the direct-file (U) flow, and the
 * other answers a host may give — each a typed error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  encodeLink,
  encryptFile,
  manifestUrl,
  newLinkId,
  newLinkKey,
  pdfAsDocumentReference,
  type ResolveLinkOptions,
  resolveLink,
  ShlContentTypeMismatchError,
  ShlDecryptionError,
  ShlError,
  ShlExpiredError,
  ShlFileTooLargeError,
  ShlForeignLocationError,
  ShlHostError,
  ShlInsecureUrlError,
  ShlInvalidManifestRequestError,
  ShlMalformedContentError,
  ShlMalformedManifestError,
  type ShlManifest,
  ShlNotFoundError,
  ShlPasscodeError,
  ShlPasscodeRequiredError,
  type ShlPayload,
  ShlRateLimitedError,
  ShlTotalTooLargeError,
  ShlUnreachableError,
  ShlUnsupportedVersionError,
} from './index.js';

const FHIR = 'application/fhir+json';
const SHC = 'application/smart-health-card';
const BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [{ resource: { resourceType: 'AllergyIntolerance', code: { text: 'Penicillin' } } }],
};
const JWS = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.c2lnbmF0dXJl';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };
type Handler = (req: Seen, res: ServerResponse) => unknown;
type Host = {
  origin: string;
  seen: Seen[];
  handle: (h: Handler) => void;
  close: () => Promise<void>;
};

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

/** An HTTP server on 127.0.0.1, on a free port, recording every request. */
async function startHost(): Promise<Host> {
  let handler: Handler = (_, res) => {
    res.writeHead(404).end();
  };
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    seen.push(request);
    try {
      await handler(request, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host: Host = {
    origin: `http://127.0.0.1:${port}`,
    seen,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  hosts.push(host);
  return host;
}

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
const jose = (res: ServerResponse, jwe: string) =>
  res.writeHead(200, { 'content-type': 'application/jose' }).end(jwe);

/** A link on `host`: its payload, text and manifest path. */
function linkOn(host: Host, extra: Partial<ShlPayload> = {}) {
  const id = newLinkId();
  const payload: ShlPayload = {
    url: manifestUrl(`${host.origin}/m`, id),
    key: newLinkKey(),
    ...extra,
  };
  return { payload, link: encodeLink(payload), path: `/m/${id}` };
}

async function rejection(promise: Promise<unknown>): Promise<ShlError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ShlError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

async function expectRejects(
  promise: Promise<unknown>,
  cls: abstract new (...a: never[]) => ShlError,
  code: string,
): Promise<ShlError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(cls);
  expect(error.code).toBe(code);
  return error;
}

const RECIPIENT = 'Dr. Rivera, Springfield Clinic';
const options = (extra: Partial<ResolveLinkOptions> = {}): ResolveLinkOptions => ({
  recipient: RECIPIENT,
  ...extra,
});

describe('resolving', () => {
  test('embedded and located files, FHIR (a PDF as DocumentReference) and SHC, with the passcode', async () => {
    const host = await startHost();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const { payload, link, path } = linkOn(host, { flag: 'LP', label: 'Emergency card', exp });
    const pdf = pdfAsDocumentReference(new TextEncoder().encode('%PDF-1.7\n%%EOF\n'), 'Letter');
    const files = {
      bundle: await encryptFile(JSON.stringify(BUNDLE), payload.key, { contentType: FHIR }),
      pdf: await encryptFile(JSON.stringify(pdf), payload.key, {
        contentType: FHIR,
        compress: true,
      }),
      shc: await encryptFile(JSON.stringify({ verifiableCredential: [JWS] }), payload.key, {
        contentType: SHC,
      }),
    };
    host.handle((req, res) => {
      if (req.method === 'POST' && req.url === path) {
        const body = JSON.parse(req.body);
        if (body.passcode !== '7291') return json(res, 401, { remainingAttempts: 4 });
        return json(res, 200, {
          files: [
            {
              contentType: FHIR,
              embedded: files.bundle,
              lastUpdated: '2026-01-05T10:00:00Z',
              fhirVersion: '4.0.1',
            },
            { contentType: FHIR, location: `${host.origin}/f/pdf` },
            { contentType: SHC, location: `${host.origin}/f/shc`, status: 'finalized' },
          ],
        } satisfies ShlManifest);
      }
      if (req.method === 'GET' && req.url === '/f/pdf') return jose(res, files.pdf);
      if (req.method === 'GET' && req.url === '/f/shc') return jose(res, files.shc);
      res.writeHead(404).end();
    });

    const resolved = await resolveLink(
      link,
      options({ passcode: '7291', embeddedLengthMax: 100_000 }),
    );
    expect(resolved.label).toBe('Emergency card');
    expect(resolved.exp).toBe(exp);
    expect(resolved.flag).toBe('LP');
    expect(resolved.files.map((f) => f.contentType)).toEqual([FHIR, FHIR, SHC]);
    expect(resolved.files[0]).toMatchObject({
      resource: BUNDLE,
      lastUpdated: '2026-01-05T10:00:00Z',
      fhirVersion: '4.0.1',
    });
    expect(resolved.files[1]?.resource).toEqual(pdf);
    expect(resolved.files[2]).toMatchObject({ verifiableCredential: [JWS], status: 'finalized' });
    expect(new TextDecoder().decode(resolved.files[0]?.bytes)).toBe(JSON.stringify(BUNDLE));

    const [post, ...gets] = host.seen;
    expect(post?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({
      recipient: RECIPIENT,
      passcode: '7291',
      embeddedLengthMax: 100_000,
    });
    expect(gets.map((g) => g.url)).toEqual(['/f/pdf', '/f/shc']);
    for (const g of gets) {
      expect(g.headers.authorization).toBeUndefined();
      expect(g.headers.cookie).toBeUndefined();
    }
  });

  test('the passcode is sent only to a P link', async () => {
    const host = await startHost();
    const { payload, link, path } = linkOn(host);
    const jwe = await encryptFile('{"resourceType":"Patient"}', payload.key, { contentType: FHIR });
    host.handle((req, res) =>
      req.url === path
        ? json(res, 200, { files: [{ contentType: FHIR, embedded: jwe }] })
        : res.writeHead(404).end(),
    );
    const resolved = await resolveLink(link, options({ passcode: 'secret' }));
    expect(resolved.files[0]?.resource).toEqual({ resourceType: 'Patient' });
    expect(JSON.parse(host.seen[0]?.body ?? '')).toEqual({ recipient: RECIPIENT });
  });

  test('a U link: one GET of url?recipient=…, no manifest', async () => {
    const host = await startHost();
    const { payload, link, path } = linkOn(host, { flag: 'U' });
    const jwe = await encryptFile(JSON.stringify(BUNDLE), payload.key, { contentType: FHIR });
    host.handle((req, res) =>
      req.method === 'GET' && req.url?.startsWith(`${path}?`)
        ? jose(res, jwe)
        : res.writeHead(404).end(),
    );
    const resolved = await resolveLink(link, options());
    expect(resolved.files).toHaveLength(1);
    expect(resolved.files[0]?.resource).toEqual(BUNDLE);
    expect(host.seen).toHaveLength(1);
    expect(new URL(host.seen[0]!.url, host.origin).searchParams.get('recipient')).toBe(RECIPIENT);
  });

  test('an empty manifest resolves to no files; manifest status and list are passed on', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle((_, res) =>
      json(res, 200, { files: [], status: 'no-longer-valid', list: { resourceType: 'List' } }),
    );
    expect(await resolveLink(link, options())).toEqual({
      files: [],
      status: 'no-longer-valid',
      list: { resourceType: 'List' },
    });
  });
});

describe('passcodes', () => {
  test('a wrong passcode: 401 with the remaining attempts, then 404 once the host disables the link', async () => {
    const host = await startHost();
    const { link } = linkOn(host, { flag: 'P' });
    let remaining = 2;
    host.handle((_, res) => {
      if (remaining === 0) return res.writeHead(404).end();
      remaining -= 1;
      return json(res, 401, { remainingAttempts: remaining });
    });
    const first = await expectRejects(
      resolveLink(link, options({ passcode: '0000' })),
      ShlPasscodeError,
      'SHL_PASSCODE_REJECTED',
    );
    expect((first as ShlPasscodeError).remainingAttempts).toBe(1);
    expect(first.shortMessage).toMatch(/1 attempt left/);
    const second = await rejection(resolveLink(link, options({ passcode: '0001' })));
    expect((second as ShlPasscodeError).remainingAttempts).toBe(0);
    await expectRejects(
      resolveLink(link, options({ passcode: '0002' })),
      ShlNotFoundError,
      'SHL_NOT_FOUND',
    );
  });

  test('a 401 without a count still is a refused passcode', async () => {
    const host = await startHost();
    const { link } = linkOn(host, { flag: 'P' });
    host.handle((_, res) => res.writeHead(401, { 'content-type': 'text/plain' }).end('no'));
    const error = await expectRejects(
      resolveLink(link, options({ passcode: 'x' })),
      ShlPasscodeError,
      'SHL_PASSCODE_REJECTED',
    );
    expect((error as ShlPasscodeError).remainingAttempts).toBeUndefined();
  });

  test('a P link without a passcode sends nothing', async () => {
    const host = await startHost();
    const { link } = linkOn(host, { flag: 'LP' });
    await expectRejects(
      resolveLink(link, options()),
      ShlPasscodeRequiredError,
      'SHL_PASSCODE_REQUIRED',
    );
    await expectRejects(
      resolveLink(link, options({ passcode: '' })),
      ShlPasscodeRequiredError,
      'SHL_PASSCODE_REQUIRED',
    );
    expect(host.seen).toHaveLength(0);
  });
});

describe('expired, revoked, refused', () => {
  test('a link past its exp fails before any request', async () => {
    const host = await startHost();
    const { link } = linkOn(host, { exp: Math.floor(Date.now() / 1000) - 1 });
    await expectRejects(resolveLink(link, options()), ShlExpiredError, 'SHL_EXPIRED');
    const { link: later } = linkOn(host, { exp: 2_000_000_000 });
    await expectRejects(
      resolveLink(later, options({ now: 2_000_000_000_000 })),
      ShlExpiredError,
      'SHL_EXPIRED',
    );
    expect(host.seen).toHaveLength(0);
  });

  test('the host says 404 (expired or revoked there): not found', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle((_, res) => res.writeHead(404).end('gone'));
    await expectRejects(resolveLink(link, options()), ShlNotFoundError, 'SHL_NOT_FOUND');
  });

  test('429 with Retry-After, and other statuses', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle((_, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const limited = await expectRejects(
      resolveLink(link, options()),
      ShlRateLimitedError,
      'SHL_RATE_LIMITED',
    );
    expect((limited as ShlRateLimitedError).retryAfterSeconds).toBe(7);
    host.handle((_, res) => res.writeHead(503).end());
    const failed = await expectRejects(
      resolveLink(link, options()),
      ShlHostError,
      'SHL_HOST_ERROR',
    );
    expect((failed as ShlHostError).status).toBe(503);
  });

  test('a location that answers 401, 404 or 500: host error or not found, never a passcode error', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    let status = 401;
    host.handle((req, res) =>
      req.method === 'POST'
        ? json(res, 200, { files: [{ contentType: FHIR, location: `${host.origin}/f/1` }] })
        : res.writeHead(status).end(),
    );
    const unauthorized = await expectRejects(
      resolveLink(link, options()),
      ShlHostError,
      'SHL_HOST_ERROR',
    );
    expect((unauthorized as ShlHostError).status).toBe(401);
    expect(unauthorized.shortMessage).toMatch(/^File 0 of the manifest answered HTTP 401/);
    status = 404;
    await expectRejects(resolveLink(link, options()), ShlNotFoundError, 'SHL_NOT_FOUND');
    status = 500;
    await expectRejects(resolveLink(link, options()), ShlHostError, 'SHL_HOST_ERROR');
  });

  test('a later protocol version is refused before any request', async () => {
    const host = await startHost();
    const { payload } = linkOn(host);
    const link = `shlink:/${Buffer.from(JSON.stringify({ ...payload, v: 2 })).toString('base64url')}`;
    await expectRejects(
      resolveLink(link, options()),
      ShlUnsupportedVersionError,
      'SHL_UNSUPPORTED_VERSION',
    );
    expect(host.seen).toHaveLength(0);
  });

  test('a bad recipient or embeddedLengthMax is refused before any request', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    await expectRejects(
      resolveLink(link, options({ recipient: ' ' })),
      ShlInvalidManifestRequestError,
      'SHL_INVALID_MANIFEST_REQUEST',
    );
    await expectRejects(
      resolveLink(link, options({ embeddedLengthMax: -5 })),
      ShlInvalidManifestRequestError,
      'SHL_INVALID_MANIFEST_REQUEST',
    );
    expect(host.seen).toHaveLength(0);
  });
});

describe('files that are not what they claim', () => {
  test('a tampered embedded or located JWE: decryption fails', async () => {
    const host = await startHost();
    const { payload, link } = linkOn(host);
    const jwe = await encryptFile(JSON.stringify(BUNDLE), payload.key, { contentType: FHIR });
    const parts = jwe.split('.');
    parts[3] = (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1);
    const tampered = parts.join('.');
    host.handle((req, res) =>
      req.method === 'POST'
        ? json(res, 200, { files: [{ contentType: FHIR, embedded: tampered }] })
        : res.writeHead(404).end(),
    );
    await expectRejects(resolveLink(link, options()), ShlDecryptionError, 'SHL_DECRYPTION_FAILED');
    host.handle((req, res) =>
      req.method === 'POST'
        ? json(res, 200, { files: [{ contentType: FHIR, location: `${host.origin}/f/1` }] })
        : jose(res, tampered),
    );
    await expectRejects(resolveLink(link, options()), ShlDecryptionError, 'SHL_DECRYPTION_FAILED');
  });

  test('a file encrypted under another link key: decryption fails', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    const other = await encryptFile('{}', newLinkKey(), { contentType: FHIR });
    host.handle((_, res) => json(res, 200, { files: [{ contentType: FHIR, embedded: other }] }));
    await expectRejects(resolveLink(link, options()), ShlDecryptionError, 'SHL_DECRYPTION_FAILED');
  });

  test('a manifest that is not one', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await expectRejects(
      resolveLink(link, options()),
      ShlMalformedManifestError,
      'SHL_MALFORMED_MANIFEST',
    );
    host.handle((_, res) => json(res, 200, { files: [{ contentType: FHIR }] }));
    await expectRejects(
      resolveLink(link, options()),
      ShlMalformedManifestError,
      'SHL_MALFORMED_MANIFEST',
    );
  });

  test('cty differing from the manifest, and content that is not its type', async () => {
    const host = await startHost();
    const { payload, link } = linkOn(host);
    const shc = await encryptFile(JSON.stringify({ verifiableCredential: [JWS] }), payload.key, {
      contentType: SHC,
    });
    host.handle((_, res) => json(res, 200, { files: [{ contentType: FHIR, embedded: shc }] }));
    await expectRejects(
      resolveLink(link, options()),
      ShlContentTypeMismatchError,
      'SHL_CONTENT_TYPE_MISMATCH',
    );
    for (const [contentType, body] of [
      [FHIR, '{"name":"no resourceType"}'],
      [FHIR, '[1,2]'],
      [FHIR, 'not json'],
      [SHC, '{"verifiableCredential":["not a jws"]}'],
      [SHC, '{}'],
      ['application/smart-api-access', '"token"'],
    ] as const) {
      const jwe = await encryptFile(body, payload.key, { contentType });
      host.handle((_, res) => json(res, 200, { files: [{ contentType, embedded: jwe }] }));
      await expectRejects(
        resolveLink(link, options()),
        ShlMalformedContentError,
        'SHL_MALFORMED_CONTENT',
      );
    }
  });

  test('other content types come back as bytes; smart-api-access as JSON', async () => {
    const host = await startHost();
    const { payload, link } = linkOn(host);
    const pdf = await encryptFile(new Uint8Array([37, 80, 68, 70]), payload.key, {
      contentType: 'application/pdf',
    });
    const api = await encryptFile(
      '{"access_token":"t","aud":"https://fhir.example"}',
      payload.key,
      {
        contentType: 'application/smart-api-access',
      },
    );
    host.handle((_, res) =>
      json(res, 200, {
        files: [
          { contentType: 'application/pdf', embedded: pdf },
          { contentType: 'application/smart-api-access', embedded: api },
        ],
      }),
    );
    const { files } = await resolveLink(link, options());
    expect(files[0]).toEqual({
      contentType: 'application/pdf',
      bytes: new Uint8Array([37, 80, 68, 70]),
    });
    expect(files[1]?.json).toEqual({ access_token: 't', aud: 'https://fhir.example' });
  });
});

describe('where files may come from', () => {
  test('a location on another host is refused without contacting it, unless allowed', async () => {
    const host = await startHost();
    const elsewhere = await startHost();
    const { payload, link } = linkOn(host);
    const jwe = await encryptFile(JSON.stringify(BUNDLE), payload.key, { contentType: FHIR });
    host.handle((_, res) =>
      json(res, 200, { files: [{ contentType: FHIR, location: `${elsewhere.origin}/f/1` }] }),
    );
    elsewhere.handle((_, res) => jose(res, jwe));
    const error = await expectRejects(
      resolveLink(link, options()),
      ShlForeignLocationError,
      'SHL_FOREIGN_LOCATION',
    );
    expect(error.shortMessage).toContain(elsewhere.origin);
    expect(error.shortMessage).not.toContain('/f/1');
    expect(elsewhere.seen).toHaveLength(0);
    const resolved = await resolveLink(link, options({ allowForeignLocations: true }));
    expect(resolved.files[0]?.resource).toEqual(BUNDLE);
    expect(elsewhere.seen).toHaveLength(1);
  });

  test('a location redirected to another host is refused', async () => {
    const host = await startHost();
    const elsewhere = await startHost();
    const { payload, link } = linkOn(host);
    const jwe = await encryptFile('{"resourceType":"Patient"}', payload.key, { contentType: FHIR });
    host.handle((req, res) =>
      req.method === 'POST'
        ? json(res, 200, { files: [{ contentType: FHIR, location: `${host.origin}/f/1` }] })
        : res.writeHead(302, { location: `${elsewhere.origin}/f/1` }).end(),
    );
    elsewhere.handle((_, res) => jose(res, jwe));
    await expectRejects(
      resolveLink(link, options()),
      ShlForeignLocationError,
      'SHL_FOREIGN_LOCATION',
    );
    expect((await resolveLink(link, options({ allowForeignLocations: true }))).files).toHaveLength(
      1,
    );
  });

  test('a redirected manifest request is refused: the passcode stays with the link host', async () => {
    const host = await startHost();
    const elsewhere = await startHost();
    const { link } = linkOn(host, { flag: 'P' });
    host.handle((_, res) => res.writeHead(307, { location: `${elsewhere.origin}/steal` }).end());
    await expectRejects(
      resolveLink(link, options({ passcode: '7291' })),
      ShlUnreachableError,
      'SHL_UNREACHABLE',
    );
    expect(elsewhere.seen).toHaveLength(0);
  });

  test('plain http to another machine is refused unless allowed; nothing is sent', async () => {
    const calls: string[] = [];
    const fetch = (async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ files: [] }), { status: 200 });
    }) as typeof globalThis.fetch;
    const link = encodeLink({
      url: manifestUrl('http://shl.example.org/m', newLinkId()),
      key: newLinkKey(),
    });
    await expectRejects(
      resolveLink(link, options({ fetch })),
      ShlInsecureUrlError,
      'SHL_INSECURE_URL',
    );
    expect(calls).toHaveLength(0);
    expect(await resolveLink(link, options({ fetch, allowInsecureHttp: true }))).toEqual({
      files: [],
    });
    expect(calls).toHaveLength(1);
  });

  test('an https location on the link host is fine with an injected fetch; an http one is not', async () => {
    const key = newLinkKey();
    const url = manifestUrl('https://shl.example.org/m', newLinkId());
    const jwe = await encryptFile('{"resourceType":"Patient"}', key, { contentType: FHIR });
    let location = 'https://shl.example.org/f/1';
    const fetch = (async (_url: string, init?: RequestInit) =>
      init?.method === 'POST'
        ? new Response(JSON.stringify({ files: [{ contentType: FHIR, location }] }))
        : new Response(jwe)) as typeof globalThis.fetch;
    const link = encodeLink({ url, key });
    expect((await resolveLink(link, options({ fetch }))).files).toHaveLength(1);
    location = 'http://shl.example.org/f/1';
    await expectRejects(
      resolveLink(link, options({ fetch })),
      ShlInsecureUrlError,
      'SHL_INSECURE_URL',
    );
  });

  test('an unreachable host, and an aborted request', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle(() => new Promise(() => {})); // never answers
    await expectRejects(
      resolveLink(link, options({ signal: AbortSignal.timeout(200) })),
      ShlUnreachableError,
      'SHL_UNREACHABLE',
    );
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    await expectRejects(resolveLink(link, options()), ShlUnreachableError, 'SHL_UNREACHABLE');
  });
});

describe('size limits', () => {
  test('a located file over maxFileBytes is refused as it arrives (no Content-Length)', async () => {
    const host = await startHost();
    const { payload, link } = linkOn(host);
    const big = await encryptFile(new Uint8Array(300_000), payload.key, {
      contentType: 'application/octet-stream',
    });
    host.handle((req, res) => {
      if (req.method === 'POST') {
        return json(res, 200, {
          files: [{ contentType: 'application/octet-stream', location: `${host.origin}/f/big` }],
        });
      }
      res.writeHead(200, { 'content-type': 'application/jose', 'transfer-encoding': 'chunked' });
      for (let i = 0; i < big.length; i += 16_384) res.write(big.slice(i, i + 16_384));
      res.end();
    });
    const error = await expectRejects(
      resolveLink(link, options({ maxFileBytes: 100_000 })),
      ShlFileTooLargeError,
      'SHL_FILE_TOO_LARGE',
    );
    expect((error as ShlFileTooLargeError).limit).toBe(100_000);
    expect(
      (await resolveLink(link, options({ maxFileBytes: 300_000 }))).files[0]?.bytes,
    ).toHaveLength(300_000);
  });

  test('a declared Content-Length over the limit is refused before reading', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle((req, res) => {
      if (req.method === 'POST') {
        return json(res, 200, {
          files: [{ contentType: FHIR, location: `${host.origin}/f/huge` }],
        });
      }
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write('x'); // and then nothing: the client must not wait for the rest
    });
    await expectRejects(
      resolveLink(link, options({ maxFileBytes: 1024 })),
      ShlFileTooLargeError,
      'SHL_FILE_TOO_LARGE',
    );
  });

  test('an embedded file over maxFileBytes, a compressed one inflating past it, and a total over maxTotalBytes', async () => {
    const host = await startHost();
    const { payload, link } = linkOn(host);
    const file = await encryptFile(new Uint8Array(60_000), payload.key, {
      contentType: 'application/octet-stream',
    });
    const bomb = await encryptFile(new Uint8Array(5_000_000), payload.key, {
      contentType: 'application/octet-stream',
      compress: true,
    });
    let manifest: ShlManifest = {
      files: [{ contentType: 'application/octet-stream', embedded: file }],
    };
    host.handle((_, res) => json(res, 200, manifest));
    await expectRejects(
      resolveLink(link, options({ maxFileBytes: 50_000 })),
      ShlFileTooLargeError,
      'SHL_FILE_TOO_LARGE',
    );
    manifest = { files: [{ contentType: 'application/octet-stream', embedded: bomb }] };
    await expectRejects(
      resolveLink(link, options({ maxFileBytes: 1_000_000 })),
      ShlFileTooLargeError,
      'SHL_FILE_TOO_LARGE',
    );
    manifest = {
      files: [0, 1, 2].map(() => ({ contentType: 'application/octet-stream', embedded: file })),
    };
    const total = await expectRejects(
      resolveLink(link, options({ maxFileBytes: 60_000, maxTotalBytes: 150_000 })),
      ShlTotalTooLargeError,
      'SHL_TOTAL_TOO_LARGE',
    );
    expect((total as ShlTotalTooLargeError).limit).toBe(150_000);
    expect((await resolveLink(link, options({ maxTotalBytes: 180_000 }))).files).toHaveLength(3);
  });

  test('a manifest larger than the total allows is refused as it arrives', async () => {
    const host = await startHost();
    const { link } = linkOn(host);
    host.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"files":[');
      res.end(`${'{"contentType":"application/fhir+json","embedded":"x"},'.repeat(40_000)}]}`);
    });
    await expectRejects(
      resolveLink(link, options({ maxTotalBytes: 1000 })),
      ShlTotalTooLargeError,
      'SHL_TOTAL_TOO_LARGE',
    );
  });
});
