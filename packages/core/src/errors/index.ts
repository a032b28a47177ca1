/**
 * `@medvault/core/errors` — `BaseError`, the root of every MedVault error, and
 * `walkCauses`. Small on purpose: code that only needs to recognise errors
 * (a CLI's error line) loads nothing else.
 * @module
 */
export { BaseError, type BaseErrorParameters, walkCauses } from './base-error.js';
