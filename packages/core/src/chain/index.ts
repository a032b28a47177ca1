/**
 * `@medvault/core/chain` — the MedVaultRegistry contract (anchors and
 * grants) through viem, on any EVM chain. See docs/spec/registry.md.
 *
 * @example
 * ```ts
 * import { anchorCheckpoint, verifyLedgerAgainstChain } from '@medvault/core/chain';
 * await anchorCheckpoint(client, { registry, checkpoint, owner: patientSk });
 * await verifyLedgerAgainstChain(client, { registry, entries });
 * await rotateRegistryKey(client, { registry, oldOwner: stolenSk, newOwner: freshSk });
 * ```
 * @module
 */
export { anchorCheckpoint } from './anchor-checkpoint.js';
export {
  GRANT_COMMITMENT_TAG,
  type GrantCommitmentInput,
  grantCommitment,
  ledgerHostOrigin,
  ledgerKey,
} from './commitment.js';
export { deployRegistry } from './deploy-registry.js';
export * from './errors.js';
export { type Anchor, getAnchor } from './get-anchor.js';
export {
  getGrant,
  isGrantActive,
  type OnChainGrant,
  type RegisterGrantResult,
  type RevokeGrantResult,
  registerGrant,
  revokeGrant,
} from './grants.js';
export { currentRegistryKey, getKeyLinks, type KeyLinks } from './key-links.js';
export { registryAbi, registryBytecode } from './registry-artifact.js';
export { type RotateKeyResult, rotateRegistryKey } from './rotate-key.js';
export type { RelayParams, SentCall, SignatureParams } from './send-signed.js';
export {
  addressOfKey,
  ownerAccount,
  registryDomain,
  registryTypes,
  scopeHash,
} from './typed-data.js';
export { type ChainVerification, verifyLedgerAgainstChain } from './verify-ledger-against-chain.js';
export {
  type RegistryEventName,
  type RegistryLog,
  type RegistryWatchers,
  watchRegistry,
} from './watch-registry.js';
