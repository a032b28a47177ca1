/**
 * Interoperability with an independent SMART Health Links implementation,
 * `kill-the-clipboard` (Vinta Software, MIT; a devDependency, used here
 * only), over a real HTTP server on 127.0.0.1, both directions:
 *
 * - links MedVault makes (`encodeLink`, `encryptFile`, a manifest checked
 *   with `parseManifestRequest`) resolve with its `SHLViewer`: embedded and
 *   located files, compressed or not, passcode, viewer prefix, flag U;
 * - links it makes (`SHL.generate`, `SHLManifestBuilder`, which compresses
 *   FHIR files by default, and a SMART Health Card from its `SHCIssuer`)
 *   resolve with `resolveLink`.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SHCIssuer,
  SHL,
  SHLInvalidPasscodeError,
  SHLManifestBuilder,
  SHLViewer,
} from 'kill-the-clipboard';
import { afterEach, describe, expect, test } from 'vitest';
import {
  decodeLink,
  decryptFile,
  encodeLink,
  encryptFile,
  manifestUrl,
  newLinkId,
  newLinkKey,
  parseManifestRequest,
  resolveLink,
  ShlPasscodeError,
  type ShlPayload,
} from './index.js';

const FHIR = 'application/fhir+json';
const BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    {
      fullUrl: 'resource:0',
      resource: {
        resourceType: 'Patient',
        name: [{ family: 'Souza', given: ['Ana'] }],
        birthDate: '1984-02-29',
      },
    },
    {
      fullUrl: 'resource:1',
      resource: {
        resourceType: 'AllergyIntolerance',
        patient: { reference: 'resource:0' },
        code: { text: 'Penicillin' },
      },
    },
  ],
};
const PATIENT = { resourceType: 'Patient', id: 'ana', name: [{ text: 'Ana Souza — ñ' }] };

type Route = (method: string, path: string, body: string, res: ServerResponse) => unknown;
const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An HTTP server on 127.0.0.1 at a free port, answering with `route`. */
async function serve(route: Route): Promise<string> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      await route(req.method ?? '', req.url ?? '', Buffer.concat(chunks).toString(), res);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('MedVault links resolve with kill-the-clipboard', () => {
  /** A MedVault host: one link, its files (embedded or at a location), an optional passcode. */
  async function medvaultHost(options: { flag?: string; passcode?: string; viewer?: string }) {
    let origin = '';
    const id = newLinkId();
    const key = newLinkKey();
    const files = new Map<string, string>();
    const manifest: { contentType: string; embedded?: string; location?: string }[] = [];
    const received: unknown[] = [];
    let attempts = 3;
    origin = await serve((method, path, body, res) => {
      if (method === 'POST' && path === `/m/${id}`) {
        const request = parseManifestRequest(JSON.parse(body));
        received.push(request);
        if (options.passcode !== undefined && request.passcode !== options.passcode) {
          attempts -= 1;
          return json(res, 401, { remainingAttempts: attempts });
        }
        return json(res, 200, { files: manifest });
      }
      if (method === 'GET' && path.startsWith(`/m/${id}?`) && options.flag?.includes('U')) {
        return res
          .writeHead(200, { 'content-type': 'application/jose' })
          .end(manifest[0]?.embedded);
      }
      const file = method === 'GET' ? files.get(path) : undefined;
      if (file) return res.writeHead(200, { 'content-type': 'application/jose' }).end(file);
      res.writeHead(404).end();
    });
    const payload: ShlPayload = {
      url: manifestUrl(`${origin}/m`, id),
      key,
      label: 'Emergency card',
      ...(options.flag ? { flag: options.flag } : {}),
    };
    return {
      link: encodeLink(payload, options.viewer ? { viewer: options.viewer } : {}),
      received,
      embed: async (content: unknown, compress = false) => {
        manifest.push({
          contentType: FHIR,
          embedded: await encryptFile(JSON.stringify(content), key, {
            contentType: FHIR,
            compress,
          }),
        });
      },
      locate: async (content: unknown, compress = false) => {
        const path = `/f/${newLinkId()}`;
        files.set(
          path,
          await encryptFile(JSON.stringify(content), key, { contentType: FHIR, compress }),
        );
        manifest.push({ contentType: FHIR, location: `${origin}${path}` });
      },
    };
  }

  test('embedded and located, plain and compressed files, behind a viewer URL', async () => {
    const host = await medvaultHost({ viewer: 'https://viewer.medvault.example/' });
    await host.embed(BUNDLE);
    await host.embed(PATIENT, true);
    await host.locate(PATIENT);
    await host.locate(BUNDLE, true);
    expect(host.link.startsWith('https://viewer.medvault.example/#shlink:/')).toBe(true);
    const viewer = new SHLViewer({ shlinkURI: host.link });
    expect(viewer.shl.label).toBe('Emergency card');
    const resolved = await viewer.resolveSHL({ recipient: 'KTC receiver' });
    expect(resolved.fhirResources).toEqual([BUNDLE, PATIENT, PATIENT, BUNDLE]);
    expect(host.received).toEqual([{ recipient: 'KTC receiver' }]);
  });

  test('a passcode link: the wrong passcode is refused, the right one opens it', async () => {
    const host = await medvaultHost({ flag: 'LP', passcode: '7291' });
    await host.embed(BUNDLE);
    const viewer = new SHLViewer({ shlinkURI: host.link });
    expect(viewer.shl.requiresPasscode).toBe(true);
    await expect(viewer.resolveSHL({ recipient: 'KTC', passcode: '0000' })).rejects.toBeInstanceOf(
      SHLInvalidPasscodeError,
    );
    const resolved = await viewer.resolveSHL({
      recipient: 'KTC',
      passcode: '7291',
      embeddedLengthMax: 4096,
    });
    expect(resolved.fhirResources).toEqual([BUNDLE]);
    expect(host.received.at(-1)).toEqual({
      recipient: 'KTC',
      passcode: '7291',
      embeddedLengthMax: 4096,
    });
  });

  test('a direct-file (U) link', async () => {
    const host = await medvaultHost({ flag: 'U' });
    await host.embed(PATIENT);
    const resolved = await new SHLViewer({ shlinkURI: host.link }).resolveSHL({ recipient: 'KTC' });
    expect(resolved.manifest).toBeUndefined();
    expect(resolved.fhirResources).toEqual([PATIENT]);
  });
});

describe('kill-the-clipboard links resolve with MedVault', () => {
  /** A host built on its SHL and SHLManifestBuilder, as its README shows. */
  async function theirHost(options: { flag?: 'P' | 'LP'; passcode?: string }) {
    const stored = new Map<string, string>();
    let origin = '';
    let shl: SHL | undefined;
    let builder: SHLManifestBuilder | undefined;
    origin = await serve(async (method, path, body, res) => {
      if (method === 'POST' && shl && `${origin}${path}` === shl.url) {
        const request = JSON.parse(body) as { passcode?: string; embeddedLengthMax?: number };
        if (options.passcode !== undefined && request.passcode !== options.passcode) {
          return json(res, 401, { remainingAttempts: 2 });
        }
        const manifest = await builder!.buildManifest(
          request.embeddedLengthMax === undefined
            ? {}
            : { embeddedLengthMax: request.embeddedLengthMax },
        );
        return json(res, 200, manifest);
      }
      const file = method === 'GET' ? stored.get(path) : undefined;
      if (file) return res.writeHead(200, { 'content-type': 'application/jose' }).end(file);
      res.writeHead(404).end();
    });
    shl = SHL.generate({
      baseManifestURL: `${origin}/shl`,
      manifestPath: '/manifest.json',
      label: 'From kill-the-clipboard',
      expirationDate: new Date(Date.now() + 3_600_000),
      ...(options.flag ? { flag: options.flag } : {}),
    });
    builder = new SHLManifestBuilder({
      shl,
      uploadFile: async (content: string) => {
        const path = `/files/${stored.size + 1}`;
        stored.set(path, content);
        return path;
      },
      getFileURL: async (path: string) => `${origin}${path}`,
      loadFile: async (path: string) => stored.get(path) ?? '',
    });
    return { shl, builder, stored };
  }

  test('compressed FHIR files, embedded or located as the receiver asks', async () => {
    const { shl, builder, stored } = await theirHost({});
    await builder.addFHIRResource({ content: BUNDLE as never });
    await builder.addFHIRResource({ content: PATIENT as never, enableCompression: false });
    const [first, second] = [...stored.values()];
    expect((await decryptFile(first!, shl.key)).compressed).toBe(true);
    expect((await decryptFile(second!, shl.key)).compressed).toBe(false);
    const link = shl.toURI();
    expect(decodeLink(link)).toMatchObject({
      url: shl.url,
      key: shl.key,
      label: 'From kill-the-clipboard',
      v: 1,
    });

    const embedded = await resolveLink(link, { recipient: 'MedVault receiver' });
    expect(embedded.label).toBe('From kill-the-clipboard');
    expect(embedded.exp).toBe(shl.exp);
    expect(embedded.files.map((f) => f.resource)).toEqual([BUNDLE, PATIENT]);

    const located = await resolveLink(`https://viewer.example.org/#${link}`, {
      recipient: 'MedVault receiver',
      embeddedLengthMax: 0,
    });
    expect(located.files.map((f) => f.resource)).toEqual([BUNDLE, PATIENT]);
  });

  test('a passcode link: 401 becomes ShlPasscodeError, the right passcode opens it', async () => {
    const { shl, builder } = await theirHost({ flag: 'LP', passcode: 'correct horse' });
    await builder.addFHIRResource({ content: PATIENT as never });
    const wrong = await resolveLink(shl.toURI(), { recipient: 'MedVault', passcode: 'nope' }).catch(
      (e) => e,
    );
    expect(wrong).toBeInstanceOf(ShlPasscodeError);
    expect((wrong as ShlPasscodeError).remainingAttempts).toBe(2);
    const resolved = await resolveLink(shl.toURI(), {
      recipient: 'MedVault',
      passcode: 'correct horse',
    });
    expect(resolved.files[0]?.resource).toEqual(PATIENT);
  });

  test('a SMART Health Card it issued comes back as its JWS (not verified here)', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const issuer = new SHCIssuer({
      issuer: 'https://issuer.example.org',
      privateKey: keys.privateKey,
      publicKey: keys.publicKey,
    });
    const card = await issuer.issue(BUNDLE as never);
    const { shl, builder } = await theirHost({});
    await builder.addHealthCard({ shc: card });
    const resolved = await resolveLink(shl.toURI(), { recipient: 'MedVault' });
    expect(resolved.files).toHaveLength(1);
    expect(resolved.files[0]?.contentType).toBe('application/smart-health-card');
    expect(resolved.files[0]?.verifiableCredential).toEqual([card.asJWS()]);
  });
});
