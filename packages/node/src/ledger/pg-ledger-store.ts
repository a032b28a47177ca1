/**
 * A `LedgerStore` in PostgreSQL, through `pg`: entries as their canonical
 * bytes, one row each, sequenced by the primary key (ledger, seq) — so any
 * number of ledger-host processes over one database never both store entry
 * `seq` of a ledger; the loser gets a `SequenceError` and answers 409 with
 * the head, as one process does. Schema: `pg-schema.ts`.
 */
import { BaseError } from '@medvault/core/errors';
import { type LedgerStore, SequenceError } from '@medvault/core/ledger';
import pg from 'pg';
import { DatabaseUnreachableError, migrate, redactUrl } from './pg-schema.js';

/**
 * The database went away mid-request (restarted, connection cut, failing
 * over): nothing was written that was not acknowledged by the database.
 * The ledger host answers 503 and goes on once the database is back.
 *
 * @example
 * ```ts
 * if (error instanceof LedgerStoreUnavailableError) retryLater();
 * ```
 */
export class LedgerStoreUnavailableError extends BaseError {
  static override readonly code = 'LEDGER_STORE_UNAVAILABLE';
  override readonly name = 'LedgerStoreUnavailableError';
  constructor(cause: unknown) {
    super('The ledger database cannot be reached right now; retry shortly.', { cause });
  }
}

/** pg and socket errors that mean the database, not the request, failed. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '40001', // serialization_failure (a failover)
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|terminating connection/i;

/**
 * Whether `error` says the database could not be reached (rather than that
 * the statement was wrong).
 *
 * @example
 * ```ts
 * isConnectionError(Object.assign(new Error('x'), { code: '57P01' })); // true
 * ```
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08')))
    return true;
  return CONNECTION_MESSAGES.test(error.message);
}

/** Options of `openPgLedgerStore`. */
export type PgLedgerStoreOptions = {
  /** Connections this process holds at most (default 10). */
  poolSize?: number;
  /** Where pool-level errors are reported (default: stderr). */
  log?: (line: string) => void;
};

const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const copy = (b: Buffer) => new Uint8Array(b);

/**
 * Opens the store: connects, brings the schema up to date (or refuses a
 * newer one), and resolves once it can serve. Throws
 * `DatabaseUnreachableError` when it cannot connect.
 *
 * @example
 * ```ts
 * const store = await openPgLedgerStore('postgres://medvault@db:5432/ledgers');
 * const ledger = await Ledger.open(ledgerId, { store });
 * await store.close();
 * ```
 */
export async function openPgLedgerStore(
  url: string,
  options: PgLedgerStoreOptions = {},
): Promise<PgLedgerStore> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // an outage drops every idle connection at once: say so once, not once per connection
  let lastReport = Number.NEGATIVE_INFINITY;
  const report = (error: Error) => {
    if (performance.now() - lastReport < 5_000) return;
    lastReport = performance.now();
    log(`ledger-host: database connection lost (${error.message})`);
  };
  const open = (size: number, settings = '') => {
    let pool: pg.Pool;
    try {
      pool = new pg.Pool({
        connectionString: url,
        max: size,
        connectionTimeoutMillis: 5_000,
        // a statement never holds a request for ever
        statement_timeout: 15_000,
        idleTimeoutMillis: 30_000,
        ...(settings ? { options: settings } : {}),
      });
    } catch (error) {
      throw new DatabaseUnreachableError(redactUrl(url), (error as Error).message);
    }
    // an idle connection the server closed must not take the process down
    pool.on('error', report);
    return pool;
  };
  const size = options.poolSize ?? 10;
  const pool = open(size);
  // nonces and rate buckets: committed without waiting for the disk (a crash
  // of the database forgets at most the last moment's, see the operator guide)
  const fast = open(Math.max(2, Math.ceil(size / 2)), '-c synchronous_commit=off');
  const end = () => Promise.all([pool.end(), fast.end()]).catch(() => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await end();
    const why = (error as { code?: string }).code ?? (error as Error).message;
    throw new DatabaseUnreachableError(redactUrl(url), why);
  }
  try {
    await migrate(pool);
  } catch (error) {
    await end();
    throw error;
  }
  return new PgLedgerStore(pool, fast);
}

/**
 * Durable ledger storage shared by every ledger-host process over one
 * database. Create it with `openPgLedgerStore`.
 *
 * @example
 * ```ts
 * const store = await openPgLedgerStore(process.env.DATABASE_URL as string);
 * await store.has(ledgerId); // false until its genesis is stored
 * ```
 */
export class PgLedgerStore implements LedgerStore {
  /** The connections entries are written through (each commit durable). */
  readonly pool: pg.Pool;
  /** The connections of the host's rate limits and nonces (commits not waiting for the disk). */
  readonly fast: pg.Pool;

  constructor(pool: pg.Pool, fast: pg.Pool = pool) {
    this.pool = pool;
    this.fast = fast;
  }

  /**
   * Runs a statement (on the `fast` pool when `durable` is false), turning a
   * lost database into `LedgerStoreUnavailableError`.
   */
  async query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    durable = true,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await (durable ? this.pool : this.fast).query<R>(text, values);
    } catch (error) {
      throw isConnectionError(error) ? new LedgerStoreUnavailableError(error) : error;
    }
  }

  async append(ledgerId: Uint8Array, seq: number, entry: Uint8Array): Promise<void> {
    try {
      if (seq === 0) {
        // the ledger's row and its genesis, together or not at all
        await this.query(
          `WITH ledger AS (INSERT INTO ledgers (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id)
           INSERT INTO ledger_entries (ledger_id, seq, entry) SELECT id, 0, $2 FROM ledger`,
          [bytes(ledgerId), bytes(entry)],
        ).then((result) => {
          if (result.rowCount !== 1) throw new SequenceError(1, 0);
        });
        return;
      }
      const result = await this.query(
        `INSERT INTO ledger_entries (ledger_id, seq, entry)
         SELECT $1, $2, $3 WHERE EXISTS
           (SELECT 1 FROM ledger_entries WHERE ledger_id = $1 AND seq = $2 - 1)`,
        [bytes(ledgerId), seq, bytes(entry)],
      );
      if (result.rowCount === 1) return;
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error; // unique_violation: another won
    }
    throw new SequenceError(await this.size(ledgerId), seq);
  }

  async entries(ledgerId: Uint8Array, fromSeq = 0): Promise<Uint8Array[]> {
    const { rows } = await this.query<{ entry: Buffer }>(
      'SELECT entry FROM ledger_entries WHERE ledger_id = $1 AND seq >= $2 ORDER BY seq',
      [bytes(ledgerId), fromSeq],
    );
    return rows.map((row) => copy(row.entry));
  }

  async size(ledgerId: Uint8Array): Promise<number> {
    const { rows } = await this.query<{ size: number }>(
      'SELECT coalesce(max(seq) + 1, 0)::integer AS size FROM ledger_entries WHERE ledger_id = $1',
      [bytes(ledgerId)],
    );
    return rows[0]?.size ?? 0;
  }

  async putCheckpoint(ledgerId: Uint8Array, checkpoint: Uint8Array): Promise<void> {
    // numbered in order; two at once: the loser takes the next number
    for (let attempt = 0; ; attempt++) {
      try {
        await this.query(
          `INSERT INTO ledger_checkpoints (ledger_id, n, checkpoint)
           SELECT $1, coalesce(max(n) + 1, 0), $2 FROM ledger_checkpoints WHERE ledger_id = $1`,
          [bytes(ledgerId), bytes(checkpoint)],
        );
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 5) throw error;
      }
    }
  }

  async checkpoints(ledgerId: Uint8Array): Promise<Uint8Array[]> {
    const { rows } = await this.query<{ checkpoint: Buffer }>(
      'SELECT checkpoint FROM ledger_checkpoints WHERE ledger_id = $1 ORDER BY n',
      [bytes(ledgerId)],
    );
    return rows.map((row) => copy(row.checkpoint));
  }

  async ledgers(): Promise<Uint8Array[]> {
    const { rows } = await this.query<{ id: Buffer }>('SELECT id FROM ledgers ORDER BY id');
    return rows.map((row) => copy(row.id));
  }

  /** Whether the ledger exists (its genesis is stored). */
  async has(ledgerId: Uint8Array): Promise<boolean> {
    const { rowCount } = await this.query('SELECT 1 FROM ledgers WHERE id = $1', [bytes(ledgerId)]);
    return rowCount === 1;
  }

  /**
   * How many ledgers the database holds: exact up to 100 000, the
   * planner's estimate beyond (a health check must stay cheap).
   */
  async count(): Promise<number> {
    const { rows } = await this.query<{ n: number }>(
      "SELECT reltuples::bigint::integer AS n FROM pg_class WHERE oid = 'ledgers'::regclass",
    );
    const estimate = rows[0]?.n ?? -1;
    if (estimate > 100_000) return estimate;
    const exact = await this.query<{ n: number }>('SELECT count(*)::integer AS n FROM ledgers');
    return exact.rows[0]?.n ?? 0;
  }

  /** Closes the pools once their queries have finished. */
  async close(): Promise<void> {
    await this.pool.end();
    if (this.fast !== this.pool) await this.fast.end();
  }
}
