/**
 * AES-256-GCM for envelope segments through the platform's native
 * implementation: node:crypto in Node (loaded lazily, so this isomorphic
 * module has no top-level node: import), WebCrypto elsewhere.
 */

/** Encrypts and decrypts one segment; `open` rejects when authentication fails. */
export interface SegmentCipher {
  /** The sealed segment, possibly in several parts (ciphertext, tag) to spare a copy. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array[]>;
  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

const TAG = 16;
const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function nodeCipher(key: Uint8Array): Promise<SegmentCipher> {
  const { createCipheriv, createDecipheriv } = await import('node:crypto');
  return {
    async seal(nonce, plaintext, aad) {
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      const head = c.update(plaintext);
      const tail = c.final(); // empty for GCM
      return tail.length > 0 ? [head, tail, c.getAuthTag()] : [head, c.getAuthTag()];
    },
    async open(nonce, sealed, aad) {
      if (sealed.length < TAG) throw new Error('segment shorter than its tag');
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAAD(aad);
      d.setAuthTag(sealed.subarray(sealed.length - TAG));
      const head = d.update(sealed.subarray(0, sealed.length - TAG));
      const tail = d.final(); // throws on a bad tag
      if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
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
    open: async (nonce, sealed, aad) =>
      new Uint8Array(await crypto.subtle.decrypt(params(nonce, aad), k, sealed as BufferSource)),
  };
}

/** The fastest native AES-256-GCM on this platform (`backend` forces one, for tests). */
export function segmentCipher(
  key: Uint8Array,
  backend: 'node' | 'webcrypto' = isNode ? 'node' : 'webcrypto',
): Promise<SegmentCipher> {
  return backend === 'node' ? nodeCipher(key) : webCipher(key);
}
