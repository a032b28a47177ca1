/**
 * The settings concern of the wallet: reading and validating the patient's
 * settings, pinning a proxy's key the first time it is used, and the
 * services the settings point at (the ledger host, the chain). It sees no
 * secret: the settings hold only addresses, URLs and public keys.
 */
import { LedgerHostClient } from '@medvault/core/ledger-host';
import type { ChainAccess } from '@medvault/core/proxy';
import { type BlobStore, HttpStore } from '@medvault/core/storage';
import {
  type Address,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  publicActions,
} from 'viem';
import { getChainId } from 'viem/actions';
import { InvalidSettingsError } from './errors.js';
import { DEFAULT_SETTINGS, type Settings, settingsSchema } from './settings.js';
import type { WalletDb } from './wallet-db.js';

/**
 * What `SettingsController` needs.
 *
 * @example
 * ```ts
 * const deps: SettingsControllerDeps = { db: await WalletDb.open() };
 * ```
 */
export type SettingsControllerDeps = { db: WalletDb };

/**
 * A proxy of the settings with its key, pinned.
 *
 * @example
 * ```ts
 * const proxy: KeyedProxy = { url: 'http://127.0.0.1:9001', publicKey: '02…' };
 * ```
 */
export type KeyedProxy = { url: string; publicKey: string };

/**
 * The chain the settings name, with the account that pays for the
 * patient's signed transactions.
 *
 * @example
 * ```ts
 * const { client, registry, relayer }: SettingsChain = await settings.chain();
 * ```
 */
export type SettingsChain = ChainAccess & { relayer: Address };

/**
 * The wallet's settings: stored, validated, and turned into the clients of
 * the services they name.
 *
 * @example
 * ```ts
 * const settings = new SettingsController({ db });
 * await settings.save({ ...(await settings.get()), autoLockMinutes: 5 });
 * const host = await settings.ledgerHost();
 * ```
 */
export class SettingsController {
  readonly #deps: SettingsControllerDeps;

  constructor(deps: SettingsControllerDeps) {
    this.#deps = deps;
  }

  /** The stored settings, or the defaults before any were saved. */
  async get(): Promise<Settings> {
    return (await this.#deps.db.settings()) ?? DEFAULT_SETTINGS;
  }

  /** Validates and stores `value`; `InvalidSettingsError` names the first bad field. */
  async save(value: unknown): Promise<Settings> {
    const parsed = settingsSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidSettingsError(fieldLabel(issue?.path ?? []), issue?.message ?? 'invalid');
    }
    await this.#deps.db.putSettings(parsed.data);
    return parsed.data;
  }

  /**
   * The proxies `include` selects (all when omitted), each with its key —
   * fetched from the proxy and pinned on first use — passed through `use`.
   * A proxy whose key is not pinned yet and that does not answer is left
   * out (`unreachable`): it could not take a fragment anyway. Keys fetched
   * here are saved only once `use` accepted every proxy: a `use` that
   * throws leaves the settings as they were.
   */
  async keyedProxies<T>(
    include: ((url: string) => boolean) | undefined,
    use: (proxy: KeyedProxy) => T,
  ): Promise<{ settings: Settings; proxies: T[]; unreachable: string[] }> {
    const settings = await this.get();
    const chosen = include ? settings.proxies.filter((p) => include(p.url)) : settings.proxies;
    let pinned = false;
    const unreachable: string[] = [];
    const keyed = await Promise.all(
      chosen.map(async (proxy) => {
        if (!proxy.publicKey) {
          try {
            proxy.publicKey = await fetchProxyKey(proxy.url);
          } catch {
            unreachable.push(proxy.url);
            return undefined;
          }
          pinned = true;
        }
        return { url: proxy.url, publicKey: proxy.publicKey };
      }),
    );
    const proxies = keyed.flatMap((p) => (p ? [use(p)] : []));
    if (pinned) await this.#deps.db.putSettings(settings);
    return { settings, proxies, unreachable };
  }

  /**
   * The store the sealed records are read from (the settings' `storage`):
   * blocks are verified against their CIDs as they arrive.
   */
  async storage(): Promise<BlobStore> {
    const { storage } = await this.get();
    return new HttpStore({ gateway: storage ?? (DEFAULT_SETTINGS.storage as string) });
  }

  /** A client of the ledger host the settings name. */
  async ledgerHost(): Promise<LedgerHostClient> {
    return new LedgerHostClient({ url: (await this.get()).ledgerHost });
  }

  /**
   * A client of the chain the settings name (its id asked from the node),
   * the registry, and the relayer: the one set, or the node's first account.
   */
  async chain(): Promise<SettingsChain> {
    const settings = await this.get();
    const transport = http(settings.rpcUrl, { retryCount: 0, timeout: 15_000 });
    const probe = createWalletClient({ transport });
    const id = await getChainId(probe);
    const chain = defineChain({
      id,
      name: `chain ${id}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [settings.rpcUrl] } },
    });
    const client = createWalletClient({ chain, transport }).extend(publicActions);
    let relayer: Address | undefined = settings.relayer ? getAddress(settings.relayer) : undefined;
    if (!relayer) [relayer] = await client.getAddresses();
    if (!relayer) {
      throw new InvalidSettingsError(
        'Relayer account',
        'the chain node has no account to pay for transactions; set one under Advanced settings',
      );
    }
    return { client, registry: getAddress(settings.registry), relayer };
  }
}

/** A proxy's public key from its health endpoint. */
async function fetchProxyKey(url: string): Promise<string> {
  let body: { publicKey?: unknown };
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}/v1/health`, {
      signal: AbortSignal.timeout(5_000),
    });
    body = (await response.json()) as { publicKey?: unknown };
  } catch (cause) {
    throw new InvalidSettingsError(
      'Proxies',
      `${url} did not answer (${(cause as Error).message})`,
    );
  }
  if (typeof body.publicKey !== 'string' || !/^(02|03)[0-9a-f]{64}$/.test(body.publicKey)) {
    throw new InvalidSettingsError('Proxies', `${url} did not give a public key`);
  }
  return body.publicKey;
}

/** How the settings pages label each field (InvalidSettingsError names the field so). */
const FIELD_LABELS: Record<string, string> = {
  ledgerHost: 'Ledger host',
  storage: 'Record storage',
  shlHost: 'Link service',
  rpcUrl: 'Chain RPC',
  registry: 'Registry contract',
  relayer: 'Relayer account',
  proxies: 'Proxies',
  threshold: 'Proxies needed per read',
  fragments: 'Proxies per share (the rest stand by)',
  autoLockMinutes: 'Lock after this many idle minutes',
  promptTimeoutSeconds: 'A request waits this many seconds for you',
  notifications: 'Notifications',
};

/**
 * The label of the field at `path` ("Proxies" for `proxies.1.url`, with
 * which one when it is a list item).
 *
 * @example
 * ```ts
 * fieldLabel(['threshold']); // 'Proxies needed per read'
 * ```
 */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const [first] = path;
  return FIELD_LABELS[String(first)] ?? (first === undefined ? 'Settings' : String(first));
}
