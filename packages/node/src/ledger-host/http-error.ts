import { BaseError } from '@medvault/core';
import { HttpError } from '../http/http-error.js';

export { HttpError };

// Ledger errors by code → HTTP status; anything else typed is a 400.
const STATUS: Record<string, number> = {
  LEDGER_BAD_SIGNATURE: 403,
  LEDGER_UNAUTHORIZED: 403,
  LEDGER_ACCESS_OUTSIDE_GRANT: 403,
  LEDGER_CHECKPOINT_MISMATCH: 409,
  LEDGER_SEQUENCE: 409,
  LEDGER_DUPLICATE_RECORD: 409,
  LEDGER_CHAIN_BROKEN: 409,
};

/** Maps any thrown value to the HTTP error to answer. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof BaseError) {
    return new HttpError(STATUS[error.code] ?? 400, error.code, error.shortMessage);
  }
  return new HttpError(500, 'LEDGER_HOST_INTERNAL', 'internal error');
}
