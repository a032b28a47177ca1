/**
 * secp256k1 group operations for Umbral, on @noble/curves.
 *
 * Secret scalars are multiplied only through `mulSecret` (the library's
 * constant-time, blinded multiplication). Public work — verification,
 * capsule self-checks — uses the library's variable-time paths.
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { secp256k1, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidLengthError, InvalidPointError, InvalidScalarError } from './errors.js';

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
 * The generator, with a wider window table (W = 9: ~5 MB, built once on
 * first use in ~70 ms) than the library's default for BASE (W = 8): every
 * capsule multiplies G twice by a secret, ~25% faster this way.
 */
export const G: Point = Point.fromAffine(Point.BASE.toAffine()).precompute(9, true);

/**
 * Umbral's second generator U = hash_to_curve("POINT_U", DST "PARAMETERS")
 * with secp256k1_XMD:SHA-256_SSWU_RO_, so that log_G(U) is unknown.
 * Multiplied by a secret in every key and capsule fragment: give it a table.
 */
export const U: Point = (
  secp256k1_hasher.hashToCurve(utf8ToBytes('POINT_U'), { DST: 'PARAMETERS' }) as Point
).precompute(8, true);

/** Decodes a compressed point; rejects bad length, bad prefix, off-curve and the identity. */
export function pointFromBytes(bytes: Uint8Array, what: string): Point {
  if (bytes.length !== POINT_SIZE) throw new InvalidLengthError(what, POINT_SIZE, bytes.length);
  if (bytes[0] !== 0x02 && bytes[0] !== 0x03) throw new InvalidPointError(what);
  try {
    return Point.fromBytes(bytes);
  } catch (cause) {
    throw new InvalidPointError(what, { cause });
  }
}

/** Encodes a point in compressed SEC1 form (33 bytes). */
export function pointToBytes(p: Point): Uint8Array {
  return p.toBytes(true);
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

/**
 * G without a table. A process's first secret multiplications of G use it
 * (constant-time as well, ~2 ms each), so a one-shot command such as
 * `medvault seal` never waits for G's table (70–170 ms to build); processes
 * that go on multiplying switch to the table after `PLAIN_G_USES`.
 */
const G_PLAIN: Point = Point.fromAffine(Point.BASE.toAffine());
const PLAIN_G_USES = 16;
let plainGUses = 0;

/** Constant-time `k·P` for a secret scalar (the library's blinded multiplication). */
export function mulSecret(p: Point, k: bigint): Point {
  if (p === G && plainGUses < PLAIN_G_USES) {
    plainGUses += 1;
    return G_PLAIN.multiply(k);
  }
  return p.multiply(k);
}

/** Variable-time `k·P`; only for public scalars and points. */
export function mulPublic(p: Point, k: bigint): Point {
  return p.multiplyUnsafe(Fn.create(k));
}

/**
 * Variable-time Σ kᵢ·Pᵢ over public inputs: Strauss for a handful of terms,
 * Pippenger for batches.
 */
export function msmPublic(points: Point[], scalars: bigint[]): Point {
  const reduced = scalars.map((s) => Fn.create(s));
  return points.length <= 24
    ? mulAddUnsafe(Point, points, reduced)
    : pippenger(Point, points, reduced);
}

// Keys used again and again — a patient's key sealing every record, the
// authors and proxies whose signatures fill a ledger — earn a precomputed
// window table. A table costs ~40 ms and ~0.6 MB, so only keys seen often
// get one, and only a few are kept (least recently used evicted).
const TABLE_AFTER_USES = 16;
const MAX_TABLES = 32;
const MAX_TRACKED = 1024;
const keyUses = new Map<string, number>();
const tables = new Map<string, Point>();

/**
 * The copy of a public-key point that carries a precomputed table, once the
 * key was used `TABLE_AFTER_USES` times; `undefined` until then. `id` is the
 * key's compressed encoding in hex.
 */
export function tableFor(p: Point, id: string): Point | undefined {
  const table = tables.get(id);
  if (table) {
    tables.delete(id);
    tables.set(id, table);
    return table;
  }
  const uses = (keyUses.get(id) ?? 0) + 1;
  keyUses.delete(id);
  if (uses < TABLE_AFTER_USES) {
    keyUses.set(id, uses);
    if (keyUses.size > MAX_TRACKED) keyUses.delete(keyUses.keys().next().value as string);
    return undefined;
  }
  const fresh = Point.fromAffine(p.toAffine()).precompute(8, false);
  tables.set(id, fresh);
  if (tables.size > MAX_TABLES) tables.delete(tables.keys().next().value as string);
  return fresh;
}

/** Constant-time `k·P` for a long-lived public key (tabled after a few uses). */
export function mulSecretByKey(p: Point, k: bigint): Point {
  return (tableFor(p, bytesToHex(p.toBytes(true))) ?? p).multiply(k);
}
