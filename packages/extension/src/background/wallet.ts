/**
 * What the wallet does, behind every message: onboarding, unlocking,
 * sharing, receiving records, revoking, and the ledger's status — all with
 * the patient's key from the session, none of it handing the key out.
 */
import { anchorCheckpoint, getAnchor } from '@medvault/core/chain';
import type { EntryBody, GrantScope, LedgerStore } from '@medvault/core/ledger';
import { LedgerHostClient, LedgerHostRequestError } from '@medvault/core/ledger-host';
import { Capsule, PublicKey, Signer } from '@medvault/core/pre';
import {
  type GrantJson,
  grantAccess,
  grantFromJson,
  grantToJson,
  indexLedger,
  type ProxyEndpoint,
  recordInScope,
  revokeAccess,
} from '@medvault/core/proxy';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type Address,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  publicActions,
} from 'viem';
import { getChainId } from 'viem/actions';
import type { ReceiveRecordRequest, ShareRequest } from '../shared/provider-schema.js';
import { ProviderRpcError, RPC_ERROR } from '../shared/rpc-error.js';
import { InvalidSettingsError, NotOnboardedError } from './errors.js';
import { deriveIdentity, entropyMnemonic, mnemonicEntropy } from './identity.js';
import { type AdoptedFromLedger, adoptFromLedger } from './lists-from-ledger.js';
import { PatientLedger } from './patient-ledger.js';
import type { Session } from './session.js';
import { DEFAULT_SETTINGS, type Settings, settingsSchema } from './settings.js';
import { DEFAULT_SCRYPT, openVault, type ScryptParams, sealVault } from './vault.js';
import type { StoredGrant, StoredRecord, WalletDb } from './wallet-db.js';

/** A grant as the dashboard and `medvault_listGrants` show it. */
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
};

/** One access a proxy logged in the ledger. */
export type AccessSummary = {
  time: number;
  grantId: string;
  readerName: string;
  proxy: string;
  records: string[];
};

/** A record a scope covers. */
export type RecordMatch = {
  cid: string;
  title: string;
  resourceType: string | undefined;
  category: string | undefined;
  time: number;
};

/** The ledger's state as the dashboard shows it. */
export type LedgerStatus =
  | {
      ok: true;
      entries: number;
      anchor?: { size: number; blockNumber: string };
      /** Records and grants the lists gained from the ledger (another device's). */
      adopted: AdoptedFromLedger;
    }
  | { ok: false; entries: number; problem: string; adopted?: AdoptedFromLedger };

/** What `Wallet` needs. */
export type WalletDeps = {
  db: WalletDb;
  session: Session;
  ledgerStore: LedgerStore;
  /** scrypt cost for new vaults (tests lower it; the default is `DEFAULT_SCRYPT`). */
  scrypt?: ScryptParams;
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
});

/**
 * @example
 * ```ts
 * const wallet = new Wallet({ db, session, ledgerStore });
 * await wallet.onboard(phrase, passphrase);
 * const grant = await wallet.share(request, 'https://clinic.example');
 * ```
 */
export class Wallet {
  readonly #deps: WalletDeps;
  #ledger: PatientLedger | undefined;

  constructor(deps: WalletDeps) {
    this.#deps = deps;
  }

  /** Whether a vault exists. */
  async onboarded(): Promise<boolean> {
    return (await this.#deps.db.vault()) !== undefined;
  }

  /** Creates the vault from a recovery phrase (new or restored) and unlocks. */
  async onboard(phrase: string, passphrase: string): Promise<{ publicKey: string }> {
    const entropy = mnemonicEntropy(phrase);
    const vault = await sealVault(entropy, passphrase, this.#deps.scrypt ?? DEFAULT_SCRYPT);
    const identity = await deriveIdentity(phrase);
    const publicKey = bytesToHex(identity.secretKey.publicKey().toCompressedBytes());
    const settings = (await this.#deps.db.settings()) ?? DEFAULT_SETTINGS;
    await this.#deps.db.setUp(
      vault,
      { publicKey, ledgerId: bytesToHex(identity.ledgerId) },
      settings,
    );
    this.#ledger = undefined;
    this.#deps.session.unlock(identity);
    return { publicKey };
  }

  /** Unlocks with the passphrase. */
  async unlock(passphrase: string): Promise<void> {
    const stored = await this.#deps.db.vault();
    if (!stored) throw new NotOnboardedError();
    const entropy = await openVault(stored, passphrase);
    try {
      this.#deps.session.unlock(await deriveIdentity(entropyMnemonic(entropy)));
    } finally {
      entropy.fill(0);
    }
  }

  /** The recovery phrase, after the passphrase checks again (backup). */
  async revealMnemonic(passphrase: string): Promise<string> {
    const stored = await this.#deps.db.vault();
    if (!stored) throw new NotOnboardedError();
    return entropyMnemonic(await openVault(stored, passphrase));
  }

  /** The patient's public key (hex), readable while locked. */
  async publicKey(): Promise<string> {
    const identity = await this.#deps.db.identity();
    if (!identity) throw new NotOnboardedError();
    return identity.publicKey;
  }

  async settings(): Promise<Settings> {
    return (await this.#deps.db.settings()) ?? DEFAULT_SETTINGS;
  }

  async saveSettings(value: unknown): Promise<Settings> {
    const parsed = settingsSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidSettingsError(`${issue?.path.join('.') || 'settings'}: ${issue?.message}`);
    }
    await this.#deps.db.putSettings(parsed.data);
    return parsed.data;
  }

  #owner(): Signer {
    return new Signer(this.#deps.session.identity().secretKey);
  }

  async #host(): Promise<LedgerHostClient> {
    return new LedgerHostClient({ url: (await this.settings()).ledgerHost });
  }

  /** The local copy of the ledger (readable while locked: it holds no secret). */
  async #patientLedger(): Promise<PatientLedger> {
    const identity = await this.#deps.db.identity();
    if (!identity) throw new NotOnboardedError();
    if (this.#ledger?.idHex !== identity.ledgerId) {
      this.#ledger = await PatientLedger.open(
        hexToBytes(identity.ledgerId),
        this.#deps.ledgerStore,
      );
    }
    return this.#ledger;
  }

  /** The records in the local ledger that `scope` covers today, with their titles. */
  async recordsInScope(scope: GrantScope): Promise<RecordMatch[]> {
    const patientLedger = await this.#patientLedger();
    if (this.#deps.session.unlocked) {
      // best effort: a host that is down leaves the local copy as it is
      await patientLedger.sync(await this.#host(), this.#owner()).catch(() => undefined);
    }
    const { ledger } = patientLedger;
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

  async #chain() {
    const settings = await this.settings();
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
        'the chain node has no account to pay for transactions: set a relayer in settings',
      );
    }
    return { client, registry: getAddress(settings.registry), relayer };
  }

  /** The proxies to use, each with its key (fetched from the proxy and pinned on first use). */
  /**
   * The proxies of a share: the patient's, or the subset a site named (the
   * provider already refused any other). Keys always come from the
   * patient's settings, pinned on first use — never from the site.
   */
  async #proxies(request: ShareRequest): Promise<{ proxies: ProxyEndpoint[]; threshold: number }> {
    const settings = await this.settings();
    const chosen = request.proxies
      ? settings.proxies.filter((p) =>
          request.proxies?.some((r) => new URL(r.url).href === new URL(p.url).href),
        )
      : settings.proxies;
    let pinned = false;
    const proxies = await Promise.all(
      chosen.map(async (proxy) => {
        if (!proxy.publicKey) {
          proxy.publicKey = await fetchProxyKey(proxy.url);
          pinned = true;
        }
        const named = request.proxies?.find((r) => new URL(r.url).href === new URL(proxy.url).href);
        if (named && named.publicKey !== proxy.publicKey) {
          throw new ProviderRpcError(
            RPC_ERROR.invalidParams,
            `medvault_requestShare: proxy ${proxy.url} has another key than the site named`,
          );
        }
        return {
          url: proxy.url,
          publicKey: PublicKey.fromCompressedBytes(hexToBytes(proxy.publicKey)),
        };
      }),
    );
    if (pinned) await this.#deps.db.putSettings(settings);
    return { proxies, threshold: request.threshold ?? settings.threshold };
  }

  /** Grants the reader access (after the patient approved). */
  async share(request: ShareRequest, origin: string): Promise<GrantJson> {
    const patient = this.#deps.session.identity().secretKey;
    const owner = this.#owner();
    const host = await this.#host();
    const ledger = await this.#patientLedger();
    await ledger.sync(host, owner);
    const { proxies, threshold } = await this.#proxies(request);
    const grant = await grantAccess({
      patient,
      reader: PublicKey.fromCompressedBytes(hexToBytes(request.reader.publicKey)),
      scope: request.scope,
      purpose: request.purpose,
      expiresAt: request.expiresAt,
      proxies,
      threshold,
      ledger: { host, ledgerId: ledger.idHex },
      chain: await this.#chain(),
    });
    const json = grantToJson(grant);
    await this.#deps.db.putGrant({
      grant: json,
      origin,
      readerName: request.reader.name,
      createdAt: Date.now(),
    });
    await ledger.sync(host, owner);
    return json;
  }

  /** Adds a record a hospital handed over to the ledger (after the patient approved). */
  async receive(
    record: ReceiveRecordRequest,
    origin: string,
  ): Promise<{ cid: string; seq: number }> {
    const owner = this.#owner();
    const capsule = Capsule.fromBytes(hexToBytes(record.capsule));
    const body: EntryBody<'record'> = {
      cid: record.cid,
      capsule: capsule.toBytes(),
      contentType: record.contentType,
      size: record.size,
      recipient: owner.verifyingKey().toCompressedBytes(),
      ...(record.resourceType ? { resourceType: record.resourceType } : {}),
      ...(record.category ? { category: record.category } : {}),
    };
    const ledger = await this.#patientLedger();
    const after = await ledger.submit(await this.#host(), owner, 'record', body);
    const stored: StoredRecord = {
      cid: record.cid,
      title: record.title,
      contentType: record.contentType,
      size: record.size,
      origin,
      receivedAt: Date.now(),
      ...(record.resourceType ? { resourceType: record.resourceType } : {}),
      ...(record.category ? { category: record.category } : {}),
    };
    await this.#deps.db.putRecord(stored);
    return { cid: record.cid, seq: after.size - 1 };
  }

  /** Revokes a grant; with `origin`, only one that origin asked for. */
  async revoke(
    grantId: string,
    origin?: string,
  ): Promise<{ grantId: string; unreachable: string[] }> {
    const stored = await this.#deps.db.grant(grantId);
    if (!stored || (origin !== undefined && stored.origin !== origin)) {
      throw new ProviderRpcError(
        RPC_ERROR.invalidParams,
        `No grant ${grantId} was made for this site.`,
      );
    }
    if (!stored.revokedAt) {
      const host = await this.#host();
      const ledger = await this.#patientLedger();
      const owner = this.#owner();
      await ledger.sync(host, owner);
      const { unreachable } = await revokeAccess({
        patient: this.#deps.session.identity().secretKey,
        grant: grantFromJson(stored.grant),
        ledger: { host, ledgerId: ledger.idHex },
        chain: await this.#chain(),
      });
      await this.#deps.db.putGrant({ ...stored, revokedAt: Date.now() });
      await ledger.sync(host, owner);
      return { grantId, unreachable: unreachable.map((u) => u.proxy) };
    }
    return { grantId, unreachable: [] };
  }

  /** Grants, newest first; with `origin`, only those that origin asked for. */
  async grants(origin?: string): Promise<GrantSummary[]> {
    const now = Date.now();
    return (await this.#deps.db.grants(origin))
      .map((g) => summary(g, now))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async records(): Promise<StoredRecord[]> {
    return (await this.#deps.db.records()).sort((a, b) => b.receivedAt - a.receivedAt);
  }

  /** Who read what, when and through which proxy, from the ledger's access entries. */
  async accesses(): Promise<AccessSummary[]> {
    const ledger = (await this.#patientLedger()).ledger;
    const grants = new Map((await this.#deps.db.grants()).map((g) => [g.grant.grantId, g]));
    const titles = new Map((await this.#deps.db.records()).map((r) => [r.cid, r.title]));
    const out: AccessSummary[] = [];
    for (let seq = 0; seq < ledger.size; seq++) {
      const entry = ledger.entry(seq);
      if (entry.kind !== 'access') continue;
      const body = entry.body as EntryBody<'access'>;
      const grantId = bytesToHex(body.grantId);
      const grant = grants.get(grantId);
      const proxyKey = bytesToHex(body.proxy);
      out.push({
        time: entry.time,
        grantId,
        readerName: grant?.readerName ?? 'unknown reader',
        proxy:
          grant?.grant.proxies.find((p) => p.publicKey === proxyKey)?.url ??
          `proxy ${proxyKey.slice(0, 12)}…`,
        records: body.capsules.map((cid) => titles.get(cid) ?? cid),
      });
    }
    return out.reverse();
  }

  /**
   * After restoring from the phrase: brings the ledger from the host (if it
   * has one; a new identity has none, and none is made here) and rebuilds
   * the records and shares lists from it.
   */
  async restoreFromLedger(): Promise<AdoptedFromLedger> {
    const host = await this.#host();
    const patientLedger = await this.#patientLedger();
    try {
      await host.head(patientLedger.idHex);
    } catch (error) {
      if (error instanceof LedgerHostRequestError && error.status === 404) {
        return { records: 0, grants: 0, revoked: 0 };
      }
      throw error;
    }
    return adoptFromLedger(await patientLedger.sync(host, this.#owner()), this.#deps.db);
  }

  /**
   * Brings the ledger up to date from the host and reports it, with its
   * latest anchor — checked against the ledger: an anchor beyond the
   * entries held, or over other entries, is reported as a problem. What
   * other devices added (records, grants, revocations) joins the lists.
   */
  async ledgerStatus(): Promise<LedgerStatus> {
    const patientLedger = await this.#patientLedger();
    try {
      const ledger = await patientLedger.sync(await this.#host(), this.#owner());
      const adopted = await adoptFromLedger(ledger, this.#deps.db);
      const { client, registry } = await this.#chain();
      const anchor = await getAnchor(client, {
        registry,
        ledgerId: ledger.id,
        owner: ledger.owner,
      });
      // The anchor is the patient's own signed word on chain: the ledger held
      // here must contain exactly what it fixed.
      if (anchor && anchor.size > ledger.size) {
        return {
          ok: false,
          entries: ledger.size,
          adopted,
          problem: `the chain anchors ${anchor.size} entries, but the ledger host gave only ${ledger.size}`,
        };
      }
      if (anchor && `0x${bytesToHex(ledger.root(anchor.size))}` !== anchor.root.toLowerCase()) {
        return {
          ok: false,
          entries: ledger.size,
          adopted,
          problem: `the ledger's first ${anchor.size} entries are not the ones anchored on chain`,
        };
      }
      return {
        ok: true,
        entries: ledger.size,
        adopted,
        ...(anchor
          ? { anchor: { size: anchor.size, blockNumber: anchor.blockNumber.toString() } }
          : {}),
      };
    } catch (error) {
      return {
        ok: false,
        entries: patientLedger.ledger.size,
        problem: (error as Error).message.split('\n')[0] ?? String(error),
      };
    }
  }

  /** Signs a checkpoint of the whole ledger, gives it to the host and anchors it on chain. */
  async anchor(): Promise<{ size: number; blockNumber: string }> {
    const owner = this.#owner();
    const host = await this.#host();
    const patientLedger = await this.#patientLedger();
    const ledger = await patientLedger.sync(host, owner);
    const checkpoint = await ledger.checkpoint(owner);
    await host.putCheckpoint(patientLedger.idHex, checkpoint);
    const { client, registry, relayer } = await this.#chain();
    const { blockNumber } = await anchorCheckpoint(client, {
      registry,
      relayer,
      checkpoint,
      owner: this.#deps.session.identity().secretKey,
    });
    return { size: checkpoint.size, blockNumber: blockNumber.toString() };
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
    throw new InvalidSettingsError(`proxy ${url} did not answer (${(cause as Error).message})`);
  }
  if (typeof body.publicKey !== 'string' || !/^(02|03)[0-9a-f]{64}$/.test(body.publicKey)) {
    throw new InvalidSettingsError(`proxy ${url} did not give a public key`);
  }
  return body.publicKey;
}
