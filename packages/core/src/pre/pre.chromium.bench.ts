/**
 * `npm run bench:pre:chromium -w @medvault/core`: the PRE benchmark of
 * pre.bench.ts in Debian Chromium (playwright-core, /usr/bin/chromium or
 * MEDVAULT_CHROMIUM): ours on the WASM backend, ours on the noble fallback
 * and @nucypher/umbral-pre 0.10 (its wasm-bindgen bundler build), in one
 * page. The page's timer is coarse (100 µs without cross-origin
 * isolation), so each figure is the median over batches of calls that
 * take about 10 ms, divided by the batch size. Benchmarks only: the GPL
 * reference never reaches shipped code.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const umbralGlue = require.resolve('@nucypher/umbral-pre/pkg-bundler/umbral_pre_wasm_bg.js');
const umbralWasm = require.resolve('@nucypher/umbral-pre/pkg-bundler/umbral_pre_wasm_bg.wasm');

const PAGE_SCRIPT = `
import * as ref from ${JSON.stringify(umbralGlue)};
import * as ours from './index.js';
import { usePreBackendForTests } from './backend/index.js';

const { instance } = await WebAssembly.instantiate(
  await (await fetch('/umbral.wasm')).arrayBuffer(),
  { './umbral_pre_wasm_bg.js': ref },
);
ref.__wbg_set_wasm(instance.exports);
const backend = await ours.preBackendReady();

const RECORDS = 100;
const plaintext = new Uint8Array(32).fill(7);
const patient = ours.SecretKey.random();
const reader = ours.SecretKey.random();
const signer = new ours.Signer(patient);
const refPatient = ref.SecretKey.fromBEBytes(patient.toBEBytes());
const refReader = ref.SecretKey.fromBEBytes(reader.toBEBytes());
const refSigner = new ref.Signer(refPatient);
const patientPk = patient.publicKey();
const readerPk = reader.publicKey();
const refPatientPk = refPatient.publicKey();
const refReaderPk = refReader.publicKey();
const [capsule, ciphertext] = ours.encrypt(patientPk, plaintext);
const refCapsule = ref.Capsule.fromBytes(capsule.toBytes());
const kfrags = ours.generateKFrags(patient, readerPk, signer, 2, 3, true, true);
const refKfrags = kfrags.map((k) =>
  ref.KeyFrag.fromBytes(k.toBytes()).verify(refSigner.verifyingKey(), refPatientPk, refReaderPk));
const cfragBytes = kfrags.slice(0, 2).map((k) => ours.reencrypt(capsule, k).toBytes());
const verifiedCfrags = cfragBytes.map((b) =>
  ours.CapsuleFrag.fromBytes(b).verify(capsule, patientPk, patientPk, readerPk));
const refVerifiedCfrags = cfragBytes.map((b) =>
  ref.CapsuleFrag.fromBytes(b).verify(refCapsule, refPatientPk, refPatientPk, refReaderPk));
const records = Array.from({ length: RECORDS }, () => {
  const [c, ct] = ours.encrypt(patientPk, plaintext);
  return {
    capsule: c,
    refCapsule: ref.Capsule.fromBytes(c.toBytes()),
    ciphertext: ct,
    cfragBytes: kfrags.slice(0, 2).map((k) => ours.reencrypt(c, k).toBytes()),
  };
});

const ops = [
  ['encrypt', () => ours.encrypt(patientPk, plaintext), () => ref.encrypt(refPatientPk, plaintext)],
  ['decryptOriginal', () => ours.decryptOriginal(patient, capsule, ciphertext),
    () => ref.decryptOriginal(refPatient, refCapsule, ciphertext)],
  ['generateKFrags(2 of 3)', () => ours.generateKFrags(patient, readerPk, signer, 2, 3, true, true),
    () => ref.generateKFrags(refPatient, refReaderPk, refSigner, 2, 3, true, true)],
  ['reencrypt', () => ours.reencrypt(capsule, kfrags[0]), () => ref.reencrypt(refCapsule, refKfrags[0])],
  ['cfrag fromBytes + verify',
    () => ours.CapsuleFrag.fromBytes(cfragBytes[0]).verify(capsule, patientPk, patientPk, readerPk),
    () => ref.CapsuleFrag.fromBytes(cfragBytes[0]).verify(refCapsule, refPatientPk, refPatientPk, refReaderPk)],
  ['decryptReencrypted(2 cfrags)',
    () => ours.decryptReencrypted(reader, patientPk, capsule, verifiedCfrags, ciphertext),
    () => ref.decryptReencrypted(refReader, refPatientPk, refCapsule, refVerifiedCfrags, ciphertext)],
  ['verify + open ' + RECORDS + ' records (2 cfrags each)',
    () => ours.openCapsules(reader, patientPk, patientPk, records.map((r) => ({
      capsule: r.capsule,
      cfrags: r.cfragBytes.map((b) => ours.CapsuleFrag.fromBytes(b)),
      ciphertext: r.ciphertext,
    }))),
    () => records.map((r) => ref.decryptReencrypted(refReader, refPatientPk, r.refCapsule,
      r.cfragBytes.map((b) => ref.CapsuleFrag.fromBytes(b).verify(r.refCapsule, refPatientPk, refPatientPk, refReaderPk)),
      r.ciphertext))],
];

/** Median ms per call over batches of about 10 ms, for about budgetMs. */
function time(fn, budgetMs) {
  for (let i = 0; i < 3; i++) fn();
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - t0 >= 10 || batch >= 4096) break;
    batch *= 2;
  }
  const samples = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || samples.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push((performance.now() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const rows = [];
for (const [name, mine, theirs] of ops) {
  usePreBackendForTests('wasm');
  const wasm = time(mine, 1200);
  usePreBackendForTests('noble');
  const noble = time(mine, 1200);
  usePreBackendForTests('wasm');
  const reference = time(theirs, 1200);
  rows.push({ name, wasm, noble, reference });
}
window.benchResult = { backend, userAgent: navigator.userAgent, rows };
`;

function format(ms: number): string {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

type Row = { name: string; wasm: number; noble: number; reference: number };

const bundled = await build({
  stdin: { contents: PAGE_SCRIPT, loader: 'js', resolveDir: import.meta.dirname },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const files: Record<string, [string, string | Uint8Array]> = {
  '/': [
    'text/html',
    '<!doctype html><title>PRE bench</title><script type="module" src="/bench.js"></script>',
  ],
  '/bench.js': ['text/javascript', (bundled.outputFiles[0] as { text: string }).text],
  '/umbral.wasm': ['application/wasm', await readFile(umbralWasm)],
};
const server = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({
  executablePath: process.env.MEDVAULT_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'benchResult' in window, undefined, { timeout: 600_000 });
  const result = (await page.evaluate(
    () => (window as unknown as { benchResult: unknown }).benchResult,
  )) as {
    backend: string;
    userAgent: string;
    rows: Row[];
  };
  const version = /Chrome\/([\d.]+)/.exec(result.userAgent)?.[1] ?? result.userAgent;
  console.log(
    `\nUmbral PRE in Chromium ${version}: @medvault/core (WASM and noble backends) vs @nucypher/umbral-pre 0.10`,
  );
  console.log(
    `${'operation'.padEnd(44)} ${'ours, wasm'.padStart(11)} ${'ours, noble'.padStart(12)} ${'reference'.padStart(11)} ${'wasm/ref'.padStart(9)} ${'noble/ref'.padStart(10)}`,
  );
  for (const r of result.rows) {
    console.log(
      `${r.name.padEnd(44)} ${format(r.wasm).padStart(11)} ${format(r.noble).padStart(12)} ${format(r.reference).padStart(11)} ${(r.wasm / r.reference).toFixed(2).padStart(9)} ${(r.noble / r.reference).toFixed(2).padStart(10)}`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
