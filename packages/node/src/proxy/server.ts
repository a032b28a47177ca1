/**
 * A re-encryption proxy (docs/spec/proxy-api.md). It holds one key fragment
 * per grant, delivered encrypted to its key and signed by the patient, and
 * re-encrypts the capsules of records in a grant's scope for the grant's
 * reader — only after checking the reader's signed request, that the grant
 * is active on chain, that each record is in the patient's (verified) ledger
 * and in the grant's scope, and after logging the access in that ledger.
 * It never sees a data key or a record: a fragment alone opens nothing.
 */
import { isGrantActive, watchRegistry } from '@medvault/core/chain';
import { type PublicKey, type SecretKey, Signer } from '@medvault/core/pre';
import { NonceCache } from '@medvault/core/proxy';
import { hexToBytes } from '@noble/hashes/utils.js';
import { type Address, createPublicClient, http } from 'viem';
import { startHttpService } from '../http/index.js';
import { AccessLog } from './access-log.js';
import { GrantStatusCache } from './grant-status-cache.js';
import { KfragStore } from './kfrag-store.js';
import { LedgerViews } from './ledger-view.js';
import { ProxyMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { type ProxyDeps, proxyRoutes } from './routes.js';

/** Options of `startProxy`. */
export type ProxyOptions = {
  /** Where key fragments are kept. */
  dataDir: string;
  /** The proxy's secret key: fragments are encrypted to it, access entries signed with it. */
  key: SecretKey;
  /** JSON-RPC URL of the chain holding the registry. */
  rpcUrl: string;
  /** The registry's address. */
  registry: Address;
  host?: string;
  port?: number;
  /** Largest request body (default 256 KiB). */
  maxBodyBytes?: number;
  /** Requests handled at once before answering 503 (default 16: at ≈ 10 ms of CPU each, more would only queue). */
  maxInFlight?: number;
  /** Requests per second per signing key before answering 429 (default 50, burst 100). */
  perKeyPerSecond?: number;
  /** Accepted clock skew of signed requests, ms (default 60 000). */
  windowMs?: number;
  /**
   * How long an on-chain grant status is reused, ms (default 1 000; 0 asks
   * the chain for every request). A revocation takes effect within this.
   */
  chainCacheMs?: number;
  /** How often to poll the registry for revocations, ms (default 1 000; 0 disables). */
  watchIntervalMs?: number;
  /** Where reports go (default: stderr). */
  log?: (line: string) => void;
};

/** A running proxy. */
export type RunningProxy = {
  url: string;
  publicKey: PublicKey;
  close(): Promise<void>;
};

/** Starts a proxy on 127.0.0.1 (or `host`); resolves once it listens. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const chain = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) });
  const perKeyPerSecond = options.perKeyPerSecond ?? 50;
  const deps: ProxyDeps = {
    key: options.key,
    publicKey: options.key.publicKey(),
    store: await KfragStore.open(options.dataDir),
    nonces: new NonceCache(),
    limiter: new RateLimiter(perKeyPerSecond, 2 * perKeyPerSecond),
    metrics: new ProxyMetrics(),
    views: new LedgerViews(),
    accessLog: new AccessLog(new Signer(options.key)),
    grantStatus: new GrantStatusCache(
      (grantId) =>
        isGrantActive(chain, { registry: options.registry, grantId: hexToBytes(grantId) }),
      options.chainCacheMs ?? 1_000,
    ),
    windowMs: options.windowMs ?? 60_000,
    maxInFlight: options.maxInFlight ?? 16,
    load: { inFlight: 0 },
  };
  const service = await startHttpService({
    name: 'proxy',
    routes: proxyRoutes,
    deps,
    codes: {
      notFound: 'PROXY_NOT_FOUND',
      method: 'PROXY_METHOD',
      tooLarge: 'PROXY_BODY_TOO_LARGE',
      badJson: 'PROXY_INVALID_BODY',
      internal: 'PROXY_INTERNAL',
    },
    host: options.host,
    port: options.port,
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
    timeouts: { keepAliveMs: 5_000, headersMs: 10_000, requestMs: 30_000 },
    log,
    observe: (method, status, ms) => deps.metrics.observe(method, status, ms),
  });
  const stopWatching =
    options.watchIntervalMs === 0
      ? () => {}
      : watchRegistry(chain, {
          registry: options.registry,
          pollingInterval: options.watchIntervalMs ?? 1_000,
          onGrantRevoked: (logs) => {
            for (const entry of logs) {
              const grantId = (entry as { args?: { grantId?: string } }).args?.grantId;
              if (!grantId) continue;
              const id = grantId.replace(/^0x/, '').toLowerCase();
              deps.grantStatus.forget(id);
              void deps.store.delete(id);
            }
          },
          onError: (error) => log(`proxy: watching the registry: ${error.message}`),
        });
  return {
    url: service.url,
    publicKey: deps.publicKey,
    async close() {
      stopWatching();
      await service.close();
    },
  };
}
