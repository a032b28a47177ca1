/**
 * `@medvault/core/proxy` — talking to re-encryption proxies
 * (docs/spec/proxy-api.md): signed requests, key-fragment delivery, the
 * API's bodies, scope checks, and the patient's and reader's side of a share.
 * @module
 */

export * from '../request-auth/index.js';
export * from './api.js';
export { type CallOptions, callProxy, type ProxyEndpoint } from './call-proxy.js';
export * from './errors.js';
export {
  type Delegation,
  deliverFragments,
  type GrantTerms,
  makeFragmentSets,
} from './fragment-sets.js';
export type { Grant } from './grant.js';
export {
  type ChainAccess,
  type GrantAccessParams,
  grantAccess,
  type LedgerAccess,
} from './grant-access.js';
export { type GrantJson, grantFromJson, grantJsonSchema, grantToJson } from './grant-json.js';
export { openKfragDelivery, type SealedKfrag, sealKfragFor } from './kfrag-delivery.js';
export { listSharedRecords, type SharedRecordList } from './list-shared-records.js';
export {
  type ReadSharedParams,
  type ReadSharedResult,
  type RecordFailure,
  readShared,
  type SharedRecord,
} from './read-shared.js';
export {
  type GrantInfo,
  indexLedger,
  type RecordIndex,
  type RecordInfo,
  recordInScope,
} from './record-index.js';
export { type RevokeAccessParams, revokeAccess } from './revoke-access.js';
export {
  type RotateIdentityParams,
  type RotateIdentityResult,
  rotateIdentity,
} from './rotate-identity.js';
export {
  type GrantUpdate,
  type RotateCategoriesParams,
  type RotateCategoriesResult,
  rotateCategories,
} from './rotate-keys.js';
