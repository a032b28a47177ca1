/**
 * The MessagePack framing of `toBytes()`, as `@nucypher/umbral-pre`'s
 * serde + rmp-serde writes it: a struct is a fixarray of its fields, a point
 * or scalar is `bin 8`, a flag is a MessagePack boolean. Decoding is strict:
 * after parsing, the object is re-encoded and must give back the input, so
 * exactly one byte string stands for each object.
 */
import { decode, encode } from '@msgpack/msgpack';
import { equalBytes } from '@noble/curves/utils.js';
import { MalformedEncodingError, TrailingBytesError } from './errors.js';

/** A MessagePack value as this layer writes it. */
export type Packed = Uint8Array | boolean | Packed[];

/** Encodes a packed structure. */
export function pack(value: Packed): Uint8Array {
  return encode(value);
}

/** Decodes `bytes` as a MessagePack array of exactly `length` elements. */
export function unpackArray(bytes: Uint8Array, length: number, what: string): unknown[] {
  if (!(bytes instanceof Uint8Array))
    throw new MalformedEncodingError(what, 'expected a Uint8Array');
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (cause) {
    if (cause instanceof RangeError && cause.message.startsWith('Extra ')) {
      throw new TrailingBytesError(what);
    }
    throw new MalformedEncodingError(what, 'not a complete MessagePack value', cause);
  }
  return expectArray(value, length, what);
}

/** Checks that a decoded value is an array of exactly `length` elements. */
export function expectArray(value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new MalformedEncodingError(what, `expected an array of ${length} fields`);
  }
  return value;
}

/** Checks that a decoded value is a byte string (`bin`). */
export function expectBin(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new MalformedEncodingError(what, 'expected a byte string');
  return value;
}

/** Checks that a decoded value is a boolean. */
export function expectBool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new MalformedEncodingError(what, 'expected a boolean');
  return value;
}

/** Rejects an encoding that parsed but is not the canonical one. */
export function assertCanonical(input: Uint8Array, canonical: Uint8Array, what: string): void {
  if (!equalBytes(input, canonical)) {
    throw new MalformedEncodingError(what, 'not the canonical MessagePack form');
  }
}
