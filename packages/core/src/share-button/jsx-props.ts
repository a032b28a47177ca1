/**
 * The share button's props for JSX. MedVault does not depend on React, so
 * it ships the props only; an app adds them to its framework's intrinsic
 * elements (one declaration, in the example below).
 */
import type { GrantScope } from '../ledger/entry.js';
import type { ShareDeniedDetail, ShareErrorDetail, ShareGrantedDetail } from './events.js';

/**
 * What JSX may pass to `<medvault-share-button>`. React 19 sets a prop as
 * the element's property when the element has one (so `scope` may be an
 * object and `expiresAt` a Date) and as an attribute otherwise
 * (`reader-key="…"`), and adds a listener for each `on<event>` prop
 * (`onmedvault-granted` listens to `medvault-granted`).
 *
 * @example
 * ```tsx
 * import type { ShareButton, ShareButtonProps } from '@medvault/core/share-button';
 * import type { DetailedHTMLProps, HTMLAttributes } from 'react';
 * declare module 'react' {
 *   namespace JSX {
 *     interface IntrinsicElements {
 *       'medvault-share-button': DetailedHTMLProps<HTMLAttributes<ShareButton>, ShareButton> & ShareButtonProps;
 *     }
 *   }
 * }
 * <medvault-share-button readerKey={key} reader-name="Riverside Clinic" scope={{ categories: ['laboratory'] }}
 *   purpose="Diabetes follow-up" expiresInDays={30} onmedvault-granted={(e) => save(e.detail.grant)} />
 * ```
 */
export type ShareButtonProps = {
  'reader-key'?: string;
  readerKey?: string;
  'reader-name'?: string;
  readerName?: string;
  scope?: GrantScope | string;
  purpose?: string;
  'expires-in-days'?: number | string;
  expiresInDays?: number | string;
  'expires-at'?: string;
  expiresAt?: Date | number | string;
  'install-url'?: string;
  installUrl?: string;
  label?: string;
  /** The patient approved: `event.detail.grant` is the grant to hand to your server. */
  'onmedvault-granted'?: (event: CustomEvent<ShareGrantedDetail>) => void;
  /** The patient denied, closed the prompt or let it time out (code 4001). */
  'onmedvault-denied'?: (event: CustomEvent<ShareDeniedDetail>) => void;
  /** Anything else: no wallet, an invalid attribute, or the wallet's error. */
  'onmedvault-error'?: (event: CustomEvent<ShareErrorDetail>) => void;
};
