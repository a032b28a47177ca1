/**
 * FHIR dates as a clinician reads them ("12 Mar 2026"), taken from the text
 * itself rather than through `Date`, so that a date-only value never shifts
 * by a day in the reader's time zone.
 * @module
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

type DateParts = { year: number; month?: number; day?: number };

function parts(value: unknown): DateParts | undefined {
  if (typeof value !== 'string') return undefined;
  const m = FHIR_DATE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? undefined : Number(m[2]);
  const day = m[3] === undefined ? undefined : Number(m[3]);
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  return { year, month, day };
}

/**
 * Formats a FHIR date or dateTime at the precision it has; `month` drops the
 * day. Anything that is not a FHIR date gives ''.
 *
 * @example
 * ```ts
 * formatDate('2026-03-12T08:30:00Z'); // '12 Mar 2026'
 * formatDate('2019-04'); // 'Apr 2019'
 * formatDate('2026-03-12', 'month'); // 'Mar 2026'
 * ```
 */
export function formatDate(value: unknown, precision: 'day' | 'month' = 'day'): string {
  const p = parts(value);
  if (!p) return '';
  if (p.month === undefined) return String(p.year);
  const month = `${MONTHS[p.month - 1]} ${p.year}`;
  return p.day === undefined || precision === 'month' ? month : `${p.day} ${month}`;
}

/**
 * Whole years from a birth date to `on` (undefined for a malformed date or
 * one in the future).
 *
 * @example
 * ```ts
 * ageOn('1967-04-12', new Date('2026-03-20')); // 58
 * ```
 */
export function ageOn(birthDate: unknown, on: Date): number | undefined {
  const p = parts(birthDate);
  if (!p) return undefined;
  const month = p.month ?? 1;
  const day = p.day ?? 1;
  let age = on.getUTCFullYear() - p.year;
  const beforeBirthday =
    on.getUTCMonth() + 1 < month || (on.getUTCMonth() + 1 === month && on.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return age >= 0 ? age : undefined;
}

/**
 * A number that orders FHIR dates and dateTimes (milliseconds since the
 * epoch), -Infinity for anything else so that undated items sort last when
 * newest comes first.
 *
 * @example
 * ```ts
 * ['2025-09-01', '2026-03-12'].sort((a, b) => dateOrder(b) - dateOrder(a)); // newest first
 * ```
 */
export function dateOrder(value: unknown): number {
  if (!parts(value)) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(value as string);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}
