/** The wallet's pages talking to the background: one typed call per message. */
import { BaseError } from '@medvault/core';
import browser from 'webextension-polyfill';
import type { UiMessage, UiReply } from '../shared/ui-schema.js';

/** An error the background answered with; `code` is the background's. */
export class WalletReplyError extends BaseError {
  override readonly name = 'WalletReplyError';
  override readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Sends `message`; resolves with the value or throws `WalletReplyError`.
 *
 * @example
 * ```ts
 * const { unlocked } = await call<{ unlocked: boolean }>({ type: 'state' });
 * ```
 */
export async function call<T>(message: UiMessage): Promise<T> {
  const reply = (await browser.runtime.sendMessage(message)) as UiReply<T> | undefined;
  if (!reply) throw new WalletReplyError('WALLET_NO_ANSWER', 'The wallet did not answer.');
  if (!reply.ok) throw new WalletReplyError(reply.error.code, reply.error.message);
  return reply.value;
}
