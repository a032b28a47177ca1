/**
 * What a test sees of and does to the portal's traffic, in process: the log
 * of every request (method, path and query — never a header, a body or a
 * secret in a query), and faults queued for the next FHIR API answers.
 * @module
 */
import { ProviderOptionsError } from './errors.js';
import { FhirProblem } from './fhir-response.js';

/**
 * One request the portal answered.
 *
 * @example
 * ```ts
 * const entry: LoggedRequest = { method: 'GET', path: '/fhir/Observation', query: 'patient=pat-1&_count=10', status: 200 };
 * ```
 */
export type LoggedRequest = {
  method: string;
  path: string;
  /** The query string without `?`, secrets (`code`, `code_verifier`, tokens, …) replaced by `REDACTED`. */
  query: string;
  status: number;
};

// query parameters whose values are secrets or let someone finish a sign-in
const SECRET_PARAMS = new Set([
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'client_secret',
  'password',
  'token',
]);

/**
 * The query of `url` as the log keeps it: as sent, unless it carries a
 * secret, whose value is then `REDACTED`.
 *
 * @example
 * ```ts
 * loggedQuery(new URL('http://x/auth?code=abc&state=1')); // 'code=REDACTED&state=1'
 * loggedQuery(new URL('http://x/fhir/Observation?_lastUpdated=gt2026-03-11')); // '_lastUpdated=gt2026-03-11'
 * ```
 */
export function loggedQuery(url: URL): string {
  if (![...url.searchParams.keys()].some((name) => SECRET_PARAMS.has(name)))
    return url.search.slice(1);
  const params = new URLSearchParams();
  for (const [name, value] of url.searchParams)
    params.append(name, SECRET_PARAMS.has(name) ? 'REDACTED' : value);
  return params.toString();
}

/**
 * A fault to answer instead of the next FHIR API requests (reads, searches,
 * pages and Binary files; not the discovery documents): `count` of them
 * (default 1), `retryAfterSeconds` sent as `Retry-After`.
 *
 * @example
 * ```ts
 * portal.failNext({ status: 429, count: 2, retryAfterSeconds: 1 });
 * ```
 */
export type FaultSpec = {
  status: 429 | 500 | 503;
  count?: number;
  retryAfterSeconds?: number;
};

const FAULT_WORDS: Record<
  FaultSpec['status'],
  { issue: 'throttled' | 'exception' | 'transient'; text: string }
> = {
  429: { issue: 'throttled', text: 'Too many requests: slow down and try again later.' },
  500: { issue: 'exception', text: 'The server failed (injected fault).' },
  503: { issue: 'transient', text: 'The service is unavailable for a moment: try again later.' },
};

/**
 * The faults waiting for the next requests, in order.
 *
 * @example
 * ```ts
 * const faults = new FaultQueue();
 * faults.add({ status: 503, count: 1 });
 * faults.take(); // a FhirProblem(503), then undefined
 * ```
 */
export class FaultQueue {
  readonly #queue: { spec: FaultSpec; left: number }[] = [];

  /** Queues a fault (checked: status 429, 500 or 503; count ≥ 1; Retry-After ≥ 0). */
  add(spec: FaultSpec): void {
    if (!(spec.status in FAULT_WORDS))
      throw new ProviderOptionsError(
        'failNext: status must be 429, 500 or 503.',
        `got ${spec.status}`,
      );
    const count = spec.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1)
      throw new ProviderOptionsError(
        'failNext: count must be a whole number of at least 1.',
        `got ${spec.count}`,
      );
    const retry = spec.retryAfterSeconds;
    if (retry !== undefined && (!Number.isSafeInteger(retry) || retry < 0))
      throw new ProviderOptionsError(
        'failNext: retryAfterSeconds must be a whole number of seconds, 0 or more.',
        `got ${retry}`,
      );
    this.#queue.push({ spec, left: count });
  }

  /** The problem to answer the next request with, or undefined. */
  take(): FhirProblem | undefined {
    const next = this.#queue[0];
    if (!next) return undefined;
    next.left--;
    if (next.left === 0) this.#queue.shift();
    const { status, retryAfterSeconds } = next.spec;
    const words = FAULT_WORDS[status];
    return new FhirProblem(
      status,
      words.issue,
      words.text,
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    );
  }
}
