/**
 * Umbral's data encapsulation: XChaCha20-Poly1305 under a key derived by
 * HKDF-SHA256 (no salt, no info) from the 33-byte compressed shared point.
 * Ciphertext = 24-byte random nonce ‖ ciphertext ‖ 16-byte tag; the
 * associated data is the capsule's simple encoding.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { CiphertextTooShortError, DecryptionFailedError } from './errors.js';

const NONCE_SIZE = 24;
const TAG_SIZE = 16;

function demKey(keySeed: Uint8Array): Uint8Array {
  return hkdf(sha256, keySeed, undefined, undefined, 32);
}

/** Encrypts `plaintext` under the key seed, binding `aad`. */
export function demEncrypt(
  keySeed: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const key = demKey(keySeed);
  const nonce = randomBytes(NONCE_SIZE);
  const sealed = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
  key.fill(0);
  return concatBytes(nonce, sealed);
}

/** Decrypts and authenticates; throws `CiphertextTooShortError` / `DecryptionFailedError`. */
export function demDecrypt(
  keySeed: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (ciphertext.length < NONCE_SIZE + TAG_SIZE)
    throw new CiphertextTooShortError(ciphertext.length);
  const key = demKey(keySeed);
  try {
    return xchacha20poly1305(key, ciphertext.subarray(0, NONCE_SIZE), aad).decrypt(
      ciphertext.subarray(NONCE_SIZE),
    );
  } catch {
    throw new DecryptionFailedError();
  } finally {
    key.fill(0);
  }
}
