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
  constructor(details: string) {
    super('These settings cannot be used.', { details });
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
