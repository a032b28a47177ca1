import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

/** Base of every error raised by blob storage and content addressing. */
export abstract class StorageError extends BaseError {
  override readonly name: string = 'StorageError';
  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    super(shortMessage, { docsPath: 'spec/storage.md', ...params });
  }
}

/** A string or value that is not a CID this library can address a blob by. */
export class InvalidCidError extends StorageError {
  static override readonly code = 'STORAGE_INVALID_CID';
  override readonly name = 'InvalidCidError';
  constructor(input: unknown, cause?: unknown) {
    const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 80)) : typeof input;
    super(
      `Not a blob address: ${shown}. Expected a CIDv1 (raw or dag-pb codec, sha2-256), e.g. "bafkrei…" or "bafybei…".`,
      { cause },
    );
  }
}

/** A block whose bytes do not hash to the CID it was fetched by: the store returned other data. */
export class IntegrityError extends StorageError {
  static override readonly code = 'STORAGE_INTEGRITY';
  override readonly name = 'IntegrityError';
  /** The CID of the block that failed. */
  readonly cid: string;
  constructor(cid: string, details: string) {
    super(`Block ${cid} failed verification: the store returned bytes that are not this block.`, {
      details,
    });
    this.cid = cid;
  }
}

/** The store has no blob (or is missing one of its blocks) under this CID. */
export class BlobNotFoundError extends StorageError {
  static override readonly code = 'STORAGE_NOT_FOUND';
  override readonly name = 'BlobNotFoundError';
  /** The CID that was asked for. */
  readonly cid: string;
  constructor(cid: string, details?: string) {
    super(`No blob ${cid} in this store.`, { details });
    this.cid = cid;
  }
}

/** An offset or length outside the blob. */
export class BlobRangeError extends StorageError {
  static override readonly code = 'STORAGE_RANGE';
  override readonly name = 'BlobRangeError';
  constructor(offset: number, length: number, size: number) {
    super(
      `Range offset ${offset}, length ${length} is outside the blob: expected non-negative integers with offset + length ≤ ${size}.`,
    );
  }
}

/** The remote service or gateway could not be reached or answered with an error. */
export class StoreUnavailableError extends StorageError {
  static override readonly code = 'STORAGE_UNAVAILABLE';
  override readonly name = 'StoreUnavailableError';
  constructor(what: string, cause?: unknown) {
    super(`The store is unavailable: ${what}.`, { cause });
  }
}

/** The storage service reported another root CID than the one computed locally for the same bytes. */
export class RootMismatchError extends StorageError {
  static override readonly code = 'STORAGE_ROOT_MISMATCH';
  override readonly name = 'RootMismatchError';
  constructor(expected: string, actual: string) {
    super(
      `The service stored the blob under ${actual}, but its bytes address to ${expected}: refusing to record an address that does not verify.`,
    );
  }
}

/** Writing a blob failed; nothing partial is visible under its CID. */
export class BlobWriteError extends StorageError {
  static override readonly code = 'STORAGE_WRITE';
  override readonly name = 'BlobWriteError';
  constructor(what: string, cause?: unknown) {
    super(`Could not store the blob: ${what}.`, { cause });
  }
}
