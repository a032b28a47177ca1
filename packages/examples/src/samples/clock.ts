/**
 * Time for the samples: a fixed "today" so that the same seed yields the same
 * bytes whenever it runs, and day arithmetic on ISO dates in UTC.
 * @module
 */

/**
 * The date the sample histories lead up to.
 *
 * @example
 * ```ts
 * addDays(REFERENCE_DATE, -7); // a week before
 * ```
 */
export const REFERENCE_DATE = '2026-03-20';

const DAY_MS = 86_400_000;

/**
 * The ISO date `days` after `date` (negative for before).
 *
 * @example
 * ```ts
 * addDays('2026-03-01', -1); // '2026-02-28'
 * ```
 */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A dateTime on `date` at a wall-clock time, in UTC.
 *
 * @example
 * ```ts
 * atTime('2026-03-12', 8, 30); // '2026-03-12T08:30:00Z'
 * ```
 */
export function atTime(date: string, hours: number, minutes = 0): string {
  const hh = String(hours).padStart(2, '0');
  const mm = String(minutes).padStart(2, '0');
  return `${date}T${hh}:${mm}:00Z`;
}
