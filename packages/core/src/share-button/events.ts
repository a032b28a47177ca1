/**
 * What the share button tells the page: three CustomEvents, bubbling and
 * composed so a listener on `document` (or a framework's handler on the
 * element) hears them whatever shadow roots sit in between.
 */
import type { GrantJson } from '../proxy/grant-json.js';
import type { ShareButtonAttribute } from './errors.js';

/** `medvault-granted` detail: the grant the wallet returned. */
export type ShareGrantedDetail = { grant: GrantJson };

/** `medvault-denied` detail: the patient said no, closed the prompt or let it time out. */
export type ShareDeniedDetail = { code: 4001; message: string };

/**
 * Codes of `medvault-error`: the wallet's EIP-1193 / JSON-RPC codes (4100
 * unauthorized or not set up, 4200 unsupported, -32602 invalid params,
 * -32002 too many pending, -32603 internal), or the button's own.
 */
export type ShareErrorCode = number | 'SHARE_NO_EXTENSION' | 'SHARE_INVALID_ATTRIBUTE';

/** `medvault-error` detail. `attribute` names the attribute to fix when the code is `SHARE_INVALID_ATTRIBUTE`. */
export type ShareErrorDetail = {
  code: ShareErrorCode;
  message: string;
  attribute?: ShareButtonAttribute;
};

/** The share button's events and their details. */
export type ShareButtonEventMap = {
  'medvault-granted': CustomEvent<ShareGrantedDetail>;
  'medvault-denied': CustomEvent<ShareDeniedDetail>;
  'medvault-error': CustomEvent<ShareErrorDetail>;
};

declare global {
  // Typed `addEventListener('medvault-granted', …)` on any element or the
  // document the events bubble to; the names are namespaced, so no clash.
  interface GlobalEventHandlersEventMap extends ShareButtonEventMap {}
}

/**
 * Dispatches one of the share button's events from `target`.
 *
 * @example
 * ```ts
 * emit(button, 'medvault-denied', { code: 4001, message: 'The patient denied the share.' });
 * ```
 */
export function emit<K extends keyof ShareButtonEventMap>(
  target: EventTarget,
  type: K,
  detail: ShareButtonEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
