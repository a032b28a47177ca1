/**
 * The ledgers of a host whose store other host processes write too
 * (PostgreSQL): a ledger object is kept per process for speed, but every
 * request takes it only after `refresh()` has caught it up with the
 * database — checking each entry another replica stored — so a replica
 * never answers from a stale copy. Sequencing is the database's (its
 * primary key); this process's write queue only spares it needless
 * conflicts between its own requests.
 */
import { Ledger } from '@medvault/core/ledger';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';

const LEDGER_ID = /^[0-9a-f]{64}$/;

/** What the host's routes need of its ledgers, whatever the store. */
export interface HostLedgers {
  /** The ledger `id` (hex, any case), current; undefined if the host has none. */
  get(id: string): Promise<Ledger | undefined>;
  /** Whether the host has ledger `id`. */
  has(id: string): Promise<boolean>;
  /** Adds a ledger just created on this host. */
  set(id: string, ledger: Ledger): unknown;
  /** How many ledgers the host holds. */
  count(): Promise<number>;
}

/**
 * Ledgers over a shared store, current on every `get`.
 *
 * @example
 * ```ts
 * const ledgers = new SharedLedgers(await openPgLedgerStore(url), { maxCached: 1024 });
 * const ledger = await ledgers.get(id); // caught up with every replica's writes
 * ```
 */
export class SharedLedgers implements HostLedgers {
  readonly #store: PgLedgerStore;
  readonly #max: number;
  /** Least recently used first. */
  readonly #cached = new Map<string, Ledger>();

  constructor(store: PgLedgerStore, options: { maxCached?: number } = {}) {
    this.#store = store;
    this.#max = options.maxCached ?? 1024;
  }

  async get(id: string): Promise<Ledger | undefined> {
    const key = id.toLowerCase();
    if (!LEDGER_ID.test(key)) return undefined;
    const hit = this.#cached.get(key);
    if (hit) {
      await hit.refresh();
      this.#keep(key, hit);
      return hit;
    }
    const ledger = await Ledger.open(hexToBytes(key), { store: this.#store });
    if (ledger.size === 0) return undefined;
    this.#keep(key, ledger);
    return ledger;
  }

  async has(id: string): Promise<boolean> {
    const key = id.toLowerCase();
    return LEDGER_ID.test(key) && this.#store.has(hexToBytes(key));
  }

  set(id: string, ledger: Ledger): this {
    this.#keep(id.toLowerCase(), ledger);
    return this;
  }

  count(): Promise<number> {
    return this.#store.count();
  }

  /** Ledgers in memory in this process now. */
  get cached(): number {
    return this.#cached.size;
  }

  #keep(key: string, ledger: Ledger): void {
    this.#cached.delete(key);
    this.#cached.set(key, ledger);
    // an evicted object a request still holds stays correct: the database is the truth
    while (this.#cached.size > this.#max)
      this.#cached.delete(this.#cached.keys().next().value as string);
  }
}
