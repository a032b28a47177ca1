/**
 * `@medvault/core/share-button` — `<medvault-share-button>`, the web
 * component a hospital or clinic site adds so patients can share records
 * with it through the MedVault wallet. Importing this module registers the
 * element where custom elements exist; on a server it does nothing and
 * does not fail. Without a bundler, load the standalone file
 * `dist/medvault-share-button.js` with one script tag.
 *
 * @example
 * ```html
 * <script type="module" src="/medvault-share-button.js"></script>
 * <medvault-share-button reader-key="02…" reader-name="Riverside Clinic"
 *   scope='{"categories":["laboratory"]}' purpose="Diabetes follow-up"
 *   expires-in-days="30"></medvault-share-button>
 * ```
 * @module
 */
import { defineShareButton } from './define.js';

export type { GrantJson } from '../proxy/grant-json.js';
export { defineShareButton, SHARE_BUTTON_TAG } from './define.js';
export {
  ANNOUNCE_EVENT,
  DISCOVERY_TIMEOUT_MS,
  discoverWallet,
  MEDVAULT_RDNS,
  type MedVaultProvider,
  REQUEST_EVENT,
  type WalletAnnouncement,
} from './discover-wallet.js';
export { InvalidAttributeError, type Parsed, type ShareButtonAttribute } from './errors.js';
export type {
  ShareButtonEventMap,
  ShareDeniedDetail,
  ShareErrorCode,
  ShareErrorDetail,
  ShareGrantedDetail,
} from './events.js';
export type { ShareButtonProps } from './jsx-props.js';
export {
  DEFAULT_LABEL,
  parseShareRequest,
  type ShareRequestParams,
} from './parse-attributes.js';
export { ShareButton } from './share-button.js';
export type { ShareButtonState } from './state.js';

defineShareButton();
