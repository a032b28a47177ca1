import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

/** Base of every error raised by the record envelope. */
export abstract class EnvelopeError extends BaseError {
  override readonly name: string = 'EnvelopeError';
  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    super(shortMessage, { docsPath: 'spec/envelope.md', ...params });
  }
}

/** The bytes do not start with a MedVault envelope header of a known version. */
export class UnknownEnvelopeFormatError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_UNKNOWN_FORMAT';
  override readonly name = 'UnknownEnvelopeFormatError';
  constructor(details: string) {
    super(`Not a MedVault sealed record (expected magic "MVRE" and version 1): ${details}.`);
  }
}

/** The header ends early or has an impossible field. */
export class MalformedHeaderError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_MALFORMED_HEADER';
  override readonly name = 'MalformedHeaderError';
  constructor(details: string, cause?: unknown) {
    super(`Malformed sealed-record header: ${details}.`, { cause });
  }
}

/** A segment size outside the supported range. */
export class SegmentSizeError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_SEGMENT_SIZE';
  override readonly name = 'SegmentSizeError';
  constructor(size: number) {
    super(`Segment size ${size} is out of range: expected an integer from 4096 to 16777216 bytes.`);
  }
}

/** A segment failed authentication: wrong key, tampered, reordered or from another record. */
export class SegmentAuthenticationError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_SEGMENT_AUTH';
  override readonly name = 'SegmentAuthenticationError';
  /** Index of the failing segment. */
  readonly segment: number;
  constructor(segment: number) {
    super(
      `Segment ${segment} failed authentication: the key is wrong, or the record was tampered with, reordered or spliced.`,
    );
    this.segment = segment;
  }
}

/** The data key could not be unwrapped (wrong secret key or capsule fragments for another capsule). */
export class KeyUnwrapError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_KEY_UNWRAP';
  override readonly name = 'KeyUnwrapError';
  constructor(cause: unknown) {
    super(
      'Cannot unwrap the record key: the secret key or the capsule fragments do not belong to this record.',
      { cause },
    );
  }
}

/** The sealed record ended before its final segment (truncation, or a stream cut short). */
export class TruncatedRecordError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_TRUNCATED';
  override readonly name = 'TruncatedRecordError';
  constructor(details: string) {
    super(`The sealed record is truncated: ${details}.`);
  }
}

/** Bytes follow the final segment. */
export class TrailingDataError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_TRAILING_DATA';
  override readonly name = 'TrailingDataError';
  constructor() {
    super('The sealed record has data after its final segment.');
  }
}

/** `openSegment` was asked for a segment the record does not have. */
export class SegmentIndexError extends EnvelopeError {
  static override readonly code = 'ENVELOPE_SEGMENT_INDEX';
  override readonly name = 'SegmentIndexError';
  constructor(index: number, count: number) {
    super(`Segment ${index} does not exist: the record has ${count} segments.`);
  }
}
