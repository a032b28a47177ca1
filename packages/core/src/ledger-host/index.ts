/**
 * `@medvault/core/ledger-host` — a verifying client for ledger hosts
 * (docs/spec/ledger-host-api.md).
 * @module
 */

export {
  hostAudience,
  type LedgerHead,
  LedgerHostClient,
  type LedgerHostClientOptions,
} from './client.js';
export { LedgerHostRequestError, LedgerHostUnreachableError } from './errors.js';
