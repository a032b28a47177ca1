/**
 * The secp256k1 group as Umbral uses it: the point type, the scalar field,
 * the generators G and U. Both curve backends (./backend) and the
 * operations above them (./curve.ts) start from here; nothing here
 * multiplies.
 */
import { secp256k1, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** The secp256k1 point constructor. */
export const Point = secp256k1.Point;
/** A secp256k1 point (projective). */
export type Point = InstanceType<typeof Point>;
/** Arithmetic modulo the group order n. */
export const Fn = Point.Fn;
/** The group order. */
export const N = Fn.ORDER;

/** Size of a compressed point. */
export const POINT_SIZE = 33;
/** Size of a big-endian scalar. */
export const SCALAR_SIZE = 32;

/**
 * The generator. The noble backend gives it a wider window table (W = 9:
 * ~5 MB, built on its first multiplication in ~70 ms) than the library's
 * default for BASE (W = 8): every capsule multiplies G twice by a secret,
 * ~25% faster this way. The table is lazy, so the WASM backend never builds it.
 */
export const G: Point = Point.fromAffine(Point.BASE.toAffine()).precompute(9, true);

/**
 * Umbral's second generator U = hash_to_curve("POINT_U", DST "PARAMETERS")
 * with secp256k1_XMD:SHA-256_SSWU_RO_, so that log_G(U) is unknown.
 * Multiplied by a secret in every key and capsule fragment: the noble
 * backend gives it a (lazy) table.
 */
export const U: Point = (
  secp256k1_hasher.hashToCurve(utf8ToBytes('POINT_U'), { DST: 'PARAMETERS' }) as Point
).precompute(8, true);
