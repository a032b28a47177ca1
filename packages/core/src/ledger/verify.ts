/**
 * Verification of whole ledgers, appended entries, and proofs against
 * checkpoints. Every function throws a typed `LedgerError` naming the first
 * problem (with the entry's seq) and returns what it verified.
 */
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { type Checkpoint, parseCheckpoint } from './checkpoint.js';
import {
  type AnyEntry,
  decodeAnyEntry,
  encodeEntry,
  hashEntry,
  verifyEntrySignature,
} from './entry.js';
import {
  CheckpointMismatchError,
  ConsistencyProofError,
  ForkError,
  InclusionProofError,
  SequenceError,
  TruncatedLedgerError,
} from './errors.js';
import {
  type ConsistencyProof,
  type InclusionProof,
  verifyConsistencyProof,
  verifyInclusionProof,
} from './merkle.js';
import { applyEntry, cloneState, emptyState, type LedgerState } from './state.js';

/** The verified head of a ledger: size, Merkle root, and the state to resume from. */
export type VerifiedLedger = {
  size: number;
  root: Uint8Array;
  /** Hash of the last entry. */
  head: Uint8Array;
  /** The owner's current key. */
  owner: Uint8Array;
  /** State for `verifyAppended`. */
  state: LedgerState;
};

/** Options of `verifyLedger`. */
export type VerifyLedgerOptions = {
  /** The ledger id expected (default: the first entry's). */
  ledgerId?: Uint8Array;
  /** Checkpoints already held: the ledger must contain and match each. */
  checkpoints?: readonly Checkpoint[];
};

type Decoded = { entry: AnyEntry; bytes: Uint8Array };

function toDecoded(e: AnyEntry | Uint8Array): Decoded {
  if (e instanceof Uint8Array) return { entry: decodeAnyEntry(e), bytes: e };
  return { entry: e, bytes: encodeEntry(e) };
}

/** Two distinct validly signed entries for one seq are a fork; identical ones a duplicate. */
function findFork(items: Decoded[]): void {
  const bySeq = new Map<number, Decoded>();
  for (const item of items) {
    const seen = bySeq.get(item.entry.seq);
    if (!seen) {
      bySeq.set(item.entry.seq, item);
      continue;
    }
    // the same entry twice (in full or as a stub): the sequence check reports it
    if (equalBytes(hashEntry(seen.entry), hashEntry(item.entry))) continue;
    try {
      verifyEntrySignature(seen.entry);
      verifyEntrySignature(item.entry);
    } catch {
      continue; // not a fork: one of them is simply invalid, reported in order
    }
    throw new ForkError(item.entry.seq, seen.bytes, item.bytes);
  }
}

function summarize(state: LedgerState): VerifiedLedger {
  return {
    size: state.size,
    root: state.frontier.root(),
    head: state.head,
    owner: state.owner,
    state,
  };
}

function applyAll(state: LedgerState, items: Decoded[], checkpoints: readonly Checkpoint[]): void {
  const owners = new Map<number, Uint8Array>(); // size → owner key after that many entries
  const roots = new Map<number, Uint8Array>();
  const wanted = new Set(checkpoints.map((c) => c.size));
  for (const { entry } of items) {
    applyEntry(state, entry, hashEntry(entry));
    if (wanted.has(state.size)) {
      roots.set(state.size, state.frontier.root());
      owners.set(state.size, state.owner);
    }
  }
  for (const cp of checkpoints) {
    if (!equalBytes(cp.ledger, state.ledgerId))
      throw new CheckpointMismatchError('it is for another ledger');
    if (cp.size > state.size) throw new TruncatedLedgerError(state.size, cp.size);
    const root = roots.get(cp.size);
    if (!root) continue; // before the part verified here (incremental verification)
    if (!equalBytes(cp.signer, owners.get(cp.size) as Uint8Array)) {
      throw new CheckpointMismatchError(`it is not signed by the owner at size ${cp.size}`);
    }
    if (!equalBytes(root, cp.root)) {
      throw new CheckpointMismatchError(
        `the root at size ${cp.size} is ${bytesToHex(root)}, the checkpoint says ${bytesToHex(cp.root)}`,
      );
    }
  }
}

/**
 * Verifies a whole ledger from genesis: encoding, signatures, the chain,
 * every rule of every kind, and any checkpoints given.
 *
 * @example
 * ```ts
 * const { size, root } = verifyLedger(await store.entries(ledgerId), { checkpoints: [latest] });
 * ```
 */
export function verifyLedger(
  entries: readonly (AnyEntry | Uint8Array)[],
  options: VerifyLedgerOptions = {},
): VerifiedLedger {
  const items = entries.map(toDecoded);
  const first = items[0];
  if (!first) throw new SequenceError(0, -1);
  findFork(items);
  const checkpoints = (options.checkpoints ?? []).map((c) => parseCheckpoint(c));
  const state = emptyState(options.ledgerId ?? first.entry.ledger);
  applyAll(state, items, checkpoints);
  return summarize(state);
}

/**
 * Verifies only what was appended since an already verified head: O(new
 * entries + log n). The given head is not modified.
 *
 * @example
 * ```ts
 * let head = verifyLedger(entries);
 * head = verifyAppended(head, await host.entriesSince(head.size));
 * ```
 */
export function verifyAppended(
  verified: VerifiedLedger,
  appended: readonly (AnyEntry | Uint8Array)[],
  checkpoints: readonly Checkpoint[] = [],
): VerifiedLedger {
  const state = cloneState(verified.state);
  const items = appended.map(toDecoded);
  findFork(items);
  applyAll(
    state,
    items,
    checkpoints.map((c) => parseCheckpoint(c)),
  );
  return summarize(state);
}

/**
 * Checks that `entry` is in the ledger at `checkpoint` (signed by its
 * signer; check that the signer is the owner you expect).
 *
 * @example
 * ```ts
 * verifyInclusion(recordEntry, await host.proveInclusion(seq, cp.size), cp);
 * ```
 */
export function verifyInclusion(
  entry: AnyEntry | Uint8Array,
  proof: InclusionProof,
  checkpoint: Checkpoint,
): void {
  const cp = parseCheckpoint(checkpoint);
  const { entry: e } = toDecoded(entry);
  if (!equalBytes(e.ledger, cp.ledger))
    throw new InclusionProofError('the entry is from another ledger');
  if (proof.leafIndex !== e.seq)
    throw new InclusionProofError(`the proof is for entry ${proof.leafIndex}, not ${e.seq}`);
  if (proof.treeSize !== cp.size)
    throw new InclusionProofError(
      `the proof is for size ${proof.treeSize}, the checkpoint is ${cp.size}`,
    );
  verifyInclusionProof(hashEntry(e), proof, cp.root);
}

/**
 * Checks that the newer checkpoint extends the older one: the same history,
 * only appended to.
 *
 * @example
 * ```ts
 * verifyConsistency(anchored, latest, await host.proveConsistency(anchored.size, latest.size));
 * ```
 */
export function verifyConsistency(
  older: Checkpoint,
  newer: Checkpoint,
  proof: ConsistencyProof,
): void {
  const a = parseCheckpoint(older);
  const b = parseCheckpoint(newer);
  if (!equalBytes(a.ledger, b.ledger))
    throw new ConsistencyProofError('the checkpoints are of different ledgers');
  if (proof.oldSize !== a.size || proof.newSize !== b.size) {
    throw new ConsistencyProofError(
      `the proof is for sizes ${proof.oldSize} → ${proof.newSize}, not ${a.size} → ${b.size}`,
    );
  }
  verifyConsistencyProof(proof, a.root, b.root);
}
