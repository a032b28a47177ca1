import type { CID } from 'multiformats/cid';
import { BlockBlobStore } from './blob-store.js';
import type { BlockStorage } from './block-storage.js';

/** Blocks in a `Map`, keyed by CID string. */
export class MemoryBlockStorage implements BlockStorage {
  readonly #blocks = new Map<string, Uint8Array>();

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    this.#blocks.set(cid.toString(), bytes);
  }
  async get(cid: CID): Promise<Uint8Array | undefined> {
    return this.#blocks.get(cid.toString());
  }
  async has(cid: CID): Promise<boolean> {
    return this.#blocks.has(cid.toString());
  }
  async delete(cid: CID): Promise<void> {
    this.#blocks.delete(cid.toString());
  }
  /** Number of blocks held (for tests and metrics). */
  get blockCount(): number {
    return this.#blocks.size;
  }
}

/**
 * A `BlobStore` in memory, for tests and short-lived pages.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const cid = await store.put(sealed.stream);
 * const plaintext = await openRecord(await store.get(cid), patientSk);
 * ```
 */
export class MemoryStore extends BlockBlobStore {
  constructor(blocks: MemoryBlockStorage = new MemoryBlockStorage()) {
    super(blocks);
  }
}
