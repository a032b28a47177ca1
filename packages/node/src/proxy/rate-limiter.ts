import { RateLimitedError } from '@medvault/core/proxy';

/**
 * A token bucket per key: `perSecond` tokens a second up to `burst`. Keys
 * idle long enough to be full again are dropped, so memory follows the
 * number of active keys.
 */
export class RateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perSecond: number, burst: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
  }

  /** Takes a token for `key`, or throws `RateLimitedError` (429). */
  take(key: string, now = performance.now()): void {
    if (this.#buckets.size > 10_000) this.#sweep(now);
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(
      this.#burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond,
    );
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      throw new RateLimitedError();
    }
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
  }

  #sweep(now: number): void {
    const refill = (this.#burst / this.#perSecond) * 1000;
    for (const [key, b] of this.#buckets) if (now - b.at > refill) this.#buckets.delete(key);
  }
}
