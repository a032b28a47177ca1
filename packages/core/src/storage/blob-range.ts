import type { CID } from 'multiformats/cid';
import type { RangeSource } from '../bytes/index.js';
import type { BlobStore } from './blob-store.js';

/**
 * Random access to a stored blob for `openSegment`: reads (and verifies)
 * only the blocks under each range asked for.
 *
 * @example
 * ```ts
 * const slice = await openSegment(await blobRange(store, cid), patientSk, 37);
 * ```
 */
export async function blobRange(store: BlobStore, cid: CID | string): Promise<RangeSource> {
  const size = await store.size(cid);
  return { size, read: (offset, length) => store.getRange(cid, offset, length) };
}
