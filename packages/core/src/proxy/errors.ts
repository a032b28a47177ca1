import { BaseError } from '../errors/base-error.js';
import { RequestError } from '../request-auth/errors.js';

/** Base of the errors raised when a proxy checks a request (each carries its HTTP status). */
export abstract class ProxyRequestError extends RequestError {
  override readonly name: string = 'ProxyRequestError';
}

/** A delivered key fragment cannot be read or does not verify. */
export class KfragDeliveryError extends ProxyRequestError {
  static override readonly code = 'PROXY_KFRAG_INVALID';
  override readonly name = 'KfragDeliveryError';
  override readonly status = 422;
  constructor(details: string, cause?: unknown) {
    super(`The key fragment was refused: ${details}.`, { cause });
  }
}

/** The proxy holds no fragment for this grant (never delivered, or forgotten after revocation). */
export class GrantUnknownError extends ProxyRequestError {
  static override readonly code = 'PROXY_GRANT_UNKNOWN';
  override readonly name = 'GrantUnknownError';
  override readonly status = 404;
  constructor(grantId: string) {
    super(`This proxy holds no key fragment for grant ${grantId}.`);
  }
}

/** The request is signed by someone other than the party the grant names. */
export class NotAuthorizedError extends ProxyRequestError {
  static override readonly code = 'PROXY_NOT_AUTHORIZED';
  override readonly name = 'NotAuthorizedError';
  override readonly status = 403;
  constructor(who: string) {
    super(`The request must be signed by ${who}.`);
  }
}

/** The grant is revoked, expired or unknown on chain. */
export class GrantInactiveError extends ProxyRequestError {
  static override readonly code = 'PROXY_GRANT_INACTIVE';
  override readonly name = 'GrantInactiveError';
  override readonly status = 403;
  constructor(grantId: string, why: string) {
    super(`Grant ${grantId} is not active: ${why}.`);
  }
}

/** A requested record is not in the grant's scope, or not in the patient's ledger. */
export class OutOfScopeError extends ProxyRequestError {
  static override readonly code = 'PROXY_OUT_OF_SCOPE';
  override readonly name = 'OutOfScopeError';
  override readonly status = 403;
  constructor(cid: string, why: string) {
    super(`Record ${cid} cannot be shared under this grant: ${why}.`);
  }
}

/** A request body that does not match the API's schema, or is too large. */
export class InvalidRequestBodyError extends ProxyRequestError {
  static override readonly code = 'PROXY_INVALID_BODY';
  override readonly name = 'InvalidRequestBodyError';
  override readonly status = 400;
  constructor(details: string) {
    super(`The request body is not valid: ${details}.`);
  }
}

/** The proxy is overloaded: retry after the given seconds. */
export class ProxyBusyError extends ProxyRequestError {
  static override readonly code = 'PROXY_BUSY';
  override readonly name = 'ProxyBusyError';
  override readonly status = 503;
  constructor() {
    super('The proxy is at capacity; retry shortly.');
  }
}

/** Too many requests from one key: retry after a second. */
export class RateLimitedError extends ProxyRequestError {
  static override readonly code = 'PROXY_RATE_LIMITED';
  override readonly name = 'RateLimitedError';
  override readonly status = 429;
  constructor() {
    super('Too many requests from this key; retry after a second.');
  }
}

/** A service the proxy depends on (the chain, the ledger host) cannot be reached. */
export class UpstreamUnavailableError extends ProxyRequestError {
  static override readonly code = 'PROXY_UPSTREAM_UNAVAILABLE';
  override readonly name = 'UpstreamUnavailableError';
  override readonly status = 503;
  constructor(what: string, cause?: unknown) {
    super(`The proxy cannot reach ${what}; retry shortly.`, { cause });
  }
}

/** One proxy's failure, as reported to the patient or reader. */
export type ProxyFailure = { proxy: string; code: string; message: string };

/** A proxy answered with an error, or could not be reached in time. */
export class ProxyCallError extends BaseError {
  static override readonly code = 'PROXY_CALL_FAILED';
  override readonly name = 'ProxyCallError';
  /** The proxy's URL. */
  readonly proxy: string;
  /** The proxy's error code (or PROXY_UNREACHABLE, PROXY_TIMEOUT, PROXY_BAD_ANSWER). */
  readonly proxyCode: string;
  /** HTTP status, when the proxy answered. */
  readonly status: number | undefined;
  constructor(proxy: string, proxyCode: string, message: string, status?: number, cause?: unknown) {
    super(`Proxy ${proxy}: ${message} [${proxyCode}]`, { cause, docsPath: 'spec/proxy-api.md' });
    this.proxy = proxy;
    this.proxyCode = proxyCode;
    this.status = status;
  }
}

/** Not every proxy took its key fragment: the grant was not made. */
export class GrantDeliveryError extends BaseError {
  static override readonly code = 'PROXY_GRANT_DELIVERY';
  override readonly name = 'GrantDeliveryError';
  readonly failures: ProxyFailure[];
  constructor(failures: ProxyFailure[]) {
    super(
      `The grant was not made: ${failures.length} prox${failures.length === 1 ? 'y' : 'ies'} did not take their key fragment (${failures.map((f) => `${f.proxy}: ${f.code}`).join('; ')}).`,
      { docsPath: 'spec/proxy-api.md' },
    );
    this.failures = failures;
  }
}

/** Fewer than threshold proxies returned valid capsule fragments. */
export class NotEnoughFragmentsError extends BaseError {
  static override readonly code = 'PROXY_NOT_ENOUGH_FRAGMENTS';
  override readonly name = 'NotEnoughFragmentsError';
  readonly failures: ProxyFailure[];
  constructor(threshold: number, failures: ProxyFailure[]) {
    super(
      `Fewer than ${threshold} proxies returned valid capsule fragments (${failures.map((f) => `${f.proxy}: ${f.code}`).join('; ')}).`,
      { docsPath: 'spec/proxy-api.md' },
    );
    this.failures = failures;
  }
}

/** A grant handed over as JSON (by a wallet, to a reader) is not in its format. */
export class InvalidGrantJsonError extends BaseError {
  static override readonly code = 'PROXY_INVALID_GRANT_JSON';
  override readonly name = 'InvalidGrantJsonError';
  constructor(details: string) {
    super('Not a MedVault grant: expected the JSON that grantToJson produces.', {
      details,
      docsPath: 'spec/proxy-api.md',
    });
  }
}

/** The grant a reader holds is not in the patient's ledger (a forged or unknown grant). */
export class GrantNotInLedgerError extends BaseError {
  static override readonly code = 'PROXY_GRANT_NOT_IN_LEDGER';
  override readonly name = 'GrantNotInLedgerError';
  constructor(grantId: string) {
    super(
      `Grant ${grantId} is not in the patient’s ledger: ask the patient to share again, or check the ledger host.`,
      { docsPath: 'spec/proxy-api.md' },
    );
  }
}
