/**
 * The share button's attributes, parsed. Pure functions: each takes the
 * attribute's text (or null when absent) and returns a value or an
 * `InvalidAttributeError` naming the attribute; none throws, whatever a
 * page writes.
 *
 * The limits are the wallet's (packages/extension/src/shared/provider-schema.ts)
 * and the ledger's scope schema (packages/core/src/ledger/entry.ts), checked
 * here so a misconfigured button fails on the site's page, not in front of
 * the patient. They are restated rather than imported because that schema
 * pulls zod and the curve into a bundle that draws one button; the unit
 * tests hold the two to agreement.
 */
import type { GrantScope } from '../ledger/entry.js';
import { isCompressedSecp256k1Point } from './curve-point.js';
import { InvalidAttributeError, type Parsed, type ShareButtonAttribute } from './errors.js';

/** Text of the button when `label` is absent. */
export const DEFAULT_LABEL = 'Share my records';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The wallet refuses expiries sooner than this… */
const MIN_EXPIRY_MS = MINUTE;
/** …or further away than ten years. */
const MAX_EXPIRY_DAYS = 3650;
const MAX_READER_NAME = 120;
const MAX_PURPOSE = 500;
/** Longest string in a scope list (the ledger's `text`). */
const MAX_SCOPE_TEXT = 1024;
/** Longest list per scope key (the ledger's limits). */
const SCOPE_LISTS = { cids: 10_000, resourceTypes: 100, categories: 100 } as const;
const SCOPE_TIMES = ['from', 'until'] as const;
const SCOPE_EXAMPLE = '{"categories":["laboratory"]}';

/** What the button sends as `medvault_requestShare`'s params[0]. */
export type ShareRequestParams = {
  reader: { publicKey: string; name: string };
  scope: GrantScope;
  purpose: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
};

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(attribute: ShareButtonAttribute, problem: string): Parsed<T> => ({
  ok: false,
  error: new InvalidAttributeError(attribute, problem),
});
const isBlank = (value: string | null): value is null => value === null || value.trim() === '';

/**
 * `reader-key`: the reader's compressed secp256k1 public key. Hex in either
 * case, with or without `0x`; returned as the wallet wants it (lowercase,
 * no prefix).
 *
 * @example
 * ```ts
 * parseReaderKey('0x02AB…'); // { ok: true, value: '02ab…' }
 * parseReaderKey('02ab');    // { ok: false, error: InvalidAttributeError('reader-key: expected …') }
 * ```
 */
export function parseReaderKey(value: string | null): Parsed<string> {
  if (isBlank(value)) {
    return fail('reader-key', 'is required: the reader’s compressed secp256k1 public key in hex');
  }
  const hex = value.trim().toLowerCase().replace(/^0x/, '');
  if (!/^0[23][0-9a-f]{64}$/.test(hex)) {
    return fail(
      'reader-key',
      `expected a compressed secp256k1 public key: 66 hex characters starting 02 or 03 (got ${hex.length} characters)`,
    );
  }
  if (!isCompressedSecp256k1Point(hex)) {
    return fail('reader-key', 'is not a point on secp256k1: check that the key was copied whole');
  }
  return ok(hex);
}

/** A required free-text attribute, trimmed, of at most `max` characters. */
function parseText(
  attribute: ShareButtonAttribute,
  value: string | null,
  max: number,
  what: string,
) {
  if (isBlank(value)) return fail<string>(attribute, `is required: ${what}`);
  const text = value.trim();
  if (text.length > max) {
    return fail<string>(attribute, `is ${text.length} characters; at most ${max} are shown`);
  }
  return ok(text);
}

/**
 * `reader-name`: who the patient is sharing with, as the prompt shows it.
 *
 * @example
 * ```ts
 * parseReaderName(' Riverside Clinic — Dr. Okafor '); // { ok: true, value: 'Riverside Clinic — Dr. Okafor' }
 * ```
 */
export function parseReaderName(value: string | null): Parsed<string> {
  return parseText(
    'reader-name',
    value,
    MAX_READER_NAME,
    'the name the patient sees, e.g. "Riverside Clinic"',
  );
}

/**
 * `purpose`: why the reader asks, as the prompt shows it.
 *
 * @example
 * ```ts
 * parsePurpose('Diabetes follow-up'); // { ok: true, value: 'Diabetes follow-up' }
 * ```
 */
export function parsePurpose(value: string | null): Parsed<string> {
  return parseText('purpose', value, MAX_PURPOSE, 'why the reader asks, e.g. "Diabetes follow-up"');
}

/**
 * A scope object, checked as the ledger's `scopeSchema` and the wallet
 * check it, and more strictly in one way: an empty list (`{"cids":[]}`)
 * is refused, since it would ask the patient to share nothing.
 *
 * @example
 * ```ts
 * checkScope({ resourceTypes: ['Observation'], from: Date.UTC(2024, 0, 1) }); // ok
 * checkScope({ categories: 'laboratory' }); // scope: categories must be a list …
 * ```
 */
export function checkScope(json: unknown): Parsed<GrantScope> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('scope', `expected a JSON object such as ${SCOPE_EXAMPLE}`);
  }
  const scope: GrantScope = {};
  for (const [key, item] of Object.entries(json)) {
    if (Object.hasOwn(SCOPE_LISTS, key)) {
      const list = key as keyof typeof SCOPE_LISTS;
      const max = SCOPE_LISTS[list];
      const valid =
        Array.isArray(item) &&
        item.length >= 1 &&
        item.length <= max &&
        item.every((s) => typeof s === 'string' && s.length >= 1 && s.length <= MAX_SCOPE_TEXT);
      if (!valid) {
        return fail(
          'scope',
          `${key} must be a list of 1 to ${max} strings, each 1 to ${MAX_SCOPE_TEXT} characters`,
        );
      }
      scope[list] = [...(item as string[])];
    } else if ((SCOPE_TIMES as readonly string[]).includes(key)) {
      if (!Number.isSafeInteger(item) || (item as number) < 0) {
        return fail('scope', `${key} must be a time in milliseconds since the epoch`);
      }
      scope[key as (typeof SCOPE_TIMES)[number]] = item as number;
    } else {
      return fail(
        'scope',
        `has an unknown key "${key.slice(0, 40)}": expected cids, resourceTypes, categories, from or until`,
      );
    }
  }
  if (Object.keys(scope).length === 0) {
    return fail(
      'scope',
      'names nothing: give record cids, resourceTypes, categories or a time range ({"from":0} is everything)',
    );
  }
  if (scope.from !== undefined && scope.until !== undefined && scope.from > scope.until) {
    return fail('scope', 'from must not be after until');
  }
  return ok(scope);
}

/**
 * `scope`: JSON of the scope object — which records the reader asks for.
 *
 * @example
 * ```ts
 * parseScope('{"categories":["laboratory"]}'); // { ok: true, value: { categories: ['laboratory'] } }
 * parseScope('categories=laboratory');         // scope: expected JSON …
 * ```
 */
export function parseScope(value: string | null): Parsed<GrantScope> {
  if (isBlank(value)) return fail('scope', `is required: JSON such as ${SCOPE_EXAMPLE}`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return fail('scope', `expected JSON such as ${SCOPE_EXAMPLE}`);
  }
  return checkScope(json);
}

// ISO 8601 as ECMAScript dates read it: a calendar date, optionally a time
// (minutes, seconds, milliseconds) and an offset.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):\d{2})?)?$/;

/**
 * The instant (ms since the epoch) an ISO 8601 date or date-time names, or
 * undefined — also for dates like 2026-02-30, which `Date.parse` would roll
 * over into March.
 *
 * @example
 * ```ts
 * isoInstant('2030-01-01T00:00Z'); // 1893456000000
 * isoInstant('2030-02-30');        // undefined
 * ```
 */
export function isoInstant(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const offsetHours = m[8] === undefined ? 0 : Number(m[8]);
  const daysInMonth = new Date(Date.UTC(year as number, month as number, 0)).getUTCDate();
  const real =
    (month as number) >= 1 &&
    (month as number) <= 12 &&
    (day as number) >= 1 &&
    (day as number) <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23;
  const instant = Date.parse(text);
  return real && Number.isFinite(instant) ? instant : undefined;
}

/**
 * The expiry, from `expires-in-days` (a positive number of days from `now`)
 * or `expires-at` (an ISO 8601 date or date-time: a date alone is midnight
 * UTC, a time without an offset is the visitor's local time). Exactly one
 * of the two; the result, in ms since the epoch, is between a minute and
 * ten years from `now`, as the wallet requires.
 *
 * @example
 * ```ts
 * parseExpiry('30', null, Date.now());                  // { ok: true, value: now + 30 days }
 * parseExpiry(null, '2030-01-01T00:00:00Z', Date.now()); // { ok: true, value: 1893456000000 }
 * ```
 */
export function parseExpiry(inDays: string | null, at: string | null, now: number): Parsed<number> {
  const latest = now + MAX_EXPIRY_DAYS * DAY;
  if (!isBlank(inDays) && !isBlank(at)) {
    return fail('expires-at', 'give expires-in-days or expires-at, not both');
  }
  if (!isBlank(inDays)) {
    const text = inDays.trim();
    const days = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!(days > 0 && days <= MAX_EXPIRY_DAYS)) {
      return fail(
        'expires-in-days',
        `expected a positive number of days, at most ${MAX_EXPIRY_DAYS} (ten years)`,
      );
    }
    if (days * DAY < MIN_EXPIRY_MS) return fail('expires-in-days', 'must be at least a minute');
    return ok(Math.round(now + days * DAY));
  }
  if (!isBlank(at)) {
    const instant = isoInstant(at.trim());
    if (instant === undefined) {
      return fail('expires-at', 'expected an ISO 8601 date or date-time, e.g. 2030-01-31T17:00Z');
    }
    if (instant < now + MIN_EXPIRY_MS) return fail('expires-at', 'must be at least a minute ahead');
    if (instant > latest) return fail('expires-at', 'must be within ten years');
    return ok(instant);
  }
  return fail(
    'expires-in-days',
    'is required (or expires-at): how long the reader may read, e.g. expires-in-days="30"',
  );
}

/**
 * `install-url`: where the "no extension" hint links, resolved against
 * `base`; http(s) only, so that an attribute can never become a
 * `javascript:` link. Absent, there is no link (undefined): the button does
 * not send patients to an address nobody chose — it tells them to ask the
 * site.
 *
 * @example
 * ```ts
 * parseInstallUrl('/get-medvault', 'https://clinic.example/share'); // { ok: true, value: 'https://clinic.example/get-medvault' }
 * parseInstallUrl(null, location.href);                          // { ok: true, value: undefined }
 * ```
 */
export function parseInstallUrl(value: string | null, base: string): Parsed<string | undefined> {
  if (isBlank(value)) return ok(undefined);
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch {
    return fail('install-url', 'expected a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail('install-url', 'expected an http or https URL');
  }
  return ok(url.href);
}

/**
 * `label`: the button's text; blank means the default.
 *
 * @example
 * ```ts
 * parseLabel('Share my lab results'); // 'Share my lab results'
 * parseLabel(null);                   // 'Share my records'
 * ```
 */
export function parseLabel(value: string | null): string {
  return isBlank(value) ? DEFAULT_LABEL : value.trim();
}

/**
 * Every attribute the share request needs, in the order a developer would
 * fix them; the first problem wins. `read` returns an attribute's text or
 * null (`element.getAttribute` does).
 *
 * @example
 * ```ts
 * const parsed = parseShareRequest((name) => button.getAttribute(name), Date.now());
 * if (parsed.ok) await window.medvault.request({ method: 'medvault_requestShare', params: [parsed.value] });
 * ```
 */
export function parseShareRequest(
  read: (attribute: ShareButtonAttribute) => string | null,
  now: number,
): Parsed<ShareRequestParams> {
  const publicKey = parseReaderKey(read('reader-key'));
  if (!publicKey.ok) return publicKey;
  const name = parseReaderName(read('reader-name'));
  if (!name.ok) return name;
  const scope = parseScope(read('scope'));
  if (!scope.ok) return scope;
  const purpose = parsePurpose(read('purpose'));
  if (!purpose.ok) return purpose;
  const expiresAt = parseExpiry(read('expires-in-days'), read('expires-at'), now);
  if (!expiresAt.ok) return expiresAt;
  return ok({
    reader: { publicKey: publicKey.value, name: name.value },
    scope: scope.value,
    purpose: purpose.value,
    expiresAt: expiresAt.value,
  });
}
