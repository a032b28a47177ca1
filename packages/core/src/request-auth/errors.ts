/**
 * Errors of signed requests (docs/spec/proxy-api.md § Authentication): the
 * codes keep their `PROXY_AUTH_` prefix, the scheme's first home; a ledger
 * host answers the same ones.
 */
import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

/**
 * Base of the errors raised when a server (a proxy, a ledger host) checks a
 * request; each carries the HTTP status it answers with.
 */
export abstract class RequestError extends BaseError {
  override readonly name: string = 'RequestError';
  /** The HTTP status a server answers with. */
  abstract readonly status: number;
  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    super(shortMessage, { docsPath: 'spec/proxy-api.md', ...params });
  }
}

/** The authentication headers are missing or not in their format. */
export class MalformedRequestAuthError extends RequestError {
  static override readonly code = 'PROXY_AUTH_MALFORMED';
  override readonly name = 'MalformedRequestAuthError';
  override readonly status = 400;
  constructor(header: string, expected: string) {
    super(`Header ${header} is missing or malformed: expected ${expected}.`);
  }
}

/** The signature does not verify for this key over this method, path, body, nonce and time. */
export class RequestSignatureError extends RequestError {
  static override readonly code = 'PROXY_AUTH_SIGNATURE';
  override readonly name = 'RequestSignatureError';
  override readonly status = 401;
  constructor() {
    super(
      'The request signature does not verify: it was made by another key, for another proxy, or over another method, path, body, nonce or timestamp.',
    );
  }
}

/** The request's timestamp is outside the accepted window. */
export class StaleRequestError extends RequestError {
  static override readonly code = 'PROXY_AUTH_STALE';
  override readonly name = 'StaleRequestError';
  override readonly status = 401;
  constructor(skewMs: number, windowMs: number) {
    super(
      `The request was signed ${Math.round(skewMs / 1000)} s away from this server's clock; expected within ±${windowMs / 1000} s. Check the clock and sign a fresh request.`,
    );
  }
}

/** The same key and nonce were seen before: a replay. */
export class ReplayedRequestError extends RequestError {
  static override readonly code = 'PROXY_AUTH_REPLAY';
  override readonly name = 'ReplayedRequestError';
  override readonly status = 409;
  constructor() {
    super(
      'This request (key and nonce) was already received: replays are refused. Sign a new request with a fresh nonce.',
    );
  }
}

/** Too many recent requests to remember their nonces: try again shortly. */
export class ReplayCacheFullError extends RequestError {
  static override readonly code = 'PROXY_REPLAY_CACHE_FULL';
  override readonly name = 'ReplayCacheFullError';
  override readonly status = 503;
  constructor() {
    super(
      'The server is receiving more requests than it can check for replay; retry after a moment.',
    );
  }
}
