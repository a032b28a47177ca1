/**
 * `@medvault/core` — the isomorphic MedVault library. Each concern also has
 * its own subpath (`@medvault/core/pre`, …) so apps import only what they use.
 * @module
 */

export * from './chain/index.js';
export * from './envelope/index.js';
export * from './errors/index.js';
export * from './ledger/index.js';
export * from './ledger-host/index.js';
export * from './pre/index.js';
export * from './proxy/index.js';
export * from './storage/index.js';
