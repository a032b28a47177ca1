/**
 * `npm run bench:envelope -w @medvault/core`: seal and open throughput for
 * 1 MiB, 64 MiB and 1 GiB streamed from a generator (never a 1 GiB buffer),
 * against raw node:crypto AES-256-GCM over the same bytes in the same
 * process, and against @nucypher/umbral-pre `encrypt` for 64 MiB; peak RSS.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import * as ref from '@nucypher/umbral-pre';
import { SecretKey } from '../pre/keys.js';
import { openRecord, sealRecord } from './envelope.js';

const MiB = 1024 * 1024;
const patient = SecretKey.random();
const chunk = randomBytes(MiB);

function source(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= bytes) return c.close();
      const n = Math.min(MiB, bytes - sent);
      sent += n;
      c.enqueue(n === MiB ? chunk : chunk.subarray(0, n));
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.length;
  }
}

function rawAesGcm(bytes: number): number {
  const start = performance.now();
  const key = randomBytes(32);
  for (let off = 0, i = 0; off < bytes; off += MiB, i++) {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(i, 7);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.update(chunk.subarray(0, Math.min(MiB, bytes - off)));
    c.final();
    c.getAuthTag();
  }
  return performance.now() - start;
}

const rate = (bytes: number, ms: number) => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;

console.log('\nRecord envelope (AES-256-GCM STREAM, 1 MiB segments)');
// warm up: tables, JIT, the key-derivation path
for (let i = 0; i < 20; i++)
  await drain(
    await openRecord(
      (await sealRecord(patient.publicKey(), source(MiB), { contentType: 'x' })).stream,
      patient,
    ),
  );
let rssBefore = process.memoryUsage().rss;
for (const size of [MiB, 64 * MiB, 1024 * MiB]) {
  if (size === 1024 * MiB) rssBefore = process.memoryUsage().rss;
  const raw = rawAesGcm(size);
  let start = performance.now();
  await drain(
    (await sealRecord(patient.publicKey(), source(size), { contentType: 'application/dicom' }))
      .stream,
  );
  const seal = performance.now() - start;
  // seal piped straight into open: nothing is buffered beyond a segment
  start = performance.now();
  const sealed = await sealRecord(patient.publicKey(), source(size), {
    contentType: 'application/dicom',
  });
  const plainLength = await drain(await openRecord(sealed.stream, patient));
  const both = performance.now() - start;
  if (plainLength !== size) throw new Error('round trip lost bytes');
  const open = Math.max(both - seal, 1e-3);
  const label = size >= 1024 * MiB ? '1 GiB' : `${size / MiB} MiB`;
  console.log(
    `${label.padEnd(8)} seal ${rate(size, seal).padStart(11)} (${(raw / seal).toFixed(2)} of raw)  open ${rate(size, open).padStart(11)} (${(raw / open).toFixed(2)} of raw)  raw AES-GCM ${rate(size, raw).padStart(11)}`,
  );
}
console.log(
  `RSS growth over the runs: ${((process.memoryUsage().rss - rssBefore) / MiB).toFixed(0)} MiB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);

const pk = ref.SecretKey.fromBEBytes(patient.toBEBytes()).publicKey();
const big = new Uint8Array(64 * MiB);
let start = performance.now();
ref.encrypt(pk, big);
const umbral = performance.now() - start;
start = performance.now();
await drain(
  (await sealRecord(patient.publicKey(), big, { contentType: 'application/dicom' })).stream,
);
const ours = performance.now() - start;
console.log(
  `64 MiB: umbral-pre encrypt ${rate(64 * MiB, umbral)}, sealRecord ${rate(64 * MiB, ours)}, ratio ours/umbral time ${(ours / umbral).toFixed(2)}`,
);
