/**
 * `@medvault/node/services` — MedVault's servers as functions, for code that
 * runs them in its own process (the local stack, an operator's supervisor,
 * tests): the re-encryption proxy, the ledger host, the blob service, the
 * SMART Health Links host, a local EVM node with the registry, and key files.
 *
 * @example
 * ```ts
 * const host = await startLedgerHost({ dataDir: './ledgers', port: 0 });
 * console.log(host.url);
 * await host.close();
 * ```
 * @module
 */
export {
  type BlobServiceOptions,
  type RunningBlobService,
  startBlobService,
} from '../blob-service/server.js';
export { type DevChain, type DevClient, devClient, startDevChain } from '../chain/dev-chain.js';
export { readKeyFile, writeKeyFile } from '../cli/key-file.js';
export {
  type LedgerHostOptions,
  type RunningLedgerHost,
  startLedgerHost,
} from '../ledger-host/server.js';
export { type ProxyOptions, type RunningProxy, startProxy } from '../proxy/server.js';
export {
  type AccessLogEntry,
  AccessLogError,
  type AccessOutcome,
  verifyAccessLog,
} from '../shl-host/access-log.js';
export {
  type RunningShlHost,
  SHL_HOST_LIMITS,
  type ShlHostLimits,
  type ShlHostOptions,
  startShlHost,
} from '../shl-host/server.js';
export { FsStore } from '../storage/fs-store.js';
