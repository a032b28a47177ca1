/**
 * The patient's key hierarchy from one seed: an identity key that signs,
 * and an encryption key per category and epoch that receives records and
 * delegates to readers. Re-exported by `@medvault/core/ledger`, whose
 * `encryption-keys` entries publish the current public keys. See
 * docs/spec/keys.md.
 *
 * @example
 * ```ts
 * import { PatientKeys } from '@medvault/core/ledger';
 * const keys = PatientKeys.fromSeed(seed);
 * const ledger = await Ledger.create(new Signer(keys.identity()));
 * ```
 * @module
 */
export { InvalidCategoryError, InvalidSeedError } from './errors.js';
export {
  checkCategory,
  DEFAULT_CATEGORIES,
  MAX_CATEGORY_BYTES,
  MAX_EPOCH,
  PatientKeys,
} from './patient-keys.js';
