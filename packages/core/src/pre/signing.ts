/**
 * ECDSA over secp256k1 as Umbral uses it: the signed digest is
 * SHA-256(message), signatures are low-S, encoded r ‖ s (64 bytes) or DER.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { scalarFromBytes, signEcdsa, verifyEcdsa } from './curve.js';
import { InvalidLengthError, MalformedEncodingError } from './errors.js';
import { assertBytes, assertInstance, PublicKey, pointOf, SecretKey } from './keys.js';

const SIGNATURE_SIZE = 64;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const signingKeys = new WeakMap<Signer, SecretKey>();

/**
 * An ECDSA signature (r, s).
 *
 * @example
 * ```ts
 * const sig = new Signer(sk).sign(message);
 * sig.verify(sk.publicKey(), message); // true
 * Signature.fromBEBytes(sig.toBEBytes()).equals(sig); // true
 * ```
 */
export class Signature {
  readonly #bytes: Uint8Array;

  private constructor(compact: Uint8Array) {
    this.#bytes = compact;
  }

  /** Parses r ‖ s (32 bytes each, both in [1, n-1]). */
  static fromBEBytes(bytes: Uint8Array): Signature {
    assertBytes(bytes, 'bytes');
    if (bytes.length !== SIGNATURE_SIZE) {
      throw new InvalidLengthError('signature', SIGNATURE_SIZE, bytes.length);
    }
    scalarFromBytes(bytes.subarray(0, 32), 'signature r');
    scalarFromBytes(bytes.subarray(32, 64), 'signature s');
    return new Signature(Uint8Array.from(bytes));
  }

  /** Parses a DER-encoded signature. */
  static fromDerBytes(bytes: Uint8Array): Signature {
    assertBytes(bytes, 'bytes');
    let compact: Uint8Array;
    try {
      compact = secp256k1.Signature.fromBytes(bytes, 'der').toBytes('compact');
    } catch (cause) {
      throw new MalformedEncodingError('DER signature', 'not a valid DER ECDSA signature', cause);
    }
    return Signature.fromBEBytes(compact);
  }

  /** Whether this signs SHA-256(`message`) under `verifyingPk` (high-S is rejected). */
  verify(verifyingPk: PublicKey, message: Uint8Array): boolean {
    assertInstance(verifyingPk, PublicKey, 'verifyingPk');
    assertBytes(message, 'message');
    return verifyDigest(this.#bytes, sha256(message), verifyingPk);
  }

  /** r ‖ s, 64 bytes. */
  toBEBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /** DER encoding. */
  toDerBytes(): Uint8Array {
    return secp256k1.Signature.fromBytes(this.#bytes, 'compact').toBytes('der');
  }

  /** Whether both are the same (r, s). */
  equals(other: Signature): boolean {
    return other instanceof Signature && equalBytes(this.#bytes, other.#bytes);
  }

  /** `Signature:` and the first 8 bytes in hex. */
  toString(): string {
    return `Signature:${bytesToHex(this.#bytes.subarray(0, 8))}`;
  }
}

/**
 * ECDSA verification of a 32-byte digest on the curve backend (low-S only;
 * the property test checks both backends accept exactly what
 * @noble/curves' `verify` accepts).
 */
function verifyDigest(compact: Uint8Array, digest: Uint8Array, pk: PublicKey): boolean {
  return verifyEcdsa(compact, digest, pointOf(pk), pk.toCompressedBytes());
}

/**
 * Signs messages with a secret key (hedged RFC 6979 nonces, low-S).
 *
 * @example
 * ```ts
 * const signer = new Signer(SecretKey.random());
 * const sig = signer.sign(new TextEncoder().encode('hello'));
 * sig.verify(signer.verifyingKey(), new TextEncoder().encode('hello')); // true
 * ```
 */
export class Signer {
  constructor(secretKey: SecretKey) {
    assertInstance(secretKey, SecretKey, 'secretKey');
    signingKeys.set(this, secretKey);
  }

  /** Signs SHA-256(`message`). */
  sign(message: Uint8Array): Signature {
    assertBytes(message, 'message');
    const sk = signingKeys.get(this) as SecretKey;
    return Signature.fromBEBytes(signEcdsa(sha256(message), sk.toBEBytes()));
  }

  /** The public key that verifies this signer's signatures. */
  verifyingKey(): PublicKey {
    return (signingKeys.get(this) as SecretKey).publicKey();
  }

  /** Never shows the secret. */
  toString(): string {
    return 'Signer:...';
  }

  /** What `console.log` and `util.inspect` show: never secret material. */
  [INSPECT](): string {
    return 'Signer:...';
  }
}
