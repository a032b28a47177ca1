/**
 * How the FHIR API answers: `application/fhir+json` with the headers every
 * answer carries (CORS for a browser extension, no caching of patient
 * data), and every refusal as an OperationOutcome — `FhirProblem` is the one
 * error a handler throws, mapped to its status here and nowhere else.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { BodyTooLargeError } from '@medvault/node/http';

/**
 * The FHIR JSON media type, as the API sends it.
 *
 * @example
 * ```ts
 * res.setHeader('content-type', FHIR_JSON);
 * ```
 */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/**
 * On every FHIR and discovery answer: any origin may call with a bearer
 * token (no cookies, so `*` is safe), and may read the headers a client
 * acts on.
 *
 * @example
 * ```ts
 * res.writeHead(200, { ...FHIR_CORS, 'content-type': FHIR_JSON });
 * ```
 */
export const FHIR_CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'Location, Content-Location, ETag, Last-Modified, WWW-Authenticate, Retry-After',
};

/**
 * The answer to a CORS preflight of the FHIR API.
 *
 * @example
 * ```ts
 * res.writeHead(204, FHIR_PREFLIGHT);
 * ```
 */
export const FHIR_PREFLIGHT: Record<string, string> = {
  ...FHIR_CORS,
  'access-control-allow-methods': 'GET, HEAD, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Accept, Content-Type, Prefer, If-None-Match',
  'access-control-max-age': '600',
};

const BASE_HEADERS: Record<string, string> = {
  ...FHIR_CORS,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * An issue type of an OperationOutcome (the codes the API uses).
 *
 * @example
 * ```ts
 * throw new FhirProblem(429, 'throttled' satisfies IssueType, 'slow down');
 * ```
 */
export type IssueType =
  | 'invalid'
  | 'not-supported'
  | 'not-found'
  | 'login'
  | 'expired'
  | 'forbidden'
  | 'throttled'
  | 'transient'
  | 'exception'
  | 'too-long';

/**
 * A refusal of the FHIR API: its HTTP status, the OperationOutcome's issue
 * type and diagnostics, and any headers (`WWW-Authenticate`, `Retry-After`).
 *
 * @example
 * ```ts
 * throw new FhirProblem(404, 'not-found', 'Observation/obs-9 is not in your records');
 * ```
 */
export class FhirProblem extends Error {
  override readonly name = 'FhirProblem';
  readonly status: number;
  readonly issue: IssueType;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    issue: IssueType,
    diagnostics: string,
    headers: Record<string, string> = {},
  ) {
    super(diagnostics);
    this.status = status;
    this.issue = issue;
    this.headers = headers;
  }
}

/**
 * An OperationOutcome with one issue.
 *
 * @example
 * ```ts
 * operationOutcome('not-found', 'no such resource'); // { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'no such resource' }] }
 * ```
 */
export function operationOutcome(issue: IssueType, diagnostics: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: issue, diagnostics }],
  };
}

/**
 * Writes a FHIR JSON answer (HEAD: the headers only).
 *
 * @example
 * ```ts
 * sendFhir(res, 200, bundle, { etag: 'W/"2"' }, false);
 * ```
 */
export function sendFhir(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  head = false,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': FHIR_JSON,
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(head ? undefined : text);
}

/**
 * The headers of a streamed FHIR answer (a Binary): the base ones and `headers`.
 *
 * @example
 * ```ts
 * res.writeHead(200, streamHeaders({ 'content-type': 'application/pdf', 'content-length': '6290' }));
 * ```
 */
export function streamHeaders(headers: Record<string, string>): Record<string, string> {
  return { ...BASE_HEADERS, ...headers };
}

/**
 * The FHIR answer to anything a handler threw: a `FhirProblem` as itself,
 * a body over its limit a 413, anything else a 500 that says nothing more
 * (`unexpected`: log it).
 *
 * @example
 * ```ts
 * const { status, body, headers, unexpected } = fhirErrorAnswer(error);
 * ```
 */
export function fhirErrorAnswer(error: unknown): {
  status: number;
  body: ReturnType<typeof operationOutcome>;
  headers: Record<string, string>;
  unexpected: boolean;
} {
  if (error instanceof FhirProblem)
    return {
      status: error.status,
      body: operationOutcome(error.issue, error.message),
      headers: error.headers,
      unexpected: false,
    };
  if (error instanceof BodyTooLargeError)
    return {
      status: 413,
      body: operationOutcome('too-long', error.shortMessage),
      headers: {},
      unexpected: false,
    };
  return {
    status: 500,
    body: operationOutcome('exception', 'internal error'),
    headers: {},
    unexpected: true,
  };
}
