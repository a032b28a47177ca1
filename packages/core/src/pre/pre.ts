/**
 * Umbral's top-level operations: encrypt to a public key, decrypt as its
 * owner, or decrypt as a receiver from threshold-many capsule fragments.
 */
import { Capsule } from './capsule.js';
import { VerifiedCapsuleFrag } from './capsule-frag.js';
import { demDecrypt, demEncrypt } from './dem.js';
import { BatchItemError, InvalidArgumentError } from './errors.js';
import { assertBytes, assertInstance, PublicKey, SecretKey } from './keys.js';
import { openReencrypted } from './open-reencrypted.js';

/**
 * Encrypts `plaintext` for `delegatingPk`: returns the capsule (the
 * encapsulated key) and the ciphertext.
 *
 * @example
 * ```ts
 * const [capsule, ciphertext] = encrypt(patientPk, dataKey);
 * ```
 */
export function encrypt(delegatingPk: PublicKey, plaintext: Uint8Array): [Capsule, Uint8Array] {
  assertInstance(delegatingPk, PublicKey, 'delegatingPk');
  assertBytes(plaintext, 'plaintext');
  const { capsule, keySeed } = Capsule.fromPublicKey(delegatingPk);
  return [capsule, demEncrypt(keySeed, plaintext, capsule.simpleBytes)];
}

/**
 * Decrypts as the owner of the key the capsule was made for.
 * Throws `DecryptionFailedError` for a wrong key, capsule or tampered ciphertext.
 *
 * @example
 * ```ts
 * const plaintext = decryptOriginal(patientSk, capsule, ciphertext);
 * ```
 */
export function decryptOriginal(
  delegatingSk: SecretKey,
  capsule: Capsule,
  ciphertext: Uint8Array,
): Uint8Array {
  assertInstance(delegatingSk, SecretKey, 'delegatingSk');
  assertInstance(capsule, Capsule, 'capsule');
  assertBytes(ciphertext, 'ciphertext');
  return demDecrypt(capsule.openOriginal(delegatingSk), ciphertext, capsule.simpleBytes);
}

/**
 * Decrypts as the receiver from at least threshold verified capsule
 * fragments of one key-fragment set.
 *
 * @example
 * ```ts
 * const cfrags = bytesFromProxies.map((b) =>
 *   CapsuleFrag.fromBytes(b).verify(capsule, verifyingPk, patientPk, readerSk.publicKey()));
 * const plaintext = decryptReencrypted(readerSk, patientPk, capsule, cfrags, ciphertext);
 * ```
 */
export function decryptReencrypted(
  receivingSk: SecretKey,
  delegatingPk: PublicKey,
  capsule: Capsule,
  verifiedCfrags: VerifiedCapsuleFrag[],
  ciphertext: Uint8Array,
): Uint8Array {
  assertInstance(receivingSk, SecretKey, 'receivingSk');
  assertInstance(delegatingPk, PublicKey, 'delegatingPk');
  assertInstance(capsule, Capsule, 'capsule');
  assertBytes(ciphertext, 'ciphertext');
  if (!Array.isArray(verifiedCfrags)) {
    throw new InvalidArgumentError('verifiedCfrags', 'an array of VerifiedCapsuleFrag');
  }
  for (const c of verifiedCfrags) assertInstance(c, VerifiedCapsuleFrag, 'verifiedCfrags[]');
  try {
    const [plaintext] = openReencrypted(receivingSk, delegatingPk, [
      { capsule, cfrags: verifiedCfrags.map((c) => c.parts), ciphertext },
    ]);
    return plaintext as Uint8Array;
  } catch (error) {
    throw error instanceof BatchItemError ? error.cause : error;
  }
}
