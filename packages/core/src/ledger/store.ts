/**
 * Where a ledger's bytes live. A store keeps each ledger's entries in
 * sequence and its checkpoints; `append` resolves only once the entry is
 * durable, and refuses anything but the next seq.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { SequenceError } from './errors.js';

/** Persistence for ledgers: memory, IndexedDB (browser), a file (Node). */
export interface LedgerStore {
  /** Appends the encoded entry `seq`; rejects with `SequenceError` unless seq is the next one. */
  append(ledgerId: Uint8Array, seq: number, entry: Uint8Array): Promise<void>;
  /** Encoded entries from `fromSeq` (default 0) on, in order. */
  entries(ledgerId: Uint8Array, fromSeq?: number): Promise<Uint8Array[]>;
  /** Number of entries stored for the ledger. */
  size(ledgerId: Uint8Array): Promise<number>;
  /** Stores an encoded checkpoint. */
  putCheckpoint(ledgerId: Uint8Array, checkpoint: Uint8Array): Promise<void>;
  /** Encoded checkpoints, oldest first. */
  checkpoints(ledgerId: Uint8Array): Promise<Uint8Array[]>;
  /** Ids of the ledgers held. */
  ledgers(): Promise<Uint8Array[]>;
}

/**
 * A `LedgerStore` in memory: for tests, caches and short-lived tools.
 *
 * @example
 * ```ts
 * const ledger = await Ledger.create(new Signer(patientSk), { store: new MemoryLedgerStore() });
 * ```
 */
export class MemoryLedgerStore implements LedgerStore {
  readonly #entries = new Map<string, Uint8Array[]>();
  readonly #checkpoints = new Map<string, Uint8Array[]>();
  readonly #ids = new Map<string, Uint8Array>();

  async append(ledgerId: Uint8Array, seq: number, entry: Uint8Array): Promise<void> {
    const key = bytesToHex(ledgerId);
    const list = this.#entries.get(key) ?? [];
    if (seq !== list.length) throw new SequenceError(list.length, seq);
    list.push(Uint8Array.from(entry));
    this.#entries.set(key, list);
    this.#ids.set(key, Uint8Array.from(ledgerId));
  }

  async entries(ledgerId: Uint8Array, fromSeq = 0): Promise<Uint8Array[]> {
    return (this.#entries.get(bytesToHex(ledgerId)) ?? []).slice(fromSeq);
  }

  async size(ledgerId: Uint8Array): Promise<number> {
    return this.#entries.get(bytesToHex(ledgerId))?.length ?? 0;
  }

  async putCheckpoint(ledgerId: Uint8Array, checkpoint: Uint8Array): Promise<void> {
    const key = bytesToHex(ledgerId);
    this.#checkpoints.set(key, [
      ...(this.#checkpoints.get(key) ?? []),
      Uint8Array.from(checkpoint),
    ]);
  }

  async checkpoints(ledgerId: Uint8Array): Promise<Uint8Array[]> {
    return [...(this.#checkpoints.get(bytesToHex(ledgerId)) ?? [])];
  }

  async ledgers(): Promise<Uint8Array[]> {
    return [...this.#ids.values()];
  }
}
