/**
 * The patient's key hierarchy, derived from one seed (the BIP39 seed of the
 * recovery phrase) with HKDF-SHA256, each key under its own label:
 *
 * - the *identity key* (`identity`, index i): signs ledger entries,
 *   checkpoints and the registry's EIP-712 messages; never used to encrypt
 *   or delegate. Index i + 1 replaces it after a rotation.
 * - an *encryption key* per category and epoch (`encryption`, category,
 *   epoch): records of the category are sealed to its current epoch's key;
 *   a grant delegates (Umbral key fragments) only from the keys of its
 *   categories. Revoking a grant moves its categories to the next epoch.
 * - the *ledger id* (`ledger-id`).
 *
 * HKDF outputs under distinct labels are independent: knowing any set of
 * derived keys (say, the encryption keys a coalition of proxies and a
 * reader can interpolate from their fragments) gives nothing about the seed
 * or any other key. This is the "hardened" property BIP32 has only for
 * hardened children. See docs/spec/keys.md.
 */
import { mapHashToField } from '@noble/curves/abstract/modular.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { SecretKey } from '../pre/keys.js';
import { InvalidCategoryError, InvalidSeedError } from './errors.js';

const SALT = utf8ToBytes('medvault/identity/v1');
const IDENTITY = utf8ToBytes('medvault/identity-key/v1');
const ENCRYPTION = utf8ToBytes('medvault/encryption-key/v1');
const LEDGER_ID = utf8ToBytes('ledger-id');
const NOTES = utf8ToBytes('medvault/notes-key/v1');

/** Longest category name, UTF-8 bytes. */
export const MAX_CATEGORY_BYTES = 64;
/** Highest epoch (and identity index) a key can be derived for. */
export const MAX_EPOCH = 0xffff_ffff;

/**
 * The categories a wallet publishes keys for as soon as it needs any,
 * whatever the patient's records: the list of categories with keys
 * is public to anyone who knows the ledger id, so it must say nothing about
 * the patient (a key for `psychiatry` is there for everyone). A category
 * outside the list gets its key when its first record or share needs it.
 */
export const DEFAULT_CATEGORIES: readonly string[] = [
  'allergy',
  'demographics',
  'document',
  'encounter',
  'imaging',
  'immunization',
  'laboratory',
  'medication',
  'other',
  'problem-list',
  'procedure',
  'psychiatry',
  'summary',
  'vital-signs',
];

/** Throws `InvalidCategoryError` unless `category` is a usable category name. */
export function checkCategory(category: string): void {
  if (typeof category !== 'string') throw new InvalidCategoryError(String(category));
  const length = utf8ToBytes(category).length;
  if (length === 0 || length > MAX_CATEGORY_BYTES || !/^[a-z0-9][a-z0-9._-]*$/.test(category)) {
    throw new InvalidCategoryError(category);
  }
}

function u32(n: number, what: string): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > MAX_EPOCH) {
    throw new InvalidCategoryError(`${what} ${n}`, `${what} must be an integer from 0 to 2^32 − 1`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/**
 * The patient's keys from a seed. Holds the seed: create it where secrets
 * may live (the wallet's background), and `destroy()` it on lock.
 *
 * @example
 * ```ts
 * const keys = PatientKeys.fromSeed(await mnemonicToSeed(phrase));
 * const identity = keys.identity();                 // signs the ledger and the registry
 * const lab = keys.encryptionKey('laboratory', 0);   // receives lab records of epoch 0
 * ```
 */
export class PatientKeys {
  readonly #seed: Uint8Array;

  private constructor(seed: Uint8Array) {
    this.#seed = seed;
  }

  /** Keys from a seed of 32 to 64 bytes (copied). */
  static fromSeed(seed: Uint8Array): PatientKeys {
    if (!(seed instanceof Uint8Array) || seed.length < 32 || seed.length > 64) {
      throw new InvalidSeedError(seed instanceof Uint8Array ? seed.length : -1);
    }
    if (seed.every((b) => b === 0)) throw new InvalidSeedError('zero');
    return new PatientKeys(Uint8Array.from(seed));
  }

  /** The ledger id: where the patient's ledger lives on its host. */
  ledgerId(): Uint8Array {
    this.#checkSeed();
    return hkdf(sha256, this.#seed, SALT, LEDGER_ID, 32);
  }

  /**
   * The key the patient's own notes are sealed to (a grant's purpose and
   * reader, a break-glass statement): derived, never published, never
   * delegated — so neither the identity key nor any category key is used
   * for them.
   */
  notesKey(): SecretKey {
    return this.#derive(NOTES);
  }

  /** The identity key of rotation `index` (0 until the first rotation). */
  identity(index = 0): SecretKey {
    return this.#derive(concatBytes(IDENTITY, u32(index, 'identity index')));
  }

  /** The encryption key of `category` in `epoch`. */
  encryptionKey(category: string, epoch: number): SecretKey {
    checkCategory(category);
    const name = utf8ToBytes(category);
    return this.#derive(
      concatBytes(ENCRYPTION, u32(name.length, 'length'), name, u32(epoch, 'epoch')),
    );
  }

  /** Overwrites the seed: the object derives nothing afterwards. */
  destroy(): void {
    this.#seed.fill(0);
  }

  #checkSeed(): void {
    if (this.#seed.every((b) => b === 0)) throw new InvalidSeedError('zero');
  }

  /** 48 bytes reduced into [1, n − 1]: bias below 2^-128 (FIPS 186-5 A.2.1). */
  #derive(info: Uint8Array): SecretKey {
    this.#checkSeed();
    const material = hkdf(sha256, this.#seed, SALT, info, 48);
    const scalar = mapHashToField(material, secp256k1.Point.Fn.ORDER);
    material.fill(0);
    try {
      return SecretKey.fromBEBytes(scalar);
    } finally {
      scalar.fill(0);
    }
  }
}
