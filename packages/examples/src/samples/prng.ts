/**
 * A small seeded pseudo-random generator (mulberry32) so that the sample
 * data is the same on every machine for a given seed. Not for anything that
 * needs unpredictability.
 * @module
 */

/** Draws from one seeded stream. */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Approximately normal (sum of uniforms), mean `mean`, standard deviation `sd`. */
  normal(mean: number, sd: number): number;
};

/**
 * Creates a generator from an integer seed.
 *
 * @example
 * ```ts
 * const rng = createRng(1);
 * rng.int(1, 6); // the same number every run
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    // Irwin–Hall with 6 terms (variance 1/2, hence √2): bounded at about
    // ±4 sd, which keeps synthetic lab values plausible without clamping.
    normal: (mean, sd) => {
      let sum = 0;
      for (let i = 0; i < 6; i++) sum += next();
      return mean + (sum - 3) * sd * Math.SQRT2;
    },
  };
}
