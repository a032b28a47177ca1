/**
 * The one address of a sealed blob: the CIDv1 that IPFS and the web3.storage
 * (Storacha) network give it as a file under the `unixfs-v1-2025` profile
 * (IPIP-499): raw leaves of 1 MiB, balanced DAG of at most 1024 links per
 * node, CIDv1, sha2-256. A blob of 1 MiB or less is a single raw block, so
 * its CID is the raw sha2-256 CID of its bytes.
 */
import { type BufferImporter, type ImporterOptions, importByteStream } from 'ipfs-unixfs-importer';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';

/** SHA-256 through WebCrypto: native everywhere, and off the main thread in Node (libuv pool). */
export async function sha256Digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/**
 * The importer's leaf step for raw leaves, hashing with WebCrypto so that
 * leaves hash in parallel with the encryption that produces them (the
 * library's default hashes synchronously on the main thread in Node). The
 * blocks and CIDs are the same; only where the hashing runs differs.
 */
const rawLeaves: BufferImporter = async function* (file, blockstore) {
  for await (const block of file.content) {
    yield async () => {
      const cid = CID.createV1(raw.code, Digest.create(sha256.code, await sha256Digest(block)));
      await blockstore.put(cid, block);
      return { cid, size: BigInt(block.length), block };
    };
  }
};

/** Leaves hashed and stored concurrently (bounds the bytes in flight). */
const LEAVES_IN_FLIGHT = 8;

/** Importer settings of the `unixfs-v1-2025` profile. */
export const UNIXFS_PROFILE: ImporterOptions = {
  profile: 'unixfs-v1-2025',
  rawLeaves: true,
  cidVersion: 1,
  reduceSingleLeafToSelf: true,
  bufferImporter: rawLeaves,
  blockWriteConcurrency: LEAVES_IN_FLIGHT,
};

/** Leaf size of the profile: the blob is cut into blocks of this many bytes. */
export const LEAF_SIZE = 1024 * 1024;

/** Where the importer puts the blocks it makes. */
export type BlockSink = { put(cid: CID, bytes: Uint8Array): Promise<unknown> };

/** A sink that keeps nothing: computing an address without storing. */
export const DISCARD: BlockSink = { put: async (cid) => cid };

/**
 * Cuts a byte stream into the profile's blocks, hands each to `sink`
 * (children before their parents, the root last), and returns the root CID
 * and the byte size.
 */
export async function importBlob(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  sink: BlockSink,
): Promise<{ cid: CID; size: number }> {
  let size = 0;
  async function* counted() {
    for await (const chunk of chunks) {
      size += chunk.length;
      yield chunk;
    }
  }
  // The importer's `size` is the DAG's (blocks included); ours is the file's.
  const { cid } = await importByteStream(counted(), sink as never, UNIXFS_PROFILE);
  return { cid, size };
}

/**
 * The address of `bytes` (or of a stream of chunks) without storing them.
 *
 * @example
 * ```ts
 * const { cid } = await computeCid([sealedBytes]);
 * ```
 */
export function computeCid(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<{ cid: CID; size: number }> {
  return importBlob(chunks, DISCARD);
}
