/**
 * Wrong sign-ins counted per username and address over a sliding window:
 * past the limit, that pair waits, right password or not, so a guesser gets
 * a handful of tries an hour while staff at another desk are not locked out.
 */

/**
 * Options of `SignInLimiter`.
 *
 * @example
 * ```ts
 * const options: SignInLimiterOptions = { maxFailures: 5, windowMs: 60 * 60_000 };
 * ```
 */
export type SignInLimiterOptions = {
  /** Wrong attempts allowed in the window (default 10). */
  maxFailures?: number;
  /** The window, ms (default 15 minutes). */
  windowMs?: number;
};

// Past this many keys, forgotten windows are swept on the next attempt.
const SWEEP_AT = 10_000;

/**
 * Counts failures per key (`username` and address).
 *
 * @example
 * ```ts
 * const limiter = new SignInLimiter({ maxFailures: 10, windowMs: 15 * 60_000 });
 * const key = SignInLimiter.key('okafor', '203.0.113.7');
 * if (limiter.waitMs(key) > 0) throw tooMany;
 * limiter.attempt(key);
 * if (await account.check(username, password)) limiter.succeeded(key);
 * ```
 */
export class SignInLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: SignInLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 15 * 60_000;
  }

  /** The key of a username (case-folded, so case does not buy more tries) from an address. */
  static key(username: string, address: string): string {
    return `${address}\n${username.normalize('NFC').toLowerCase()}`;
  }

  /** How long `key` must wait before its next attempt: 0 when it may try now. */
  waitMs(key: string, now = Date.now()): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.maxFailures) return 0;
    return (recent[recent.length - this.maxFailures] as number) + this.windowMs - now;
  }

  /**
   * Counts an attempt as wrong before its password is checked, so that
   * attempts sent together cannot all pass `waitMs`; `succeeded` takes it back.
   */
  attempt(key: string, now = Date.now()): void {
    if (this.#failures.size >= SWEEP_AT) this.#sweep(now);
    this.#failures.set(key, [...this.#recent(key, now), now]);
  }

  /** A right password: the count starts again. */
  succeeded(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  #sweep(now: number): void {
    for (const key of [...this.#failures.keys()]) {
      if (this.#recent(key, now).length === 0) this.#failures.delete(key);
    }
  }
}
