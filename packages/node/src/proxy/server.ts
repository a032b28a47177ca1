/**
 * A re-encryption proxy (docs/spec/proxy-api.md). It holds one key fragment
 * per grant, delivered encrypted to its key and signed by the patient, and
 * re-encrypts the capsules of records in a grant's scope for the grant's
 * reader — only after checking the reader's signed request, that the grant
 * is active on chain, that each record is in the patient's (verified) ledger
 * and in the grant's scope, and after logging the access in that ledger.
 * It never sees a data key or a record: a fragment alone opens nothing.
 * It drops a fragment when the chain says its grant is revoked (the
 * `GrantRevoked` watcher, and at start and every `reconcileIntervalMs`:
 * reconcile.ts), expired, or never registered.
 */
import {
  addressOfKey,
  currentRegistryKey,
  getAnchor,
  getGrant,
  isGrantActive,
  watchRegistry,
} from '@medvault/core/chain';
import { type PublicKey, type SecretKey, Signer } from '@medvault/core/pre';
import { NonceCache } from '@medvault/core/proxy';
import { hexToBytes } from '@noble/hashes/utils.js';
import { type Address, createPublicClient, http } from 'viem';
import { getBlock } from 'viem/actions';
import { startHttpService } from '../http/index.js';
import { AccessLog } from './access-log.js';
import { GrantStatusCache } from './grant-status-cache.js';
import { KfragStore } from './kfrag-store.js';
import { LedgerViews } from './ledger-view.js';
import { ProxyMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { startReconciling } from './reconcile.js';
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
  /**
   * How often to reconcile the fragments held with the chain, ms (default
   * 600 000; 0 disables, at start too): a fragment whose grant is revoked,
   * expired, or unregistered past `registrationGraceMs` is dropped.
   */
  reconcileIntervalMs?: number;
  /** How long a fragment may wait for its grant's registration on chain, ms (default 600 000). */
  registrationGraceMs?: number;
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
  const registry = options.registry;
  const store = await KfragStore.open(options.dataDir);
  const deps: ProxyDeps = {
    key: options.key,
    publicKey: options.key.publicKey(),
    store,
    nonces: new NonceCache(),
    limiter: new RateLimiter(perKeyPerSecond, 2 * perKeyPerSecond),
    metrics: new ProxyMetrics(),
    views: new LedgerViews({
      signer: new Signer(options.key),
      anchorOf: (ledgerId, owner) => getAnchor(chain, { registry, ledgerId, owner }),
    }),
    accessLog: new AccessLog(new Signer(options.key)),
    grantStatus: new GrantStatusCache(async (grantId) => {
      // grant ids are the owner's own on chain: ask under the patient of the fragment held
      const held = store.get(grantId);
      if (!held) return false;
      return isGrantActive(chain, {
        registry,
        owner: hexToBytes(held.patient),
        grantId: hexToBytes(grantId),
      });
    }, options.chainCacheMs ?? 1_000),
    onChainGrant: (owner, grantId) =>
      getGrant(chain, { registry, owner, grantId: hexToBytes(grantId) }),
    isCurrentKeyOf: async (owner, signer) =>
      (await currentRegistryKey(chain, { registry, owner })).toLowerCase() ===
      addressOfKey(signer).toLowerCase(),
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
            for (const { args } of logs) {
              const id = args.grantId.replace(/^0x/, '').toLowerCase();
              const held = store.get(id);
              // the same id in another owner's namespace is another grant
              if (!held || !sameAddress(ownerOf(held.patient), args.owner)) continue;
              deps.grantStatus.forget(id);
              store.delete(id).then(
                () => dropped(id, 'revoked'),
                (error: Error) => log(`proxy: dropping grant ${id}: ${error.message}`),
              );
            }
          },
          onError: (error) => log(`proxy: watching the registry: ${error.message}`),
        });
  const dropped = (grantId: string, reason: string) => {
    deps.grantStatus.forget(grantId);
    deps.metrics.count('medvault_proxy_kfrags_dropped_total');
    log(`proxy: dropped the fragment of grant ${grantId} (${reason} on chain)`);
  };
  const stopReconciling =
    options.reconcileIntervalMs === 0
      ? async () => {}
      : startReconciling({
          store,
          getGrant: (owner, grantId) =>
            getGrant(chain, { registry, owner: hexToBytes(owner), grantId: hexToBytes(grantId) }),
          chainTime: async () =>
            Number((await getBlock(chain, { blockTag: 'latest' })).timestamp) * 1000,
          graceMs: options.registrationGraceMs ?? 600_000,
          intervalMs: options.reconcileIntervalMs ?? 600_000,
          onDrop: (grantId, reason) =>
            dropped(grantId, reason === 'unregistered' ? 'still not registered' : reason),
          onError: (error) =>
            log(`proxy: reconciling fragments with the registry: ${error.message.split('\n')[0]}`),
        });
  return {
    url: service.url,
    publicKey: deps.publicKey,
    async close() {
      stopWatching();
      await stopReconciling();
      await service.close();
    },
  };
}

const ownerOf = (patientHex: string): Address => addressOfKey(hexToBytes(patientHex));
const sameAddress = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
