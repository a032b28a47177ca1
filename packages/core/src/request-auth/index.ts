/**
 * Signed requests: how readers, patients and proxies authenticate to proxies
 * and ledger hosts (docs/spec/proxy-api.md § Authentication), and the replay
 * cache servers keep. Re-exported by `@medvault/core/proxy`.
 * @module
 */
export * from './errors.js';
export {
  jsonBody,
  NonceCache,
  type NonceCacheOptions,
  type RequestAuthHeaders,
  type SignedRequestParts,
  signRequest,
  type VerifyRequestOptions,
  verifyRequest,
} from './signed-request.js';
