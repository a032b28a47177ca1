/**
 * "Add records from my provider": the patient connects her provider's FHIR
 * server (a SMART on FHIR patient-access API, as certified EHRs offer),
 * signs in there (`smart-sign-in.ts`), and her records are brought in by
 * `syncFromProvider` — each one sealed to her current key for its
 * category, stored, and recorded as her own in her ledger
 * (`LedgerSync.addOwnRecord`), one at a time. Later syncs read only what
 * changed, from the state her ledger's notes give (`importState`).
 *
 * Tokens live only here, in the background: the access token in memory
 * (dropped when the wallet locks or the provider is removed); a refresh
 * token, when the provider granted `offline_access`, sealed to the
 * patient's notes key in the wallet's database, replaced whenever the
 * provider rotates it, deleted when the sign-in ends or the patient removes
 * the provider. Nothing here logs.
 */
import { Capsule, decryptOriginal, encrypt } from '@medvault/core/pre';
import { type BuiltRecord, importState, syncFromProvider } from '@medvault/core/provider-import';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type Client from 'fhirclient/lib/Client';
import type { fhirclient } from 'fhirclient/lib/types';
import {
  ProviderSignInError,
  ProviderSignInNeededError,
  ProviderStateError,
  WalletLockedError,
} from './errors.js';
import type { IdentityVault } from './identity-vault.js';
import { failedOutcome, outcomeOf, type SyncOutcome } from './import-words.js';
import type { LedgerSync } from './ledger-sync.js';
import {
  type AuthWindow,
  clientFromRefreshToken,
  discoverSmart,
  providerBaseUrl,
  scopeFor,
  signIn,
  WALLET_CLIENT_ID,
} from './smart-sign-in.js';
import type { SealedSecret, StoredProvider, WalletDb } from './wallet-db.js';

export type { SyncOutcome } from './import-words.js';

/** A FHIR id: what a patient id from a sign-in must be. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * What a provider is doing now: waiting for the patient to sign in, or
 * syncing (the type being read and the counts so far).
 *
 * @example
 * ```ts
 * const activity: SyncActivity = { phase: 'syncing', startedAt: Date.now(), reading: 'Observation', imported: 3, unchanged: 10, refused: 0 };
 * ```
 */
export type SyncActivity =
  | { phase: 'signing-in'; startedAt: number }
  | {
      phase: 'syncing';
      startedAt: number;
      reading: string;
      imported: number;
      unchanged: number;
      refused: number;
    };

/**
 * A connected provider as the wallet's page lists it (no token in it).
 *
 * @example
 * ```ts
 * const [first]: ProviderSummary[] = await providers.list();
 * show(`${first.name}: ${first.lastSync?.summary ?? 'not synced yet'}`);
 * ```
 */
export type ProviderSummary = {
  serverUrl: string;
  /** Its host, as the patient reads it. */
  name: string;
  addedAt: number;
  /** The patient's id at the provider. */
  patientId: string;
  /** Whether a sync can run now without signing in again. */
  signedIn: boolean;
  /** Whether the provider granted a lasting sign-in (a refresh token, kept sealed). */
  lasting: boolean;
  needsSignIn: boolean;
  lastSync?: SyncOutcome;
  activity?: SyncActivity;
};

/**
 * What `ProviderRecords` needs.
 *
 * @example
 * ```ts
 * const deps: ProviderRecordsDeps = { db, identity, ledgerSync, authWindow, onImported: () => void links.refreshEmergency() };
 * ```
 */
export type ProviderRecordsDeps = {
  db: WalletDb;
  identity: IdentityVault;
  ledgerSync: LedgerSync;
  /** Opens the provider's sign-in; without it (no browser) the wallet cannot connect a provider. */
  authWindow?: AuthWindow;
  /** Told after a sync that added records. */
  onImported?: () => void;
  /** The clock (tests). */
  now?: () => number;
};

const hostOf = (serverUrl: string) => new URL(serverUrl).host;

/**
 * The patient's providers and their syncs.
 *
 * @example
 * ```ts
 * const providers = new ProviderRecords({ db, identity, ledgerSync, authWindow });
 * await providers.connect('https://fhir.example.org/r4'); // the sign-in window opens; then the first sync starts
 * const outcome = await providers.settled('https://fhir.example.org/r4');
 * ```
 */
export class ProviderRecords {
  readonly #deps: ProviderRecordsDeps;
  /** Signed-in clients by server: the access tokens, in memory only. */
  readonly #clients = new Map<string, Client>();
  readonly #activity = new Map<string, SyncActivity>();
  readonly #running = new Map<string, { done: Promise<SyncOutcome>; stop: AbortController }>();
  /** Read-modify-write of the stored list, one at a time. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(deps: ProviderRecordsDeps) {
    this.#deps = deps;
    deps.identity.onOnboard(() => this.forget());
  }

  get #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  /** Drops every access token held (the wallet locked, or was set up again). */
  forget(): void {
    this.#clients.clear();
  }

  /** The connected providers, each with its last sync and what it is doing now. */
  async list(): Promise<ProviderSummary[]> {
    const stored = await this.#deps.db.providers();
    return stored.sort((a, b) => a.addedAt - b.addedAt).map((p) => this.#summary(p));
  }

  #summary(p: StoredProvider): ProviderSummary {
    const activity = this.#activity.get(p.serverUrl);
    return {
      serverUrl: p.serverUrl,
      name: hostOf(p.serverUrl),
      addedAt: p.addedAt,
      patientId: p.patientId,
      signedIn: !p.needsSignIn && (this.#clients.has(p.serverUrl) || p.refreshToken !== undefined),
      lasting: p.refreshToken !== undefined,
      needsSignIn: p.needsSignIn === true,
      ...(p.lastSync ? { lastSync: p.lastSync } : {}),
      ...(activity ? { activity: { ...activity } } : {}),
    };
  }

  /** Changes the stored entry of `serverUrl` (`change` gets it or undefined; returns the new one, or undefined to delete). */
  #update(
    serverUrl: string,
    change: (current: StoredProvider | undefined) => StoredProvider | undefined,
  ): Promise<StoredProvider | undefined> {
    const run = this.#writes.then(async () => {
      const all = await this.#deps.db.providers();
      const current = all.find((p) => p.serverUrl === serverUrl);
      const next = change(current);
      const others = all.filter((p) => p.serverUrl !== serverUrl);
      await this.#deps.db.putProviders(next ? [...others, next] : others);
      return next;
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }

  /** Seals a token to the patient's notes key (locked: `WalletLockedError`). */
  #seal(token: string): SealedSecret {
    return this.#deps.identity.withKeys((keys) => {
      const [capsule, ciphertext] = encrypt(
        keys.notesKey().publicKey(),
        new TextEncoder().encode(token),
      );
      return { capsule: bytesToHex(capsule.toBytes()), ciphertext: bytesToHex(ciphertext) };
    });
  }

  #open(sealed: SealedSecret): string {
    return this.#deps.identity.withKeys((keys) =>
      new TextDecoder().decode(
        decryptOriginal(
          keys.notesKey(),
          Capsule.fromBytes(hexToBytes(sealed.capsule)),
          hexToBytes(sealed.ciphertext),
        ),
      ),
    );
  }

  /** The refresh token of `state`, sealed, when the provider granted a lasting sign-in. */
  #lasting(state: fhirclient.ClientState): SealedSecret | undefined {
    const token = state.tokenResponse?.refresh_token;
    const scope = String(state.tokenResponse?.scope ?? '');
    return typeof token === 'string' && scope.split(' ').includes('offline_access')
      ? this.#seal(token)
      : undefined;
  }

  /** fhirclient changed a client's tokens (a refresh; a rotated refresh token): keep the new one. */
  #tokensChanged(serverUrl: string, state: fhirclient.ClientState): void {
    void this.#update(serverUrl, (current) => {
      if (!current) return current;
      const refreshToken = this.#lasting(state);
      const { refreshToken: _old, ...rest } = current;
      return refreshToken ? { ...rest, refreshToken } : rest;
    }).catch(() => {
      // locked meanwhile: the token kept is the one before; the next sign-in replaces it
    });
  }

  /**
   * Connects the provider at `serverUrl` (a FHIR base URL): discovers its
   * SMART configuration, opens its sign-in (standalone launch, PKCE), and
   * once the patient allowed access, keeps the provider and starts the
   * first sync (not awaited: `list()` shows it). Also "sign in again" for
   * a provider already connected. Needs the wallet unlocked.
   */
  async connect(serverUrl: string, options: { clientId?: string } = {}): Promise<ProviderSummary> {
    const base = providerBaseUrl(serverUrl);
    const host = hostOf(base);
    if (!this.#deps.identity.unlocked) throw new WalletLockedError();
    if (this.#activity.has(base)) {
      throw new ProviderStateError(`A sign-in or sync of ${host} is already under way.`);
    }
    const { authWindow } = this.#deps;
    if (!authWindow) {
      throw new ProviderSignInError('This wallet cannot open a sign-in window here.');
    }
    const known = (await this.#deps.db.providers()).find((p) => p.serverUrl === base);
    // signing in again: the app id it was connected with, unless the patient gives another
    const clientId = options.clientId?.trim() || known?.clientId || WALLET_CLIENT_ID;
    this.#activity.set(base, { phase: 'signing-in', startedAt: this.#now });
    // the tokens of this sign-in are kept only once it is known to be the patient's
    let accepted = false;
    let client: Client;
    try {
      const config = await discoverSmart(base);
      client = await signIn({
        serverUrl: base,
        clientId,
        scope: scopeFor(config),
        authWindow,
        onTokens: (state) => {
          if (accepted) this.#tokensChanged(base, state);
        },
      });
    } finally {
      this.#activity.delete(base);
    }
    const patientId = client.getPatientId();
    if (typeof patientId !== 'string' || !FHIR_ID.test(patientId)) {
      throw new ProviderSignInError(
        `${host} did not say which patient record is yours, so MedVault cannot tell your records from anyone else’s.`,
      );
    }
    if (known && known.patientId !== patientId) {
      throw new ProviderSignInError(
        `You signed in to another patient’s record at ${host} than before. MedVault adds only your own records here; if this is right, remove ${host} first and connect it again.`,
      );
    }
    accepted = true;
    const { state } = client;
    const refreshToken = this.#lasting(state);
    const stored = await this.#update(base, () => ({
      serverUrl: base,
      clientId,
      addedAt: known?.addedAt ?? this.#now,
      patientId,
      scope: String(state.tokenResponse?.scope ?? state.scope ?? ''),
      tokenUri: String(state.tokenUri ?? ''),
      ...(refreshToken ? { refreshToken } : {}),
      ...(known?.lastSync ? { lastSync: known.lastSync } : {}),
    }));
    this.#clients.set(base, client);
    this.#start(stored as StoredProvider, client);
    return this.#summary(stored as StoredProvider);
  }

  /**
   * Starts a sync of a connected provider ("Sync now"); resolves once it is
   * under way (`list()` shows its progress, `settled()` its end). A sync
   * already running is left to run. `ProviderSignInNeededError` when the
   * wallet holds no working authorisation there any more.
   */
  async sync(serverUrl: string): Promise<ProviderSummary> {
    const base = providerBaseUrl(serverUrl);
    const stored = await this.#stored(base);
    if (!this.#deps.identity.unlocked) throw new WalletLockedError();
    if (this.#running.has(base)) return this.#summary(stored);
    if (this.#activity.has(base)) {
      throw new ProviderStateError(`A sign-in at ${hostOf(base)} is under way: finish it first.`);
    }
    const client = await this.#client(stored);
    this.#start(stored, client);
    return this.#summary(stored);
  }

  /** The end of the sync of `serverUrl` that is running, if one is. */
  async settled(serverUrl: string): Promise<SyncOutcome | undefined> {
    return this.#running.get(providerBaseUrl(serverUrl))?.done;
  }

  /**
   * Forgets a provider: a sync of it is stopped, its tokens are dropped
   * (the sealed refresh token deleted). The records it added stay.
   */
  async remove(serverUrl: string): Promise<{ serverUrl: string }> {
    const base = providerBaseUrl(serverUrl);
    await this.#stored(base);
    const running = this.#running.get(base);
    if (running) {
      running.stop.abort(new ProviderStateError('The provider was removed.'));
      await running.done;
    }
    this.#clients.delete(base);
    await this.#update(base, () => undefined);
    return { serverUrl: base };
  }

  async #stored(base: string): Promise<StoredProvider> {
    const stored = (await this.#deps.db.providers()).find((p) => p.serverUrl === base);
    if (!stored) {
      throw new ProviderStateError(
        `${hostOf(base)} is not one of your providers: connect it first.`,
      );
    }
    return stored;
  }

  /** The sign-in ended: the patient signs in again; the tokens kept for it go. */
  async #signInEnded(base: string): Promise<void> {
    this.#clients.delete(base);
    await this.#update(base, (current) => {
      if (!current) return current;
      const { refreshToken: _gone, ...rest } = current;
      return { ...rest, needsSignIn: true };
    });
  }

  /**
   * The signed-in client of a provider: the one in memory, else one made
   * from the sealed refresh token and refreshed now (fhirclient's
   * `refresh`). A refused refresh ends the sign-in.
   */
  async #client(stored: StoredProvider): Promise<Client> {
    const base = stored.serverUrl;
    const held = this.#clients.get(base);
    if (held && !stored.needsSignIn) return held;
    if (!stored.refreshToken || stored.needsSignIn) {
      await this.#signInEnded(base);
      throw new ProviderSignInNeededError(hostOf(base));
    }
    const client = clientFromRefreshToken({
      serverUrl: base,
      clientId: stored.clientId,
      tokenUri: stored.tokenUri,
      scope: stored.scope,
      patient: stored.patientId,
      refreshToken: this.#open(stored.refreshToken),
      redirectUri: this.#deps.authWindow?.redirectUri ?? 'https://medvault.invalid/provider',
      onTokens: (state) => this.#tokensChanged(base, state),
    });
    try {
      await client.refresh({ signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 400 || status === 401) {
        await this.#signInEnded(base);
        throw new ProviderSignInNeededError(hostOf(base), { cause: error });
      }
      throw new ProviderStateError(
        `${hostOf(base)} could not be reached to renew your sign-in. Try again later.`,
      );
    }
    this.#clients.set(base, client);
    return client;
  }

  /** Starts the sync of `stored` through `client`; `list()` and `settled()` follow it. */
  #start(stored: StoredProvider, client: Client): void {
    const base = stored.serverUrl;
    const activity: SyncActivity = {
      phase: 'syncing',
      startedAt: this.#now,
      reading: 'Patient',
      imported: 0,
      unchanged: 0,
      refused: 0,
    };
    this.#activity.set(base, activity);
    const stop = new AbortController();
    const done = this.#run(stored, client, activity, stop.signal).finally(() => {
      this.#activity.delete(base);
      this.#running.delete(base);
    });
    this.#running.set(base, { done, stop });
  }

  /** One sync, start to end; never throws: its outcome is kept with the provider. */
  async #run(
    stored: StoredProvider,
    client: Client,
    activity: Extract<SyncActivity, { phase: 'syncing' }>,
    signal: AbortSignal,
  ): Promise<SyncOutcome> {
    const base = stored.serverUrl;
    let outcome: SyncOutcome;
    try {
      const notes = await this.#deps.ledgerSync.recordNotes();
      const report = await syncFromProvider({
        client,
        patientId: stored.patientId,
        serverUrl: base,
        state: importState(notes),
        signal,
        land: (record) => this.#land(record),
        onProgress: (p) => {
          activity.reading = p.type;
          activity.imported = p.imported;
          activity.unchanged = p.unchanged;
          activity.refused = p.failed;
        },
      });
      outcome = outcomeOf(report, hostOf(base), this.#now);
    } catch (error) {
      outcome = failedOutcome(error, this.#now);
    }
    if (outcome.stopped?.reason === 'unauthorized') await this.#signInEnded(base);
    if (!signal.aborted) {
      await this.#update(base, (current) => current && { ...current, lastSync: outcome });
    }
    if (outcome.imported > 0) this.#deps.onImported?.();
    return outcome;
  }

  /** One record into the patient's ledger, as her own. */
  async #land(record: BuiltRecord): Promise<void> {
    await this.#deps.ledgerSync.addOwnRecord({
      bytes: record.bytes,
      contentType: record.contentType,
      resourceType: record.resourceType,
      category: record.category,
      note: record.note,
    });
  }
}
