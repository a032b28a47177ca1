/**
 * The clinic: its page with the share button, and the server side that
 * holds the clinic's reader key and reads what patients share. Grants the
 * clinic received are kept in its data directory across restarts.
 */
import { join } from 'node:path';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import type { SecretKey } from '@medvault/core/pre';
import { HttpStore } from '@medvault/core/storage';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Address, createPublicClient, http } from 'viem';
import { renderStyles } from '../render/index.js';
import { type RunningSite, startSite } from '../sites/site-server.js';
import { GrantBook } from './grant-book.js';
import { clinicPage } from './page.js';
import { clinicRoutes } from './routes.js';

/** Options of `startClinicSite`. */
export type ClinicSiteOptions = {
  /** The clinic's reader key (kept on this server, never sent to a browser). */
  readerKey: SecretKey;
  readerName?: string;
  ledgerHost: string;
  blobService: string;
  rpcUrl: string;
  registry: Address;
  /** Where received grants are kept. */
  dataDir: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
};

/**
 * Starts the clinic site.
 *
 * @example
 * ```ts
 * const clinic = await startClinicSite({ readerKey, ledgerHost, blobService, rpcUrl, registry, dataDir, port: 3001 });
 * ```
 */
export async function startClinicSite(options: ClinicSiteOptions): Promise<RunningSite> {
  const readerName = options.readerName ?? 'Riverside Clinic — Dr. Okafor';
  const readerKeyHex = bytesToHex(options.readerKey.publicKey().toCompressedBytes());
  return startSite({
    ...options,
    page: () =>
      clinicPage(
        { readerKey: readerKeyHex, readerName, purpose: 'Diabetes follow-up' },
        renderStyles(),
      ),
    entry: join(import.meta.dirname, 'app.ts'),
    routes: clinicRoutes,
    deps: {
      readerKey: options.readerKey,
      host: new LedgerHostClient({ url: options.ledgerHost }),
      store: new HttpStore({ gateway: options.blobService }),
      chain: {
        client: createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) }),
        registry: options.registry,
      },
      rpcUrl: options.rpcUrl,
      grants: await GrantBook.open(options.dataDir),
    },
  });
}
