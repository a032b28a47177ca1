/**
 * `@medvault/core/storage` — sealed blobs by content address
 * (docs/spec/storage.md): one CID everywhere (UnixFS `unixfs-v1-2025`),
 * every block verified on read.
 * @module
 */
export { blobRange } from './blob-range.js';
export { type BlobStore, BlockBlobStore } from './blob-store.js';
export { type BlockStorage, verifyBlock } from './block-storage.js';
export { CID, parseCid } from './cid.js';
export { type TappedStream, tapCid } from './cid-tap.js';
export * from './errors.js';
export type { GatewayOptions } from './gateway-block-storage.js';
export { HttpBlockStorage, HttpStore } from './http-store.js';
export { type BlockDb, IndexedDbBlockStorage, IndexedDbStore } from './idb-store.js';
export { MemoryBlockStorage, MemoryStore } from './memory-store.js';
export { type BlockSink, computeCid, LEAF_SIZE, UNIXFS_PROFILE } from './unixfs.js';
export {
  type StorachaClient,
  Web3StorageStore,
  type Web3StorageStoreOptions,
} from './web3-storage-store.js';
