import { RateLimitedError } from '@medvault/core/proxy';
import { RateLimiter as TokenBuckets } from '../http/rate-limit.js';

/**
 * The proxy's request rates, token buckets in bounded maps (the kit's
 * `RateLimiter`): per client address before anything else is done for a
 * request — before it takes an in-flight place or its signature is checked,
 * so a flood from one address costs next to nothing and holds no place —
 * at twice the per-key rate (a few readers behind one address), answered
 * 429 `HTTP_RATE_LIMITED`; and per signing key once the signature verifies,
 * answered 429 `PROXY_RATE_LIMITED`.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter(50, 100); // per key: 50/s, bursts of 100; per address: 100/s, 200
 * limiter.takeAddress(clientKey(ctx.req));
 * limiter.take(signerKeyHex);
 * ```
 */
export class RateLimiter {
  readonly #perKey: TokenBuckets;
  readonly #perAddress: TokenBuckets;

  constructor(perSecond: number, burst: number) {
    this.#perKey = new TokenBuckets({
      rate: perSecond,
      perMs: 1000,
      burst,
      refuse: () => new RateLimitedError(),
    });
    this.#perAddress = new TokenBuckets({ rate: 2 * perSecond, perMs: 1000, burst: 2 * burst });
  }

  /** Takes a token for a signing key, or throws `RateLimitedError` (429 `PROXY_RATE_LIMITED`). */
  take(key: string): void {
    this.#perKey.take(key);
  }

  /** Takes a token for a client address, or throws `TooManyRequestsError` (429 `HTTP_RATE_LIMITED`). */
  takeAddress(address: string): void {
    this.#perAddress.take(address);
  }
}
