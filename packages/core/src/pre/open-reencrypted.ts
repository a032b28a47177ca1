/**
 * The receiver's side of re-encryption: from t verified capsule fragments
 * to the plaintext, for one capsule or many at once.
 *
 * For a key-fragment set with precursor X, the receiver (secret b, public R)
 * computes once: dh = b·X, d = H(X, R, dh), the share indices
 * xᵢ = H(X, R, dh, idᵢ), the Lagrange coefficients λᵢ at 0 and cᵢ = d·λᵢ.
 * Then for every capsule (E, V, s) re-encrypted by those fragments:
 *   key seed:  K = Σ cᵢ·(E₁ᵢ + V₁ᵢ)                      (= d·(e' + v'))
 *   validity:  s·P_delegating = Σ cᵢ·(h·E₁ᵢ + V₁ᵢ)      (h = H(E, V))
 * — the reference's check P·(s/d) = h·e' + v' multiplied through by d.
 *
 * The DEM's authentication already rejects a wrong key seed, so validity is
 * computed only when decryption fails, to tell "these fragments do not open
 * this capsule" (fewer than threshold, another capsule or receiver) from
 * "the ciphertext was tampered with": the same verdicts and errors as
 * checking first, for t secret multiplications per capsule instead of 2t.
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
} from './curve.js';
import { demDecrypt } from './dem.js';
import {
  BatchItemError,
  MismatchedCapsuleFragsError,
  NoCapsuleFragsError,
  PreError,
  ReencryptionValidationError,
  RepeatingCapsuleFragsError,
} from './errors.js';
import { hashToPolynomialArg, hashToSharedSecret } from './hashing.js';
import { type PublicKey, pointOf, type SecretKey, secretScalarOf } from './keys.js';

/** One capsule, its ciphertext and the verified fragments that re-encrypt it. */
export type ReencryptedCapsule = {
  capsule: Capsule;
  cfrags: readonly CapsuleFragParts[];
  ciphertext: Uint8Array;
};

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

/** Whether s·P_delegating = Σ cᵢ·(h·E₁ᵢ + V₁ᵢ) for one capsule. */
function validityHolds(
  item: ReencryptedCapsule,
  coefficients: bigint[],
  delegating: Point,
): boolean {
  const h = item.capsule.challenge();
  const rhs = secretCombination(
    coefficients,
    item.cfrags.map((c) => msmPublic([c.e1, c.v1], [h, 1n])),
  );
  return mulPublic(delegating, item.capsule.s).equals(rhs);
}

/**
 * Opens many re-encrypted capsules for one receiver and delegator and
 * decrypts their ciphertexts. The fragments must already be verified.
 * Returns the plaintexts in order; a failing item raises `BatchItemError`
 * naming it, with the reference's error as its cause.
 */
export function openReencrypted(
  receivingSk: SecretKey,
  delegatingPk: PublicKey,
  items: readonly ReencryptedCapsule[],
): Uint8Array[] {
  const b = secretScalarOf(receivingSk);
  const receiving = pointOf(receivingSk.publicKey());
  const delegating = pointOf(delegatingPk);

  // Items whose fragments come from the same kfrag subset share cᵢ; every
  // item's fragments are put in a canonical order (by kfrag id).
  const coefficientsByGroup = new Map<string, bigint[]>();
  const prepared = items.map((item, index) => {
    const key = checkStructure(item, index);
    const cfrags = [...item.cfrags].sort((x, y) =>
      bytesToHex(x.kfragId) < bytesToHex(y.kfragId) ? -1 : 1,
    );
    let coefficients = coefficientsByGroup.get(key);
    if (!coefficients) {
      coefficients = combinationScalars(b, receiving, cfrags);
      if (!coefficients) fail(index, new RepeatingCapsuleFragsError());
      coefficientsByGroup.set(key, coefficients);
    }
    return { item: { ...item, cfrags }, coefficients };
  });

  return prepared.map(({ item, coefficients }, index) => {
    const seed = secretCombination(
      coefficients,
      item.cfrags.map((c) => c.e1.add(c.v1)),
    );
    try {
      if (seed.is0()) throw new ReencryptionValidationError();
      return demDecrypt(pointToBytes(seed), item.ciphertext, item.capsule.simpleBytes);
    } catch (error) {
      if (!(error instanceof PreError)) throw error;
      return fail(
        index,
        validityHolds(item, coefficients, delegating) ? error : new ReencryptionValidationError(),
      );
    }
  });
}
