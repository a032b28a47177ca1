import { BaseError } from '../errors/base-error.js';

/**
 * Input that is not bytes: expected a Uint8Array, Blob, ReadableStream or
 * (async) iterable of Uint8Array. Raised wherever bytes are taken in
 * (sealing, opening, storing).
 */
export class InvalidInputError extends BaseError {
  static override readonly code = 'BYTES_INVALID_INPUT';
  override readonly name = 'InvalidInputError';
  constructor(details: string) {
    super(
      `Expected bytes: a Uint8Array, Blob, ReadableStream<Uint8Array> or (async) iterable of Uint8Array chunks (${details}).`,
      { docsPath: 'spec/envelope.md' },
    );
  }
}
