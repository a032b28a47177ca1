/**
 * PRE's WebAssembly backend in real Debian Chromium (playwright-core), and
 * its fallback: a clinic page whose Content-Security-Policy forbids
 * WebAssembly (no 'wasm-unsafe-eval') runs `@medvault/core/pre` on
 * @noble/curves — reported once through `onPreBackendFallback` — with the
 * same results as a page that allows it, and the share button on that page
 * works as on any other (it uses no WebAssembly). The wallet's own pages
 * and service worker may compile WebAssembly: the extension's CSP allows it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decryptOriginal,
  encrypt,
  generateKFrags,
  reencrypt,
  SecretKey,
  Signer,
} from '@medvault/core/pre';
import { launchBrowser, type WalletBrowser } from '@medvault/extension/testing';
import { bytesToHex } from '@noble/hashes/utils.js';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildShareButtonBundle } from '../share-button/bundle.js';
import { clinicPage, type Site, startSite } from '../share-button/site.js';

// Fixed keys; a capsule and capsule fragments made here in Node (WASM backend).
const patient = SecretKey.fromBEBytes(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const reader = SecretKey.fromBEBytes(Uint8Array.from({ length: 32 }, (_, i) => 200 - i));
const message = new TextEncoder().encode('HbA1c 6.1% — 2024-03-02');
const [capsule, ciphertext] = encrypt(patient.publicKey(), message);
const kfrags = generateKFrags(patient, reader.publicKey(), new Signer(patient), 2, 3, true, true);
const FIXTURE = {
  patient: bytesToHex(patient.toBEBytes()),
  reader: bytesToHex(reader.toBEBytes()),
  capsule: bytesToHex(capsule.toBytes()),
  ciphertext: bytesToHex(ciphertext),
  cfrags: kfrags.slice(0, 2).map((k) => bytesToHex(reencrypt(capsule, k).toBytes())),
};
const EXPECTED = {
  patientPk: bytesToHex(patient.publicKey().toCompressedBytes()),
  readerPk: bytesToHex(reader.publicKey().toCompressedBytes()),
  original: new TextDecoder().decode(decryptOriginal(patient, capsule, ciphertext)),
};

/** What the page does with @medvault/core/pre; its answer lands in window.preResult. */
const PRE_CHECK = `
import {
  Capsule, CapsuleFrag, PublicKey, SecretKey, Signer, decryptOriginal, decryptReencrypted,
  encrypt, generateKFrags, getPreBackend, onPreBackendFallback, preBackendReady, reencrypt,
} from '@medvault/core/pre';
const fixture = FIXTURE;
const bytes = (hex) => Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16));
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const text = (b) => new TextDecoder().decode(b);
const fallbacks = [];
onPreBackendFallback(({ reason, error }) => fallbacks.push({ reason, error: String(error) }));
const atImport = getPreBackend();
const backend = await preBackendReady();
const patient = SecretKey.fromBEBytes(bytes(fixture.patient));
const reader = SecretKey.fromBEBytes(bytes(fixture.reader));
const patientPk = patient.publicKey();
const capsule = Capsule.fromBytes(bytes(fixture.capsule));
const verified = fixture.cfrags.map((c) =>
  CapsuleFrag.fromBytes(bytes(c)).verify(capsule, patientPk, patientPk, reader.publicKey()));
// and a whole round in the page
const [c2, ct2] = encrypt(patientPk, new TextEncoder().encode('made in the page'));
const kfrags = generateKFrags(patient, reader.publicKey(), new Signer(patient), 2, 3, true, true);
const cfrags = kfrags.slice(1).map((k) => reencrypt(c2, k));
await new Promise((r) => setTimeout(r, 0));
window.preResult = {
  atImport,
  backend,
  fallbacks,
  patientPk: hex(patientPk.toCompressedBytes()),
  readerPk: hex(reader.publicKey().toCompressedBytes()),
  original: text(decryptOriginal(patient, capsule, bytes(fixture.ciphertext))),
  reencrypted: text(decryptReencrypted(reader, patientPk, capsule, verified, bytes(fixture.ciphertext))),
  inPage: text(decryptReencrypted(reader, patientPk, c2, cfrags, ct2)),
};
`;

type PreResult = {
  atImport: string;
  backend: string;
  fallbacks: { reason: string; error: string }[];
  patientPk: string;
  readerPk: string;
  original: string;
  reencrypted: string;
  inPage: string;
};

const clinicKey = bytesToHex(reader.publicKey().toCompressedBytes());
const BUTTON = `<medvault-share-button reader-key="${clinicKey}" reader-name="Riverside Clinic"
  scope='{"categories":["laboratory"]}' purpose="Diabetes follow-up" expires-in-days="30">
</medvault-share-button>`;

/** A page with the share button and the PRE check under `csp`. */
const page = (title: string, csp: string) =>
  clinicPage({
    title,
    head: `<meta http-equiv="Content-Security-Policy" content="${csp}">
<script type="module" src="/medvault-share-button.js"></script>
<script type="module" src="/pre-check.js"></script>`,
    body: `<main class="card"><h1>${title}</h1>${BUTTON}</main>`,
  });

const NO_WASM = "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'";
const WASM = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'unsafe-inline'";

let dir: string;
let site: Site;
let bare: WalletBrowser;
let wallet: WalletBrowser;

async function open(browser: WalletBrowser, path: string): Promise<Page & { problems: string[] }> {
  const p = (await browser.context.newPage()) as Page & { problems: string[] };
  p.problems = [];
  p.on('pageerror', (error) => p.problems.push(error.message));
  await p.goto(`${site.url}${path}`);
  return p;
}

const preResult = async (p: Page): Promise<PreResult> => {
  await p.waitForFunction(() => 'preResult' in window, undefined, { timeout: 60_000 });
  return p.evaluate(() => (window as unknown as { preResult: PreResult }).preResult);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-pre-csp-'));
  const buttonBundle = join(dir, 'medvault-share-button.js');
  const checkBundle = join(dir, 'pre-check.js');
  await Promise.all([
    buildShareButtonBundle(buttonBundle),
    build({
      stdin: { contents: PRE_CHECK, loader: 'js', resolveDir: import.meta.dirname },
      outfile: checkBundle,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      define: { FIXTURE: JSON.stringify(FIXTURE) },
      logLevel: 'warning',
    }),
    launchBrowser(join(dir, 'bare'), { extension: false }).then((b) => {
      bare = b;
    }),
    launchBrowser(join(dir, 'wallet')).then((b) => {
      wallet = b;
    }),
  ]);
  site = await startSite({
    '/no-wasm.html': ['text/html', page('Riverside Clinic — strict CSP', NO_WASM)],
    '/wasm.html': ['text/html', page('Riverside Clinic', WASM)],
    '/medvault-share-button.js': ['text/javascript', await readFile(buttonBundle)],
    '/pre-check.js': ['text/javascript', await readFile(checkBundle)],
    '/favicon.ico': ['image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
  });
}, 180_000);

afterAll(async () => {
  await bare?.close();
  await wallet?.close();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('@medvault/core/pre in Chromium', () => {
  test('a page that allows WebAssembly: noble while it compiles, then libsecp256k1; no fallback', async () => {
    const p = await open(bare, '/wasm.html');
    const result = await preResult(p);
    expect(result).toMatchObject({ atImport: 'noble', backend: 'wasm', fallbacks: [] });
    expect(result).toMatchObject({
      ...EXPECTED,
      reencrypted: EXPECTED.original,
      inPage: 'made in the page',
    });
    expect(p.problems).toEqual([]);
  });

  test("a page whose CSP forbids WebAssembly: noble, reported once ('compile'), the same results", async () => {
    const p = await open(bare, '/no-wasm.html');
    const result = await preResult(p);
    expect(result).toMatchObject({ atImport: 'noble', backend: 'noble' });
    expect(result.fallbacks).toHaveLength(1);
    expect(result.fallbacks[0]?.reason).toBe('compile');
    expect(result.fallbacks[0]?.error).toMatch(/CompileError.*wasm-unsafe-eval|unsafe-eval/);
    expect(result).toMatchObject({
      ...EXPECTED,
      reencrypted: EXPECTED.original,
      inPage: 'made in the page',
    });
    expect(p.problems).toEqual([]);
  });
});

describe('the share button on a page whose CSP forbids WebAssembly', () => {
  test('without the wallet: no-extension, and a click says SHARE_NO_EXTENSION', async () => {
    const p = await open(bare, '/no-wasm.html');
    await p.locator('medvault-share-button[state="no-extension"]').waitFor({ timeout: 30_000 });
    const event = p.evaluate(
      () =>
        new Promise((resolve) =>
          document.addEventListener(
            'medvault-error',
            (e) => resolve((e as CustomEvent).detail.code),
            {
              once: true,
            },
          ),
        ),
    );
    await p.getByRole('button', { name: 'Share my records' }).click();
    await expect(event).resolves.toBe('SHARE_NO_EXTENSION');
    expect(p.problems).toEqual([]);
  });

  test('with the wallet: it finds the wallet (ready) and asks it (a wallet not set up answers 4100)', async () => {
    const p = await open(wallet, '/no-wasm.html');
    await p.locator('medvault-share-button[state="ready"]').waitFor({ timeout: 30_000 });
    const event = p.evaluate(
      () =>
        new Promise((resolve) =>
          document.addEventListener(
            'medvault-error',
            (e) => resolve((e as CustomEvent).detail.code),
            {
              once: true,
            },
          ),
        ),
    );
    await p.getByRole('button', { name: 'Share my records' }).click();
    await expect(event).resolves.toBe(4100);
    expect((await preResult(p)).backend).toBe('noble');
    expect(p.problems).toEqual([]);
  });

  test("the wallet's service worker may compile WebAssembly (its CSP has 'wasm-unsafe-eval')", async () => {
    const worker = wallet.context.serviceWorkers()[0];
    if (!worker) throw new Error('the wallet has no service worker');
    const compiled = await worker.evaluate(async () => {
      const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      try {
        await WebAssembly.compile(empty);
        return 'compiled';
      } catch (error) {
        return String(error);
      }
    });
    expect(compiled).toBe('compiled');
  });
});
