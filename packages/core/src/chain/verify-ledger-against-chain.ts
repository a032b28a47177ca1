import {
  type Account,
  type Address,
  bytesToHex,
  type Chain,
  type Client,
  hexToBytes,
  type Transport,
} from 'viem';
import { type Checkpoint, parseCheckpoint } from '../ledger/checkpoint.js';
import { type Entry, encodeEntry, hashEntry } from '../ledger/entry.js';
import { type ConsistencyProof, MerkleTree, verifyConsistencyProof } from '../ledger/merkle.js';
import { type VerifiedLedger, verifyLedger } from '../ledger/verify.js';
import { AnchorMismatchError, NotAnchoredError } from './errors.js';
import { type Anchor, getAnchor } from './get-anchor.js';

/** What `verifyLedgerAgainstChain` checked. */
export type ChainVerification = { anchor: Anchor; verified?: VerifiedLedger };

/**
 * Verifies a ledger (or a checkpoint) and that it agrees with the chain:
 * the ledger's entries up to the anchored size have the anchored root — or
 * the checkpoint is the anchored one, or extends it by a consistency proof.
 * A ledger cut below, or rewritten before, the anchor fails with
 * `AnchorMismatchError`.
 *
 * @example
 * ```ts
 * const { anchor } = await verifyLedgerAgainstChain(client, { registry, entries: ledger.allEntryBytes() });
 * console.log(`anchored at block ${anchor.blockNumber}`);
 * ```
 */
export async function verifyLedgerAgainstChain(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: { registry: Address } & (
    | { entries: readonly (Entry | Uint8Array)[] }
    | { checkpoint: Checkpoint; consistencyProof?: ConsistencyProof }
  ),
): Promise<ChainVerification> {
  if ('entries' in params) {
    const verified = verifyLedger(params.entries);
    const ledgerId = verified.state.ledgerId;
    const anchor = await getAnchor(client, {
      registry: params.registry,
      ledgerId,
      owner: verified.owner,
    });
    if (!anchor) throw new NotAnchoredError(bytesToHex(ledgerId));
    if (anchor.size > verified.size) {
      throw new AnchorMismatchError(
        `the chain anchors ${anchor.size} entries but the ledger has ${verified.size}: entries were cut`,
      );
    }
    const tree = new MerkleTree();
    for (const e of params.entries.slice(0, anchor.size))
      tree.append(hashEntry(e instanceof Uint8Array ? e : encodeEntry(e)));
    if (bytesToHex(tree.root()) !== anchor.root) {
      throw new AnchorMismatchError(
        `the root of the first ${anchor.size} entries differs from the anchored root: history was rewritten`,
      );
    }
    return { anchor, verified };
  }
  const cp = parseCheckpoint(params.checkpoint);
  const anchor = await getAnchor(client, {
    registry: params.registry,
    ledgerId: cp.ledger,
    owner: cp.signer,
  });
  if (!anchor) throw new NotAnchoredError(bytesToHex(cp.ledger));
  if (cp.size === anchor.size) {
    if (bytesToHex(cp.root) !== anchor.root)
      throw new AnchorMismatchError('the checkpoint has another root than the anchor of its size');
  } else if (cp.size > anchor.size) {
    if (!params.consistencyProof)
      throw new AnchorMismatchError(
        `a consistency proof from the anchored size ${anchor.size} is needed`,
      );
    try {
      verifyConsistencyProof(params.consistencyProof, hexToBytes(anchor.root), cp.root);
    } catch (cause) {
      throw new AnchorMismatchError(
        `the checkpoint does not extend the anchored history (${(cause as Error).message})`,
      );
    }
    if (
      params.consistencyProof.oldSize !== anchor.size ||
      params.consistencyProof.newSize !== cp.size
    ) {
      throw new AnchorMismatchError('the consistency proof is for other sizes');
    }
  } else {
    const exact = await getAnchor(client, {
      registry: params.registry,
      ledgerId: cp.ledger,
      owner: cp.signer,
      size: cp.size,
    });
    if (!exact || bytesToHex(cp.root) !== exact.root)
      throw new AnchorMismatchError(`no anchor of size ${cp.size} with this root`);
    return { anchor: exact };
  }
  return { anchor };
}
