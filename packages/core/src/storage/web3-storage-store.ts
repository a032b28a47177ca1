/**
 * Sealed blobs on the web3.storage network (Storacha), through an app's
 * already-authorised `@storacha/client` (agent key + space delegation; the
 * successor of the `web3.storage` package, whose API was shut down in
 * January 2024). Uploads go through the client; reads go through a
 * trustless gateway and are verified block by block like every store's.
 */
import type { CID } from 'multiformats/cid';
import { type ByteInput, chunksOf } from '../bytes/index.js';
import { BlockBlobStore } from './blob-store.js';
import { parseCid } from './cid.js';
import { tapCid } from './cid-tap.js';
import {
  BlobWriteError,
  RootMismatchError,
  StorageError,
  StoreUnavailableError,
} from './errors.js';
import { GatewayBlockStorage, type GatewayOptions } from './gateway-block-storage.js';

/**
 * The part of `@storacha/client`'s `Client` this store uses (declared here so
 * the library does not depend on the client; pass the real one).
 */
export interface StorachaClient {
  /** Encodes a file as UnixFS, uploads it to the current space, returns its root CID. */
  uploadFile(file: { stream(): ReadableStream<Uint8Array> }): Promise<{ toString(): string }>;
  /** The capabilities `delete` uses: find an upload's shards, remove them and the upload. */
  capability: {
    upload: {
      /** Resolves to the upload, with the CIDs of its `shards`. */
      get(root: CID): Promise<unknown>;
      remove(root: CID): Promise<unknown>;
    };
    blob: { remove(digest: never): Promise<unknown> };
  };
}

/** Options of `Web3StorageStore`. */
export type Web3StorageStoreOptions = GatewayOptions & {
  /** An authorised client with a current space (see docs/guides). */
  client: StorachaClient;
};

/**
 * A `BlobStore` on the web3.storage network.
 *
 * @example
 * ```ts
 * import * as Client from '@storacha/client';
 * const client = await Client.create(); // with a space and delegation set up
 * const store = new Web3StorageStore({ client, gateway: 'https://storacha.link' });
 * const cid = await store.put(sealed.stream);
 * ```
 */
export class Web3StorageStore extends BlockBlobStore {
  readonly #client: StorachaClient;

  constructor(options: Web3StorageStoreOptions) {
    super(new GatewayBlockStorage(options));
    this.#client = options.client;
  }

  /**
   * Uploads the blob, computing its CID locally while the client streams it,
   * and refuses (`RootMismatchError`) if the service's root differs.
   */
  override async put(input: ByteInput): Promise<CID> {
    const { stream, done } = tapCid(chunksOf(input));
    let taken = false;
    const file = {
      stream() {
        if (taken) throw new BlobWriteError('the blob stream can be read only once');
        taken = true;
        return stream;
      },
    };
    let root: { toString(): string };
    try {
      root = await this.#client.uploadFile(file);
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw new StoreUnavailableError('the upload to web3.storage failed', cause);
    }
    const local = await done;
    if (root.toString() !== local.cid.toString()) {
      throw new RootMismatchError(local.cid.toString(), root.toString());
    }
    return local.cid;
  }

  /**
   * Removes the upload and the shards that hold it from the current space
   * (copies others pinned elsewhere on IPFS are beyond any store's reach).
   * Removing a blob that is not there is a no-op.
   */
  override async delete(cidLike: CID | string): Promise<void> {
    const cid = parseCid(cidLike);
    const { upload, blob } = this.#client.capability;
    let shards: readonly { multihash: unknown }[];
    try {
      shards = ((await upload.get(cid)) as { shards?: { multihash: unknown }[] }).shards ?? [];
    } catch (cause) {
      if (isNotFound(cause)) return;
      throw new StoreUnavailableError(`looking up ${cid} on web3.storage failed`, cause);
    }
    try {
      for (const shard of shards) await blob.remove(shard.multihash as never);
      await upload.remove(cid);
    } catch (cause) {
      throw new StoreUnavailableError(`removing ${cid} from web3.storage failed`, cause);
    }
  }
}

function isNotFound(error: unknown): boolean {
  const text = `${(error as { name?: string })?.name} ${(error as Error)?.message} ${String((error as { cause?: { name?: string } })?.cause?.name)}`;
  return /NotFound/i.test(text);
}
