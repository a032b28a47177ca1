/**
 * A `LedgerStore` in IndexedDB (the extension's and the sites' store), a thin
 * typed layer over `idb`. The sequence check and the write happen in one
 * readwrite transaction, so two tabs can never both store entry n.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { DBSchema, IDBPDatabase } from 'idb';
import { openDatabase } from '../idb/open-database.js';
import { SequenceError } from './errors.js';
import type { LedgerStore } from './store.js';

interface LedgerDb extends DBSchema {
  entries: { key: [string, number]; value: { ledger: string; seq: number; bytes: Uint8Array } };
  checkpoints: { key: [string, number]; value: { ledger: string; n: number; bytes: Uint8Array } };
  ledgers: { key: string; value: { ledger: string; size: number; checkpoints: number } };
}

/**
 * Ledgers in IndexedDB.
 *
 * @example
 * ```ts
 * const store = await IndexedDbLedgerStore.open();
 * const ledger = await Ledger.open(ledgerId, { store });
 * ```
 */
export class IndexedDbLedgerStore implements LedgerStore {
  readonly #db: IDBPDatabase<LedgerDb>;

  private constructor(db: IDBPDatabase<LedgerDb>) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database `name`; pass `indexedDB` to use another factory. */
  static async open(
    name = 'medvault-ledgers',
    options: { indexedDB?: IDBFactory } = {},
  ): Promise<IndexedDbLedgerStore> {
    const db = await openDatabase<LedgerDb>(
      name,
      1,
      {
        upgrade(db) {
          db.createObjectStore('entries', { keyPath: ['ledger', 'seq'] });
          db.createObjectStore('checkpoints', { keyPath: ['ledger', 'n'] });
          db.createObjectStore('ledgers', { keyPath: 'ledger' });
        },
      },
      options.indexedDB,
    );
    return new IndexedDbLedgerStore(db);
  }

  async append(ledgerId: Uint8Array, seq: number, entry: Uint8Array): Promise<void> {
    const ledger = bytesToHex(ledgerId);
    const tx = this.#db.transaction(['entries', 'ledgers'], 'readwrite');
    const meta = (await tx.objectStore('ledgers').get(ledger)) ?? {
      ledger,
      size: 0,
      checkpoints: 0,
    };
    if (seq !== meta.size) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new SequenceError(meta.size, seq);
    }
    await tx.objectStore('entries').put({ ledger, seq, bytes: Uint8Array.from(entry) });
    await tx.objectStore('ledgers').put({ ...meta, size: meta.size + 1 });
    await tx.done;
  }

  async entries(ledgerId: Uint8Array, fromSeq = 0): Promise<Uint8Array[]> {
    const ledger = bytesToHex(ledgerId);
    const rows = await this.#db.getAll(
      'entries',
      IDBKeyRange.bound([ledger, fromSeq], [ledger, Number.MAX_SAFE_INTEGER]),
    );
    return rows.map((r) => r.bytes);
  }

  async size(ledgerId: Uint8Array): Promise<number> {
    return (await this.#db.get('ledgers', bytesToHex(ledgerId)))?.size ?? 0;
  }

  async putCheckpoint(ledgerId: Uint8Array, checkpoint: Uint8Array): Promise<void> {
    const ledger = bytesToHex(ledgerId);
    const tx = this.#db.transaction(['checkpoints', 'ledgers'], 'readwrite');
    const meta = (await tx.objectStore('ledgers').get(ledger)) ?? {
      ledger,
      size: 0,
      checkpoints: 0,
    };
    await tx
      .objectStore('checkpoints')
      .put({ ledger, n: meta.checkpoints, bytes: Uint8Array.from(checkpoint) });
    await tx.objectStore('ledgers').put({ ...meta, checkpoints: meta.checkpoints + 1 });
    await tx.done;
  }

  async checkpoints(ledgerId: Uint8Array): Promise<Uint8Array[]> {
    const ledger = bytesToHex(ledgerId);
    const rows = await this.#db.getAll(
      'checkpoints',
      IDBKeyRange.bound([ledger, 0], [ledger, Number.MAX_SAFE_INTEGER]),
    );
    return rows.map((r) => r.bytes);
  }

  async ledgers(): Promise<Uint8Array[]> {
    return (await this.#db.getAllKeys('ledgers')).map((k) => hexToBytes(k));
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }
}
