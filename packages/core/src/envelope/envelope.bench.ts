/**
 * `npm run bench:envelope -w @medvault/core`: seal (the CID computed while
 * streaming) and open throughput for 1 MiB, 64 MiB and 1 GiB, each streamed
 * from a generator (never one large buffer), against raw node:crypto
 * AES-256-GCM over the same bytes in the same process; raw SHA-256 (what
 * the CID costs), @nucypher/umbral-pre `encrypt` for 64 MiB, and memory.
 *
 * The reference is raw AES-GCM at its best: the faster of whole-segment and
 * 64 KiB `update` calls, best of three runs each (fresh output pages cost
 * more than the cipher on a VM, and which of the two avoids them depends on
 * the allocator's state). Ours is the best of three runs too.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import * as ref from '@nucypher/umbral-pre';
import { SecretKey } from '../pre/keys.js';
import { MemoryStore } from '../storage/memory-store.js';
import { openRecord, sealRecord } from './envelope.js';

const MiB = 1024 * 1024;
const patient = SecretKey.random();
const chunk = randomBytes(MiB);

/** The plaintext: `bytes` from a generator, one reused 1 MiB chunk at a time. */
function plaintext(bytes: number): ReadableStream<Uint8Array> {
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

async function drain(stream: ReadableStream<Uint8Array>, keep?: Uint8Array[]): Promise<number> {
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.length;
    keep?.push(value);
  }
}

/** The fastest of `runs` timings (ms): the run least disturbed by load and the allocator. */
async function best(runs: number, time: () => number | Promise<number>): Promise<number> {
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) ms = Math.min(ms, await time());
  return ms;
}

/** Raw AES-256-GCM over `bytes` in 1 MiB segments, fed in `piece`-byte updates. */
function rawAesGcm(bytes: number, piece: number): number {
  const start = performance.now();
  const key = randomBytes(32);
  for (let off = 0, i = 0; off < bytes; off += MiB, i++) {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(i, 7);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const segment = chunk.subarray(0, Math.min(MiB, bytes - off));
    for (let at = 0; at < segment.length; at += piece) c.update(segment.subarray(at, at + piece));
    c.final();
    c.getAuthTag();
  }
  return performance.now() - start;
}

/** Raw SHA-256 over `bytes` in 1 MiB leaves: the least the CID costs. */
function rawSha256(bytes: number): number {
  const start = performance.now();
  for (let off = 0; off < bytes; off += MiB) {
    createHash('sha256')
      .update(chunk.subarray(0, Math.min(MiB, bytes - off)))
      .digest();
  }
  return performance.now() - start;
}

/** Runs `work` while sampling RSS; returns the highest RSS above the starting one (MiB). */
async function rssGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return (Math.max(peak, process.memoryUsage().rss) - before) / MiB;
}

const rate = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);
const show = (mibPerS: number) => `${mibPerS.toFixed(0).padStart(5)} MiB/s`;

async function timeSeal(size: number): Promise<number> {
  const begin = performance.now();
  const sealed = await sealRecord(patient.publicKey(), plaintext(size), {
    contentType: 'application/dicom',
  });
  await drain(sealed.stream);
  await sealed.done;
  return performance.now() - begin;
}

async function timeOpen(sealed: Uint8Array[], size: number): Promise<number> {
  const begin = performance.now();
  // streamed from a generator over the sealed blob's chunks
  const plainLength = await drain(await openRecord(sealed.values(), patient));
  if (plainLength !== size) throw new Error('round trip lost bytes');
  return performance.now() - begin;
}

console.log('\nRecord envelope (AES-256-GCM STREAM, 1 MiB segments; MiB/s, ratio to raw AES-GCM)');
// warm up: tables, JIT, the key-derivation path
for (let i = 0; i < 20; i++) {
  const sealed: Uint8Array[] = [];
  await drain(
    (await sealRecord(patient.publicKey(), plaintext(MiB), { contentType: 'x' })).stream,
    sealed,
  );
  await drain(await openRecord(sealed, patient));
}
const growth: string[] = [];
for (const size of [MiB, 64 * MiB, 1024 * MiB]) {
  const label = size >= 1024 * MiB ? '1 GiB' : `${size / MiB} MiB`;
  const aes = rate(
    size,
    Math.min(
      await best(3, () => rawAesGcm(size, MiB)),
      await best(3, () => rawAesGcm(size, 64 * 1024)),
    ),
  );
  const sha = rate(size, await best(3, () => rawSha256(size)));
  // one core running AES-GCM then SHA-256 over every byte, with nothing else
  const oneCore = 1 / (1 / aes + 1 / sha);
  let sealMs = Number.POSITIVE_INFINITY;
  const sealGrowth = await rssGrowth(async () => {
    sealMs = await best(3, () => timeSeal(size));
  });
  const seal = rate(size, sealMs);
  // the sealed blob, kept as the chunks the stream gave, for open to stream from
  const blob: Uint8Array[] = [];
  const sealed = await sealRecord(patient.publicKey(), plaintext(size), {
    contentType: 'application/dicom',
  });
  await drain(sealed.stream, blob);
  let openMs = Number.POSITIVE_INFINITY;
  const openGrowth = await rssGrowth(async () => {
    openMs = await best(3, () => timeOpen(blob, size));
  });
  const open = rate(size, openMs);
  let verified = '';
  if (size <= 64 * MiB) {
    const store = new MemoryStore();
    const cid = await store.put(blob.values());
    const ms = await best(2, async () => {
      const begin = performance.now();
      await drain(await openRecord(await store.get(cid), patient));
      return performance.now() - begin;
    });
    verified = ` | from a store, verified ${show(rate(size, ms))} (${(rate(size, ms) / aes).toFixed(2)})`;
  }
  blob.length = 0;
  console.log(
    `${label.padEnd(6)} raw AES-GCM ${show(aes)}, SHA-256 ${show(sha)} | seal+CID ${show(seal)} (${(seal / aes).toFixed(2)}; ${(seal / oneCore).toFixed(2)} of AES then SHA-256 on one core) | open ${show(open)} (${(open / aes).toFixed(2)})${verified}`,
  );
  if (size === 1024 * MiB) {
    growth.push(`seal ${sealGrowth.toFixed(0)} MiB`, `open ${openGrowth.toFixed(0)} MiB`);
  }
}
console.log(
  `RSS growth over 1 GiB: ${growth.join(', ')} (open's input, the sealed blob, held apart); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
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
  `64 MiB: umbral-pre encrypt ${show(rate(64 * MiB, umbral))}, sealRecord ${show(rate(64 * MiB, ours))}, ratio ours/umbral time ${(ours / umbral).toFixed(2)}`,
);
