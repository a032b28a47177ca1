/**
 * `@medvault/testing` — helpers the packages' test suites share (private,
 * never published): catching typed errors, random data of any size, and the
 * contract every `BlobStore` must meet.
 * @module
 */
export { blobStoreContract } from './blob-store-contract.js';
export { caught, caughtAsync, expectError } from './caught.js';
export { randomData } from './random-data.js';
