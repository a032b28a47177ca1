/**
 * The proxy's view of each patient ledger it serves: verified and indexed
 * once, then kept up to date with only the entries appended since (each new
 * entry verified against the state already held, so a host that rewrote
 * history is caught). Reads are signed with the proxy's key (the host serves
 * a proxy what its grants need). When the patient has anchored the ledger on
 * chain, the view must contain the anchored entries, unchanged (a
 * consistency proof from the anchor to the view): a host cannot show a
 * proxy a forked or cut history the patient anchored differently.
 */
import {
  ConsistencyProofError,
  TruncatedLedgerError,
  type VerifiedLedger,
  verifyAppended,
  verifyConsistencyProof,
  verifyLedger,
} from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import type { Signer } from '@medvault/core/pre';
import { indexLedger, type RecordIndex } from '@medvault/core/proxy';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

type View = { client: LedgerHostClient; verified: VerifiedLedger; index: RecordIndex };

/** The latest on-chain anchor of a ledger by its owner, if any. */
export type AnchorLookup = (
  ledgerId: Uint8Array,
  owner: Uint8Array,
) => Promise<{ size: number; root: string } | undefined>;

/** Options of `LedgerViews`. */
export type LedgerViewsOptions = {
  /** The proxy's signer: reads are signed with it. */
  signer: Signer;
  /** The latest anchor (omit when no chain is configured). */
  anchorOf?: AnchorLookup;
  /** How long an anchor read from the chain is reused, ms (default 1 000, like a grant's status). */
  anchorTtlMs?: number;
};

export class LedgerViews {
  readonly #views = new Map<string, View>();
  readonly #refreshing = new Map<string, Promise<View>>();
  readonly #anchors = new Map<
    string,
    { at: number; anchor: { size: number; root: string } | undefined; checkedSize: number }
  >();
  readonly #options: LedgerViewsOptions;

  constructor(options: LedgerViewsOptions) {
    this.#options = options;
  }

  /** The ledger, verified, checked against its anchor and indexed up to the host's current head. */
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
    const client =
      held?.client ?? new LedgerHostClient({ url: ledgerHost, signer: this.#options.signer });
    const fresh = await client.entries(ledgerId, held?.verified.size ?? 0);
    const verified = held
      ? verifyAppended(held.verified, fresh)
      : verifyLedger(fresh, { ledgerId: hexToBytes(ledgerId) });
    await this.#checkAnchor(key, client, ledgerId, verified);
    const view = { client, verified, index: indexLedger(fresh, held?.index) };
    this.#views.set(key, view);
    return view;
  }

  async #checkAnchor(
    key: string,
    client: LedgerHostClient,
    ledgerId: string,
    verified: VerifiedLedger,
  ): Promise<void> {
    const { anchorOf, anchorTtlMs = 1_000 } = this.#options;
    if (!anchorOf) return;
    // the anchor read from the chain is reused for anchorTtlMs; the view is
    // checked against it whenever the view grew
    const known = this.#anchors.get(key);
    const fresh = known !== undefined && performance.now() - known.at < anchorTtlMs;
    if (fresh && known.checkedSize === verified.size) return;
    const anchor = fresh ? known.anchor : await anchorOf(hexToBytes(ledgerId), verified.owner);
    const at = fresh ? known.at : performance.now();
    if (!anchor) {
      this.#anchors.set(key, { at, anchor, checkedSize: verified.size });
      return;
    }
    if (anchor.size > verified.size) throw new TruncatedLedgerError(verified.size, anchor.size);
    const anchoredRoot = hexToBytes(anchor.root.replace(/^0x/, ''));
    if (anchor.size === verified.size) {
      if (bytesToHex(anchoredRoot) !== bytesToHex(verified.root)) {
        throw new ConsistencyProofError('the view is not the history anchored on chain');
      }
    } else {
      const proof = await client.consistencyProof(ledgerId, anchor.size, verified.size);
      if (proof.oldSize !== anchor.size || proof.newSize !== verified.size) {
        throw new ConsistencyProofError('the host sent a proof for other sizes');
      }
      verifyConsistencyProof(proof, anchoredRoot, verified.root);
    }
    this.#anchors.set(key, { at, anchor, checkedSize: verified.size });
  }
}
