/**
 * The ledger host: stores patients' ledgers and sequences the signed entries
 * submitted to it, over HTTP + JSON (docs/spec/ledger-host-api.md).
 *
 * It is not trusted. Authors sign every entry including its seq and prev, so
 * the host can only accept an entry as the next one or refuse it; it checks
 * every rule before accepting, and acknowledges (201) only once the entry is
 * fsync'ed to disk.
 */
import { Ledger, TornEntryError } from '@medvault/core/ledger';
import { bytesToHex } from '@noble/hashes/utils.js';
import { startHttpService } from '../http/index.js';
import { FileLedgerStore } from '../ledger/file-ledger-store.js';
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
};

/** A running ledger host. */
export type RunningLedgerHost = { url: string; close(): Promise<void> };

/** Starts a ledger host; resolves once it listens. */
export async function startLedgerHost(options: LedgerHostOptions): Promise<RunningLedgerHost> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = new FileLedgerStore(options.dataDir);
  const queue = new WriteQueue();
  const service = await startHttpService({
    name: 'ledger-host',
    routes: ledgerHostRoutes,
    deps: { store, ledgers: await openLedgers(store, log), queue },
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
  return {
    url: service.url,
    close: async () => {
      await service.close();
      await queue.idle();
      await store.close();
    },
  };
}

/** Opens every ledger in the store, first cutting a torn (never acknowledged) last entry. */
async function openLedgers(store: FileLedgerStore, log: (line: string) => void) {
  const ledgers = new Map<string, Ledger>();
  for (const id of await store.ledgers()) {
    try {
      await store.entries(id);
    } catch (error) {
      if (!(error instanceof TornEntryError)) throw error;
      const dropped = await store.file(id).repair();
      log(
        `ledger-host: ledger ${bytesToHex(id)} ended with a torn entry at byte ${error.offset} (never acknowledged); dropped ${dropped} bytes`,
      );
    }
    ledgers.set(bytesToHex(id), await Ledger.open(id, { store }));
  }
  return ledgers;
}
