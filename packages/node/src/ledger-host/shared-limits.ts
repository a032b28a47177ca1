/**
 * Rate limits and the replay guard of signed reads, kept in the database so
 * that every replica of a ledger host counts the same client against the
 * same limit and refuses a nonce any replica accepted
 * (docs/guides/ledger-host-operator.md § Replicas).
 */
import { ReplayedRequestError } from '@medvault/core/proxy';
import { TooManyRequestsError } from '../http/index.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';

/** A limit the routes take one request from, per client. */
export interface Limit {
  /** Takes one request for `key`, or throws `TooManyRequestsError` (429). */
  take(key: string): void | Promise<void>;
}

/**
 * A token bucket per client in the database, on the database's clock (the
 * replicas' clocks may differ): `rate` requests per minute, `rate` at once.
 *
 * @example
 * ```ts
 * const writes = new SharedRateLimit(store, 'write', { rate: 600, what: 'writes' });
 * await writes.take(clientKey(ctx.req)); // 429 past the rate, whichever replica counted the others
 * ```
 */
export class SharedRateLimit implements Limit {
  readonly #store: PgLedgerStore;
  readonly #kind: string;
  readonly #burst: number;
  readonly #perMs: number;
  readonly #what: string;

  constructor(store: PgLedgerStore, kind: string, options: { rate: number; what: string }) {
    if (!(options.rate > 0))
      throw new RangeError(`a rate limit needs a positive rate, not ${options.rate}`);
    this.#store = store;
    this.#kind = kind;
    this.#burst = Math.max(1, options.rate);
    this.#perMs = options.rate / 60_000;
    this.#what = options.what;
  }

  async take(key: string): Promise<void> {
    const { rows } = await this.#store.query<{ left: number }>(
      'SELECT medvault_take_token($1, $2, $3, $4) AS left',
      [this.#kind, key, this.#burst, this.#perMs],
      false,
    );
    const left = rows[0]?.left ?? 0;
    if (left >= 0) return;
    throw new TooManyRequestsError(this.#what, Math.max(1, Math.ceil(-left / this.#perMs / 1000)));
  }
}

/**
 * The nonces of signed reads any replica accepted, until they expire; a
 * sweep every minute drops the expired ones and the buckets of clients
 * quiet for an hour.
 *
 * @example
 * ```ts
 * const nonces = new SharedNonces(store);
 * await nonces.claim(nonceHex, timestamp + windowMs); // throws ReplayedRequestError the second time
 * nonces.stop();
 * ```
 */
export class SharedNonces {
  readonly #store: PgLedgerStore;
  readonly #sweep: NodeJS.Timeout;

  constructor(store: PgLedgerStore, log: (line: string) => void = () => {}) {
    this.#store = store;
    this.#sweep = setInterval(() => {
      this.sweep().catch((error: Error) => log(`ledger-host: sweep failed (${error.message})`));
    }, 60_000);
    this.#sweep.unref();
  }

  /** Records the nonce; throws `ReplayedRequestError` if any replica already did. */
  async claim(nonce: string, expiresAt: number): Promise<void> {
    const { rowCount } = await this.#store.query(
      'INSERT INTO read_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [nonce, expiresAt],
      false,
    );
    if (rowCount !== 1) throw new ReplayedRequestError();
  }

  /** Drops expired nonces and long-idle rate buckets. */
  async sweep(now = Date.now()): Promise<void> {
    await this.#store.query('DELETE FROM read_nonces WHERE expires_at < $1', [now]);
    await this.#store.query(
      'DELETE FROM rate_buckets WHERE at_ms < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 3600000',
    );
  }

  /** Stops the sweep. */
  stop(): void {
    clearInterval(this.#sweep);
  }
}
