/**
 * AES-256-GCM for envelope segments through the platform's native
 * implementation: node:crypto in Node (loaded lazily, so this isomorphic
 * module has no top-level node: import), WebCrypto elsewhere.
 */

/** Encrypts and decrypts one segment; `open` rejects when authentication fails. */
export interface SegmentCipher {
  /** The sealed segment, possibly in several parts (ciphertext, tag) to spare a copy. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array[]>;
  /**
   * The plaintext of a sealed segment given in parts (ciphertext then tag,
   * split anywhere), possibly itself in parts; nothing is returned unless
   * the tag verifies.
   */
  open(nonce: Uint8Array, sealed: Uint8Array[], aad: Uint8Array): Promise<Uint8Array[]>;
}

import { concatParts } from '../bytes/index.js';

const TAG = 16;

function lengthOf(parts: Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** Splits parts into the ciphertext parts (views) and the 16-byte tag. */
function splitTag(parts: Uint8Array[]): { body: Uint8Array[]; tag: Uint8Array } {
  const bodyLength = lengthOf(parts) - TAG;
  const body: Uint8Array[] = [];
  const tagParts: Uint8Array[] = [];
  let at = 0;
  for (const p of parts) {
    const inBody = Math.max(0, Math.min(p.length, bodyLength - at));
    if (inBody > 0) body.push(p.subarray(0, inBody));
    if (inBody < p.length) tagParts.push(p.subarray(inBody));
    at += p.length;
  }
  return { body, tag: concatParts(tagParts) };
}
/**
 * Bytes node:crypto is given per `update` call. Each call returns a fresh
 * buffer; at this size it comes from the allocator's reused heap, where a
 * whole-segment buffer is mapped (and page-faulted) anew each time — which
 * on a VM costs more than the cipher itself.
 */
const PIECE = 64 * 1024;

/** Feeds `input` to `update` in pieces of at most `PIECE` bytes, collecting the output. */
function updateInPieces(
  update: (piece: Uint8Array) => Buffer,
  input: Uint8Array,
  out: Uint8Array[],
) {
  for (let at = 0; at < input.length; at += PIECE) {
    const produced = update(input.subarray(at, at + PIECE));
    if (produced.length > 0) out.push(plain(produced));
  }
}

/** A plain Uint8Array view of a Buffer, as WebCrypto returns. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function nodeCipher(key: Uint8Array): Promise<SegmentCipher> {
  const { createCipheriv, createDecipheriv, createSecretKey } = await import('node:crypto');
  // A KeyObject holds its own copy: the caller wipes `key` once the cipher is
  // made, as WebCrypto's importKey allows — the cipher must not keep a view.
  const secret = createSecretKey(key);
  return {
    async seal(nonce, plaintext, aad) {
      const c = createCipheriv('aes-256-gcm', secret, nonce);
      c.setAAD(aad);
      const out: Uint8Array[] = [];
      updateInPieces((piece) => c.update(piece), plaintext, out);
      const tail = c.final(); // empty for GCM
      if (tail.length > 0) out.push(plain(tail));
      out.push(plain(c.getAuthTag()));
      return out;
    },
    async open(nonce, sealed, aad) {
      if (lengthOf(sealed) < TAG) throw new Error('segment shorter than its tag');
      const { body, tag } = splitTag(sealed);
      const d = createDecipheriv('aes-256-gcm', secret, nonce);
      d.setAAD(aad);
      d.setAuthTag(tag);
      // held back until final() has checked the tag
      const out: Uint8Array[] = [];
      for (const part of body) updateInPieces((piece) => d.update(piece), part, out);
      const tail = d.final(); // throws on a bad tag
      if (tail.length > 0) out.push(plain(tail));
      return out;
    },
  };
}

async function webCipher(key: Uint8Array): Promise<SegmentCipher> {
  const k = await crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  const params = (iv: Uint8Array, aad: Uint8Array) => ({
    name: 'AES-GCM',
    iv: iv as BufferSource,
    additionalData: aad as BufferSource,
    tagLength: 128,
  });
  return {
    seal: async (nonce, plaintext, aad) => [
      new Uint8Array(await crypto.subtle.encrypt(params(nonce, aad), k, plaintext as BufferSource)),
    ],
    open: async (nonce, sealed, aad) => [
      new Uint8Array(
        await crypto.subtle.decrypt(params(nonce, aad), k, concatParts(sealed) as BufferSource),
      ),
    ],
  };
}

/**
 * The fastest native AES-256-GCM on this platform (`backend` forces one, for
 * tests). The cipher keeps its own copy of `key`, which the caller may wipe.
 */
export function segmentCipher(
  key: Uint8Array,
  backend: 'node' | 'webcrypto' = isNode ? 'node' : 'webcrypto',
): Promise<SegmentCipher> {
  return backend === 'node' ? nodeCipher(key) : webCipher(key);
}
