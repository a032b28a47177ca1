/**
 * Names shared by the three worlds. The page and the content script talk
 * through `window.postMessage` with these tags; the content script and the
 * background through a runtime port of this name.
 */

/** Tag on messages from the main-world provider to the content script. */
export const TO_COURIER = 'medvault:to-courier';
/** Tag on messages from the content script to the main-world provider. */
export const TO_PROVIDER = 'medvault:to-provider';
/** The runtime port a content script opens to the background. */
export const PROVIDER_PORT = 'medvault-provider';
/** Event a provider dispatches on `window` to announce itself (EIP-6963 style). */
export const ANNOUNCE_EVENT = 'medvault:announceProvider';
/** Event a page dispatches to ask providers to announce themselves. */
export const REQUEST_EVENT = 'medvault:requestProvider';
