/**
 * The sealed-record header (docs/spec/envelope.md):
 *
 * | bytes | field |
 * | 4     | magic "MVRE" |
 * | 1     | version = 1 |
 * | 4     | segment size, u32 big-endian |
 * | 7     | nonce prefix (random) |
 * | 32    | HKDF salt (random) |
 * | 105   | Umbral capsule of the data key (MessagePack, umbral-pre format) |
 * | 72    | the data key encrypted under the capsule (Umbral DEM: 24 nonce ‖ 32 ‖ 16 tag) |
 * | 2     | content type length n, u16 big-endian (≤ 255) |
 * | n     | content type, UTF-8 |
 *
 * The whole header is the associated data of every segment, so any header
 * edit fails every segment.
 */
import { Capsule } from '../pre/capsule.js';
import { MalformedHeaderError, SegmentSizeError, UnknownEnvelopeFormatError } from './errors.js';

/** "MVRE". */
export const MAGIC = Uint8Array.of(0x4d, 0x56, 0x52, 0x45);
/** Format version. */
export const VERSION = 1;
/** Smallest segment size (4 KiB). */
export const MIN_SEGMENT = 4096;
/** Largest segment size (16 MiB). */
export const MAX_SEGMENT = 16 * 1024 * 1024;
/** Default segment size: 1 MiB. */
export const DEFAULT_SEGMENT = 1024 * 1024;
const CAPSULE_SIZE = 105;
const WRAPPED_KEY_SIZE = 72;
const FIXED = 4 + 1 + 4 + 7 + 32 + CAPSULE_SIZE + WRAPPED_KEY_SIZE + 2;
/** Longest header: the fixed part and a 255-byte content type. */
export const MAX_HEADER_SIZE = FIXED + 255;

/** The parsed header. */
export type EnvelopeHeader = {
  segmentSize: number;
  noncePrefix: Uint8Array;
  salt: Uint8Array;
  capsule: Capsule;
  wrappedKey: Uint8Array;
  contentType: string;
  /** The header's exact bytes (the segments' associated data). */
  bytes: Uint8Array;
};

/** Throws unless `size` is a valid segment size. */
export function checkSegmentSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_SEGMENT || size > MAX_SEGMENT)
    throw new SegmentSizeError(size);
}

/** Encodes a header. */
export function encodeHeader(h: Omit<EnvelopeHeader, 'bytes'>): Uint8Array {
  checkSegmentSize(h.segmentSize);
  const type = new TextEncoder().encode(h.contentType);
  if (type.length === 0 || type.length > 255)
    throw new MalformedHeaderError('the content type must be 1 to 255 bytes of UTF-8');
  const out = new Uint8Array(FIXED + type.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  view.setUint32(5, h.segmentSize);
  out.set(h.noncePrefix, 9);
  out.set(h.salt, 16);
  out.set(h.capsule.toBytes(), 48);
  out.set(h.wrappedKey, 48 + CAPSULE_SIZE);
  view.setUint16(FIXED - 2, type.length);
  out.set(type, FIXED);
  return out;
}

/** Decodes the header at the start of `bytes` (which may hold more). */
export function decodeHeader(bytes: Uint8Array): EnvelopeHeader {
  if (bytes.length < 5)
    throw new MalformedHeaderError(`the header ends after ${bytes.length} bytes`);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC[i]) throw new UnknownEnvelopeFormatError('wrong magic bytes');
  }
  if (bytes[4] !== VERSION) throw new UnknownEnvelopeFormatError(`version ${bytes[4]}`);
  if (bytes.length < FIXED)
    throw new MalformedHeaderError(`the header ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segmentSize = view.getUint32(5);
  checkSegmentSize(segmentSize);
  const typeLength = view.getUint16(FIXED - 2);
  if (typeLength === 0 || typeLength > 255)
    throw new MalformedHeaderError(`content type length ${typeLength}`);
  if (bytes.length < FIXED + typeLength)
    throw new MalformedHeaderError(`the header ends after ${bytes.length} bytes`);
  let capsule: Capsule;
  try {
    capsule = Capsule.fromBytes(bytes.subarray(48, 48 + CAPSULE_SIZE));
  } catch (cause) {
    throw new MalformedHeaderError('the capsule is invalid', cause);
  }
  let contentType: string;
  try {
    contentType = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(FIXED, FIXED + typeLength),
    );
  } catch (cause) {
    throw new MalformedHeaderError('the content type is not UTF-8', cause);
  }
  return {
    segmentSize,
    noncePrefix: bytes.slice(9, 16),
    salt: bytes.slice(16, 48),
    capsule,
    wrappedKey: bytes.slice(48 + CAPSULE_SIZE, 48 + CAPSULE_SIZE + WRAPPED_KEY_SIZE),
    contentType,
    bytes: bytes.slice(0, FIXED + typeLength),
  };
}
