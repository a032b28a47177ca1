/**
 * Deterministic CBOR (RFC 8949 §4.2.1 core deterministic encoding) through
 * cborg. Decoding is strict — no indefinite lengths, undefined, NaN or
 * duplicate keys — and the value must re-encode to the same bytes, so each
 * value has exactly one encoding and its hash is well defined.
 */

import { equalBytes } from '@noble/curves/utils.js';
import { decode, decodeFirst, encode, rfc8949EncodeOptions } from 'cborg';
import { MalformedLedgerDataError } from './errors.js';

const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
} as const;

/** Removes keys whose value is undefined, recursively, so optional fields are simply absent. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v);
    return out;
  }
  return value;
}

/** Encodes a value canonically. */
export function encodeCanonical(value: unknown): Uint8Array {
  return encode(prune(value), rfc8949EncodeOptions);
}

/** Decodes exactly one canonical value; throws `MalformedLedgerDataError` otherwise. */
export function decodeCanonical(bytes: Uint8Array, what: string): unknown {
  if (!(bytes instanceof Uint8Array)) throw new MalformedLedgerDataError(what, 'expected bytes');
  let value: unknown;
  try {
    value = decode(bytes, DECODE_OPTIONS);
  } catch (cause) {
    throw new MalformedLedgerDataError(what, 'not a single well-formed CBOR value', { cause });
  }
  if (!equalBytes(encodeCanonical(value), bytes)) {
    throw new MalformedLedgerDataError(what, 'not in deterministic (canonical) CBOR encoding');
  }
  return value;
}

/**
 * Decodes the first value of an RFC 8742 CBOR sequence, returning it and the
 * rest; `'incomplete'` when the bytes end inside the value (a torn write).
 * Throws `MalformedLedgerDataError` for bytes that are not CBOR at all.
 */
export function decodeSequenceItem(
  bytes: Uint8Array,
): { item: Uint8Array; rest: Uint8Array } | 'incomplete' {
  try {
    const [, rest] = decodeFirst(bytes, DECODE_OPTIONS);
    return { item: bytes.subarray(0, bytes.length - rest.length), rest };
  } catch (cause) {
    // cborg says "not enough data" / "not enough entries" when the input ends early
    if (cause instanceof Error && /not enough/.test(cause.message)) return 'incomplete';
    throw new MalformedLedgerDataError('CBOR sequence item', 'not well-formed CBOR', { cause });
  }
}
