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
 */
import { NonceCache } from '@medvault/core/proxy';
import { RateLimiter, startHttpService } from '../http/index.js';
import { FileLedgerStore } from '../ledger/file-ledger-store.js';
import { LedgerCache } from './ledger-cache.js';
import { ledgerHostRoutes } from './routes.js';
import { WriteQueue } from './write-queue.js';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Options of `startLedgerHost`. */
export type LedgerHostOptions = {
  dataDir: string;
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
  const store = new FileLedgerStore(options.dataDir, {
    maxOpenFiles: limits.maxOpenLedgers,
    idleMs: limits.ledgerIdleMs,
    // a ledger in memory needs its file's contents only to append; keep as many
    maxCachedFiles: limits.maxCachedLedgers,
  });
  const queue = new WriteQueue();
  const ledgers = await LedgerCache.open(store, queue, { maxCached: limits.maxCachedLedgers }, log);
  // the URLs it answers to are known once it listens (port 0 picks one)
  const read = {
    publicUrls: [...(options.publicUrls ?? [])],
    nonces: new NonceCache(),
    windowMs: options.windowMs ?? 60_000,
  };
  const service = await startHttpService({
    name: 'ledger-host',
    routes: ledgerHostRoutes,
    deps: {
      store,
      ledgers,
      queue,
      limits: {
        create: new RateLimiter({ rate: limits.createsPerMinute, what: 'ledger creations' }),
        write: new RateLimiter({ rate: limits.writesPerMinute, what: 'writes' }),
      },
      read,
    },
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
  });
  const listening = new URL(service.url);
  read.publicUrls.push(service.url, `${listening.protocol}//localhost:${listening.port}`);
  return {
    url: service.url,
    close: async () => {
      await service.close();
      await queue.idle();
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
