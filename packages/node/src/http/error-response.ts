/**
 * The one place a thrown value becomes an HTTP answer, for every server:
 * `{ error: { code, message } }` (plus an `HttpError`'s extra fields) with a
 * status. Unknown errors are a 500 that says nothing more than "internal
 * error"; the caller logs them.
 */
import { BaseError } from '@medvault/core/errors';
import {
  AccessOutsideGrantError,
  ChainBrokenError,
  CheckpointMismatchError,
  DuplicateRecordError,
  LedgerSignatureError,
  SequenceError,
  UnauthorizedEntryError,
} from '@medvault/core/ledger';
import { RequestError } from '@medvault/core/proxy';
import { LedgerStoreUnavailableError } from '../ledger/pg-ledger-store.js';
import { BodyTooLargeError } from './body.js';
import { HttpError } from './http-error.js';
import type { ServiceCodes } from './router.js';

/** An error's answer; `unexpected` when it is a bug to log. */
export type ErrorResponse = {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string } } & Record<string, unknown>;
  unexpected: boolean;
};

// Library errors whose code says more than "a bad request" (docs/spec/ledger-host-api.md).
const STATUS_BY_CODE: Record<string, number> = {
  [LedgerSignatureError.code]: 403,
  [UnauthorizedEntryError.code]: 403,
  [AccessOutsideGrantError.code]: 403,
  [CheckpointMismatchError.code]: 409,
  [SequenceError.code]: 409,
  [DuplicateRecordError.code]: 409,
  [ChainBrokenError.code]: 409,
  [LedgerStoreUnavailableError.code]: 503,
};

/**
 * The HTTP status of a library error: a proxy request error carries its own
 * (docs/spec/proxy-api.md), a few ledger rules are 403 or 409, any other
 * check the input failed is a 400.
 *
 * @example
 * ```ts
 * statusOf(new RateLimitedError()); // 429
 * ```
 */
export function statusOf(error: BaseError): number {
  if (error instanceof RequestError) return error.status;
  return STATUS_BY_CODE[error.code] ?? 400;
}

/**
 * Maps any thrown value to the answer a service sends.
 *
 * @example
 * ```ts
 * errorResponse(new Error('boom'), codes); // { status: 500, body: { error: { code: codes.internal, message: 'internal error' } }, unexpected: true, … }
 * ```
 */
export function errorResponse(error: unknown, codes: ServiceCodes): ErrorResponse {
  switch (true) {
    case error instanceof HttpError:
      return answer(error.status, error.code, error.message, error.extra, error.headers);
    case error instanceof BodyTooLargeError:
      return answer(413, codes.tooLarge, error.message);
    case error instanceof BaseError:
      return answer(statusOf(error), error.code, error.shortMessage);
    default:
      return { ...answer(500, codes.internal, 'internal error'), unexpected: true };
  }
}

function answer(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ErrorResponse {
  // overload and rate limits: the client may try again in a second
  const retry: Record<string, string> =
    status === 429 || status === 503 ? { 'retry-after': '1' } : {};
  return {
    status,
    headers: { ...retry, ...headers },
    body: { error: { code, message }, ...extra },
    unexpected: false,
  };
}
