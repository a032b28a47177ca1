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

/** Leaf size of the profile: the blob is cut into blocks of this many bytes. */
export const LEAF_SIZE = 1024 * 1024;

/** Where the importer puts the blocks it makes. */
export type BlockSink = {
  /** Receives one block of the file as the importer builds it. */
  put(cid: CID, bytes: Uint8Array): Promise<unknown>;
  /**
   * Optional: receives a raw leaf as the parts it was cut from (views of the
   * input chunks, in order), sparing the copy that joins them; a sink that
   * writes with `writev` takes them as they are. Without it, `put` gets the
   * leaf joined.
   */
  putParts?(cid: CID, parts: readonly Uint8Array[]): Promise<unknown>;
};

/** A sink that keeps nothing: computing an address without storing. */
export const DISCARD: BlockSink = { put: async (cid) => cid };

/** SHA-256 over bytes given in parts, in the order given. */
export type PartHasher = { update(part: Uint8Array): void; digest(): Promise<Uint8Array> };

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
let nodeHash: Promise<typeof import('node:crypto').createHash> | undefined;

/**
 * A maker of SHA-256 hashers: node:crypto in Node (loaded lazily, so this
 * isomorphic module has no top-level node: import), which hashes each part
 * where it lies, synchronously and with no copy — cheaper than WebCrypto,
 * which copies its input before hashing in the thread pool. WebCrypto
 * elsewhere, over the parts joined. `backend` forces one, for tests.
 */
export async function partHasher(
  backend: 'node' | 'webcrypto' = isNode ? 'node' : 'webcrypto',
): Promise<() => PartHasher> {
  if (backend === 'node') {
    nodeHash ??= import('node:crypto').then((m) => m.createHash);
    const createHash = await nodeHash;
    return () => {
      const h = createHash('sha256');
      return {
        update: (part) => h.update(part),
        // a plain Uint8Array, as from WebCrypto
        digest: async () => Uint8Array.from(h.digest()),
      };
    };
  }
  return () => {
    const parts: Uint8Array[] = [];
    return {
      update: (part) => parts.push(part),
      digest: async () =>
        new Uint8Array(
          await crypto.subtle.digest('SHA-256', joined(parts, lengthOf(parts)) as BufferSource),
        ),
    };
  };
}

function lengthOf(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

function joined(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The sha2-256 of `bytes`: node:crypto in Node (no copy), WebCrypto elsewhere. */
export async function sha256Digest(bytes: Uint8Array): Promise<Uint8Array> {
  const h = (await partHasher())();
  h.update(bytes);
  return h.digest();
}

/**
 * The importer's leaf step for raw leaves, cutting the blob into leaves
 * itself (the profile's chunker is the identity): each leaf is hashed part by
 * part from the chunks it spans, so a leaf straddling chunks is never
 * assembled just to be hashed; it is joined only for a sink that keeps it.
 * The blocks and CIDs are the same as with the library's fixed-size chunker.
 */
const rawLeaves: BufferImporter = async function* (file, blockstore) {
  const keep = blockstore !== (DISCARD as never);
  const hasher = await partHasher();
  const sink = blockstore as unknown as BlockSink;
  const leaf = async (h: PartHasher, parts: Uint8Array[], length: number) => {
    const cid = CID.createV1(raw.code, Digest.create(sha256.code, await h.digest()));
    // The importer reads `block` only to wrap a single leaf with metadata
    // (mtime, mode), which this profile never sets.
    if (keep && sink.putParts) await sink.putParts(cid, parts);
    else if (keep) await sink.put(cid, joined(parts, length));
    return { cid, size: BigInt(length), block: EMPTY };
  };
  let h = hasher();
  let parts: Uint8Array[] = [];
  let filled = 0;
  let emitted = false;
  for await (const chunk of file.content) {
    let offset = 0;
    while (offset < chunk.length) {
      const part = chunk.subarray(
        offset,
        offset + Math.min(LEAF_SIZE - filled, chunk.length - offset),
      );
      h.update(part);
      if (keep) parts.push(part);
      filled += part.length;
      offset += part.length;
      if (filled === LEAF_SIZE) {
        const [hash, leafParts] = [h, parts];
        yield () => leaf(hash, leafParts, LEAF_SIZE);
        emitted = true;
        h = hasher();
        parts = [];
        filled = 0;
      }
    }
  }
  // an empty blob is one empty leaf, as with the fixed-size chunker
  if (filled > 0 || !emitted) yield () => leaf(h, parts, filled);
};

const EMPTY = new Uint8Array(0);

/** Leaves hashed and stored concurrently (bounds the bytes in flight). */
const LEAVES_IN_FLIGHT = 4;

/** Importer settings of the `unixfs-v1-2025` profile. */
export const UNIXFS_PROFILE: ImporterOptions = {
  profile: 'unixfs-v1-2025',
  rawLeaves: true,
  cidVersion: 1,
  reduceSingleLeafToSelf: true,
  // leaves are cut by `rawLeaves`, from the chunks as they come
  chunker: (source) => source,
  bufferImporter: rawLeaves,
  blockWriteConcurrency: LEAVES_IN_FLIGHT,
};

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
