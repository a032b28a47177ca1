/**
 * `@medvault/core/pre` — Umbral threshold proxy re-encryption on secp256k1,
 * byte-compatible with `@nucypher/umbral-pre` 0.10 (same API names, same
 * encodings, same domain-separation tags). See docs/spec/pre.md.
 *
 * @example
 * ```ts
 * import { SecretKey, Signer, encrypt, generateKFrags, reencrypt, decryptReencrypted } from '@medvault/core/pre';
 * const alice = SecretKey.random(), bob = SecretKey.random();
 * const [capsule, ct] = encrypt(alice.publicKey(), data);
 * const kfrags = generateKFrags(alice, bob.publicKey(), new Signer(alice), 2, 3, true, true);
 * const cfrags = kfrags.slice(0, 2).map((k) => reencrypt(capsule, k));
 * decryptReencrypted(bob, alice.publicKey(), capsule, cfrags, ct);
 * ```
 * @module
 */
export {
  getPreBackend,
  onPreBackendFallback,
  type PreBackendFallback,
  type PreBackendName,
  preBackendReady,
} from './backend/index.js';
export { Capsule } from './capsule.js';
export { CapsuleFrag, reencrypt, VerifiedCapsuleFrag } from './capsule-frag.js';
export * from './errors.js';
export { keyFingerprint } from './fingerprint.js';
export { generateKFrags, KeyFrag, VerifiedKeyFrag } from './key-frag.js';
export { PublicKey, SecretKey } from './keys.js';
export { type CapsuleToOpen, openCapsules } from './open-capsules.js';
export { decryptOriginal, decryptReencrypted, encrypt } from './pre.js';
export { Signature, Signer } from './signing.js';
