/**
 * A patient's ledger held in full: appends signed entries, makes signed
 * checkpoints and proves inclusion and consistency. Every entry it accepts
 * passes the same rules a verifier applies.
 */
import { equalBytes } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { Signer } from '../pre/signing.js';
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
import {
  decodeEntry,
  type Entry,
  type EntryBody,
  type EntryKind,
  encodeEntry,
  hashEntry,
  LEDGER_VERSION,
  signEntry,
} from './entry.js';
import { ChainBrokenError, CheckpointMismatchError, MalformedLedgerDataError } from './errors.js';
import { type ConsistencyProof, type InclusionProof, MerkleTree } from './merkle.js';
import { applyEntry, cloneState, emptyState, type LedgerState } from './state.js';
import { type LedgerStore, MemoryLedgerStore } from './store.js';

/** Options of `Ledger.create` and `Ledger.open`. */
export type LedgerOptions = {
  /** Where entries and checkpoints persist (default: memory). */
  store?: LedgerStore;
  /** Clock in milliseconds since the epoch (default: `Date.now`). */
  now?: () => number;
};

/** Options of `Ledger.create`. */
export type CreateLedgerOptions = LedgerOptions & {
  /**
   * The 32-byte ledger id (default: random). A wallet derives it from the
   * patient's seed so that a restored wallet finds its ledger again.
   */
  id?: Uint8Array;
};

/** An entry that passed every rule, with the state it leads to. */
type CheckedEntry = { bytes: Uint8Array; entry: Entry; hash: Uint8Array; next: LedgerState };

/**
 * One patient's ledger, verified as it is built or loaded.
 *
 * @example
 * ```ts
 * const owner = new Signer(patientSk);
 * const ledger = await Ledger.create(owner);
 * await ledger.append('record', { cid, capsule, contentType, size, recipient }, hospitalSigner);
 * const cp = await ledger.checkpoint(owner);
 * const proof = ledger.proveInclusion(1);
 * ```
 */
export class Ledger {
  readonly #store: LedgerStore;
  readonly #now: () => number;
  readonly #tree = new MerkleTree();
  readonly #entries: Uint8Array[] = [];
  #state: LedgerState;
  #checkpoints: Checkpoint[] = [];
  // appends are serialised so that concurrent callers cannot race for a seq
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(state: LedgerState, options: LedgerOptions) {
    this.#state = state;
    this.#store = options.store ?? new MemoryLedgerStore();
    this.#now = options.now ?? Date.now;
  }

  /** Creates a new ledger whose genesis entry names `owner` and is signed by it. */
  static async create(owner: Signer, options: CreateLedgerOptions = {}): Promise<Ledger> {
    if (
      options.id !== undefined &&
      !(options.id instanceof Uint8Array && options.id.length === 32)
    ) {
      throw new MalformedLedgerDataError('ledger id', 'expected 32 bytes');
    }
    const ledger = new Ledger(emptyState(options.id ?? randomBytes(32)), options);
    await ledger.append('genesis', { owner: owner.verifyingKey().toCompressedBytes() }, owner);
    return ledger;
  }

  /** Loads and fully verifies a stored ledger. */
  static async open(
    ledgerId: Uint8Array,
    options: LedgerOptions & { store: LedgerStore },
  ): Promise<Ledger> {
    const ledger = new Ledger(emptyState(ledgerId), options);
    for (const bytes of await options.store.entries(ledgerId)) ledger.#commit(ledger.#check(bytes));
    ledger.#checkpoints = (await options.store.checkpoints(ledgerId)).map(decodeCheckpoint);
    return ledger;
  }

  /**
   * Catches up with what others appended to the store since this object
   * was opened (another process over the same store): each new entry is
   * checked against every rule before it is taken, and the checkpoints are
   * read again. Resolves to the number of entries taken.
   *
   * @example
   * ```ts
   * const ledger = await Ledger.open(id, { store }); // shared with another host process
   * await ledger.refresh(); // now as long as the store's copy
   * ```
   */
  async refresh(): Promise<number> {
    const from = this.size;
    const [added, checkpoints] = await Promise.all([
      this.#store.entries(this.#state.ledgerId, from),
      this.#store.checkpoints(this.#state.ledgerId),
    ]);
    let taken = 0;
    for (const [i, bytes] of added.entries()) {
      // a concurrent refresh or append of this object may have taken it meanwhile
      if (from + i < this.size) {
        if (!equalBytes(bytes, this.#entries[from + i] as Uint8Array))
          throw new ChainBrokenError(from + i);
        continue;
      }
      this.#commit(this.#check(bytes));
      taken += 1;
    }
    if (checkpoints.length !== this.#checkpoints.length)
      this.#checkpoints = checkpoints.map(decodeCheckpoint);
    return taken;
  }

  /** Checks `bytes` as the next entry against every rule, without changing anything. */
  #check(bytes: Uint8Array): CheckedEntry {
    const entry = decodeEntry(bytes);
    const hash = hashEntry(entry);
    const next = cloneState(this.#state);
    applyEntry(next, entry, hash);
    return { bytes, entry, hash, next };
  }

  #commit(checked: CheckedEntry): Entry {
    this.#state = checked.next;
    this.#tree.append(checked.hash);
    this.#entries.push(checked.bytes);
    return checked.entry;
  }

  /** The ledger id (32 bytes). */
  get id(): Uint8Array {
    return Uint8Array.from(this.#state.ledgerId);
  }

  /** Number of entries. */
  get size(): number {
    return this.#state.size;
  }

  /** The owner's current public key. */
  get owner(): Uint8Array {
    return Uint8Array.from(this.#state.owner);
  }

  /** Hash of the last entry. */
  get head(): Uint8Array {
    return Uint8Array.from(this.#state.head);
  }

  /** Merkle root of the first `size` entries (default: all). */
  root(size = this.size): Uint8Array {
    return this.#tree.root(size);
  }

  /** The entry `seq`, decoded. */
  entry(seq: number): Entry {
    return decodeEntry(this.entryBytes(seq));
  }

  /** The canonical bytes of entry `seq`. */
  entryBytes(seq: number): Uint8Array {
    const bytes = this.#entries[seq];
    if (!bytes) throw new RangeError(`no entry ${seq} in a ledger of ${this.size}`);
    return bytes;
  }

  /** All entries' bytes, in order. */
  allEntryBytes(): Uint8Array[] {
    return [...this.#entries];
  }

  /** Checkpoints made or loaded, oldest first. */
  get checkpoints(): readonly Checkpoint[] {
    return this.#checkpoints;
  }

  /** The state verification reached: grants, owner, frontier. */
  get state(): LedgerState {
    return cloneState(this.#state);
  }

  /**
   * Signs and appends an entry of `kind` by `signer`; resolves once the
   * store holds it. Throws the rule's `LedgerError` when the entry is not
   * allowed (nothing is stored then).
   */
  append<K extends EntryKind>(kind: K, body: EntryBody<K>, signer: Signer): Promise<Entry<K>> {
    const run = this.#queue.then(async () => {
      const entry = signEntry(
        {
          v: LEDGER_VERSION,
          ledger: this.#state.ledgerId,
          seq: this.#state.size,
          prev: this.#state.head,
          time: Math.max(this.#now(), this.#state.time),
          kind,
          body,
          author: signer.verifyingKey().toCompressedBytes(),
        },
        signer,
      );
      return this.appendSigned(entry) as Promise<Entry<K>>;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Appends an entry someone else signed (checked against every rule first). */
  async appendSigned(entry: Entry | Uint8Array): Promise<Entry> {
    const checked = this.#check(entry instanceof Uint8Array ? entry : encodeEntry(entry));
    await this.#store.append(this.#state.ledgerId, checked.entry.seq, checked.bytes);
    // a refresh meanwhile may have taken it from the store (which holds it once, as these bytes)
    if (this.size > checked.entry.seq) return checked.entry;
    return this.#commit(checked);
  }

  /** Signs a checkpoint of the whole ledger (the owner's key) and stores it. */
  async checkpoint(signer: Signer): Promise<Checkpoint> {
    const cp = signCheckpoint(
      {
        ledger: this.#state.ledgerId,
        size: this.size,
        root: this.root(),
        time: Math.max(this.#now(), this.#state.time),
      },
      signer,
    );
    await this.#store.putCheckpoint(this.#state.ledgerId, encodeCheckpoint(cp));
    this.#checkpoints.push(cp);
    return cp;
  }

  /**
   * Stores a checkpoint someone else signed (the owner, offline) after
   * checking it: this ledger's id, a size it has, its root at that size, and
   * the current owner's signature.
   */
  async addCheckpoint(checkpoint: Checkpoint | Uint8Array): Promise<Checkpoint> {
    const cp =
      checkpoint instanceof Uint8Array ? decodeCheckpoint(checkpoint) : parseCheckpoint(checkpoint);
    if (!equalBytes(cp.ledger, this.#state.ledgerId))
      throw new CheckpointMismatchError('it is for another ledger');
    if (cp.size > this.size)
      throw new CheckpointMismatchError(
        `it covers ${cp.size} entries, the ledger has ${this.size}`,
      );
    if (!equalBytes(cp.root, this.root(cp.size)))
      throw new CheckpointMismatchError(`its root differs at size ${cp.size}`);
    if (!equalBytes(cp.signer, this.#state.owner))
      throw new CheckpointMismatchError("it is not signed by the ledger's owner");
    await this.#store.putCheckpoint(this.#state.ledgerId, encodeCheckpoint(cp));
    this.#checkpoints.push(cp);
    return cp;
  }

  /** RFC 9162 inclusion proof of entry `seq` in the ledger of `size` entries. */
  proveInclusion(seq: number, size = this.size): InclusionProof {
    return this.#tree.proveInclusion(seq, size);
  }

  /** RFC 9162 consistency proof from `oldSize` to `newSize` entries. */
  proveConsistency(oldSize: number, newSize = this.size): ConsistencyProof {
    return this.#tree.proveConsistency(oldSize, newSize);
  }
}
