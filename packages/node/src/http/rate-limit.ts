/**
 * Rate limits per client for any service on the kit: a token bucket per key
 * (usually `clientKey(req)`, the client's address), in a bounded map — the
 * least recently seen key is forgotten first — so that a flood of distinct
 * addresses costs a bounded amount of memory.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { HttpError } from './http-error.js';

/**
 * A client over its rate: answered 429 with `Retry-After` (whole seconds
 * until it has a request again).
 *
 * @example
 * ```ts
 * throw new TooManyRequestsError('ledger creations', 6); // 429 HTTP_RATE_LIMITED, Retry-After: 6
 * ```
 */
export class TooManyRequestsError extends HttpError {
  static override readonly code = 'HTTP_RATE_LIMITED';
  override readonly name = 'TooManyRequestsError';
  /** Seconds until the client may try again. */
  readonly retryAfterSeconds: number;
  constructor(what: string, retryAfterSeconds: number) {
    super(
      429,
      TooManyRequestsError.code,
      `too many ${what} from this address; retry after ${retryAfterSeconds} s`,
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Options of `RateLimiter`. */
export type RateLimiterOptions = {
  /** Requests a key may make per `perMs`, sustained. */
  rate: number;
  /** The period of `rate`, ms (default 60 000: `rate` is per minute). */
  perMs?: number;
  /** Requests a key may make at once after a quiet period (default `rate`). */
  burst?: number;
  /** Keys tracked at once (default 10 000); beyond, the least recently seen is forgotten. */
  maxKeys?: number;
  /** What is limited, for the refusal's message (default `'requests'`). */
  what?: string;
  /** The error thrown when a key is over its rate (default `TooManyRequestsError`). */
  refuse?: (retryAfterSeconds: number) => Error;
  /** The clock, ms (default `performance.now`). */
  now?: () => number;
};

type Bucket = { tokens: number; at: number };

/**
 * A token bucket per key: `burst` requests at once, refilled at `rate` per
 * `perMs`. Memory is bounded by `maxKeys`: forgetting a key gives it a full
 * bucket again, which only a client with more addresses than `maxKeys`
 * (and so past any per-address limit anyway) could arrange.
 *
 * @example
 * ```ts
 * const creations = new RateLimiter({ rate: 10, what: 'ledger creations' }); // 10 a minute
 * creations.take(clientKey(ctx.req)); // throws TooManyRequestsError (429) past the rate
 * ```
 */
export class RateLimiter {
  readonly #perMsRate: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #refuse: (retryAfterSeconds: number) => Error;
  readonly #now: () => number;
  /** Least recently seen first. */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    const perMs = options.perMs ?? 60_000;
    if (!(options.rate > 0) || !(perMs > 0)) {
      throw new RangeError(
        `a rate limit needs a positive rate and period, not ${options.rate}/${perMs} ms`,
      );
    }
    this.#perMsRate = options.rate / perMs;
    this.#burst = Math.max(1, options.burst ?? options.rate);
    this.#maxKeys = options.maxKeys ?? 10_000;
    const what = options.what ?? 'requests';
    this.#refuse = options.refuse ?? ((seconds) => new TooManyRequestsError(what, seconds));
    this.#now = options.now ?? (() => performance.now());
  }

  /** Keys tracked now (at most `maxKeys`). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one request for `key`, or throws (by default `TooManyRequestsError`, a 429). */
  take(key: string): void {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMsRate);
    bucket.at = now;
    // most recently seen last; the least recently seen goes beyond the bound
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) {
      this.#buckets.delete(this.#buckets.keys().next().value as string);
    }
    if (bucket.tokens < 1) {
      throw this.#refuse(Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMsRate / 1000)));
    }
    bucket.tokens -= 1;
  }
}

/**
 * The client a request comes from, as rate limits and replay-cache
 * partitions count it: its IPv4 address (also when written IPv4-mapped,
 * `::ffff:a.b.c.d`), or the /64 prefix of its IPv6 address — one site or
 * host gets a whole /64, so counting single IPv6 addresses would let it
 * count as 2⁶⁴ clients. `''` when the socket has no address (closed).
 *
 * @example
 * ```ts
 * clientKey(req); // '203.0.113.7', or '2001:db8:0:1::/64'
 * ```
 */
export function clientKey(req: Pick<IncomingMessage, 'socket'>): string {
  const address = (req.socket.remoteAddress ?? '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
