/**
 * Where a blob's blocks live. Stores keep blocks by CID and never need to
 * understand them; `verifiedBlock` checks each one on the way out.
 */
import { equals } from 'multiformats/bytes';
import type { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { BLOCK_CODECS } from './cid.js';
import { IntegrityError } from './errors.js';
import { sha256Digest } from './unixfs.js';

/**
 * The block layer of a `BlobStore`: plain storage by CID, no verification
 * (the blob store verifies). `get` returns `undefined` for a missing block.
 */
export interface BlockStorage {
  /** Stores a block; resolves once it is durable. Storing a present block is a no-op. */
  put(cid: CID, bytes: Uint8Array): Promise<void>;
  /** The block's bytes as stored, or undefined. */
  get(cid: CID): Promise<Uint8Array | undefined>;
  /** Whether a block is present. */
  has(cid: CID): Promise<boolean>;
  /** Removes a block; removing a missing block is a no-op. */
  delete(cid: CID): Promise<void>;
  /**
   * Optional, with `flush`: stores a block without waiting for it to be
   * durable (a disk's write-behind), so many blocks can be written while the
   * disk catches up. A staged block may be lost in a power failure until
   * `flush` resolves; `BlockBlobStore` flushes before it writes a blob's
   * inner nodes and root, so a blob is never visible over lost leaves.
   */
  stage?(cid: CID, parts: readonly Uint8Array[]): Promise<void>;
  /** Makes every block staged so far durable. */
  flush?(): Promise<void>;
}

/**
 * Checks that `bytes` are the block `cid` names: a supported codec and a
 * sha2-256 digest equal to the CID's. Throws `IntegrityError` otherwise.
 */
export async function verifyBlock(cid: CID, bytes: Uint8Array): Promise<Uint8Array> {
  if (!BLOCK_CODECS.has(cid.code) || cid.multihash.code !== sha256.code) {
    throw new IntegrityError(
      cid.toString(),
      'the block has a codec or hash this store does not verify',
    );
  }
  if (!equals(await sha256Digest(bytes), cid.multihash.digest)) {
    throw new IntegrityError(cid.toString(), `got ${bytes.length} bytes whose sha2-256 differs`);
  }
  return bytes;
}
