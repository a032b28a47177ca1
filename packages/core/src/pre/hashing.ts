/**
 * Umbral's domain-separated hashes. Every hash-to-scalar is
 * SHA-256(len(DST) as u32 BE ‖ DST ‖ inputs…) mapped to [1, n-1];
 * points enter in compressed form. The tags and input orders are the
 * reference implementation's (see docs/spec/pre.md, "Hashes").
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { digestToNonZeroScalar, type Point, pointToBytes } from './curve.js';

function lengthPrefixedTag(tag: string): Uint8Array {
  const dst = utf8ToBytes(tag);
  const out = new Uint8Array(4 + dst.length);
  new DataView(out.buffer).setUint32(0, dst.length, false);
  out.set(dst, 4);
  return out;
}

const TAGS = {
  polynomialArg: lengthPrefixedTag('POLYNOMIAL_ARG'),
  sharedSecret: lengthPrefixedTag('SHARED_SECRET'),
  capsulePoints: lengthPrefixedTag('CAPSULE_POINTS'),
  cfragVerification: lengthPrefixedTag('CFRAG_VERIFICATION'),
} as const;

function hashToScalar(tag: Uint8Array, parts: (Point | Uint8Array)[]): bigint {
  const h = sha256.create().update(tag);
  for (const part of parts) h.update(part instanceof Uint8Array ? part : pointToBytes(part));
  return digestToNonZeroScalar(h.digest());
}

/** The share index xᵢ of a key fragment. */
export function hashToPolynomialArg(
  precursor: Point,
  receivingPk: Point,
  dhPoint: Point,
  kfragId: Uint8Array,
): bigint {
  return hashToScalar(TAGS.polynomialArg, [precursor, receivingPk, dhPoint, kfragId]);
}

/** The secret d shared by delegator and receiver through the precursor. */
export function hashToSharedSecret(precursor: Point, receivingPk: Point, dhPoint: Point): bigint {
  return hashToScalar(TAGS.sharedSecret, [precursor, receivingPk, dhPoint]);
}

/** The capsule challenge h = H(E, V). */
export function hashCapsulePoints(e: Point, v: Point): bigint {
  return hashToScalar(TAGS.capsulePoints, [e, v]);
}

/** The challenge of a capsule fragment's proof of correct re-encryption. */
export function hashToCfragVerification(points: {
  e: Point;
  e1: Point;
  e2: Point;
  v: Point;
  v1: Point;
  v2: Point;
  u: Point;
  u1: Point;
  u2: Point;
}): bigint {
  const { e, e1, e2, v, v1, v2, u, u1, u2 } = points;
  return hashToScalar(TAGS.cfragVerification, [e, e1, e2, v, v1, v2, u, u1, u2]);
}

/**
 * The message a delegator signs for a key fragment:
 * id ‖ commitment ‖ precursor ‖ (01 ‖ delegating pk | 00) ‖ (01 ‖ receiving pk | 00).
 */
export function kfragSignatureMessage(
  kfragId: Uint8Array,
  commitment: Point,
  precursor: Point,
  delegatingPk: Point | undefined,
  receivingPk: Point | undefined,
): Uint8Array {
  const parts: Uint8Array[] = [kfragId, pointToBytes(commitment), pointToBytes(precursor)];
  for (const pk of [delegatingPk, receivingPk]) {
    if (pk) parts.push(Uint8Array.of(1), pointToBytes(pk));
    else parts.push(Uint8Array.of(0));
  }
  return concatBytes(...parts);
}
