/**
 * The search parameters the portal understands, parsed once into a query:
 * `_id`, `patient` / `subject`, `_lastUpdated` (with FHIR's prefixes and
 * date precision), `_sort`, `_count` and `_summary=count`. Others are
 * ignored, as FHIR's default lenient handling has it, unless the client
 * asked `Prefer: handling=strict`; the self link names only what was applied.
 * @module
 */
import { FhirProblem } from './fhir-response.js';
import { patientField } from './resource-types.js';

/**
 * A `_lastUpdated` condition: a prefix and the range its value covers, ms.
 *
 * @example
 * ```ts
 * const [condition]: InstantCondition[] = parseSearch('Observation', new URLSearchParams('_lastUpdated=gt2026-03-11'), options).lastUpdated;
 * ```
 */
export type InstantCondition = {
  prefix: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
  /** The first instant the value's precision covers. */
  start: number;
  /** The first instant after it. */
  end: number;
};

/**
 * A parsed search.
 *
 * @example
 * ```ts
 * const { count, lastUpdated, patients }: SearchQuery = parseSearch('Condition', url.searchParams, options);
 * ```
 */
export type SearchQuery = {
  /** `_id`: any of these ids. */
  ids: Set<string> | undefined;
  /** `patient` / `subject`: the patient ids the client named (each must be the token's). */
  patients: string[];
  /** `_lastUpdated`: every condition holds. */
  lastUpdated: InstantCondition[];
  sort: { field: '_lastUpdated' | '_id'; descending: boolean };
  /** Entries per page. */
  count: number;
  /** `_count=0` or `_summary=count`: the total only. */
  totalOnly: boolean;
  /** The parameters applied, for the self link. */
  applied: URLSearchParams;
};

/**
 * Entries per page unless `_count` says otherwise.
 *
 * @example
 * ```ts
 * parseSearch('Observation', new URLSearchParams(), options).count === DEFAULT_COUNT; // true
 * ```
 */
export const DEFAULT_COUNT = 50;
/**
 * The most entries a page holds, whatever `_count` asks.
 *
 * @example
 * ```ts
 * parseSearch('Observation', new URLSearchParams('_count=9999'), options).count === MAX_COUNT; // true
 * ```
 */
export const MAX_COUNT = 500;

// parameters every search may carry that change nothing here
const IGNORED_ALWAYS = new Set(['_format', '_pretty', '_total', '_elements']);

// YYYY, YYYY-MM, YYYY-MM-DD, then a time to the minute, second or fraction, with a zone
const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/**
 * The range of instants a FHIR date, dateTime or instant covers at its
 * precision: `2026-03` is all of March (UTC), `2026-03-11T10:10:00Z` one
 * second, `2026-03-11T10:10:00.123Z` one millisecond.
 *
 * @example
 * ```ts
 * instantRange('2026-03-11'); // { start: Date.parse('2026-03-11T00:00:00Z'), end: Date.parse('2026-03-12T00:00:00Z') }
 * ```
 */
export function instantRange(value: string): { start: number; end: number } | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, , s, fraction, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo) - 1;
  if (month !== undefined && month > 11) return undefined;
  if (d === undefined) {
    const start = Date.UTC(year, month ?? 0, 1);
    const end = month === undefined ? Date.UTC(year + 1, 0, 1) : Date.UTC(year, month + 1, 1);
    return { start, end };
  }
  const day = Number(d);
  if (h === undefined) {
    const start = Date.UTC(year, month as number, day);
    if (new Date(start).getUTCDate() !== day) return undefined;
    return { start, end: start + 86_400_000 };
  }
  const start = Date.parse(value);
  if (!Number.isFinite(start) || !zone) return undefined;
  const step = fraction ? 1 : s === undefined ? 60_000 : 1_000;
  return { start, end: start + step };
}

/** One `_lastUpdated` value: its prefix (default `eq`) and range. */
function parseInstantCondition(raw: string): InstantCondition {
  const match = /^(eq|ne|gt|ge|lt|le|sa|eb|ap)?(.*)$/.exec(raw) as RegExpExecArray;
  const prefix = match[1] ?? 'eq';
  const range = instantRange(match[2] as string);
  if (!range)
    throw new FhirProblem(
      400,
      'invalid',
      `_lastUpdated=${raw} is not a FHIR date: give e.g. gt2026-03-11T10:10:00Z (a prefix gt, ge, lt, le, eq or ne, and a date or an instant with its time zone)`,
    );
  // sa (starts after) and eb (ends before) are gt and lt for an instant
  if (prefix === 'sa') return { prefix: 'gt', ...range };
  if (prefix === 'eb') return { prefix: 'lt', ...range };
  if (prefix === 'ap')
    throw new FhirProblem(400, 'not-supported', '_lastUpdated does not support the ap prefix here');
  return { prefix: prefix as InstantCondition['prefix'], ...range };
}

/**
 * Whether the instant `at` (ms) meets a `_lastUpdated` condition: `gt` is
 * after the whole range of the value, `ge` from its start on, `lt` before
 * its start, `le` before its end, `eq` within it, `ne` outside it.
 *
 * @example
 * ```ts
 * matchesInstant(Date.parse('2026-03-12T00:00:00Z'), parseSearch(…).lastUpdated[0]); // gt2026-03-11 → true
 * ```
 */
export function matchesInstant(at: number, condition: InstantCondition): boolean {
  const { prefix, start, end } = condition;
  switch (prefix) {
    case 'gt':
      return at >= end;
    case 'ge':
      return at >= start;
    case 'lt':
      return at < start;
    case 'le':
      return at < end;
    case 'ne':
      return at < start || at >= end;
    default:
      return at >= start && at < end;
  }
}

/** The patient id a reference search value names: `id`, `Patient/id` or `{fhirBase}/Patient/id`. */
function patientIdOf(value: string, fhirBase: string): string {
  const relative = value.startsWith(`${fhirBase}/`) ? value.slice(fhirBase.length + 1) : value;
  const match = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(relative);
  if (!match)
    throw new FhirProblem(
      400,
      'invalid',
      `patient=${value} names no patient: give the patient's id, Patient/{id} or its full URL`,
    );
  return match[1] as string;
}

/**
 * Parses the search parameters of a search on `type`.
 *
 * @example
 * ```ts
 * const query = parseSearch('Observation', new URLSearchParams('patient=pat-1&_count=10'), { fhirBase, strict: false });
 * query.count; // 10
 * ```
 */
export function parseSearch(
  type: string,
  params: URLSearchParams,
  options: { fhirBase: string; strict: boolean },
): SearchQuery {
  const query: SearchQuery = {
    ids: undefined,
    patients: [],
    lastUpdated: [],
    sort: { field: '_lastUpdated', descending: false },
    count: DEFAULT_COUNT,
    totalOnly: false,
    applied: new URLSearchParams(),
  };
  const field = patientField(type);
  const referenceParams = new Set(field === undefined ? [] : ['patient', field]);
  for (const [name, value] of params) {
    if (referenceParams.has(name)) {
      for (const one of value.split(',')) query.patients.push(patientIdOf(one, options.fhirBase));
    } else if (name === '_id') {
      query.ids ??= new Set();
      for (const id of value.split(',')) query.ids.add(id);
    } else if (name === '_lastUpdated') {
      query.lastUpdated.push(parseInstantCondition(value));
    } else if (name === '_count') {
      const count = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(count))
        throw new FhirProblem(
          400,
          'invalid',
          `_count=${value} must be a whole number (0 for the total only)`,
        );
      query.count = Math.min(count, MAX_COUNT);
      query.totalOnly = count === 0;
    } else if (name === '_summary' && value === 'count') {
      query.totalOnly = true;
    } else if (name === '_sort') {
      const sort = /^(-?)(_lastUpdated|_id)$/.exec(value);
      if (!sort) {
        if (options.strict)
          throw new FhirProblem(
            400,
            'not-supported',
            `_sort=${value}: sort by _lastUpdated or _id (- for descending)`,
          );
        continue;
      }
      query.sort = { field: sort[2] as '_lastUpdated' | '_id', descending: sort[1] === '-' };
    } else if (IGNORED_ALWAYS.has(name)) {
      continue;
    } else {
      if (options.strict)
        throw new FhirProblem(400, 'not-supported', `${type} cannot be searched by ${name} here`);
      continue;
    }
    query.applied.append(name, value);
  }
  return query;
}
