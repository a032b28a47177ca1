/**
 * The wallet's IndexedDB database (idb): the sealed vault, public identity,
 * settings, per-origin permissions, grants the patient made and records
 * received. The ledger's entries live in the core's `IndexedDbLedgerStore`.
 * Nothing here is secret in clear: the vault is encrypted, and a provider's
 * refresh token is sealed to the patient's notes key.
 */
import type { GrantJson } from '@medvault/core/proxy';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { SyncOutcome } from './import-words.js';
import type { Settings } from './settings.js';
import type { SealedVault } from './vault.js';

/** The identity's public half, readable while locked. */
export type PublicIdentity = {
  publicKey: string;
  ledgerId: string;
  /** Which identity key of the phrase is in use (0 until the patient rotates it). */
  identityIndex?: number;
};

/** A grant the patient made, with where it was asked from. */
export type StoredGrant = {
  grant: GrantJson;
  /** The origin that asked, as the browser reported it. */
  origin: string;
  readerName: string;
  createdAt: number;
  revokedAt?: number;
  /**
   * When this share last got new keys because another share of its
   * categories was revoked (the dashboard says so).
   */
  keysUpdatedAt?: number;
  /** For a revoked share: when its categories moved to a new epoch (absent: still to do). */
  rotatedAt?: number;
};

/** A record the patient accepted into the ledger. */
export type StoredRecord = {
  cid: string;
  title: string;
  contentType: string;
  resourceType?: string;
  category?: string;
  size: number;
  /** The hospital origin that handed it over. */
  origin: string;
  receivedAt: number;
  /**
   * The kinds of identifying data it carries ("phone number", "address" …),
   * found the first time the wallet opened it; the share prompt names them.
   */
  identifying?: string[];
  /**
   * For a record imported from a provider's FHIR server (whose base URL is
   * `origin`): the resource (`Type/id`), its version, and when it was
   * fetched — from the record's sealed note.
   */
  imported?: { source: string; version: string; fetchedAt: string };
};

/**
 * A secret kept at rest sealed to the patient's notes key (Umbral
 * `encrypt`, as the ledger's notes are): only the unlocked wallet opens it.
 *
 * @example
 * ```ts
 * const [capsule, ciphertext] = encrypt(keys.notesKey().publicKey(), utf8ToBytes(token));
 * const sealed: SealedSecret = { capsule: bytesToHex(capsule.toBytes()), ciphertext: bytesToHex(ciphertext) };
 * ```
 */
export type SealedSecret = {
  /** The capsule, hex. */
  capsule: string;
  /** The ciphertext, hex. */
  ciphertext: string;
};

/**
 * A provider's FHIR server the patient connected ("Add records from my
 * provider"), with what the sign-in gave. The access token is never
 * stored; the refresh token only sealed, and only when the provider
 * granted `offline_access`.
 *
 * @example
 * ```ts
 * const [first]: StoredProvider[] = await db.providers();
 * first?.needsSignIn; // true once the provider refused the refresh token
 * ```
 */
export type StoredProvider = {
  /** The FHIR server's base URL (normalized: the notes' `origin`). */
  serverUrl: string;
  /** The wallet's client id there. */
  clientId: string;
  addedAt: number;
  /** The patient's id at the provider (the launch context's). */
  patientId: string;
  /** The scopes the provider granted. */
  scope: string;
  /** Where tokens are refreshed. */
  tokenUri: string;
  refreshToken?: SealedSecret;
  /** The authorisation ended (refused, expired, withdrawn): the patient signs in again. */
  needsSignIn?: boolean;
  lastSync?: SyncOutcome;
};

/**
 * A SMART Health Link the patient made (health-links.ts): the link itself
 * (it holds the key: anyone with it reads), and the host's management token.
 */
export type StoredLink = {
  id: string;
  /** The SHL host that holds its encrypted files. */
  host: string;
  /** Authorises reading its log and revoking it on the host. */
  token: string;
  shlink: string;
  label: string;
  createdAt: number;
  expiresAt: number;
  passcode: boolean;
  /** Titles of the records in it. */
  records: string[];
  revokedAt?: number;
  /** The emergency card's link. */
  emergency?: boolean;
};

/** What the patient has already been notified of (notifier.ts). */
export type Notified = {
  /** Reads up to this time (ms) were told, or happened before notifications were on. */
  readsUntil: number;
  /** Shares whose coming end was told. */
  ending: string[];
};

/** A site's permission to talk to the wallet. */
export type Permission = { origin: string; connectedAt: number };

interface WalletSchema extends DBSchema {
  kv: {
    key: 'vault' | 'identity' | 'settings' | 'notified' | 'links' | 'providers';
    value: SealedVault | PublicIdentity | Settings | Notified | StoredLink[] | StoredProvider[];
  };
  permissions: { key: string; value: Permission };
  grants: { key: string; value: StoredGrant; indexes: { origin: string } };
  records: { key: string; value: StoredRecord };
}

/**
 * Typed access to the wallet database.
 *
 * @example
 * ```ts
 * const db = await WalletDb.open();
 * await db.putPermission({ origin: 'https://clinic.example', connectedAt: Date.now() });
 * ```
 */
export class WalletDb {
  readonly #db: IDBPDatabase<WalletSchema>;
  private constructor(db: IDBPDatabase<WalletSchema>) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database. */
  static async open(name = 'medvault-wallet'): Promise<WalletDb> {
    const db = await openDB<WalletSchema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('kv');
        db.createObjectStore('permissions', { keyPath: 'origin' });
        db.createObjectStore('grants', { keyPath: 'grant.grantId' }).createIndex(
          'origin',
          'origin',
        );
        db.createObjectStore('records', { keyPath: 'cid' });
      },
    });
    return new WalletDb(db);
  }

  async vault(): Promise<SealedVault | undefined> {
    return (await this.#db.get('kv', 'vault')) as SealedVault | undefined;
  }
  async identity(): Promise<PublicIdentity | undefined> {
    return (await this.#db.get('kv', 'identity')) as PublicIdentity | undefined;
  }
  /** Replaces the public identity (after an identity rotation, or finding the index in use). */
  async setIdentity(identity: PublicIdentity): Promise<void> {
    await this.#db.put('kv', identity, 'identity');
  }
  /** Writes vault and public identity together: a wallet is never half set up. */
  async setUp(vault: SealedVault, identity: PublicIdentity, settings: Settings): Promise<void> {
    const tx = this.#db.transaction(['kv', 'permissions', 'grants', 'records'], 'readwrite');
    await Promise.all([
      tx.objectStore('permissions').clear(),
      tx.objectStore('grants').clear(),
      tx.objectStore('records').clear(),
      // a provider's refresh token is sealed to the previous identity's notes key
      tx.objectStore('kv').delete('providers'),
      tx.objectStore('kv').put(vault, 'vault'),
      tx.objectStore('kv').put(identity, 'identity'),
      tx.objectStore('kv').put(settings, 'settings'),
      tx.done,
    ]);
  }
  async settings(): Promise<Settings | undefined> {
    return (await this.#db.get('kv', 'settings')) as Settings | undefined;
  }
  async putSettings(settings: Settings): Promise<void> {
    await this.#db.put('kv', settings, 'settings');
  }
  async links(): Promise<StoredLink[]> {
    return ((await this.#db.get('kv', 'links')) as StoredLink[] | undefined) ?? [];
  }
  async putLinks(links: StoredLink[]): Promise<void> {
    await this.#db.put('kv', links, 'links');
  }
  async providers(): Promise<StoredProvider[]> {
    return ((await this.#db.get('kv', 'providers')) as StoredProvider[] | undefined) ?? [];
  }
  async putProviders(providers: StoredProvider[]): Promise<void> {
    await this.#db.put('kv', providers, 'providers');
  }
  async notified(): Promise<Notified | undefined> {
    return (await this.#db.get('kv', 'notified')) as Notified | undefined;
  }
  async putNotified(notified: Notified): Promise<void> {
    await this.#db.put('kv', notified, 'notified');
  }
  async permission(origin: string): Promise<Permission | undefined> {
    return this.#db.get('permissions', origin);
  }
  async putPermission(permission: Permission): Promise<void> {
    await this.#db.put('permissions', permission);
  }
  async deletePermission(origin: string): Promise<void> {
    await this.#db.delete('permissions', origin);
  }
  async permissions(): Promise<Permission[]> {
    return this.#db.getAll('permissions');
  }
  async grants(origin?: string): Promise<StoredGrant[]> {
    return origin === undefined
      ? this.#db.getAll('grants')
      : this.#db.getAllFromIndex('grants', 'origin', origin);
  }
  async grant(grantId: string): Promise<StoredGrant | undefined> {
    return this.#db.get('grants', grantId);
  }
  async putGrant(grant: StoredGrant): Promise<void> {
    await this.#db.put('grants', grant);
  }
  async records(): Promise<StoredRecord[]> {
    return this.#db.getAll('records');
  }
  async record(cid: string): Promise<StoredRecord | undefined> {
    return this.#db.get('records', cid);
  }
  async putRecord(record: StoredRecord): Promise<void> {
    await this.#db.put('records', record);
  }
}
