/**
 * Where a shared record stands in the patient's history: its entry in the
 * verified ledger and, once the patient anchored a checkpoint covering it,
 * an RFC 9162 inclusion proof against the root the chain holds.
 */
import {
  type Anchor,
  AnchorMismatchError,
  NotAnchoredError,
  verifyLedgerAgainstChain,
} from '@medvault/core/chain';
import {
  hashEntry,
  type InclusionProof,
  MerkleTree,
  verifyInclusionProof,
} from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Address, Client } from 'viem';

/** The chain the clinic checks anchors on. */
export type AnchorChain = { client: Client; registry: Address };

/** The verification of one record, as the clinic shows it. */
export type Provenance =
  | { status: 'anchored'; entrySeq: number; anchor: Anchor; proof: InclusionProof }
  | { status: 'in-ledger'; entrySeq: number; detail: string }
  | { status: 'failed'; entrySeq: number; detail: string };

/** Finds the ledger's anchor: the anchor, or why there is none (not yet, or a mismatch). */
export async function findAnchor(
  chain: AnchorChain,
  entries: readonly Uint8Array[],
): Promise<{ anchor: Anchor } | { missing: string } | { mismatch: string }> {
  try {
    const { anchor } = await verifyLedgerAgainstChain(chain.client, {
      registry: chain.registry,
      entries,
    });
    return { anchor };
  } catch (error) {
    if (error instanceof NotAnchoredError)
      return { missing: 'the patient has not anchored a checkpoint yet' };
    if (error instanceof AnchorMismatchError) return { mismatch: error.shortMessage };
    throw error;
  }
}

/**
 * The provenance of the entry at `seq`, given the ledger's verified entries
 * and what `findAnchor` found. The proof is verified before it is returned.
 */
export function provenanceOf(
  entries: readonly Uint8Array[],
  seq: number,
  found: Awaited<ReturnType<typeof findAnchor>>,
): Provenance {
  if ('mismatch' in found) return { status: 'failed', entrySeq: seq, detail: found.mismatch };
  if ('missing' in found) return { status: 'in-ledger', entrySeq: seq, detail: found.missing };
  const { anchor } = found;
  if (seq >= anchor.size) {
    return {
      status: 'in-ledger',
      entrySeq: seq,
      detail: `added after the latest anchor (block ${anchor.blockNumber}, ${anchor.size} entries)`,
    };
  }
  const tree = new MerkleTree();
  for (const entry of entries.slice(0, anchor.size)) tree.append(hashEntry(entry));
  const proof = tree.proveInclusion(seq, anchor.size);
  verifyInclusionProof(
    hashEntry(entries[seq] as Uint8Array),
    proof,
    hexToBytes(anchor.root.slice(2)),
  );
  return { status: 'anchored', entrySeq: seq, anchor, proof };
}

/** A proof as JSON, for the badge's link. */
export function proofJson(ledgerId: string, entries: readonly Uint8Array[], p: Provenance) {
  const base = {
    ledgerId,
    entrySeq: p.entrySeq,
    entryHash: bytesToHex(hashEntry(entries[p.entrySeq] as Uint8Array)),
  };
  if (p.status !== 'anchored') return { ...base, status: p.status, detail: p.detail };
  return {
    ...base,
    status: p.status,
    verified: true,
    treeSize: p.proof.treeSize,
    path: p.proof.path.map(bytesToHex),
    anchoredRoot: p.anchor.root,
    anchoredAtBlock: Number(p.anchor.blockNumber),
  };
}
