/**
 * Fixed vectors of the sealed-record format (docs/spec/vectors/envelope.json,
 * written once by scripts/make-vectors.ts). Sealing is randomized, so the
 * committed bytes are decoded and opened here, never regenerated. Besides
 * `openRecord`, each segment is opened with WebCrypto from the spec's key
 * derivation and nonce alone, to check the bytes against the spec as well.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { decryptOriginal, SecretKey } from '../pre/index.js';
import { computeCid } from '../storage/index.js';
import { collect, decodeHeader, openRecord, openSegment } from './index.js';

type Vector = {
  id: string;
  secretKey: string;
  plaintext: string;
  sealed: string;
  size: number;
  cid: string;
  header: {
    length: number;
    magic: string;
    version: number;
    segmentSize: number;
    noncePrefix: string;
    salt: string;
    capsule: string;
    wrappedKey: string;
    contentType: string;
  };
  dataKey: string;
  segmentKey: string;
  segments: { index: number; offset: number; length: number; final: boolean; nonce: string }[];
};
type Edit = {
  flip?: { offset: number; mask: number };
  set?: { offset: number; hex: string };
  truncate?: number;
  swap?: { a: number; b: number; length: number };
  append?: { offset: number; length: number };
};
type Negative = {
  id: string;
  of: string;
  edits: Edit[];
  secretKey?: string;
  openSegment?: number;
  code: string;
  segment?: number;
};

const file = join(import.meta.dirname, '../../../../docs/spec/vectors/envelope.json');
const { vectors, negative } = JSON.parse(readFileSync(file, 'utf8')) as {
  vectors: Vector[];
  negative: Negative[];
};
const hex = bytesToHex;
const key = (v: { secretKey: string }) => SecretKey.fromBEBytes(hexToBytes(v.secretKey));

function applyEdits(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const e of edits) {
    if (e.flip) out[e.flip.offset]! ^= e.flip.mask;
    if (e.set) out.set(hexToBytes(e.set.hex), e.set.offset);
    if (e.truncate !== undefined) out = out.slice(0, e.truncate);
    if (e.swap) {
      const { a, b, length } = e.swap;
      const first = out.slice(a, a + length);
      out.set(out.slice(b, b + length), a);
      out.set(first, b);
    }
    if (e.append)
      out = concatBytes(out, out.slice(e.append.offset, e.append.offset + e.append.length));
  }
  return out;
}

describe.each(vectors)('sealed record "$id"', (v) => {
  const sealed = hexToBytes(v.sealed);
  const plaintext = hexToBytes(v.plaintext);

  test('the header decodes to the fields given, and the size is as the spec says', () => {
    const h = decodeHeader(sealed);
    expect(hex(sealed.subarray(0, 4))).toBe(v.header.magic);
    expect(sealed[4]).toBe(v.header.version);
    expect({
      length: h.bytes.length,
      magic: v.header.magic,
      version: v.header.version,
      segmentSize: h.segmentSize,
      noncePrefix: hex(h.noncePrefix),
      salt: hex(h.salt),
      capsule: hex(h.capsule.toBytes()),
      wrappedKey: hex(h.wrappedKey),
      contentType: h.contentType,
    }).toEqual(v.header);
    const segments = Math.max(1, Math.ceil(plaintext.length / h.segmentSize));
    expect(sealed.length).toBe(h.bytes.length + plaintext.length + 16 * segments);
    expect(sealed.length).toBe(v.size);
    expect(v.segments).toHaveLength(segments);
  });

  test('the patient key unwraps the data key; HKDF gives the segment key', () => {
    const h = decodeHeader(sealed);
    const dataKey = decryptOriginal(key(v), h.capsule, h.wrappedKey);
    expect(hex(dataKey)).toBe(v.dataKey);
    const info = utf8ToBytes('medvault/envelope/v1');
    expect(hex(hkdf(sha256, dataKey, h.salt, info, 32))).toBe(v.segmentKey);
  });

  test('each segment opens with AES-256-GCM under its nonce, the header as AAD', async () => {
    const h = decodeHeader(sealed);
    const aesKey = await crypto.subtle.importKey(
      'raw',
      hexToBytes(v.segmentKey) as BufferSource,
      'AES-GCM',
      false,
      ['decrypt'],
    );
    let offset = h.bytes.length;
    const opened: Uint8Array[] = [];
    for (const s of v.segments) {
      const nonce = new Uint8Array(12);
      nonce.set(h.noncePrefix);
      new DataView(nonce.buffer).setUint32(7, s.index);
      nonce[11] = s.final ? 1 : 0;
      expect(hex(nonce)).toBe(s.nonce);
      expect(s.offset).toBe(offset);
      expect(s.final).toBe(s.index === v.segments.length - 1);
      const params = { name: 'AES-GCM', iv: nonce, additionalData: h.bytes, tagLength: 128 };
      const segment = sealed.subarray(s.offset, s.offset + s.length) as BufferSource;
      opened.push(new Uint8Array(await crypto.subtle.decrypt(params, aesKey, segment)));
      offset += s.length;
    }
    expect(offset).toBe(sealed.length);
    expect(hex(concatBytes(...opened))).toBe(v.plaintext);
  });

  test('openRecord and openSegment give the plaintext', async () => {
    expect(hex(await collect(await openRecord(sealed, key(v))))).toBe(v.plaintext);
    const segmentSize = v.header.segmentSize;
    for (const s of v.segments) {
      const part = plaintext.subarray(s.index * segmentSize, (s.index + 1) * segmentSize);
      expect(hex(await openSegment(sealed, key(v), s.index))).toBe(hex(part));
    }
  });

  test('the CID is the sealed bytes’ unixfs-v1-2025 address', async () => {
    expect((await computeCid([sealed])).cid.toString()).toBe(v.cid);
  });
});

describe('negative cases', () => {
  test.each(negative)('$id: $code', async (n) => {
    const base = vectors.find((v) => v.id === n.of);
    expect(base).toBeDefined();
    const bytes = applyEdits(hexToBytes((base as Vector).sealed), n.edits);
    const sk = key(n.secretKey ? { secretKey: n.secretKey } : (base as Vector));
    const opening =
      n.openSegment === undefined
        ? openRecord(bytes, sk).then(collect)
        : openSegment(bytes, sk, n.openSegment);
    const expected =
      n.segment === undefined ? { code: n.code } : { code: n.code, segment: n.segment };
    await expect(opening).rejects.toMatchObject(expected);
  });
});
