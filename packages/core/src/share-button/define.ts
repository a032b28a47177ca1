/**
 * Registering the share button as a custom element: only where
 * `customElements` exists (never on a server), and at most once per name,
 * however many times or copies of the module run.
 */
import { ShareButton } from './share-button.js';

/** The tag name importing `@medvault/core/share-button` registers. */
export const SHARE_BUTTON_TAG = 'medvault-share-button';

/** Whether ShareButton itself is registered (a constructor can be registered under one name only). */
let classRegistered = false;

/**
 * Defines the share button as `tagName` (default `medvault-share-button`)
 * and returns the element's constructor; returns the one already defined
 * under that name if there is one (another copy of this module, say), and
 * undefined where there is no custom element registry (a server). Throws
 * only if `tagName` is not a valid custom element name (it needs a hyphen).
 *
 * @example
 * ```ts
 * import { defineShareButton } from '@medvault/core/share-button';
 * defineShareButton('clinic-share-button'); // <clinic-share-button …> too
 * ```
 */
export function defineShareButton(
  tagName: string = SHARE_BUTTON_TAG,
): CustomElementConstructor | undefined {
  if (typeof customElements === 'undefined') return undefined;
  const existing = customElements.get(tagName);
  if (existing) return existing;
  const element = classRegistered ? class extends ShareButton {} : ShareButton;
  customElements.define(tagName, element);
  classRegistered = true;
  return element;
}
