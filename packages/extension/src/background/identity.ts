/**
 * The patient's identity from a BIP39 recovery phrase: the key hierarchy
 * of the phrase's seed (`PatientKeys`, docs/spec/keys.md) — the identity
 * key that signs, the encryption keys per category and epoch, the notes key
 * and the ledger id — so restoring the phrase restores every key and finds
 * the same ledger on the host.
 */
import { PatientKeys } from '@medvault/core/ledger';
import type { SecretKey } from '@medvault/core/pre';
import {
  entropyToMnemonic,
  generateMnemonic,
  mnemonicToEntropy,
  mnemonicToSeed,
  validateMnemonic,
} from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { InvalidMnemonicError } from './errors.js';

/** The patient's keys, held only by the background while unlocked. */
export type Identity = {
  /** The identity key in use (index `identityIndex`): signs the ledger and on chain. */
  secretKey: SecretKey;
  ledgerId: Uint8Array;
  /** Every key of the hierarchy, derived on demand. */
  keys: PatientKeys;
  /** Which identity key is in use: 0, then one more after each identity rotation. */
  identityIndex: number;
};

/** A fresh 12-word (128-bit) recovery phrase. */
export function newMnemonic(): string {
  return generateMnemonic(wordlist, 128);
}

/** Normalises a typed phrase (case, spaces) and checks words and checksum. */
export function normalizeMnemonic(words: string): string {
  const phrase = words.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
  const count = phrase.split(' ').length;
  if ((count !== 12 && count !== 24) || !validateMnemonic(phrase, wordlist)) {
    throw new InvalidMnemonicError();
  }
  return phrase;
}

/** The phrase's entropy: what the vault stores. */
export function mnemonicEntropy(phrase: string): Uint8Array {
  return mnemonicToEntropy(normalizeMnemonic(phrase), wordlist);
}

/** The phrase back from stored entropy. */
export function entropyMnemonic(entropy: Uint8Array): string {
  return entropyToMnemonic(entropy, wordlist);
}

/**
 * Derives the patient's keys from a recovery phrase; `identityIndex` picks
 * the identity key (0 until the patient rotates it).
 *
 * @example
 * ```ts
 * const { secretKey, ledgerId, keys } = await deriveIdentity(newMnemonic());
 * const lab = keys.encryptionKey('laboratory', 0);
 * ```
 */
export async function deriveIdentity(phrase: string, identityIndex = 0): Promise<Identity> {
  const seed = await mnemonicToSeed(normalizeMnemonic(phrase));
  try {
    const keys = PatientKeys.fromSeed(seed);
    return {
      secretKey: keys.identity(identityIndex),
      ledgerId: keys.ledgerId(),
      keys,
      identityIndex,
    };
  } finally {
    seed.fill(0);
  }
}
