import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

const SPEC = 'spec/pre.md';

/** Base of every error raised by the proxy re-encryption layer. */
export abstract class PreError extends BaseError {
  override readonly name: string = 'PreError';
  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    super(shortMessage, { docsPath: SPEC, ...params });
  }
}

// ---- decoding -------------------------------------------------------------

/** A byte string (or one field of it) has the wrong length. */
export class InvalidLengthError extends PreError {
  static override readonly code = 'PRE_INVALID_LENGTH';
  override readonly name = 'InvalidLengthError';
  readonly expected: number;
  readonly received: number;
  constructor(what: string, expected: number, received: number) {
    super(`Invalid ${what}: expected ${expected} bytes, got ${received}.`);
    this.expected = expected;
    this.received = received;
  }
}

/** Bytes that should be a compressed secp256k1 point are not one (off-curve, bad prefix, identity). */
export class InvalidPointError extends PreError {
  static override readonly code = 'PRE_INVALID_POINT';
  override readonly name = 'InvalidPointError';
  constructor(what: string, params: BaseErrorParameters = {}) {
    super(
      `Invalid ${what}: expected a compressed secp256k1 point (33 bytes, prefix 02 or 03, on the curve, not the identity).`,
      params,
    );
  }
}

/** Bytes that should be a scalar are zero or not below the group order. */
export class InvalidScalarError extends PreError {
  static override readonly code = 'PRE_INVALID_SCALAR';
  override readonly name = 'InvalidScalarError';
  constructor(what: string) {
    super(`Invalid ${what}: expected a big-endian integer in [1, n-1] (n = secp256k1 order).`);
  }
}

/** The MessagePack structure is not the one the format prescribes (or not canonical). */
export class MalformedEncodingError extends PreError {
  static override readonly code = 'PRE_MALFORMED_ENCODING';
  override readonly name = 'MalformedEncodingError';
  constructor(what: string, details: string, cause?: unknown) {
    super(`Malformed ${what} encoding: ${details}.`, { cause });
  }
}

/** A valid object is followed by bytes that belong to nothing. */
export class TrailingBytesError extends PreError {
  static override readonly code = 'PRE_TRAILING_BYTES';
  override readonly name = 'TrailingBytesError';
  constructor(what: string) {
    super(`Invalid ${what}: unexpected bytes after the end of the encoded object.`);
  }
}

/** A capsule fails its own consistency check (s·G = V + h·E). */
export class InvalidCapsuleError extends PreError {
  static override readonly code = 'PRE_CAPSULE_INVALID';
  override readonly name = 'InvalidCapsuleError';
  constructor() {
    super('Invalid capsule: its points and signature are not consistent (s·G ≠ V + h·E).');
  }
}

/** A function was called with an argument of the wrong type or shape. */
export class InvalidArgumentError extends PreError {
  static override readonly code = 'PRE_INVALID_ARGUMENT';
  override readonly name = 'InvalidArgumentError';
  constructor(name: string, expected: string) {
    super(`Invalid argument "${name}": expected ${expected}.`);
  }
}

/** `generateKFrags` was asked for an impossible threshold / share count. */
export class InvalidThresholdError extends PreError {
  static override readonly code = 'PRE_INVALID_THRESHOLD';
  override readonly name = 'InvalidThresholdError';
  constructor(threshold: unknown, shares: unknown) {
    super(
      `Invalid threshold ${String(threshold)} of ${String(shares)} shares: expected integers with 1 ≤ threshold ≤ shares.`,
    );
  }
}

// ---- key fragment verification -------------------------------------------

/** The key fragment's commitment does not match its key (U·rk ≠ commitment). */
export class KeyFragCommitmentError extends PreError {
  static override readonly code = 'PRE_KFRAG_COMMITMENT';
  override readonly name = 'KeyFragCommitmentError';
  constructor() {
    super('Key fragment verification failed: its commitment does not match its key.');
  }
}

/** The key fragment signs the delegating key, but none was given to check it against. */
export class DelegatingKeyNotProvidedError extends PreError {
  static override readonly code = 'PRE_KFRAG_DELEGATING_KEY_MISSING';
  override readonly name = 'DelegatingKeyNotProvidedError';
  constructor() {
    super(
      'Key fragment verification failed: the fragment signs the delegating key, so pass the delegating public key.',
    );
  }
}

/** The key fragment signs the receiving key, but none was given to check it against. */
export class ReceivingKeyNotProvidedError extends PreError {
  static override readonly code = 'PRE_KFRAG_RECEIVING_KEY_MISSING';
  override readonly name = 'ReceivingKeyNotProvidedError';
  constructor() {
    super(
      'Key fragment verification failed: the fragment signs the receiving key, so pass the receiving public key.',
    );
  }
}

/** The key fragment's signature does not verify under the given keys. */
export class KeyFragSignatureError extends PreError {
  static override readonly code = 'PRE_KFRAG_SIGNATURE';
  override readonly name = 'KeyFragSignatureError';
  constructor() {
    super(
      'Key fragment verification failed: its signature does not verify for the given verifying, delegating and receiving keys.',
    );
  }
}

// ---- capsule fragment verification ---------------------------------------

/** The capsule fragment carries a key-fragment signature that does not verify. */
export class CapsuleFragSignatureError extends PreError {
  static override readonly code = 'PRE_CFRAG_SIGNATURE';
  override readonly name = 'CapsuleFragSignatureError';
  constructor() {
    super(
      'Capsule fragment verification failed: its key-fragment signature does not verify for the given verifying, delegating and receiving keys.',
    );
  }
}

/** The capsule fragment's proof of correct re-encryption does not hold for this capsule. */
export class CapsuleFragProofError extends PreError {
  static override readonly code = 'PRE_CFRAG_PROOF';
  override readonly name = 'CapsuleFragProofError';
  constructor() {
    super(
      'Capsule fragment verification failed: the proof of correct re-encryption does not hold for this capsule.',
    );
  }
}

// ---- opening re-encrypted capsules ---------------------------------------

/** No capsule fragments were given. */
export class NoCapsuleFragsError extends PreError {
  static override readonly code = 'PRE_NO_CFRAGS';
  override readonly name = 'NoCapsuleFragsError';
  constructor() {
    super(
      'Cannot open a re-encrypted capsule without capsule fragments: pass at least threshold of them.',
    );
  }
}

/** The capsule fragments come from different key-fragment sets. */
export class MismatchedCapsuleFragsError extends PreError {
  static override readonly code = 'PRE_CFRAGS_MISMATCHED';
  override readonly name = 'MismatchedCapsuleFragsError';
  constructor() {
    super('Capsule fragments come from different key-fragment sets (their precursors differ).');
  }
}

/** The same key fragment was used for two of the capsule fragments. */
export class RepeatingCapsuleFragsError extends PreError {
  static override readonly code = 'PRE_CFRAGS_REPEATED';
  override readonly name = 'RepeatingCapsuleFragsError';
  constructor() {
    super('Some capsule fragments are repeated: each must come from a different key fragment.');
  }
}

/** The fragments do not open the capsule: fewer than threshold, or for another capsule or key. */
export class ReencryptionValidationError extends PreError {
  static override readonly code = 'PRE_REENCRYPTION_INVALID';
  override readonly name = 'ReencryptionValidationError';
  constructor() {
    super(
      'The capsule fragments do not open this capsule: fewer than threshold, or made for another capsule, delegating key or receiver.',
    );
  }
}

// ---- symmetric layer ------------------------------------------------------

/** The ciphertext is too short to hold the nonce and tag. */
export class CiphertextTooShortError extends PreError {
  static override readonly code = 'PRE_CIPHERTEXT_TOO_SHORT';
  override readonly name = 'CiphertextTooShortError';
  constructor(length: number) {
    super(`Ciphertext too short: expected at least 40 bytes (nonce and tag), got ${length}.`);
  }
}

/** Authenticated decryption failed: wrong key, wrong capsule or tampered ciphertext. */
export class DecryptionFailedError extends PreError {
  static override readonly code = 'PRE_DECRYPTION_FAILED';
  override readonly name = 'DecryptionFailedError';
  constructor() {
    super(
      'Decryption failed: the ciphertext was tampered with, or the key or capsule does not belong to it.',
    );
  }
}

// ---- batch opening --------------------------------------------------------

/** One item of an `openCapsules` batch failed; names the item and fragment. */
export class BatchItemError extends PreError {
  static override readonly code = 'PRE_BATCH_ITEM';
  override readonly name = 'BatchItemError';
  /** Index of the failing item in the batch. */
  readonly itemIndex: number;
  /** Index of the failing capsule fragment within the item, when one fragment is to blame. */
  readonly cfragIndex: number | undefined;
  constructor(itemIndex: number, cfragIndex: number | undefined, cause: PreError) {
    const where =
      cfragIndex === undefined
        ? `item ${itemIndex}`
        : `item ${itemIndex}, capsule fragment ${cfragIndex}`;
    super(`Batch opening failed at ${where}: ${cause.shortMessage}`, { cause });
    this.itemIndex = itemIndex;
    this.cfragIndex = cfragIndex;
  }
}

/**
 * Batch verification failed although every fragment verifies alone: a
 * 2⁻¹²⁸ event, or a bug. Never taken as success; please report it.
 */
export class BatchInvariantError extends PreError {
  static override readonly code = 'PRE_BATCH_INVARIANT';
  override readonly name = 'BatchInvariantError';
  constructor() {
    super('Batch verification failed but no fragment is bad alone; please report this.');
  }
}
