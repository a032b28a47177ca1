/**
 * Random-linear-combination checking of many equations Σ kᵢ·Pᵢ = O at once.
 * Each equation is multiplied by a fresh 128-bit random coefficient, terms
 * on the same point are merged, and one multi-scalar multiplication decides
 * all of them: a false equation survives with probability 2⁻¹²⁸.
 * Only public points and scalars go in (the MSM is variable-time).
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { Fn, msmPublic, type Point, pointToBytes, randomChallenge } from './curve.js';

/** Collects equations and checks them together. */
export class EquationBatch {
  readonly #terms = new Map<Point | string, { point: Point; scalar: bigint }>();

  /**
   * Adds the equation Σ scalars[i]·points[i] = O. Points that recur across
   * equations (a capsule's E and V, a kfrag commitment) are merged when
   * they are the same object or, given `keys`, the same encoding.
   */
  addEquation(terms: [Point, bigint][], mergeByEncoding: Point[] = []): void {
    const rho = randomChallenge();
    for (const [point, scalar] of terms) {
      const key = mergeByEncoding.includes(point) ? bytesToHex(pointToBytes(point)) : point;
      const term = this.#terms.get(key);
      const weighted = Fn.mul(rho, Fn.create(scalar));
      if (term) term.scalar = Fn.add(term.scalar, weighted);
      else this.#terms.set(key, { point, scalar: weighted });
    }
  }

  /** Whether every added equation holds (with overwhelming probability). */
  holds(): boolean {
    const points: Point[] = [];
    const scalars: bigint[] = [];
    for (const { point, scalar } of this.#terms.values()) {
      if (scalar === 0n) continue;
      points.push(point);
      scalars.push(scalar);
    }
    return points.length === 0 || msmPublic(points, scalars).is0();
  }
}
