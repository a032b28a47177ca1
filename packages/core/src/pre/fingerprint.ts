/**
 * A public key's fingerprint, as people compare it: the first 10 bytes of
 * SHA-256 over the compressed key, in five groups of four hex digits
 * ("C422 13A0 2C31 7913 B468"). The wallet's prompt and the sites show the
 * same string, so a patient can check a key by eye.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { PublicKey } from './keys.js';

/**
 * The fingerprint of a compressed secp256k1 public key (a `PublicKey`, its
 * 33 bytes, or those bytes in hex).
 *
 * @example
 * ```ts
 * keyFingerprint(sk.publicKey()); // 'C422 13A0 2C31 7913 B468'
 * ```
 */
export function keyFingerprint(key: PublicKey | Uint8Array | string): string {
  const bytes =
    key instanceof PublicKey
      ? key.toCompressedBytes()
      : typeof key === 'string'
        ? hexToBytes(key)
        : key;
  const digest = bytesToHex(sha256(bytes).slice(0, 10)).toUpperCase();
  return digest.match(/.{4}/g)?.join(' ') ?? digest;
}
