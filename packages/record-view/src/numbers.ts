/**
 * Numbers as a lab report prints them. JSON drops trailing zeros (4.0
 * arrives as 4), so precision is recovered from the values that travel
 * together — a range is printed at the precision of its finer bound, and a
 * result at least at the precision of its range ("7.0" beside "4.0–5.6").
 * @module
 */

const MAX_DECIMALS = 6;

/**
 * How many decimals a number was written with (capped, 0 for non-finite).
 *
 * @example
 * ```ts
 * decimalsOf(5.6); // 1
 * decimalsOf(120); // 0
 * ```
 */
export function decimalsOf(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const text = String(value);
  if (text.includes('e')) {
    const exp = Number(text.split('e')[1]);
    return exp < 0 ? MAX_DECIMALS : 0;
  }
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(text.length - dot - 1, MAX_DECIMALS);
}

/**
 * Formats a number with at least `minDecimals` decimals (and no fewer than
 * it has).
 *
 * @example
 * ```ts
 * formatNumber(7, 1); // '7.0'
 * formatNumber(1.45, 1); // '1.45'
 * ```
 */
export function formatNumber(value: number, minDecimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  const decimals = Math.max(decimalsOf(value), Math.min(Math.max(minDecimals, 0), MAX_DECIMALS));
  // Beyond 1e21 toFixed switches to exponent notation anyway; keep it readable.
  return Math.abs(value) >= 1e21 ? String(value) : value.toFixed(decimals);
}

/**
 * The decimals a range is printed with: those of its finer bound.
 *
 * @example
 * ```ts
 * rangeDecimals({ low: 4, high: 5.6 }); // 1
 * ```
 */
export function rangeDecimals(range: {
  low?: number | undefined;
  high?: number | undefined;
}): number {
  return Math.max(
    range.low === undefined ? 0 : decimalsOf(range.low),
    range.high === undefined ? 0 : decimalsOf(range.high),
  );
}

/**
 * A reference range as printed on a report: `low–high`, `≥ low` or `≤ high`
 * ('' when neither bound is known).
 *
 * @example
 * ```ts
 * formatRange({ low: 4, high: 5.6 }); // '4.0–5.6'
 * formatRange({ low: 60 }); // '≥ 60'
 * formatRange({ high: 100 }); // '≤ 100'
 * ```
 */
export function formatRange(range: {
  low?: number | undefined;
  high?: number | undefined;
}): string {
  const d = rangeDecimals(range);
  const { low, high } = range;
  if (low !== undefined && high !== undefined)
    return `${formatNumber(low, d)}–${formatNumber(high, d)}`;
  if (low !== undefined) return `≥ ${formatNumber(low, d)}`;
  if (high !== undefined) return `≤ ${formatNumber(high, d)}`;
  return '';
}
