/**
 * The receiver's side of re-encryption: from t verified capsule fragments
 * to the capsule's key seed, for one capsule or many at once.
 *
 * For a key-fragment set with precursor X, the receiver (secret b, public R)
 * computes once: dh = b·X, d = H(X, R, dh), the share indices
 * xᵢ = H(X, R, dh, idᵢ), the Lagrange coefficients λᵢ at 0 and cᵢ = d·λᵢ.
 * Then for every capsule (E, V, s) re-encrypted by those fragments:
 *   validity:  s·P_delegating = Σ cᵢ·(h·E₁ᵢ + V₁ᵢ)      (h = H(E, V))
 *   key seed:  K = Σ cᵢ·(E₁ᵢ + V₁ᵢ)
 * which is the reference's check P·(s/d) = h·e' + v' and key d·(e' + v')
 * multiplied through by d. Validity is checked for a whole batch with one
 * random linear combination, so each secret cᵢ multiplies one point per
 * batch there; the key seeds cost t constant-time multiplications each.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import type { Capsule } from './capsule.js';
import type { CapsuleFragParts } from './capsule-frag.js';
import {
  Fn,
  msmPublic,
  mulPublic,
  mulSecret,
  type Point,
  Point as PointCons,
  pointToBytes,
  randomChallenge,
} from './curve.js';
import {
  BatchItemError,
  MismatchedCapsuleFragsError,
  NoCapsuleFragsError,
  type PreError,
  ReencryptionValidationError,
  RepeatingCapsuleFragsError,
} from './errors.js';
import { hashToPolynomialArg, hashToSharedSecret } from './hashing.js';
import { type PublicKey, pointOf, type SecretKey, secretScalarOf } from './keys.js';

/** One capsule and the verified fragments that re-encrypt it. */
export type ReencryptedCapsule = { capsule: Capsule; cfrags: readonly CapsuleFragParts[] };

type Group = { coefficients: bigint[]; items: number[] };

function fail(index: number, error: PreError): never {
  throw new BatchItemError(index, undefined, error);
}

/** Checks one item's fragments: present, one precursor, no key fragment twice. */
function checkStructure(item: ReencryptedCapsule, index: number): string {
  const [first] = item.cfrags;
  if (!first) fail(index, new NoCapsuleFragsError());
  const ids = new Set<string>();
  for (const c of item.cfrags) {
    if (!c.precursor.equals(first.precursor)) fail(index, new MismatchedCapsuleFragsError());
    ids.add(bytesToHex(c.kfragId));
  }
  if (ids.size !== item.cfrags.length) fail(index, new RepeatingCapsuleFragsError());
  return `${bytesToHex(pointToBytes(first.precursor))}/${[...ids].sort().join(',')}`;
}

/** cᵢ = d·λᵢ for the fragments of one key-fragment set, in the item's order. */
function combinationScalars(
  b: bigint,
  receiving: Point,
  cfrags: readonly CapsuleFragParts[],
): bigint[] | undefined {
  const precursor = (cfrags[0] as CapsuleFragParts).precursor;
  const dh = mulSecret(precursor, b);
  const d = hashToSharedSecret(precursor, receiving, dh);
  const xs = cfrags.map((c) => hashToPolynomialArg(precursor, receiving, dh, c.kfragId));
  const out: bigint[] = [];
  for (let i = 0; i < xs.length; i++) {
    let lambda = 1n;
    for (let j = 0; j < xs.length; j++) {
      if (j === i) continue;
      const diff = Fn.sub(xs[j] as bigint, xs[i] as bigint);
      if (diff === 0n) return undefined;
      lambda = Fn.mul(lambda, Fn.div(xs[j] as bigint, diff));
    }
    out.push(Fn.mul(d, lambda));
  }
  return out;
}

/** Σ cᵢ·Pᵢ with secret cᵢ: one constant-time multiplication per term. */
function secretCombination(coefficients: bigint[], points: Point[]): Point {
  let acc = PointCons.ZERO;
  for (let i = 0; i < points.length; i++) {
    acc = acc.add(mulSecret(points[i] as Point, coefficients[i] as bigint));
  }
  return acc;
}

/** Whether the validity equation holds for all `indices` together. */
function validityHolds(
  items: readonly ReencryptedCapsule[],
  indices: number[],
  coefficients: bigint[],
  delegating: Point,
): boolean {
  const t = coefficients.length;
  let lhs = 0n;
  const perFragment: { points: Point[]; scalars: bigint[] }[] = Array.from({ length: t }, () => ({
    points: [],
    scalars: [],
  }));
  for (const index of indices) {
    const { capsule, cfrags } = items[index] as ReencryptedCapsule;
    const rho = indices.length === 1 ? 1n : randomChallenge();
    const h = capsule.challenge();
    lhs = Fn.add(lhs, Fn.mul(rho, capsule.s));
    cfrags.forEach((c, i) => {
      const slot = perFragment[i] as { points: Point[]; scalars: bigint[] };
      slot.points.push(c.e1, c.v1);
      slot.scalars.push(Fn.mul(rho, h), rho);
    });
  }
  const rhs = secretCombination(
    coefficients,
    perFragment.map((f) => msmPublic(f.points, f.scalars)),
  );
  return mulPublic(delegating, lhs).equals(rhs);
}

/**
 * Opens many re-encrypted capsules for one receiver and delegator. The
 * fragments must already be verified. Returns the key seeds in order; a
 * failing item raises `BatchItemError` naming it.
 */
export function openReencryptedBatch(
  receivingSk: SecretKey,
  delegatingPk: PublicKey,
  items: readonly ReencryptedCapsule[],
): Uint8Array[] {
  const b = secretScalarOf(receivingSk);
  const receiving = pointOf(receivingSk.publicKey());
  const delegating = pointOf(delegatingPk);

  // Items whose fragments come from the same kfrag subset share cᵢ; the
  // fragments of every item in a group are put in the group's order.
  const groups = new Map<string, Group>();
  const ordered: ReencryptedCapsule[] = items.map((item, index) => {
    const key = checkStructure(item, index);
    const cfrags = [...item.cfrags].sort((x, y) =>
      bytesToHex(x.kfragId) < bytesToHex(y.kfragId) ? -1 : 1,
    );
    let group = groups.get(key);
    if (!group) {
      const coefficients = combinationScalars(b, receiving, cfrags);
      if (!coefficients) fail(index, new RepeatingCapsuleFragsError());
      group = { coefficients, items: [] };
      groups.set(key, group);
    }
    group.items.push(index);
    return { capsule: item.capsule, cfrags };
  });

  for (const { coefficients, items: indices } of groups.values()) {
    if (validityHolds(ordered, indices, coefficients, delegating)) continue;
    for (const index of indices) {
      if (!validityHolds(ordered, [index], coefficients, delegating)) {
        fail(index, new ReencryptionValidationError());
      }
    }
  }

  const seeds: Uint8Array[] = new Array(items.length);
  for (const { coefficients, items: indices } of groups.values()) {
    for (const index of indices) {
      const { cfrags } = ordered[index] as ReencryptedCapsule;
      const seed = secretCombination(
        coefficients,
        cfrags.map((c) => c.e1.add(c.v1)),
      );
      if (seed.is0()) fail(index, new ReencryptionValidationError());
      seeds[index] = pointToBytes(seed);
    }
  }
  return seeds;
}
