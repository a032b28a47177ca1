/**
 * The proxy's view of each patient ledger it serves: verified and indexed
 * once, then kept up to date with only the entries appended since (each new
 * entry verified against the state already held, so a host that rewrote
 * history is caught).
 */
import { type VerifiedLedger, verifyAppended, verifyLedger } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { indexLedger, type RecordIndex } from '@medvault/core/proxy';
import { hexToBytes } from '@noble/hashes/utils.js';

type View = { client: LedgerHostClient; verified: VerifiedLedger; index: RecordIndex };

export class LedgerViews {
  readonly #views = new Map<string, View>();
  readonly #refreshing = new Map<string, Promise<View>>();

  /** The ledger, verified and indexed up to the host's current head. */
  refresh(ledgerHost: string, ledgerId: string): Promise<View> {
    const key = `${ledgerHost} ${ledgerId}`;
    // concurrent requests share one refresh
    let pending = this.#refreshing.get(key);
    if (!pending) {
      pending = this.#load(key, ledgerHost, ledgerId).finally(() => this.#refreshing.delete(key));
      this.#refreshing.set(key, pending);
    }
    return pending;
  }

  async #load(key: string, ledgerHost: string, ledgerId: string): Promise<View> {
    const held = this.#views.get(key);
    const client = held?.client ?? new LedgerHostClient({ url: ledgerHost });
    const fresh = await client.entries(ledgerId, held?.verified.size ?? 0);
    const verified = held
      ? verifyAppended(held.verified, fresh)
      : verifyLedger(fresh, { ledgerId: hexToBytes(ledgerId) });
    const view = { client, verified, index: indexLedger(fresh, held?.index) };
    this.#views.set(key, view);
    return view;
  }
}
