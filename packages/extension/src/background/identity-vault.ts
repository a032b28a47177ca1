/**
 * The identity and vault concern of the wallet, and the only holder of its
 * secrets: it seals the recovery phrase's entropy under the passphrase,
 * opens it to unlock, and keeps the derived key in the session. Other
 * controllers get the public identity freely; the key only through
 * `signer()` (which signs and never shows it) or, for the core operations
 * that take a `SecretKey`, lent to a callback by `withSecretKey()`.
 *
 * Methods that see a secret: `onboard` (phrase, key), `onboardFromShares`
 * (guardian shares, entropy, phrase, key), `unlock` (entropy, key),
 * `revealMnemonic` (the phrase, returned to the wallet's own backup page),
 * `guardianShares` (entropy, and the shares returned to that page),
 * `signer` and `withSecretKey` (the key).
 */
import type { PatientKeys } from '@medvault/core/ledger';
import { type SecretKey, Signer } from '@medvault/core/pre';
import { bytesToHex } from '@noble/hashes/utils.js';
import { NotOnboardedError } from './errors.js';
import { assertSplit, combineShares, splitSecret } from './guardian-shares.js';
import { deriveIdentity, entropyMnemonic, mnemonicEntropy } from './identity.js';
import type { Session } from './session.js';
import type { SettingsController } from './settings-controller.js';
import { DEFAULT_SCRYPT, openVault, type ScryptParams, sealVault } from './vault.js';
import type { PublicIdentity, WalletDb } from './wallet-db.js';

/** Identity rotations a wallet follows (the registry allows 32 per chain of keys). */
export const MAX_IDENTITY_ROTATIONS = 32;

/**
 * What `IdentityVault` needs.
 *
 * @example
 * ```ts
 * const deps: IdentityVaultDeps = { db, session, settings, scrypt: { N: 2 ** 14, r: 1, p: 1 } };
 * ```
 */
export type IdentityVaultDeps = {
  db: WalletDb;
  /** Holds the derived identity in memory while unlocked. */
  session: Session;
  /** Read at onboarding: the settings are written with the new vault, in one transaction. */
  settings: SettingsController;
  /** scrypt cost for new vaults (tests lower it; the default is `DEFAULT_SCRYPT`). */
  scrypt?: ScryptParams;
};

/**
 * The patient's identity and vault.
 *
 * @example
 * ```ts
 * const identity = new IdentityVault({ db, session, settings });
 * await identity.onboard(phrase, passphrase);
 * const signature = identity.signer().sign(message);
 * ```
 */
export class IdentityVault {
  readonly #deps: IdentityVaultDeps;
  readonly #onboardListeners = new Set<() => void>();

  constructor(deps: IdentityVaultDeps) {
    this.#deps = deps;
  }

  /** Whether a vault exists. */
  async onboarded(): Promise<boolean> {
    return (await this.#deps.db.vault()) !== undefined;
  }

  /**
   * Creates the vault from a recovery phrase (new or restored) and unlocks.
   * The stored lists start empty; listeners of `onOnboard` are told before
   * the session unlocks. Sees the phrase and the key.
   */
  async onboard(phrase: string, passphrase: string): Promise<{ publicKey: string }> {
    const entropy = mnemonicEntropy(phrase);
    const vault = await sealVault(entropy, passphrase, this.#deps.scrypt ?? DEFAULT_SCRYPT);
    const identity = await deriveIdentity(phrase);
    const publicKey = bytesToHex(identity.secretKey.publicKey().toCompressedBytes());
    const settings = await this.#deps.settings.get();
    await this.#deps.db.setUp(
      vault,
      { publicKey, ledgerId: bytesToHex(identity.ledgerId) },
      settings,
    );
    for (const listener of this.#onboardListeners) listener();
    this.#deps.session.unlock(identity);
    return { publicKey };
  }

  /**
   * Calls `listener` whenever the wallet is set up (again); returns the
   * unsubscribe function.
   */
  onOnboard(listener: () => void): () => void {
    this.#onboardListeners.add(listener);
    return () => this.#onboardListeners.delete(listener);
  }

  /** Unlocks with the passphrase. Sees the vault's entropy and the key. */
  async unlock(passphrase: string): Promise<void> {
    const stored = await this.#deps.db.vault();
    if (!stored) throw new NotOnboardedError();
    const entropy = await openVault(stored, passphrase);
    const index = (await this.#deps.db.identity())?.identityIndex ?? 0;
    try {
      this.#deps.session.unlock(await deriveIdentity(entropyMnemonic(entropy), index));
    } finally {
      entropy.fill(0);
    }
  }

  /** Checks the passphrase again (for acts that need it twice, like rotating the identity key). */
  async confirmPassphrase(passphrase: string): Promise<void> {
    const stored = await this.#deps.db.vault();
    if (!stored) throw new NotOnboardedError();
    (await openVault(stored, passphrase)).fill(0);
  }

  /**
   * Moves to the phrase's identity key `index` (after a rotation, or when a
   * restored ledger is owned by a later key): the public identity is saved
   * and the session holds the new key.
   */
  async useIdentityIndex(index: number): Promise<{ publicKey: string }> {
    const current = this.#deps.session.identity();
    const secretKey = current.keys.identity(index);
    const publicKey = bytesToHex(secretKey.publicKey().toCompressedBytes());
    const stored = await this.publicIdentity();
    await this.#deps.db.setIdentity({ ...stored, publicKey, identityIndex: index });
    this.#deps.session.unlock({ ...current, secretKey, identityIndex: index });
    return { publicKey };
  }

  /**
   * The index of the phrase's identity key that is `owner` (compressed,
   * hex), among the first `MAX_IDENTITY_ROTATIONS` + 1; undefined if none.
   */
  identityIndexOf(owner: string): number | undefined {
    const { keys } = this.#deps.session.identity();
    for (let i = 0; i <= MAX_IDENTITY_ROTATIONS; i++) {
      if (bytesToHex(keys.identity(i).publicKey().toCompressedBytes()) === owner) return i;
    }
    return undefined;
  }

  /** The identity key index in use (0 until a rotation). */
  get identityIndex(): number {
    return this.#deps.session.identity().identityIndex;
  }

  /** The recovery phrase, after the passphrase checks again (backup). Returns a secret. */
  async revealMnemonic(passphrase: string): Promise<string> {
    const stored = await this.#deps.db.vault();
    if (!stored) throw new NotOnboardedError();
    return entropyMnemonic(await openVault(stored, passphrase));
  }

  /**
   * Splits the vault's entropy into `count` guardian shares, any
   * `threshold` of which restore the identity (`splitSecret`), after the
   * passphrase checks again (backup). Returns secrets, for the wallet's own
   * backup page only. Sees the entropy.
   *
   * @example
   * ```ts
   * const shares = await identity.guardianShares(passphrase, 2, 3); // 3 texts, any 2 restore
   * ```
   */
  async guardianShares(passphrase: string, threshold: number, count: number): Promise<string[]> {
    assertSplit(threshold, count);
    const stored = await this.#deps.db.vault();
    if (!stored) throw new NotOnboardedError();
    const entropy = await openVault(stored, passphrase);
    try {
      return await splitSecret(entropy, threshold, count);
    } finally {
      entropy.fill(0);
    }
  }

  /**
   * Creates the vault from guardian shares: they combine to the entropy
   * (`combineShares`), whose phrase onboards exactly as a typed phrase does.
   * Sees the shares, the entropy, the phrase and the key.
   *
   * @example
   * ```ts
   * const { publicKey } = await identity.onboardFromShares([shareA, shareC], passphrase);
   * ```
   */
  async onboardFromShares(
    shares: readonly string[],
    passphrase: string,
  ): Promise<{ publicKey: string }> {
    const entropy = await combineShares(shares);
    try {
      return await this.onboard(entropyMnemonic(entropy), passphrase);
    } finally {
      entropy.fill(0);
    }
  }

  /** Whether the key is held (the session is unlocked). */
  get unlocked(): boolean {
    return this.#deps.session.unlocked;
  }

  /** The identity's public half (key and ledger id, hex), readable while locked. */
  async publicIdentity(): Promise<PublicIdentity> {
    const identity = await this.#deps.db.identity();
    if (!identity) throw new NotOnboardedError();
    return identity;
  }

  /** The patient's public key (hex), readable while locked. */
  async publicKey(): Promise<string> {
    return (await this.publicIdentity()).publicKey;
  }

  /**
   * Signs as the patient (ledger entries, host requests); the signer never
   * shows the key. `WalletLockedError` when locked.
   */
  signer(): Signer {
    return new Signer(this.#deps.session.identity().secretKey);
  }

  /**
   * Lends the patient's key to `use`, for the core operations that take a
   * `SecretKey` (granting, revoking, anchoring), all run in the background.
   * `use` must not keep it. `WalletLockedError` (before `use` runs) when locked.
   */
  withSecretKey<T>(use: (secretKey: SecretKey) => T): T {
    return use(this.#deps.session.identity().secretKey);
  }

  /**
   * Lends the whole key hierarchy to `use` (encryption keys to delegate
   * from, the notes key to open notes), with the identity key in use. `use`
   * must not keep them. `WalletLockedError` (before `use` runs) when locked.
   */
  withKeys<T>(use: (keys: PatientKeys, identity: SecretKey) => T): T {
    const { keys, secretKey } = this.#deps.session.identity();
    return use(keys, secretKey);
  }
}
