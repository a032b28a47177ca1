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
 * Validity is checked before decryption, as the reference does, and for
 * all capsules of one key-fragment set at once (a random linear combination
 * of their equations), so a batch costs t secret multiplications for
 * validity per fragment set plus t per capsule for the key seed.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import type { Capsule } from './capsule.js';
import type { CapsuleFragParts } from './capsule-frag.js';
import {
  Fn,
  msmPublic,
  mulPublic,
  mulSecret,
  mulSecretSum,
  type Point,
  pointToBytes,
  randomChallenge,
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

/** Whether s·P_delegating = Σ cᵢ·(h·E₁ᵢ + V₁ᵢ) for one capsule. */
function validityHolds(
  item: ReencryptedCapsule,
  coefficients: bigint[],
  delegating: Point,
): boolean {
  return validityHoldsForAll([item], coefficients, delegating);
}

/**
 * Whether the validity equation holds for every item of one fragment set,
 * checked as one: each item's equation is weighted by a fresh 128-bit
 * random ρ, so (Σ ρ·s)·P_delegating = Σ cᵢ·(Σ ρ·(h·E₁ᵢ + V₁ᵢ)). The inner
 * sums are public (variable-time MSM); only the t products with the secret
 * cᵢ are constant-time, however many items share the set.
 */
function validityHoldsForAll(
  items: readonly ReencryptedCapsule[],
  coefficients: bigint[],
  delegating: Point,
): boolean {
  let lhs = 0n;
  const termPoints: Point[][] = coefficients.map(() => []);
  const termScalars: bigint[][] = coefficients.map(() => []);
  for (const item of items) {
    const rho = items.length === 1 ? 1n : randomChallenge();
    const h = item.capsule.challenge();
    lhs = Fn.add(lhs, Fn.mul(rho, item.capsule.s));
    item.cfrags.forEach((c, i) => {
      termPoints[i]?.push(c.e1, c.v1);
      termScalars[i]?.push(Fn.mul(rho, h), rho);
    });
  }
  const rhs = mulSecretSum(
    termPoints.map((points, i) => msmPublic(points, termScalars[i] as bigint[])),
    coefficients,
  );
  return mulPublic(delegating, lhs).equals(rhs);
}

/**
 * Opens many re-encrypted capsules for one receiver and delegator and
 * decrypts their ciphertexts. The fragments must already be verified.
 * Returns the plaintexts in order; a failing item raises `BatchItemError`
 * naming it (the first in order), with the reference's error as its cause.
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
  const groups = new Map<string, { coefficients: bigint[]; items: ReencryptedCapsule[] }>();
  const prepared = items.map((item, index) => {
    const key = checkStructure(item, index);
    const cfrags = [...item.cfrags].sort((x, y) =>
      bytesToHex(x.kfragId) < bytesToHex(y.kfragId) ? -1 : 1,
    );
    const sorted = { ...item, cfrags };
    let group = groups.get(key);
    if (!group) {
      const coefficients = combinationScalars(b, receiving, cfrags);
      if (!coefficients) fail(index, new RepeatingCapsuleFragsError());
      group = { coefficients, items: [] };
      groups.set(key, group);
    }
    group.items.push(sorted);
    return { item: sorted, group };
  });

  // Validity first, as the reference does: fragments that do not open this
  // capsule for this delegator (another capsule, receiver or delegating key,
  // fewer than threshold) are refused before any decryption is tried.
  const failing = new Set(
    [...groups.values()].filter((g) => !validityHoldsForAll(g.items, g.coefficients, delegating)),
  );
  if (failing.size > 0) {
    prepared.forEach(({ item, group }, index) => {
      if (failing.has(group) && !validityHolds(item, group.coefficients, delegating)) {
        fail(index, new ReencryptionValidationError());
      }
    });
  }

  return prepared.map(({ item, group }, index) => {
    const seed = mulSecretSum(
      item.cfrags.map((c) => c.e1.add(c.v1)),
      group.coefficients,
    );
    try {
      if (seed.is0()) throw new ReencryptionValidationError();
      return demDecrypt(pointToBytes(seed), item.ciphertext, item.capsule.simpleBytes);
    } catch (error) {
      if (!(error instanceof PreError)) throw error;
      return fail(index, error);
    }
  });
}
