/**
 * `@medvault/core/ledger` — the patient's signed, hash-chained ledger with
 * RFC 9162 Merkle proofs (the paper's "medical blockchain"). See
 * docs/spec/ledger.md.
 *
 * @example
 * ```ts
 * import { Ledger, verifyLedger } from '@medvault/core/ledger';
 * const ledger = await Ledger.create(new Signer(patientSk));
 * const cp = await ledger.checkpoint(new Signer(patientSk));
 * verifyLedger(ledger.allEntryBytes(), { checkpoints: [cp] });
 * ```
 * @module
 */

export {
  checkCategory,
  DEFAULT_CATEGORIES,
  InvalidCategoryError,
  InvalidSeedError,
  MAX_CATEGORY_BYTES,
  MAX_EPOCH,
  PatientKeys,
} from '../keys/index.js';
export { decodeCanonical, decodeSequenceItem, encodeCanonical } from './cbor.js';
export {
  type Checkpoint,
  checkpointSchema,
  decodeCheckpoint,
  encodeCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
export {
  currentEncryptionKey,
  type EncryptionKey,
  findEncryptionKey,
  nextEncryptionKeys,
  publishedEncryptionKeys,
} from './encryption-keys.js';
export {
  type AnyEntry,
  bodyHashOf,
  bodySchemas,
  categorySchema,
  decodeAnyEntry,
  decodeEntry,
  type Entry,
  type EntryBody,
  type EntryKind,
  type EntryStub,
  encodeEntry,
  type GrantScope,
  hashEntry,
  isStub,
  LEDGER_VERSION,
  MAX_NOTE_BYTES,
  parseAnyEntry,
  parseEntry,
  scopeSchema,
  signEntry,
  signingPayload,
  stubOf,
  type UnsignedEntry,
  verifyEntrySignature,
  ZERO_HASH,
} from './entry.js';
export * from './errors.js';
export { IndexedDbLedgerStore } from './idb-store.js';
export { type CreateLedgerOptions, Ledger, type LedgerOptions } from './ledger.js';
export {
  type ConsistencyProof,
  EMPTY_ROOT,
  type InclusionProof,
  leafHash,
  MerkleFrontier,
  MerkleTree,
  nodeHash,
  verifyConsistencyProof,
  verifyInclusionProof,
} from './merkle.js';
export { type Note, openNote, sealNote } from './note.js';
export { recordInScope, type ScopedRecord } from './scope.js';
export {
  emptyState,
  type GrantState,
  type LedgerState,
  MAX_CLOCK_SKEW_MS,
  type Proposal,
  signKeyRotation,
} from './state.js';
export { type LedgerStore, MemoryLedgerStore } from './store.js';
export {
  type VerifiedLedger,
  type VerifyLedgerOptions,
  verifyAppended,
  verifyConsistency,
  verifyInclusion,
  verifyLedger,
} from './verify.js';
export { type PartyRole, type Visibility, visibilityFor } from './visibility.js';
