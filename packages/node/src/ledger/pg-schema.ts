/**
 * The ledger host's PostgreSQL schema and its migrations
 * (docs/guides/ledger-host-operator.md § PostgreSQL). A database records
 * the version it is at in `medvault_schema`; a host brings an older one up
 * to date at start, under an advisory lock so replicas starting together
 * migrate once, and refuses one a newer MedVault wrote.
 */
import { BaseError } from '@medvault/core/errors';
import type { Pool, PoolClient } from 'pg';

/** One step of the schema: applied in a transaction, in order of `version`. */
type Migration = { version: number; sql: string };

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ledgers (
        id bytea PRIMARY KEY CHECK (length(id) = 32),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- entries as their canonical bytes; the primary key is the sequencing:
      -- two writers can never both store entry seq of one ledger
      CREATE TABLE ledger_entries (
        ledger_id bytea NOT NULL REFERENCES ledgers (id),
        seq integer NOT NULL CHECK (seq >= 0),
        entry bytea NOT NULL,
        PRIMARY KEY (ledger_id, seq)
      );
      CREATE TABLE ledger_checkpoints (
        ledger_id bytea NOT NULL REFERENCES ledgers (id),
        n integer NOT NULL CHECK (n >= 0),
        checkpoint bytea NOT NULL,
        PRIMARY KEY (ledger_id, n)
      );
      -- signed reads' nonces, shared by every replica until they expire
      CREATE TABLE read_nonces (
        nonce text PRIMARY KEY,
        expires_at bigint NOT NULL
      );
      CREATE INDEX read_nonces_expiry ON read_nonces (expires_at);
      -- per client address and limit: a token bucket on the database's clock
      CREATE TABLE rate_buckets (
        kind text NOT NULL,
        client text NOT NULL,
        tokens double precision NOT NULL,
        at_ms bigint NOT NULL,
        PRIMARY KEY (kind, client)
      );
      CREATE INDEX rate_buckets_age ON rate_buckets (at_ms);
      -- takes one token: returns what is left (negative: refused, and how far short)
      CREATE FUNCTION medvault_take_token(p_kind text, p_client text, p_burst float8, p_per_ms float8)
      RETURNS float8 LANGUAGE plpgsql AS $$
      DECLARE
        now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        t float8;
      BEGIN
        INSERT INTO rate_buckets (kind, client, tokens, at_ms)
          VALUES (p_kind, p_client, p_burst, now_ms) ON CONFLICT DO NOTHING;
        SELECT LEAST(p_burst, tokens + GREATEST(0, now_ms - at_ms) * p_per_ms) INTO t
          FROM rate_buckets WHERE kind = p_kind AND client = p_client FOR UPDATE;
        UPDATE rate_buckets SET tokens = CASE WHEN t >= 1 THEN t - 1 ELSE t END, at_ms = now_ms
          WHERE kind = p_kind AND client = p_client;
        RETURN t - 1;
      END $$;
    `,
  },
];

/** The schema version this MedVault writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Any advisory-lock key only MedVault's migrations take. */
const MIGRATION_LOCK = 0x6d65_6476; // 'medv'

/**
 * The database's schema is newer than this MedVault knows: refused rather
 * than written with an old idea of it.
 *
 * @example
 * ```ts
 * throw new SchemaTooNewError(3, SCHEMA_VERSION); // "… schema version 3; this MedVault knows up to 1 …"
 * ```
 */
export class SchemaTooNewError extends BaseError {
  static override readonly code = 'LEDGER_DB_SCHEMA_TOO_NEW';
  override readonly name = 'SchemaTooNewError';
  readonly found: number;
  constructor(found: number, known: number) {
    super(
      `The ledger database is at schema version ${found}; this MedVault knows up to ${known}: upgrade MedVault before serving it.`,
    );
    this.found = found;
  }
}

/**
 * The database cannot be reached or refused the connection, at start.
 *
 * @example
 * ```ts
 * throw new DatabaseUnreachableError('postgres://medvault@db:5432/ledgers', 'ECONNREFUSED');
 * ```
 */
export class DatabaseUnreachableError extends BaseError {
  static override readonly code = 'LEDGER_DB_UNREACHABLE';
  override readonly name = 'DatabaseUnreachableError';
  constructor(where: string, why: string) {
    super(`Cannot connect to the ledger database at ${where}: ${why}.`);
  }
}

/**
 * The URL without its password, to name in messages and logs.
 *
 * @example
 * ```ts
 * redactUrl('postgres://host:s3cret@db:5432/ledgers'); // 'postgres://host:***@db:5432/ledgers'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given database URL (not a URL)';
  }
}

/**
 * Brings the database to `SCHEMA_VERSION`; resolves to the version found
 * before. Throws `SchemaTooNewError` when a newer MedVault wrote it.
 *
 * @example
 * ```ts
 * const before = await migrate(pool); // 0 on an empty database
 * ```
 */
export async function migrate(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS medvault_schema (one boolean PRIMARY KEY DEFAULT true CHECK (one), version integer NOT NULL)',
    );
    const found = await versionOf(client);
    if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found, SCHEMA_VERSION);
    for (const step of MIGRATIONS) {
      if (step.version <= found) continue;
      await client.query(step.sql);
      await client.query(
        'INSERT INTO medvault_schema (version) VALUES ($1) ON CONFLICT (one) DO UPDATE SET version = $1',
        [step.version],
      );
    }
    await client.query('COMMIT');
    return found;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function versionOf(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ version: number }>('SELECT version FROM medvault_schema');
  return rows[0]?.version ?? 0;
}
