/**
 * `@medvault/extension/testing` — driving the real extension in Chromium
 * (launch with the wallet loaded, onboard, restore, answer prompts, call the
 * provider), and what a test needs to predict the wallet's answers.
 * @module
 */
export { deriveIdentity } from '../../src/background/identity.js';
export { keyFingerprint } from '../../src/ui/describe.js';
export * from './wallet-browser.js';
