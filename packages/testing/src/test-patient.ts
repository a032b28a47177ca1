/**
 * A patient for tests: a key hierarchy from a random seed (identity key,
 * encryption keys per category and epoch), and the ledger entry that
 * publishes the encryption keys, as the wallet does at onboarding.
 */
import { type EntryBody, PatientKeys } from '@medvault/core/ledger';
import { type PublicKey, type SecretKey, Signer } from '@medvault/core/pre';
import { randomBytes } from '@noble/hashes/utils.js';

/** Categories a test patient publishes keys for unless told otherwise. */
export const TEST_CATEGORIES = ['laboratory', 'imaging', 'psychiatry', 'summary', 'other'];

/** A test patient. */
export type TestPatient = {
  keys: PatientKeys;
  /** The identity key: owns and signs the ledger, signs on chain and signs key fragments. */
  identity: SecretKey;
  owner: Signer;
  /** The encryption secret key of a category (epoch 0 by default). */
  secretOf: (category: string, epoch?: number) => SecretKey;
  /** The encryption public key of a category (epoch 0 by default). */
  keyOf: (category: string, epoch?: number) => PublicKey;
  /** Its compressed bytes: a record body's `recipient`. */
  recipientOf: (category: string, epoch?: number) => Uint8Array;
  /** The body of the entry publishing epoch 0 of `categories` (default `TEST_CATEGORIES`). */
  keysEntry: (categories?: readonly string[]) => EntryBody<'encryption-keys'>;
};

/**
 * A fresh test patient.
 *
 * @example
 * ```ts
 * const patient = testPatient();
 * const ledger = await Ledger.create(patient.owner);
 * await ledger.append('encryption-keys', patient.keysEntry(), patient.owner);
 * await ledger.append('record', { ...body, category: 'laboratory', recipient: patient.recipientOf('laboratory') }, patient.owner);
 * ```
 */
export function testPatient(seed: Uint8Array = randomBytes(64)): TestPatient {
  const keys = PatientKeys.fromSeed(seed);
  const identity = keys.identity();
  const secretOf = (category: string, epoch = 0) => keys.encryptionKey(category, epoch);
  const keyOf = (category: string, epoch = 0) => secretOf(category, epoch).publicKey();
  return {
    keys,
    identity,
    owner: new Signer(identity),
    secretOf,
    keyOf,
    recipientOf: (category, epoch) => keyOf(category, epoch).toCompressedBytes(),
    keysEntry: (categories = TEST_CATEGORIES) => ({
      keys: categories.map((category) => ({
        category,
        epoch: 0,
        key: keyOf(category).toCompressedBytes(),
      })),
    }),
  };
}
