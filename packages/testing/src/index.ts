/**
 * `@medvault/testing` — helpers the packages' test suites share (private,
 * never published): catching typed errors, random data of any size, the
 * contract every `BlobStore` must meet, and error codes to hold specs to.
 * @module
 */
export { blobStoreContract } from './blob-store-contract.js';
export { caught, caughtAsync, expectError } from './caught.js';
export { recoverDelegatingKey } from './coalition.js';
export { codeSet, codesIn, errorCodesOf } from './error-codes.js';
export { randomData } from './random-data.js';
export { TEST_CATEGORIES, type TestPatient, testPatient } from './test-patient.js';
