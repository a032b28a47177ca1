/**
 * A `BlobStore` in IndexedDB (the extension's and the sites' local cache),
 * one record per block keyed by CID string. Blocks are verified on read like
 * every other store's: IndexedDB contents are not trusted either.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import type { CID } from 'multiformats/cid';
import { openDatabase } from '../idb/open-database.js';
import { BlockBlobStore } from './blob-store.js';
import type { BlockStorage } from './block-storage.js';

/** The IndexedDB schema of a block store: blocks by CID string. */
export interface BlockDb extends DBSchema {
  blocks: { key: string; value: Uint8Array };
}

/** Blocks in one IndexedDB object store. */
export class IndexedDbBlockStorage implements BlockStorage {
  readonly #db: IDBPDatabase<BlockDb>;

  constructor(db: IDBPDatabase<BlockDb>) {
    this.#db = db;
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    await this.#db.put('blocks', Uint8Array.from(bytes), cid.toString());
  }
  async get(cid: CID): Promise<Uint8Array | undefined> {
    const value = await this.#db.get('blocks', cid.toString());
    return value === undefined ? undefined : new Uint8Array(value);
  }
  async has(cid: CID): Promise<boolean> {
    return (await this.#db.count('blocks', cid.toString())) > 0;
  }
  async delete(cid: CID): Promise<void> {
    await this.#db.delete('blocks', cid.toString());
  }
  /** Closes the database. */
  close(): void {
    this.#db.close();
  }
}

/**
 * Sealed blobs in IndexedDB.
 *
 * @example
 * ```ts
 * const store = await IndexedDbStore.open();
 * const cid = await store.put(sealed.stream);
 * ```
 */
export class IndexedDbStore extends BlockBlobStore {
  readonly #storage: IndexedDbBlockStorage;

  private constructor(storage: IndexedDbBlockStorage) {
    super(storage);
    this.#storage = storage;
  }

  /** Opens (creating if needed) the database `name`; pass `indexedDB` to use another factory. */
  static async open(
    name = 'medvault-blobs',
    options: { indexedDB?: IDBFactory } = {},
  ): Promise<IndexedDbStore> {
    const db = await openDatabase<BlockDb>(
      name,
      1,
      {
        upgrade(db) {
          db.createObjectStore('blocks');
        },
      },
      options.indexedDB,
    );
    return new IndexedDbStore(new IndexedDbBlockStorage(db));
  }

  /** Closes the database. */
  close(): void {
    this.#storage.close();
  }
}
