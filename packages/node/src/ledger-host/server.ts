/**
 * The ledger host: stores patients' ledgers and sequences the signed entries
 * submitted to it, over HTTP + JSON (docs/spec/ledger-host-api.md).
 *
 * It is not trusted. Authors sign every entry including its seq and prev, so
 * the host can only accept an entry as the next one or refuse it; it checks
 * every rule before accepting, and acknowledges (201) only once the entry is
 * fsync'ed to disk.
 *
 * Bounded whatever anyone sends (docs/spec/ledger-host-api.md § Limits): at
 * most `maxOpenLedgers` ledger files open and `maxCachedLedgers` ledgers in
 * memory (the others are read again, and verified, when needed), and per
 * client address a rate of ledger creations and of writes.
 *
 * Two stores: files in `dataDir` (one process), or a PostgreSQL `database`
 * that any number of host processes serve together — each request then
 * takes its ledger caught up with the database, sequencing is the
 * database's, and rate limits and read nonces are counted there too
 * (docs/guides/ledger-host-operator.md).
 */
import { NonceCache } from '@medvault/core/proxy';
import { RateLimiter, startHttpService } from '../http/index.js';
import { FileLedgerStore } from '../ledger/file-ledger-store.js';
import { openPgLedgerStore } from '../ledger/pg-ledger-store.js';
import { LedgerCache } from './ledger-cache.js';
import { type LedgerHostDeps, ledgerHostRoutes } from './routes.js';
import { SharedLedgers } from './shared-ledgers.js';
import { SharedNonces, SharedRateLimit } from './shared-limits.js';
import { WriteQueue } from './write-queue.js';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Options of `startLedgerHost`. */
export type LedgerHostOptions = {
  /** The directory of the file store (one host process); or: */
  dataDir?: string;
  /** A PostgreSQL URL: the store any number of host processes share. */
  database?: string;
  /** Database connections this process holds at most (default 10). */
  poolSize?: number;
  port?: number;
  host?: string;
  /** Where reports go (default: stderr). */
  log?: (line: string) => void;
  /** Ledger files open at once, at most (default 64); the least recently used idle one is closed first. */
  maxOpenLedgers?: number;
  /** A ledger file unused this long is closed, ms (default 30 000). */
  ledgerIdleMs?: number;
  /** Ledgers kept in memory, at most (default 1 024); any other is read from disk and verified when needed. */
  maxCachedLedgers?: number;
  /** Ledgers one client address may create per minute (default 10, all at once after a quiet minute). */
  createsPerMinute?: number;
  /** Entries one client address may submit per minute (default 600, likewise). */
  writesPerMinute?: number;
  /**
   * The URLs clients reach this host by (signed reads name its origin);
   * the URL it listens on, and its `localhost` form, are always accepted.
   */
  publicUrls?: string[];
  /** Accepted clock difference of signed reads, ms (default 60 000). */
  windowMs?: number;
};

/**
 * Limits of a ledger host by default (docs/spec/ledger-host-api.md § Limits).
 *
 * @example
 * ```ts
 * await startLedgerHost({ dataDir, writesPerMinute: 10 * LEDGER_HOST_LIMITS.writesPerMinute });
 * ```
 */
export const LEDGER_HOST_LIMITS = {
  maxOpenLedgers: 64,
  ledgerIdleMs: 30_000,
  maxCachedLedgers: 1024,
  createsPerMinute: 10,
  writesPerMinute: 600,
} as const;

/** A running ledger host. */
export type RunningLedgerHost = { url: string; close(): Promise<void> };

/**
 * Starts a ledger host; resolves once it listens.
 *
 * @example
 * ```ts
 * const host = await startLedgerHost({ dataDir: './ledgers', port: 8787, createsPerMinute: 10 });
 * console.log(host.url);
 * await host.close();
 * ```
 */
export async function startLedgerHost(options: LedgerHostOptions): Promise<RunningLedgerHost> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const limits = { ...LEDGER_HOST_LIMITS, ...definedOnly(options) };
  if ((options.dataDir === undefined) === (options.database === undefined))
    throw new RangeError('a ledger host needs one store: dataDir or database');
  const queue = new WriteQueue();
  // the URLs it answers to are known once it listens (port 0 picks one)
  const publicUrls = [...(options.publicUrls ?? [])];
  const read: LedgerHostDeps['read'] = {
    publicUrls,
    nonces: new NonceCache(),
    windowMs: options.windowMs ?? 60_000,
  };
  const backend = options.database
    ? await sharedBackend(options.database, options.poolSize, limits, log)
    : await fileBackend(options.dataDir as string, queue, limits, log);
  if (backend.shared) read.shared = backend.shared;
  const service = await startHttpService({
    name: 'ledger-host',
    routes: ledgerHostRoutes,
    deps: { ...backend.deps, queue, read },
    codes: {
      notFound: 'LEDGER_HOST_NOT_FOUND',
      tooLarge: 'LEDGER_HOST_BODY_TOO_LARGE',
      badJson: 'LEDGER_HOST_BAD_JSON',
      internal: 'LEDGER_HOST_INTERNAL',
    },
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    timeouts: { requestMs: 30_000 },
    log,
  }).catch(async (error: unknown) => {
    await backend.close();
    throw error;
  });
  const listening = new URL(service.url);
  publicUrls.push(service.url, `${listening.protocol}//localhost:${listening.port}`);
  return {
    url: service.url,
    close: async () => {
      await service.close();
      await queue.idle();
      await backend.close();
    },
  };
}

type Limits = typeof LEDGER_HOST_LIMITS;
type Backend = {
  deps: Pick<LedgerHostDeps, 'store' | 'ledgers' | 'limits'>;
  shared?: SharedNonces;
  close(): Promise<void>;
};

/** Ledger files in a directory, with per-process limits: one host process. */
async function fileBackend(
  dataDir: string,
  queue: WriteQueue,
  limits: Limits,
  log: (line: string) => void,
): Promise<Backend> {
  const store = new FileLedgerStore(dataDir, {
    maxOpenFiles: limits.maxOpenLedgers,
    idleMs: limits.ledgerIdleMs,
    // a ledger in memory needs its file's contents only to append; keep as many
    maxCachedFiles: limits.maxCachedLedgers,
  });
  const ledgers = await LedgerCache.open(store, queue, { maxCached: limits.maxCachedLedgers }, log);
  return {
    deps: {
      store,
      ledgers,
      limits: {
        create: new RateLimiter({ rate: limits.createsPerMinute, what: 'ledger creations' }),
        write: new RateLimiter({ rate: limits.writesPerMinute, what: 'writes' }),
      },
    },
    close: () => store.close(),
  };
}

/** A PostgreSQL database shared by every replica, with its limits and nonces in it. */
async function sharedBackend(
  url: string,
  poolSize: number | undefined,
  limits: Limits,
  log: (line: string) => void,
): Promise<Backend> {
  const store = await openPgLedgerStore(url, { poolSize, log });
  const shared = new SharedNonces(store, log);
  return {
    deps: {
      store,
      ledgers: new SharedLedgers(store, { maxCached: limits.maxCachedLedgers }),
      limits: {
        create: new SharedRateLimit(store, 'create', {
          rate: limits.createsPerMinute,
          what: 'ledger creations',
        }),
        write: new SharedRateLimit(store, 'write', {
          rate: limits.writesPerMinute,
          what: 'writes',
        }),
      },
    },
    shared,
    close: async () => {
      shared.stop();
      await store.close();
    },
  };
}

/** The limits among `options` that are set. */
function definedOnly(options: LedgerHostOptions): Partial<typeof LEDGER_HOST_LIMITS> {
  return Object.fromEntries(
    Object.keys(LEDGER_HOST_LIMITS)
      .map((key) => [key, options[key as keyof typeof LEDGER_HOST_LIMITS]])
      .filter(([, value]) => value !== undefined),
  );
}
