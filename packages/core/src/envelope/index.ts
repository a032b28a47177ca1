/**
 * `@medvault/core/envelope` — sealing records of any size for a patient
 * (docs/spec/envelope.md).
 * @module
 */
export {
  type ByteInput,
  chunksOf,
  collect,
  InvalidInputError,
  type RangeSource,
} from '../bytes/index.js';
export {
  openRecord,
  openSegment,
  type RecordKey,
  type SealedRecord,
  type SealOptions,
  type SealTarget,
  sealRecord,
  sealRecordBytes,
  sealRecordInto,
} from './envelope.js';
export * from './errors.js';
export {
  DEFAULT_SEGMENT,
  decodeHeader,
  type EnvelopeHeader,
  MAX_SEGMENT,
  MIN_SEGMENT,
} from './header.js';
