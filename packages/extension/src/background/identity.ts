/**
 * The patient's identity from a BIP39 recovery phrase: the secp256k1 key
 * and the ledger id, both derived from the phrase's seed with HKDF-SHA256
 * under their own labels — so restoring the phrase restores the key and
 * finds the same ledger on the host.
 */
import { SecretKey } from '@medvault/core/pre';
import { mapHashToField } from '@noble/curves/abstract/modular.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
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
export type Identity = { secretKey: SecretKey; ledgerId: Uint8Array };

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

const SALT = new TextEncoder().encode('medvault/identity/v1');

/**
 * Derives the patient's key and ledger id from a recovery phrase.
 *
 * @example
 * ```ts
 * const { secretKey, ledgerId } = await deriveIdentity(newMnemonic());
 * ```
 */
export async function deriveIdentity(phrase: string): Promise<Identity> {
  const seed = await mnemonicToSeed(normalizeMnemonic(phrase));
  // 48 bytes reduced into [1, n-1]: bias below 2^-128 (FIPS 186-5 A.2.1)
  const keyMaterial = hkdf(sha256, seed, SALT, utf8ToBytes('patient-key'), 48);
  const scalar = mapHashToField(keyMaterial, secp256k1.Point.Fn.ORDER);
  const ledgerId = hkdf(sha256, seed, SALT, utf8ToBytes('ledger-id'), 32);
  seed.fill(0);
  keyMaterial.fill(0);
  try {
    return { secretKey: SecretKey.fromBEBytes(scalar), ledgerId };
  } finally {
    scalar.fill(0);
  }
}
