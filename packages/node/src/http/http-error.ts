import { BaseError } from '@medvault/core/errors';

/** What an `HttpError` adds to its answer beyond `{ error: { code, message } }`. */
export type HttpErrorOptions = {
  /** Fields beside `error` in the JSON body (e.g. the ledger host's `head` on a conflict). */
  extra?: Record<string, unknown>;
  /** Response headers (e.g. `allow` on a 405). */
  headers?: Record<string, string>;
};

/**
 * An answer a handler chooses: `{ error: { code, message }, ...extra }` with
 * this status. Anything else a handler throws goes through `errorResponse`.
 *
 * @example
 * ```ts
 * throw new HttpError(404, 'LEDGER_HOST_NOT_FOUND', `no ledger ${id} on this host`);
 * ```
 */
export class HttpError extends BaseError {
  override readonly name: string = 'HttpError';
  readonly status: number;
  /** The code the answer carries, e.g. `LEDGER_HOST_NOT_FOUND` (the server's). */
  override readonly code: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}
