/**
 * The share button's state: one value, derived from what the button knows
 * (is there a wallet, are its attributes valid, what is pending, how the
 * last request ended) so that it can never disagree with itself.
 */
import type { ShareOutcome, SharePhase } from './ask-wallet.js';

/** The states of `<medvault-share-button>`, reflected in its `state` attribute. */
export type ShareButtonState =
  | 'no-extension'
  | 'ready'
  | 'connecting'
  | 'waiting'
  | 'granted'
  | 'denied'
  | 'error';

/** What the button is doing: nothing, one step of a request, or showing how the last one ended. */
export type Activity =
  | { kind: 'idle' }
  | { kind: SharePhase }
  | { kind: 'done'; outcome: ShareOutcome };

/** Whether a wallet announced itself: not yet known during the discovery wait. */
export type WalletPresence = 'unknown' | 'present' | 'absent';

/**
 * The state for what the button knows. A pending request shows first; then
 * a configuration problem (the site must fix it); then the last outcome;
 * then whether there is a wallet. While discovery is still waiting the
 * button is `ready` (a click waits for the answer).
 *
 * @example
 * ```ts
 * stateOf({ activity: { kind: 'idle' }, wallet: 'absent', invalid: false }); // 'no-extension'
 * ```
 */
export function stateOf(known: {
  activity: Activity;
  wallet: WalletPresence;
  invalid: boolean;
}): ShareButtonState {
  const { activity, wallet, invalid } = known;
  if (activity.kind === 'connecting' || activity.kind === 'waiting') return activity.kind;
  if (invalid) return 'error';
  if (activity.kind === 'done') return activity.outcome.kind;
  return wallet === 'absent' ? 'no-extension' : 'ready';
}
