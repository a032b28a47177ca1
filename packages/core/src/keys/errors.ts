/** Errors of the patient's key hierarchy (docs/spec/keys.md). */
import { BaseError } from '../errors/base-error.js';

/** A seed too short, too long or all zero. */
export class InvalidSeedError extends BaseError {
  static override readonly code = 'KEYS_INVALID_SEED';
  override readonly name = 'InvalidSeedError';
  /** `length`: the seed's length in bytes, -1 when it is not bytes, 'zero' when all its bytes are 0. */
  constructor(length: number | 'zero') {
    super(
      length === 'zero'
        ? 'The seed is all zero bytes (or was destroyed): expected the 64-byte seed of a recovery phrase.'
        : `The seed has ${length < 0 ? 'no' : length} bytes: expected 32 to 64 (the seed of a recovery phrase).`,
      { docsPath: 'spec/keys.md' },
    );
  }
}

/** A category name (or epoch) keys cannot be derived for. */
export class InvalidCategoryError extends BaseError {
  static override readonly code = 'KEYS_INVALID_CATEGORY';
  override readonly name = 'InvalidCategoryError';
  constructor(
    category: string,
    expected = 'a category is 1 to 64 characters of a–z, 0–9, ".", "_" and "-", starting with a letter or digit',
  ) {
    super(
      `Cannot derive a key for ${JSON.stringify(String(category).slice(0, 80))}: ${expected}.`,
      {
        docsPath: 'spec/keys.md',
      },
    );
  }
}
