/**
 * The high/low/normal flag of a result against its reference range: one
 * rule, used by the sample generator to write `interpretation` and by the
 * renderer when a result arrives without one.
 * @module
 */

/** High, low or normal (v3-ObservationInterpretation codes). */
export type Flag = 'H' | 'L' | 'N';

/**
 * Flags a value against inclusive bounds; undefined when neither bound is
 * known, since "normal" would then be a guess.
 *
 * @example
 * ```ts
 * flagFromRange(7.2, { low: 4.0, high: 5.6 }); // 'H'
 * flagFromRange(38, { low: 60 }); // 'L'
 * flagFromRange(5.6, { low: 4.0, high: 5.6 }); // 'N'
 * ```
 */
export function flagFromRange(
  value: number,
  range: { low?: number | undefined; high?: number | undefined },
): Flag | undefined {
  if (range.low === undefined && range.high === undefined) return undefined;
  if (range.high !== undefined && value > range.high) return 'H';
  if (range.low !== undefined && value < range.low) return 'L';
  return 'N';
}
