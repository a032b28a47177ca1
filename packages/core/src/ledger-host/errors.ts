import { BaseError } from '../errors/base-error.js';

/** The ledger host could not be reached or did not answer in time. */
export class LedgerHostUnreachableError extends BaseError {
  static override readonly code = 'LEDGER_HOST_UNREACHABLE';
  override readonly name = 'LedgerHostUnreachableError';
  constructor(url: string, cause: unknown) {
    super(`The ledger host at ${url} did not answer; check the URL and that it runs.`, {
      cause,
      docsPath: 'spec/ledger-host-api.md',
    });
  }
}

/** The ledger host refused a request; `code` is the host's error code. */
export class LedgerHostRequestError extends BaseError {
  override readonly name: string = 'LedgerHostRequestError';
  override readonly code: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** The rest of the JSON answer (e.g. the current head on a conflict). */
  readonly body: Record<string, unknown>;
  constructor(status: number, code: string, message: string, body: Record<string, unknown>) {
    super(`The ledger host refused the request (${status} ${code}): ${message}`, {
      docsPath: 'spec/ledger-host-api.md',
    });
    this.code = code;
    this.status = status;
    this.body = body;
  }
}
