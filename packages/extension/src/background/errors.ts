/**
 * The wallet's own failures, typed like every MedVault error (a class per
 * failure, a stable `code`). UI pages show `shortMessage`; pages get them as
 * EIP-1193 errors.
 */
import { BaseError } from '@medvault/core';

/** The passphrase does not open the vault. */
export class WrongPassphraseError extends BaseError {
  static override readonly code = 'WALLET_WRONG_PASSPHRASE';
  override readonly name = 'WrongPassphraseError';
  constructor() {
    super('That passphrase does not unlock this wallet.');
  }
}

/** The stored vault is not in its format (corrupt or from a newer version). */
export class MalformedVaultError extends BaseError {
  static override readonly code = 'WALLET_MALFORMED_VAULT';
  override readonly name = 'MalformedVaultError';
  constructor(details: string) {
    super('The stored wallet vault is damaged or from an unknown version.', { details });
  }
}

/** A passphrase too short to protect the vault. */
export class WeakPassphraseError extends BaseError {
  static override readonly code = 'WALLET_WEAK_PASSPHRASE';
  override readonly name = 'WeakPassphraseError';
  constructor(min: number) {
    super(`Choose a passphrase of at least ${min} characters.`);
  }
}

/** Words that are not a valid BIP39 English mnemonic. */
export class InvalidMnemonicError extends BaseError {
  static override readonly code = 'WALLET_INVALID_MNEMONIC';
  override readonly name = 'InvalidMnemonicError';
  constructor() {
    super(
      'Those words are not a valid recovery phrase: expected 12 or 24 words from the BIP39 English list, with a matching checksum.',
    );
  }
}

/** An operation needs the unlocked wallet. */
export class WalletLockedError extends BaseError {
  static override readonly code = 'WALLET_LOCKED';
  override readonly name = 'WalletLockedError';
  constructor() {
    super('The wallet is locked: unlock it with your passphrase first.');
  }
}

/** An operation needs a wallet that has been set up. */
export class NotOnboardedError extends BaseError {
  static override readonly code = 'WALLET_NOT_SET_UP';
  override readonly name = 'NotOnboardedError';
  constructor() {
    super('MedVault is not set up yet: open the extension to create or restore your identity.');
  }
}

/** Onboarding again over a wallet that exists, without the patient's typed confirmation. */
export class WalletExistsError extends BaseError {
  static override readonly code = 'WALLET_EXISTS';
  override readonly name = 'WalletExistsError';
  constructor() {
    super(
      `MedVault is already set up in this browser. Setting it up again replaces it: this browser forgets its key and its lists (your ledger and records stay; the old recovery phrase still restores them). Type ${REPLACE_CONFIRMATION} to confirm.`,
    );
  }
}

/** What the patient types to set up a wallet over an existing one. */
export const REPLACE_CONFIRMATION = 'REPLACE';

/** A message from a UI page or a content script is not in its schema. */
export class InvalidMessageError extends BaseError {
  static override readonly code = 'WALLET_INVALID_MESSAGE';
  override readonly name = 'InvalidMessageError';
  constructor(details: string) {
    super('The wallet received a message it does not understand.', { details });
  }
}

/** A setting is not usable (bad URL, proxy unreachable, key mismatch). */
export class InvalidSettingsError extends BaseError {
  static override readonly code = 'WALLET_INVALID_SETTINGS';
  override readonly name = 'InvalidSettingsError';
  /** The settings field at fault, as the settings pages label it. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`“${field}” cannot be used: ${problem}.`, { details: `${field}: ${problem}` });
    this.field = field;
  }
}

/** The ledger host's copy of the patient's ledger disagrees with the wallet's. */
export class LedgerDivergedError extends BaseError {
  static override readonly code = 'WALLET_LEDGER_DIVERGED';
  override readonly name = 'LedgerDivergedError';
  constructor(details: string) {
    super(`The ledger host's copy of your ledger disagrees with yours: ${details}.`);
  }
}

/** A request from a page that has no http(s) origin (a file:, data: or extension page). */
export class NoOriginError extends BaseError {
  static override readonly code = 'WALLET_NO_ORIGIN';
  override readonly name = 'NoOriginError';
  constructor() {
    super('The wallet answers requests from http(s) pages only.');
  }
}

/** The patient decided on a record that is not a proposal awaiting a decision. */
export class NoSuchProposalError extends BaseError {
  static override readonly code = 'WALLET_NO_SUCH_PROPOSAL';
  override readonly name = 'NoSuchProposalError';
  constructor(seq: number) {
    super(`Entry ${seq} of your ledger is not a proposed record awaiting your decision.`);
  }
}

/**
 * The patient asked to open a record that is not in her ledger.
 *
 * @example
 * ```ts
 * await myRecords.open('bafkrei…unknown'); // throws NoSuchRecordError
 * ```
 */
export class NoSuchRecordError extends BaseError {
  static override readonly code = 'WALLET_NO_SUCH_RECORD';
  override readonly name = 'NoSuchRecordError';
  constructor(cid: string) {
    super(`The record ${cid.slice(0, 16)}… is not in your ledger.`);
  }
}

/**
 * A record of the ledger could not be opened: its sealed copy is not where
 * the settings say records are kept, it failed verification, or it is
 * sealed to a key that is not the patient's.
 *
 * @example
 * ```ts
 * await myRecords.open(cid); // storage down: throws RecordUnavailableError
 * ```
 */
export class RecordUnavailableError extends BaseError {
  static override readonly code = 'WALLET_RECORD_UNAVAILABLE';
  override readonly name = 'RecordUnavailableError';
  constructor(title: string, reason: string, options?: { cause?: unknown }) {
    super(`“${title}” could not be opened: ${reason}`, options);
  }
}

/**
 * The prompt sent an edit that would widen a share request, or leave
 * nothing of it: the patient may only narrow what a site asked for.
 *
 * @example
 * ```ts
 * narrowRequest(request, { expiresAt: request.expiresAt + 1 }, matches, now); // throws InvalidNarrowingError
 * ```
 */
export class InvalidNarrowingError extends BaseError {
  static override readonly code = 'WALLET_INVALID_NARROWING';
  override readonly name = 'InvalidNarrowingError';
  constructor(reason: string) {
    super(`This change cannot be made to the request: ${reason}.`);
  }
}

/**
 * A link the patient asked for cannot be made as asked (no record chosen,
 * a label too long, an end too soon or too far).
 *
 * @example
 * ```ts
 * await links.create({ label: '', expiresAt }); // throws InvalidLinkRequestError
 * ```
 */
export class InvalidLinkRequestError extends BaseError {
  static override readonly code = 'WALLET_INVALID_LINK_REQUEST';
  override readonly name = 'InvalidLinkRequestError';
  constructor(reason: string) {
    super(`This link cannot be made: ${reason}.`);
  }
}

/**
 * The SHL host the settings name could not make, list or end a link.
 *
 * @example
 * ```ts
 * await links.create(request); // host down: throws LinkHostError
 * ```
 */
export class LinkHostError extends BaseError {
  static override readonly code = 'WALLET_LINK_HOST';
  override readonly name = 'LinkHostError';
  constructor(host: string, reason: string) {
    super(`The link service ${host} did not help: ${reason}.`);
  }
}

/**
 * A guardian split the wallet cannot make: the number of guardians or the
 * number needed is out of range (2 ≤ needed ≤ guardians ≤ 10).
 *
 * @example
 * ```ts
 * await splitSecret(entropy, 4, 3); // throws InvalidSplitError
 * ```
 */
export class InvalidSplitError extends BaseError {
  static override readonly code = 'WALLET_INVALID_SPLIT';
  override readonly name = 'InvalidSplitError';
  constructor(details: string) {
    super(
      'Choose between 2 and 10 guardians, and how many of them are needed: at least 2, at most all of them.',
      { details },
    );
  }
}

/**
 * A guardian share whose text is not in the share format (a missing or
 * extra part, a character a share cannot hold, an unknown version). Names
 * the share by its place in what the patient gave (1-based); never repeats
 * the share's text.
 *
 * @example
 * ```ts
 * decodeShare('medvault-share:v1:oops', 2); // throws MalformedShareError: "Share 2 is not …"
 * ```
 */
export class MalformedShareError extends BaseError {
  static override readonly code = 'WALLET_MALFORMED_SHARE';
  override readonly name = 'MalformedShareError';
  /** Which share, counting from 1 in the order given. */
  readonly position: number;
  constructor(position: number, details: string) {
    super(
      `Share ${position} is not a MedVault guardian share: ${details}. Check it against the paper copy.`,
      { details },
    );
    this.position = position;
  }
}

/**
 * A guardian share whose checksum does not match the rest of its text: a
 * character was mistyped or changed.
 *
 * @example
 * ```ts
 * decodeShare(textWithOneCharacterChanged, 2); // throws ShareChecksumError: "Share 2 has a wrong checksum …"
 * ```
 */
export class ShareChecksumError extends BaseError {
  static override readonly code = 'WALLET_SHARE_CHECKSUM';
  override readonly name = 'ShareChecksumError';
  /** Which share, counting from 1 in the order given. */
  readonly position: number;
  constructor(position: number) {
    super(
      `Share ${position} has a wrong checksum: a character in it was mistyped or changed. Check it against the paper copy.`,
    );
    this.position = position;
  }
}

/**
 * Guardian shares from different splits (another split id, or other
 * numbers of guardians): shares of different splits never combine.
 *
 * @example
 * ```ts
 * await combineShares([fromSplitA, fromSplitB]); // throws MixedSplitError: "Share 2 is from another split …"
 * ```
 */
export class MixedSplitError extends BaseError {
  static override readonly code = 'WALLET_SHARE_OTHER_SPLIT';
  override readonly name = 'MixedSplitError';
  /** The share that differs from the first one given (1-based). */
  readonly position: number;
  constructor(position: number, first: number) {
    super(
      `Share ${position} is from another split than share ${first}: all the shares must come from the same set you made.`,
    );
    this.position = position;
  }
}

/**
 * The same guardian share given twice: it counts once.
 *
 * @example
 * ```ts
 * await combineShares([a, a]); // throws DuplicateShareError: "Share 2 is the same share as share 1 …"
 * ```
 */
export class DuplicateShareError extends BaseError {
  static override readonly code = 'WALLET_SHARE_DUPLICATE';
  override readonly name = 'DuplicateShareError';
  /** The repeated share (1-based). */
  readonly position: number;
  constructor(position: number, first: number) {
    super(
      `Share ${position} is the same share as share ${first}: each guardian's share counts once; give a different one.`,
    );
    this.position = position;
  }
}

/**
 * Fewer guardian shares than the split needs: "2 of 3 needed: give 1 more".
 *
 * @example
 * ```ts
 * await combineShares([oneShareOfTwoOfThree]); // throws NotEnoughSharesError: "2 of 3 needed: give 1 more."
 * ```
 */
export class NotEnoughSharesError extends BaseError {
  static override readonly code = 'WALLET_NOT_ENOUGH_SHARES';
  override readonly name = 'NotEnoughSharesError';
  /** How many more shares are needed. */
  readonly missing: number;
  constructor(needed: number, count: number, given: number) {
    const missing = Math.max(needed - given, 0);
    super(
      given === 0
        ? 'No guardian share given: type or paste the shares your guardians hold.'
        : `${needed} of ${count} needed: give ${missing} more.`,
    );
    this.missing = missing;
  }
}

/**
 * More guardian shares than needed were given, and they do not agree on the
 * secret: one of them is not what the wallet wrote (its checksum was
 * recomputed after a change, or it was made up).
 *
 * @example
 * ```ts
 * await combineShares([a, b, forged]); // throws InconsistentSharesError
 * ```
 */
export class InconsistentSharesError extends BaseError {
  static override readonly code = 'WALLET_SHARES_DISAGREE';
  override readonly name = 'InconsistentSharesError';
  constructor() {
    super(
      'These guardian shares do not agree with each other: one of them was altered. Try other combinations of them, or other guardians.',
    );
  }
}

/**
 * The address the patient gave for a provider is not a FHIR server's base
 * URL the wallet may send a token to: not a URL, not https (plain http
 * only to this machine), or with a query, fragment or credentials.
 *
 * @example
 * ```ts
 * providerBaseUrl('http://fhir.example.org/r4'); // throws ProviderAddressError
 * ```
 */
export class ProviderAddressError extends BaseError {
  static override readonly code = 'WALLET_PROVIDER_ADDRESS';
  override readonly name = 'ProviderAddressError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`That provider address cannot be used: ${reason}.`, options);
  }
}

/**
 * The provider's address offers no SMART on FHIR sign-in: no
 * `.well-known/smart-configuration` there, or one without the endpoints
 * or the PKCE method (S256) a patient app needs.
 *
 * @example
 * ```ts
 * await providers.connect('https://example.org/not-fhir'); // throws ProviderDiscoveryError
 * ```
 */
export class ProviderDiscoveryError extends BaseError {
  static override readonly code = 'WALLET_PROVIDER_NO_SMART';
  override readonly name = 'ProviderDiscoveryError';
  constructor(server: string, reason: string, options?: { cause?: unknown }) {
    super(
      `${server} does not offer a sign-in for patient apps (SMART on FHIR): ${reason}. Check the address your provider gives for connecting apps; it usually ends in /fhir or /r4.`,
      options,
    );
  }
}

/**
 * The sign-in at the provider did not give the wallet access: the patient
 * closed the window, chose Deny, or the provider refused the request.
 *
 * @example
 * ```ts
 * await providers.connect(server); // the patient chose Deny: throws ProviderSignInError
 * ```
 */
export class ProviderSignInError extends BaseError {
  static override readonly code = 'WALLET_PROVIDER_SIGN_IN';
  override readonly name = 'ProviderSignInError';
  constructor(reason: string, options?: { cause?: unknown; details?: string }) {
    super(`${reason} Nothing was added to your records.`, options);
  }
}

/**
 * The wallet holds no working authorisation for the provider any more
 * (it expired, the patient withdrew it there, or it was never kept): the
 * patient signs in again.
 *
 * @example
 * ```ts
 * await providers.sync(server); // the refresh was refused: throws ProviderSignInNeededError
 * ```
 */
export class ProviderSignInNeededError extends BaseError {
  static override readonly code = 'WALLET_PROVIDER_SIGN_IN_AGAIN';
  override readonly name = 'ProviderSignInNeededError';
  constructor(server: string, options?: { cause?: unknown }) {
    super(
      `Your sign-in at ${server} has ended (it expired or was withdrawn). Choose “Sign in again” to carry on; nothing you already added is lost.`,
      options,
    );
  }
}

/**
 * A provider the patient has not added, or a sign-in or sync of it that is
 * already under way.
 *
 * @example
 * ```ts
 * await providers.sync('https://unknown.example/fhir'); // throws ProviderStateError
 * ```
 */
export class ProviderStateError extends BaseError {
  static override readonly code = 'WALLET_PROVIDER_STATE';
  override readonly name = 'ProviderStateError';
  constructor(reason: string) {
    super(reason);
  }
}

/**
 * The current encryption key of a category is not one the wallet derived
 * (someone holding the signing key published their own): nothing is sealed
 * to it.
 *
 * @example
 * ```ts
 * await ledgerSync.addOwnRecord(record); // a foreign key: throws ForeignKeyError
 * ```
 */
export class ForeignKeyError extends BaseError {
  static override readonly code = 'WALLET_FOREIGN_KEY';
  override readonly name = 'ForeignKeyError';
  constructor(category: string, epoch: number) {
    super(
      `Your ledger names a key for “${category}” (epoch ${epoch}) that you did not make, so nothing is locked to it: replace your signing key (dashboard → Signing key) first.`,
    );
  }
}
