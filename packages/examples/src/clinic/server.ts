/**
 * The clinic: its page with the share button, and the server side that
 * holds the clinic's reader key and reads what patients share. Grants the
 * clinic received are kept in its data directory across restarts. Only
 * signed-in staff use its API, from its own origin and under its own names.
 */
import { join } from 'node:path';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import type { SecretKey } from '@medvault/core/pre';
import { HttpStore } from '@medvault/core/storage';
import { renderStyles } from '@medvault/record-view';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Address, createPublicClient, http } from 'viem';
import { type RunningSite, startSite } from '../sites/site-server.js';
import { GrantBook } from './grant-book.js';
import { clinicPage } from './page.js';
import { requestGuard } from './request-guard.js';
import { clinicRoutes } from './routes.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { randomPassword, StaffAccount, type StaffCredentials } from './staff-account.js';
import { StaffSessions } from './staff-sessions.js';

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
  /**
   * Who signs in to read what patients shared (the password at least 12
   * characters). Without it, user `staff` with a random password, which the
   * running site's `staff` says.
   */
  staff?: StaffCredentials;
  /**
   * The URL staff open when it is not the address the server listens on
   * (`https://clinic.example` behind a TLS proxy): its host is allowed, its
   * origin expected on changes, and under https the cookie is `Secure`.
   */
  publicUrl?: string;
  /** Other names the site answers to (`name` or `name:port`); any other Host is refused. */
  allowedHosts?: string[];
  /** A staff session unused this long ends, ms (default 30 minutes). */
  sessionIdleMs?: number;
  port?: number;
  host?: string;
  log?: (line: string) => void;
};

/**
 * A running clinic site, and who signs in to it.
 *
 * @example
 * ```ts
 * const clinic: ClinicSite = await startClinicSite(options);
 * clinic.staff; // { username: 'staff', password: '…' } when none was given
 * ```
 */
export type ClinicSite = RunningSite & {
  /** The staff sign-in: as given, or the one made at start (print it for whoever runs the site). */
  readonly staff: StaffCredentials;
};

/**
 * Starts the clinic site.
 *
 * @example
 * ```ts
 * const clinic = await startClinicSite({ readerKey, ledgerHost, blobService, rpcUrl, registry, dataDir, port: 3001 });
 * console.log(`sign in at ${clinic.url} as ${clinic.staff.username} / ${clinic.staff.password}`);
 * ```
 */
export async function startClinicSite(options: ClinicSiteOptions): Promise<ClinicSite> {
  const readerName = options.readerName ?? 'Riverside Clinic — Dr. Okafor';
  const readerKeyHex = bytesToHex(options.readerKey.publicKey().toCompressedBytes());
  const staff = options.staff ?? { username: 'staff', password: randomPassword() };
  const secure =
    options.publicUrl !== undefined && new URL(options.publicUrl).protocol === 'https:';
  const site = await startSite({
    port: options.port,
    host: options.host,
    log: options.log,
    guard: requestGuard({ allowedHosts: options.allowedHosts, publicUrl: options.publicUrl }),
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
      readerName,
      account: await StaffAccount.create(staff),
      sessions: new StaffSessions({ secure, idleMs: options.sessionIdleMs }),
      attempts: new SignInLimiter(),
    },
  });
  return { ...site, staff: { ...staff } };
}
