/**
 * secp256k1 operations for Umbral, through a curve backend: libsecp256k1
 * compiled to WebAssembly when it loads and passes its self-test,
 * @noble/curves otherwise (./backend). Both give identical results.
 *
 * The constant-time policy (docs/spec/pre.md §12) lives in which function a
 * call site uses: a secret scalar is multiplied only through `mulSecret`,
 * `mulSecretByKey` or `mulSecretSum` (constant-time in both backends);
 * public work — verification, capsule self-checks — goes through
 * `mulPublic` and `msmPublic` (variable-time). Inputs are checked here,
 * once, for both backends.
 */

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { runOnBackend } from './backend/index.js';
import { InvalidLengthError, InvalidPointError, InvalidScalarError } from './errors.js';
import { Fn, N, POINT_SIZE, Point, SCALAR_SIZE } from './group.js';

export { Fn, G, N, POINT_SIZE, Point, SCALAR_SIZE, U } from './group.js';

/**
 * What a curve backend does. Points are @noble/curves points in both
 * backends; the caller (this module) has already rejected bad input:
 * secret scalars are in [1, n−1], public scalars in [0, n−1], no point
 * passed in is the identity.
 *
 * @example
 * ```ts
 * const backend: CurveBackend = nobleBackend;
 * backend.mulSecret(U, rk).equals(commitment);
 * ```
 */
export interface CurveBackend {
  /** `'wasm'` (libsecp256k1) or `'noble'` (@noble/curves). */
  readonly name: 'wasm' | 'noble';
  /**
   * Constant-time k·P for a secret k and a public P. `longLivedKey` marks a
   * public key multiplied again and again (a backend may keep a table for it).
   */
  mulSecret(p: Point, k: bigint, longLivedKey?: boolean): Point;
  /** Constant-time Σ kᵢ·Pᵢ for secret kᵢ and public Pᵢ (may be the identity). */
  mulSecretSum(points: readonly Point[], scalars: readonly bigint[]): Point;
  /** Variable-time k·P; public k and P only (may be the identity). */
  mulPublic(p: Point, k: bigint): Point;
  /** Variable-time Σ kᵢ·Pᵢ over public inputs (may be the identity). */
  msmPublic(points: readonly Point[], scalars: readonly bigint[]): Point;
  /** ECDSA over a 32-byte digest, low-S only; public inputs. */
  verifyEcdsa(compact: Uint8Array, digest: Uint8Array, pk: Point, pkBytes: Uint8Array): boolean;
  /**
   * Constant-time ECDSA signature r ‖ s (low-S) of a 32-byte digest under a
   * secret key (32 bytes, in [1, n−1]): the RFC 6979 nonce seeded with key ‖
   * digest ‖ `entropy` (32 bytes), so both backends give the same signature
   * for the same entropy. `undefined` (probability 2⁻¹²⁸) asks for new entropy.
   */
  signEcdsa(digest: Uint8Array, secretKey: Uint8Array, entropy: Uint8Array): Uint8Array | undefined;
  /** A compressed point, or `undefined` if the bytes are none; public input. */
  decodePoint(bytes: Uint8Array): Point | undefined;
  /** The compressed encoding of a point that is not the identity (may be secret). */
  encodePoint(p: Point): Uint8Array;
}

/** Decodes a compressed point; rejects bad length, bad prefix, off-curve and the identity. */
export function pointFromBytes(bytes: Uint8Array, what: string): Point {
  if (bytes.length !== POINT_SIZE) throw new InvalidLengthError(what, POINT_SIZE, bytes.length);
  if (bytes[0] !== 0x02 && bytes[0] !== 0x03) throw new InvalidPointError(what);
  const point = runOnBackend((b) => b.decodePoint(bytes));
  if (!point) throw new InvalidPointError(what);
  return point;
}

/** Encodes a point in compressed SEC1 form (33 bytes); the identity has no encoding. */
export function pointToBytes(p: Point): Uint8Array {
  if (isIdentity(p)) throw new InvalidPointError('point (the identity)');
  return runOnBackend((b) => b.encodePoint(p));
}

/** Whether `p` is the identity (noble keeps it as Z = 0). */
export function isIdentity(p: Point): boolean {
  return p.Z === 0n;
}

/** Decodes a 32-byte big-endian scalar in [1, n-1]. */
export function scalarFromBytes(bytes: Uint8Array, what: string): bigint {
  if (bytes.length !== SCALAR_SIZE) throw new InvalidLengthError(what, SCALAR_SIZE, bytes.length);
  const s = bytesToNumberBE(bytes);
  if (!Fn.isValidNot0(s)) throw new InvalidScalarError(what);
  return s;
}

/** Encodes a scalar as 32 big-endian bytes. */
export function scalarToBytes(s: bigint): Uint8Array {
  return numberToBytesBE(s, SCALAR_SIZE);
}

/** A uniformly random scalar in [1, n-1] from the platform CSPRNG. */
export function randomScalar(): bigint {
  return bytesToNumberBE(secp256k1.utils.randomSecretKey());
}

/** A uniformly random 128-bit non-zero scalar: the coefficients of batch checks. */
export function randomChallenge(): bigint {
  return bytesToNumberBE(randomBytes(16)) | 1n;
}

/** Maps a 32-byte digest to a non-zero scalar: (d mod (n-1)) + 1. */
export function digestToNonZeroScalar(digest: Uint8Array): bigint {
  return (bytesToNumberBE(digest) % (N - 1n)) + 1n;
}

function secretScalar(k: bigint): bigint {
  if (!Fn.isValidNot0(k)) throw new InvalidScalarError('secret scalar');
  return k;
}

/**
 * Constant-time `k·P` for a secret scalar k in [1, n−1] (`InvalidScalarError`
 * otherwise, in both backends). The identity times k is the identity.
 */
export function mulSecret(p: Point, k: bigint): Point {
  secretScalar(k);
  if (isIdentity(p)) return Point.ZERO;
  return runOnBackend((b) => b.mulSecret(p, k));
}

/** Constant-time `k·P` for a long-lived public key (the noble backend tables it after a few uses). */
export function mulSecretByKey(p: Point, k: bigint): Point {
  secretScalar(k);
  if (isIdentity(p)) return Point.ZERO;
  return runOnBackend((b) => b.mulSecret(p, k, true));
}

/** Constant-time Σ kᵢ·Pᵢ with secret kᵢ in [1, n−1]; terms on the identity add nothing. */
export function mulSecretSum(points: readonly Point[], scalars: readonly bigint[]): Point {
  for (const k of scalars) secretScalar(k);
  const kept = points.flatMap((p, i) => (isIdentity(p) ? [] : [i]));
  if (kept.length === 0) return Point.ZERO;
  return runOnBackend((b) =>
    b.mulSecretSum(
      kept.map((i) => points[i] as Point),
      kept.map((i) => scalars[i] as bigint),
    ),
  );
}

/** Variable-time `k·P` (k reduced mod n); only for public scalars and points. */
export function mulPublic(p: Point, k: bigint): Point {
  const reduced = Fn.create(k);
  if (reduced === 0n || isIdentity(p)) return Point.ZERO;
  return runOnBackend((b) => b.mulPublic(p, reduced));
}

/** Variable-time Σ kᵢ·Pᵢ over public inputs (scalars reduced mod n). */
export function msmPublic(points: readonly Point[], scalars: readonly bigint[]): Point {
  const keptPoints: Point[] = [];
  const keptScalars: bigint[] = [];
  points.forEach((p, i) => {
    const k = Fn.create(scalars[i] as bigint);
    if (k === 0n || isIdentity(p)) return;
    keptPoints.push(p);
    keptScalars.push(k);
  });
  if (keptPoints.length === 0) return Point.ZERO;
  return runOnBackend((b) => b.msmPublic(keptPoints, keptScalars));
}

/**
 * Constant-time, hedged ECDSA signature (r ‖ s, low-S) of a 32-byte digest
 * under a secret key given as 32 bytes in [1, n−1].
 */
export function signEcdsa(digest: Uint8Array, secretKey: Uint8Array): Uint8Array {
  for (;;) {
    const entropy = randomBytes(32);
    const signature = runOnBackend((b) => b.signEcdsa(digest, secretKey, entropy));
    if (signature) return signature;
  }
}

/**
 * ECDSA verification of a 32-byte digest: `compact` is r ‖ s (64 bytes),
 * high-S is rejected. `pkBytes` is the key's compressed encoding.
 */
export function verifyEcdsa(
  compact: Uint8Array,
  digest: Uint8Array,
  pk: Point,
  pkBytes: Uint8Array,
): boolean {
  return runOnBackend((b) => b.verifyEcdsa(compact, digest, pk, pkBytes));
}
