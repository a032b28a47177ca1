/**
 * On a server (Node: no DOM, no customElements) importing the share
 * button's subpath must not crash, and registering is a no-op.
 */
import { expect, test } from 'vitest';

test('importing @medvault/core/share-button in Node does not throw or register anything', async () => {
  expect(typeof globalThis.customElements).toBe('undefined');
  expect(typeof globalThis.HTMLElement).toBe('undefined');
  const module = await import('@medvault/core/share-button');
  expect(typeof module.ShareButton).toBe('function');
  expect(module.defineShareButton()).toBeUndefined();
  expect(module.defineShareButton('clinic-share-button')).toBeUndefined();
  expect(module.SHARE_BUTTON_TAG).toBe('medvault-share-button');
  // the pure parts work on a server too (e.g. to check a page's attributes at build time)
  const parsed = module.parseShareRequest(() => null, Date.now());
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.error).toBeInstanceOf(module.InvalidAttributeError);
});
