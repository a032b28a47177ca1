/**
 * The wallet the message handlers call: a facade over its four controllers
 * — identity and vault, sharing, ledger sync, settings — that composes them
 * and delegates each call, holding no logic of its own.
 */
import type { GrantScope, LedgerStore } from '@medvault/core/ledger';
import type { GrantJson } from '@medvault/core/proxy';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ReceiveRecordRequest, ShareRequest } from '../shared/provider-schema.js';
import { HealthLinks, type LinkRequest, type LinkSummary } from './health-links.js';
import { IdentityVault } from './identity-vault.js';
import {
  type AccessSummary,
  type LedgerStatus,
  LedgerSync,
  type ProposedRecord,
} from './ledger-sync.js';
import type { AdoptedFromLedger } from './lists-from-ledger.js';
import { MyRecords, type OpenedRecord, type RecordsExport } from './my-records.js';
import { ProviderRecords, type ProviderSummary, type SyncOutcome } from './provider-records.js';
import type { Session } from './session.js';
import type { Settings } from './settings.js';
import { SettingsController } from './settings-controller.js';
import {
  type GrantSummary,
  type Overlap,
  type RecordMatch,
  type RevokeResult,
  Sharing,
} from './sharing.js';
import type { AuthWindow } from './smart-sign-in.js';
import type { ScryptParams } from './vault.js';
import type { StoredRecord, WalletDb } from './wallet-db.js';

export type { LinkRequest, LinkSummary } from './health-links.js';
export type { AccessSummary, LedgerStatus } from './ledger-sync.js';
export type { OpenedRecord, RecordsExport } from './my-records.js';
export type { ProviderSummary, SyncActivity, SyncOutcome } from './provider-records.js';
export type { GrantSummary, Overlap, RecordMatch, RevokeResult } from './sharing.js';

/**
 * What `Wallet` needs.
 *
 * @example
 * ```ts
 * const deps: WalletDeps = { db, session, ledgerStore: new MemoryLedgerStore() };
 * ```
 */
export type WalletDeps = {
  db: WalletDb;
  session: Session;
  ledgerStore: LedgerStore;
  /** scrypt cost for new vaults (tests lower it; the default is `DEFAULT_SCRYPT`). */
  scrypt?: ScryptParams;
  /** The window a provider's sign-in opens in (the background's `chrome.identity`); none: no provider can be connected. */
  authWindow?: AuthWindow;
};

/**
 * What the handlers call: the four controllers, composed.
 *
 * @example
 * ```ts
 * const wallet = new Wallet({ db, session, ledgerStore });
 * await wallet.onboard(phrase, passphrase);
 * const grant = await wallet.share(request, 'https://clinic.example');
 * ```
 */
export class Wallet {
  readonly #settings: SettingsController;
  readonly #identity: IdentityVault;
  readonly #ledgerSync: LedgerSync;
  readonly #sharing: Sharing;
  readonly #myRecords: MyRecords;
  readonly #links: HealthLinks;
  readonly #providers: ProviderRecords;

  constructor({ db, session, ledgerStore, scrypt, authWindow }: WalletDeps) {
    const settings = new SettingsController({ db });
    const identity = new IdentityVault({ db, session, settings, scrypt });
    const ledgerSync = new LedgerSync({ db, ledgerStore, identity, settings });
    this.#settings = settings;
    this.#identity = identity;
    this.#ledgerSync = ledgerSync;
    this.#sharing = new Sharing({ db, identity, ledgerSync, settings });
    this.#myRecords = new MyRecords({ db, identity, ledgerSync, settings });
    this.#links = new HealthLinks({ db, ledgerSync, myRecords: this.#myRecords, settings });
    this.#providers = new ProviderRecords({
      db,
      identity,
      ledgerSync,
      ...(authWindow ? { authWindow } : {}),
      // new records may belong on the emergency card (best effort)
      onImported: () => void this.#links.refreshEmergency(),
    });
    // a provider's access token goes with the key
    session.onLock(() => this.#providers.forget());
  }

  /** `IdentityVault.onboarded`. */
  onboarded(): Promise<boolean> {
    return this.#identity.onboarded();
  }
  /** `IdentityVault.onboard`. */
  onboard(phrase: string, passphrase: string): Promise<{ publicKey: string }> {
    return this.#identity.onboard(phrase, passphrase);
  }
  /** `IdentityVault.unlock`. */
  unlock(passphrase: string): Promise<void> {
    return this.#identity.unlock(passphrase);
  }
  /** `IdentityVault.onboardFromShares`. */
  onboardFromShares(shares: readonly string[], passphrase: string): Promise<{ publicKey: string }> {
    return this.#identity.onboardFromShares(shares, passphrase);
  }
  /** `IdentityVault.guardianShares`. */
  guardianShares(passphrase: string, threshold: number, count: number): Promise<string[]> {
    return this.#identity.guardianShares(passphrase, threshold, count);
  }
  /** `IdentityVault.revealMnemonic`. */
  revealMnemonic(passphrase: string): Promise<string> {
    return this.#identity.revealMnemonic(passphrase);
  }
  /**
   * Replaces the identity key with the phrase's next one, after the
   * passphrase checks again (`LedgerSync.rotateIdentity`).
   */
  async rotateIdentity(
    passphrase: string,
  ): Promise<Awaited<ReturnType<LedgerSync['rotateIdentity']>>> {
    await this.#identity.confirmPassphrase(passphrase);
    return this.#ledgerSync.rotateIdentity();
  }
  /** `IdentityVault.publicKey`. */
  publicKey(): Promise<string> {
    return this.#identity.publicKey();
  }
  /** `LedgerSync.encryptionKey`, as hex: the key a record of `category` is sealed to now. */
  async encryptionKey(
    category: string,
  ): Promise<{ category: string; epoch: number; publicKey: string }> {
    const { epoch, key } = await this.#ledgerSync.encryptionKey(category);
    return { category, epoch, publicKey: bytesToHex(key.toCompressedBytes()) };
  }

  /** `SettingsController.get`. */
  settings(): Promise<Settings> {
    return this.#settings.get();
  }
  /** `SettingsController.save`. */
  saveSettings(value: unknown): Promise<Settings> {
    return this.#settings.save(value);
  }

  /** `Sharing.recordsInScope`. */
  recordsInScope(scope: GrantScope): Promise<RecordMatch[]> {
    return this.#sharing.recordsInScope(scope);
  }
  /** `Sharing.share`. */
  share(request: ShareRequest, origin: string): Promise<GrantJson> {
    return this.#sharing.share(request, origin);
  }
  /** `Sharing.revoke`. */
  revoke(grantId: string, origin?: string): Promise<RevokeResult> {
    return this.#sharing.revoke(grantId, origin);
  }
  /** `Sharing.overlapping`. */
  overlapping(request: ShareRequest, matches: readonly RecordMatch[]): Promise<Overlap[]> {
    return this.#sharing.overlapping(request, matches);
  }
  /** `Sharing.grants`. */
  grants(origin?: string): Promise<GrantSummary[]> {
    return this.#sharing.grants(origin);
  }

  /** `MyRecords.open`. */
  openRecord(cid: string): Promise<OpenedRecord> {
    return this.#myRecords.open(cid);
  }
  /** `MyRecords.exportAll`. */
  exportRecords(): Promise<RecordsExport> {
    return this.#myRecords.exportAll();
  }
  /** `HealthLinks.create`. */
  createLink(
    request: LinkRequest,
  ): Promise<{ shlink: string; passcode?: string; link: LinkSummary }> {
    return this.#links.create(request);
  }
  /** `HealthLinks.emergency`: the emergency card, made or brought up to date. */
  emergencyCard(options: { passcode?: boolean } = {}): ReturnType<HealthLinks['emergency']> {
    return this.#links.emergency(options);
  }
  /** `HealthLinks.list`. */
  links(): Promise<LinkSummary[]> {
    return this.#links.list();
  }
  /** `HealthLinks.revoke`. */
  revokeLink(id: string): Promise<{ id: string }> {
    return this.#links.revoke(id);
  }
  /** `ProviderRecords.list`. */
  providers(): Promise<ProviderSummary[]> {
    return this.#providers.list();
  }
  /** `ProviderRecords.connect`. */
  connectProvider(
    serverUrl: string,
    options: { clientId?: string } = {},
  ): Promise<ProviderSummary> {
    return this.#providers.connect(serverUrl, options);
  }
  /** `ProviderRecords.sync`. */
  syncProvider(serverUrl: string): Promise<ProviderSummary> {
    return this.#providers.sync(serverUrl);
  }
  /** `ProviderRecords.settled`. */
  providerSettled(serverUrl: string): Promise<SyncOutcome | undefined> {
    return this.#providers.settled(serverUrl);
  }
  /** `ProviderRecords.remove`. */
  removeProvider(serverUrl: string): Promise<{ serverUrl: string }> {
    return this.#providers.remove(serverUrl);
  }
  /** `MyRecords.identifying`. */
  identifyingIn(cids: readonly string[]): Promise<{ kinds: string[]; unchecked: string[] }> {
    return this.#myRecords.identifying(cids);
  }

  /** `LedgerSync.receive`. */
  async receive(
    record: ReceiveRecordRequest,
    origin: string,
  ): Promise<{ cid: string; seq: number }> {
    const received = await this.#ledgerSync.receive(record, origin);
    // a new record may belong on the emergency card (best effort, not awaited by the site)
    void this.#links.refreshEmergency();
    return received;
  }
  /** `LedgerSync.proposals`. */
  proposals(): Promise<ProposedRecord[]> {
    return this.#ledgerSync.proposals();
  }
  /** `LedgerSync.decideProposal`. */
  async decideProposal(seq: number, accept: boolean): Promise<{ seq: number; accepted: boolean }> {
    const decided = await this.#ledgerSync.decideProposal(seq, accept);
    if (decided.accepted) void this.#links.refreshEmergency();
    return decided;
  }
  /** `LedgerSync.records`. */
  records(): Promise<StoredRecord[]> {
    return this.#ledgerSync.records();
  }
  /** `LedgerSync.latest`: the local ledger brought up to date from the host (when unlocked). */
  async refresh(): Promise<void> {
    await this.#ledgerSync.latest();
  }
  /** `LedgerSync.accesses`. */
  accesses(): Promise<AccessSummary[]> {
    return this.#ledgerSync.accesses();
  }
  /** `LedgerSync.restoreFromLedger`. */
  restoreFromLedger(): Promise<AdoptedFromLedger> {
    return this.#ledgerSync.restoreFromLedger();
  }
  /** `LedgerSync.status`. */
  ledgerStatus(): Promise<LedgerStatus> {
    return this.#ledgerSync.status();
  }
  /** `LedgerSync.anchor`. */
  anchor(): Promise<{ size: number; blockNumber: string }> {
    return this.#ledgerSync.anchor();
  }
}
