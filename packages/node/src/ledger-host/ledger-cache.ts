/**
 * The ledger host's ledgers in memory: the most recently used ones, at most
 * `maxCached`; any other is read again from its file, and verified, when a
 * request needs it.
 *
 * Why a ledger object is never stale: a write to a ledger runs in the write
 * queue and takes its ledger from here *inside* its task; a ledger with a
 * task queued or running is never evicted, so the object the write changes
 * is the one cached until the write has settled. A ledger is read from disk
 * only when it is not cached, so no write to it is in flight (any would
 * keep it cached), and concurrent reads of one ledger share one load. What
 * a load reads is durable: a `LedgerFile` shows an append only once
 * fsync'ed.
 */
import { Ledger, TornEntryError } from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { FileLedgerStore } from '../ledger/file-ledger-store.js';
import type { WriteQueue } from './write-queue.js';

const LEDGER_ID = /^[0-9a-f]{64}$/;

/** Options of `LedgerCache`. */
export type LedgerCacheOptions = {
  /** Ledgers kept in memory, at most (default 1 024; more only while writes to them are queued). */
  maxCached?: number;
};

/**
 * The ledgers of a host, by lower-case hex id: `get`, `has` and `set` as on
 * a `Map`, except that a ledger not in memory is loaded (and verified) from
 * the store.
 *
 * @example
 * ```ts
 * const ledgers = await LedgerCache.open(store, queue, { maxCached: 1024 }, console.error);
 * const ledger = await ledgers.get(id); // undefined: no such ledger on this host
 * await queue.run(id, async () => (await ledgers.get(id))?.appendSigned(bytes));
 * ```
 */
export class LedgerCache {
  readonly #store: FileLedgerStore;
  readonly #queue: WriteQueue;
  readonly #max: number;
  /** Least recently used first. */
  readonly #cached = new Map<string, Ledger>();
  readonly #loading = new Map<string, Promise<Ledger | undefined>>();
  #count = 0;

  constructor(store: FileLedgerStore, queue: WriteQueue, options: LedgerCacheOptions = {}) {
    this.#store = store;
    this.#queue = queue;
    this.#max = options.maxCached ?? 1024;
    if (!Number.isInteger(this.#max) || this.#max < 1) {
      throw new RangeError(`maxCached must be a positive integer, not ${this.#max}`);
    }
  }

  /**
   * The cache of the ledgers in `store`: each one checked on the way (a
   * torn last entry, never acknowledged, is cut off and reported through
   * `log`; a ledger that does not verify fails the start), the most
   * recently checked kept in memory.
   */
  static async open(
    store: FileLedgerStore,
    queue: WriteQueue,
    options: LedgerCacheOptions,
    log: (line: string) => void,
  ): Promise<LedgerCache> {
    const cache = new LedgerCache(store, queue, options);
    for (const id of await store.ledgers()) {
      try {
        await store.entries(id);
      } catch (error) {
        if (!(error instanceof TornEntryError)) throw error;
        const dropped = await store.file(id).repair();
        log(
          `ledger-host: ledger ${bytesToHex(id)} ended with a torn entry at byte ${error.offset} (never acknowledged); dropped ${dropped} bytes`,
        );
      }
      if (!(await store.has(id))) continue; // nothing left but the torn entry
      cache.#keep(bytesToHex(id), await Ledger.open(id, { store }));
      cache.#count += 1;
    }
    return cache;
  }

  /** Ledgers on this host (in memory or not). */
  get size(): number {
    return this.#count;
  }

  /** Ledgers on this host (as `size`, for the routes). */
  async count(): Promise<number> {
    return this.#count;
  }

  /** Ledgers in memory now. */
  get cached(): number {
    return this.#cached.size;
  }

  /** The ledger `id` (hex, any case), from memory or its file; undefined if the host has none. */
  get(id: string): Promise<Ledger | undefined> {
    const key = id.toLowerCase();
    const hit = this.#cached.get(key);
    if (hit) {
      this.#keep(key, hit);
      return Promise.resolve(hit);
    }
    if (!LEDGER_ID.test(key)) return Promise.resolve(undefined);
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** Whether the host has ledger `id`. */
  async has(id: string): Promise<boolean> {
    const key = id.toLowerCase();
    return this.#cached.has(key) || (LEDGER_ID.test(key) && this.#store.has(hexToBytes(key)));
  }

  /** Adds a ledger just created on this host (its genesis stored); call it once per ledger. */
  set(id: string, ledger: Ledger): this {
    this.#count += 1;
    this.#keep(id.toLowerCase(), ledger);
    return this;
  }

  async #load(key: string): Promise<Ledger | undefined> {
    const id = hexToBytes(key);
    if (!(await this.#store.has(id))) return undefined;
    const ledger = await Ledger.open(id, { store: this.#store });
    // `set` may have cached it meanwhile (a genesis just written): that one is current
    const current = this.#cached.get(key);
    if (current) return current;
    if (ledger.size === 0) return undefined; // its genesis is being written, not yet durable
    this.#keep(key, ledger);
    return ledger;
  }

  /** Caches `ledger` as the most recently used, and evicts beyond the bound. */
  #keep(key: string, ledger: Ledger): void {
    this.#cached.delete(key);
    this.#cached.set(key, ledger);
    if (this.#cached.size <= this.#max) return;
    for (const old of this.#cached.keys()) {
      if (this.#cached.size <= this.#max) return;
      // a ledger with a write queued or running stays: that write holds this object
      if (!this.#queue.busy(old)) this.#cached.delete(old);
    }
  }
}
