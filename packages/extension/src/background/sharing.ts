/**
 * The sharing concern of the wallet: grants made, listed and revoked, and
 * what the consent prompt approves (the records a scope covers). A grant is
 * written through the ledger sync and registered on the chain the settings
 * name; `share` and `revoke` see the patient's key, which the core's
 * `grantAccess` and `revokeAccess` take.
 */
import type { GrantScope } from '@medvault/core/ledger';
import { PublicKey } from '@medvault/core/pre';
import {
  type GrantJson,
  grantAccess,
  grantFromJson,
  grantToJson,
  indexLedger,
  type ProxyEndpoint,
  recordInScope,
  revokeAccess,
  rotateCategories,
} from '@medvault/core/proxy';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { ShareRequest } from '../shared/provider-schema.js';
import { ProviderRpcError, RPC_ERROR } from '../shared/rpc-error.js';
import type { IdentityVault } from './identity-vault.js';
import type { LedgerSync } from './ledger-sync.js';
import type { SettingsController } from './settings-controller.js';
import type { StoredGrant, WalletDb } from './wallet-db.js';

/**
 * A grant as the dashboard and `medvault_listGrants` show it.
 *
 * @example
 * ```ts
 * const active = (await sharing.grants()).filter((g: GrantSummary) => g.status === 'active');
 * ```
 */
export type GrantSummary = {
  grantId: string;
  origin: string;
  readerName: string;
  reader: string;
  scope: GrantJson['scope'];
  purpose: string;
  expiresAt: number;
  createdAt: number;
  threshold: number;
  proxies: string[];
  status: 'active' | 'expired' | 'revoked';
  /** The categories whose keys it holds. */
  categories: string[];
  /** When it was given new keys because another share of its categories ended. */
  keysUpdatedAt?: number;
  /** Ended, but its categories have not moved to a new key yet (revoke again to finish). */
  rotationPending: boolean;
  /** When it was revoked, if it was. */
  revokedAt?: number;
};

/**
 * What revoking did: proxies not told to forget (they refuse anyway: the
 * chain says revoked), the categories moved to a new epoch, and how many
 * other shares were given the new keys.
 *
 * @example
 * ```ts
 * const { rotated, updated }: RevokeResult = await sharing.revoke(grantId);
 * ```
 */
export type RevokeResult = {
  grantId: string;
  unreachable: string[];
  rotated: string[];
  updated: number;
};

/**
 * A record a scope covers.
 *
 * @example
 * ```ts
 * const titles = (await sharing.recordsInScope(scope)).map((r: RecordMatch) => r.title);
 * ```
 */
export type RecordMatch = {
  cid: string;
  title: string;
  resourceType: string | undefined;
  category: string | undefined;
  time: number;
};

/**
 * An active share the same reader already holds that covers some of what a
 * new request asks for: the prompt warns before the patient shares twice.
 *
 * @example
 * ```ts
 * const [first]: Overlap[] = await sharing.overlapping(request, matches);
 * ```
 */
export type Overlap = {
  grantId: string;
  createdAt: number;
  expiresAt: number;
  /** The site that asked for it. */
  origin: string;
  /** How many of the request's matched records it already covers. */
  records: number;
  /** The categories both cover. */
  categories: string[];
};

/**
 * What `Sharing` needs.
 *
 * @example
 * ```ts
 * const deps: SharingDeps = { db, identity, ledgerSync, settings };
 * ```
 */
export type SharingDeps = {
  db: WalletDb;
  /** The patient's key, lent for granting and revoking. */
  identity: IdentityVault;
  /** The ledger the grants are written to, and the records a scope can cover. */
  ledgerSync: LedgerSync;
  /** The patient's proxies and threshold, and the chain. */
  settings: SettingsController;
};

const summary = (stored: StoredGrant, now: number): GrantSummary => ({
  grantId: stored.grant.grantId,
  origin: stored.origin,
  readerName: stored.readerName,
  reader: stored.grant.reader,
  scope: stored.grant.scope,
  purpose: stored.grant.purpose,
  expiresAt: stored.grant.expiresAt,
  createdAt: stored.createdAt,
  threshold: stored.grant.threshold,
  proxies: stored.grant.proxies.map((p) => p.url),
  status: stored.revokedAt ? 'revoked' : stored.grant.expiresAt <= now ? 'expired' : 'active',
  categories: stored.grant.categories,
  ...(stored.keysUpdatedAt ? { keysUpdatedAt: stored.keysUpdatedAt } : {}),
  rotationPending: stored.revokedAt !== undefined && stored.rotatedAt === undefined,
  ...(stored.revokedAt ? { revokedAt: stored.revokedAt } : {}),
});

const sameUrl = (a: string, b: string) => new URL(a).href === new URL(b).href;

/**
 * The patient's shares.
 *
 * @example
 * ```ts
 * const sharing = new Sharing({ db, identity, ledgerSync, settings });
 * const grant = await sharing.share(request, 'https://clinic.example');
 * await sharing.revoke(grant.grantId);
 * ```
 */
export class Sharing {
  readonly #deps: SharingDeps;

  constructor(deps: SharingDeps) {
    this.#deps = deps;
  }

  /** The records in the local ledger that `scope` covers today, with their titles. */
  async recordsInScope(scope: GrantScope): Promise<RecordMatch[]> {
    const ledger = await this.#deps.ledgerSync.latest();
    const { records } = indexLedger(ledger.allEntryBytes());
    const stored = new Map((await this.#deps.db.records()).map((r) => [r.cid, r]));
    return [...records.values()]
      .filter((record) => recordInScope(scope, record))
      .map((record) => ({
        cid: record.cid,
        title: stored.get(record.cid)?.title ?? record.resourceType ?? 'record',
        resourceType: record.resourceType,
        category: record.category,
        time: record.time,
      }));
  }

  /**
   * The proxies of a share: the patient's, or the subset a site named (the
   * provider already refused any other). Keys always come from the
   * patient's settings, pinned on first use — never from the site.
   */
  async #proxies(request: ShareRequest): Promise<{
    proxies: ProxyEndpoint[];
    standby: ProxyEndpoint[];
    threshold: number;
    n: number;
  }> {
    const named = request.proxies;
    const { settings, proxies } = await this.#deps.settings.keyedProxies(
      named ? (url) => named.some((r) => sameUrl(r.url, url)) : undefined,
      (proxy) => {
        const site = named?.find((r) => sameUrl(r.url, proxy.url));
        if (site && site.publicKey !== proxy.publicKey) {
          throw new ProviderRpcError(
            RPC_ERROR.invalidParams,
            `medvault_requestShare: proxy ${proxy.url} has another key than the site named`,
          );
        }
        return {
          url: proxy.url,
          publicKey: PublicKey.fromCompressedBytes(hexToBytes(proxy.publicKey)),
        };
      },
    );
    // n fragments: the site's proxies, or the first `fragments` of the patient's; the rest
    // stand by. A proxy that could not even be asked for its key counts as down: a standby
    // takes its place, or the grant goes on with fewer fragments when at least t + 1 remain
    // (grantAccess decides and says so).
    const n = named ? named.length : (settings.fragments ?? settings.proxies.length);
    const threshold = request.threshold ?? settings.threshold;
    const firstN = new Set(settings.proxies.slice(0, n).map((p) => p.url));
    const primary = proxies.filter((p) => firstN.has(p.url));
    const standby = proxies.filter((p) => !firstN.has(p.url));
    return { proxies: primary, standby, threshold, n };
  }

  /**
   * The categories a share delegates the keys of: the scope's categories
   * when it names them (a key is published for any that has none yet);
   * otherwise — a scope by CID or resource type — the categories of the
   * records it covers today.
   */
  async #categoriesOf(scope: GrantScope): Promise<string[]> {
    if (scope.categories) return [...new Set(scope.categories)];
    const covered = [...new Set((await this.recordsInScope(scope)).map((r) => r.category))];
    if (covered.length === 0) {
      throw new ProviderRpcError(
        RPC_ERROR.invalidParams,
        'medvault_requestShare: the scope covers no record yet; name its categories (scope.categories) to share records still to come',
      );
    }
    return covered.filter((c): c is string => c !== undefined);
  }

  /**
   * Grants the reader access (after the patient approved): fragments of the
   * keys of the scope's categories, every epoch so far. Sees the patient's
   * keys.
   */
  async share(request: ShareRequest, origin: string): Promise<GrantJson> {
    const categories = await this.#categoriesOf(request.scope);
    const state = (await this.#deps.ledgerSync.ensureKeys(categories)).state;
    return this.#deps.identity.withKeys((keys, identity) =>
      this.#deps.ledgerSync.writing(async (ledger) => {
        const { proxies, standby, threshold, n } = await this.#proxies(request);
        const delegations = categories.flatMap((category) =>
          (state.encryptionKeys.get(category) ?? []).map((_, epoch) => ({
            category,
            epoch,
            secretKey: keys.encryptionKey(category, epoch),
          })),
        );
        const grant = await grantAccess({
          identity,
          delegations,
          notesKey: keys.notesKey().publicKey(),
          reader: PublicKey.fromCompressedBytes(hexToBytes(request.reader.publicKey)),
          scope: request.scope,
          purpose: request.purpose,
          expiresAt: request.expiresAt,
          proxies,
          standby,
          fragments: n,
          threshold,
          ledger,
          chain: await this.#deps.settings.chain(),
          notes: { readerName: request.reader.name, origin },
        });
        const { proxyFailures: _failures, ...made } = grant;
        const json = grantToJson(made);
        await this.#deps.db.putGrant({
          grant: json,
          origin,
          readerName: request.reader.name,
          createdAt: Date.now(),
        });
        return json;
      }),
    );
  }

  /**
   * Revokes a grant; with `origin`, only one that origin asked for. Then
   * moves each category it covered to a new epoch, so records sealed from
   * now on are out of reach of what its proxies and reader kept; every
   * other active share of those categories is given the new keys at once
   * (`updated`: their number). Sees the patient's keys.
   */
  async revoke(grantId: string, origin?: string): Promise<RevokeResult> {
    const stored = await this.#deps.db.grant(grantId);
    if (!stored || (origin !== undefined && stored.origin !== origin)) {
      throw new ProviderRpcError(
        RPC_ERROR.invalidParams,
        `No grant ${grantId} was made for this site.`,
      );
    }
    if (stored.revokedAt && stored.rotatedAt) {
      return { grantId, unreachable: [], rotated: [], updated: 0 };
    }
    // revoked already but the rotation failed (host or chain down): only the rotation is done again
    const { unreachable } = stored.revokedAt
      ? { unreachable: [] }
      : await this.#deps.ledgerSync.writing(async (ledger) =>
          this.#deps.identity.withSecretKey(async (identity) =>
            revokeAccess({
              identity,
              grant: grantFromJson(stored.grant),
              ledger,
              chain: await this.#deps.settings.chain(),
            }),
          ),
        );
    const revokedAt = stored.revokedAt ?? Date.now();
    await this.#deps.db.putGrant({ ...stored, revokedAt });
    const local = await this.#deps.ledgerSync.ensureKeys();
    const { rotated, updated } = await this.#deps.ledgerSync.writing(async (ledger) =>
      this.#deps.identity.withKeys((keys, identity) =>
        rotateCategories({
          identity,
          keys,
          ledger,
          verified: { state: local.state, entries: local.allEntryBytes() },
          categories: stored.grant.categories,
        }),
      ),
    );
    await this.#deps.db.putGrant({ ...stored, revokedAt, rotatedAt: Date.now() });
    // a share is said to have the new key only once every one of its proxies took it
    const updatedGrants = new Set(
      updated.filter((u) => u.failures.length === 0).map((u) => u.grantId),
    );
    for (const other of await this.#deps.db.grants()) {
      if (!updatedGrants.has(other.grant.grantId)) continue;
      await this.#deps.db.putGrant({ ...other, keysUpdatedAt: Date.now() });
    }
    return {
      grantId,
      unreachable: unreachable.map((u) => u.proxy),
      rotated: rotated.map((r) => r.category),
      updated: updated.length,
    };
  }

  /**
   * The active shares with the same reader key (from any site) that cover
   * a record `request` matches today, or a category it names.
   */
  async overlapping(request: ShareRequest, matches: readonly RecordMatch[]): Promise<Overlap[]> {
    const now = Date.now();
    const asked = new Set(request.scope.categories ?? matches.map((m) => m.category));
    return (await this.#deps.db.grants())
      .filter(
        (g) =>
          !g.revokedAt && g.grant.expiresAt > now && g.grant.reader === request.reader.publicKey,
      )
      .map((g) => {
        const scope = g.grant.scope;
        const records = matches.filter((m) => recordInScope(scope, m)).length;
        const categories = g.grant.categories.filter((c) => asked.has(c));
        return {
          grantId: g.grant.grantId,
          createdAt: g.createdAt,
          expiresAt: g.grant.expiresAt,
          origin: g.origin,
          records,
          categories,
        };
      })
      .filter((o) => o.records > 0 || o.categories.length > 0)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Grants, newest first; with `origin`, only those that origin asked for. */
  async grants(origin?: string): Promise<GrantSummary[]> {
    const now = Date.now();
    return (await this.#deps.db.grants(origin))
      .map((g) => summary(g, now))
      .sort((a, b) => b.createdAt - a.createdAt);
  }
}
