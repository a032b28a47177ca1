import { BlockBlobStore } from '@medvault/core/storage';
import { FsBlockStorage } from './fs-block-storage.js';

/**
 * Sealed blobs in a directory, written crash-safely (temporary file, fsync,
 * rename, directory fsync; the root block last) and verified on every read.
 *
 * @example
 * ```ts
 * const store = await FsStore.open('.medvault/blobs');
 * const cid = await store.put(sealed.stream);
 * ```
 */
export class FsStore extends BlockBlobStore {
  private constructor(blocks: FsBlockStorage) {
    super(blocks);
  }

  /** Opens (creating) the store in `dir`. */
  static async open(dir: string): Promise<FsStore> {
    return new FsStore(await FsBlockStorage.open(dir));
  }
}
