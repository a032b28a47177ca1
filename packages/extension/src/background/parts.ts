/**
 * The background's parts, for code that wires them as the service worker
 * does (`index.ts`) without a browser: the stack's tests of restore and
 * ledger adoption across devices. Nothing here runs on import.
 * @module
 */
export { ConsentQueue } from './consent-queue.js';
export { deriveIdentity } from './identity.js';
export { RESTORED_ORIGIN } from './lists-from-ledger.js';
export { Session } from './session.js';
export type { Settings } from './settings.js';
export type { AuthWindow } from './smart-sign-in.js';
export { UiHandler } from './ui-handler.js';
export { Wallet } from './wallet.js';
export { WalletDb } from './wallet-db.js';
