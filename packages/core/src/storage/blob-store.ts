/**
 * `BlobStore`: sealed blobs by address. `BlockBlobStore` implements it over
 * any `BlockStorage`: `put` cuts the stream into the profile's blocks (root
 * last, so a blob is visible only once whole), `get`/`getRange` walk the DAG
 * with ipfs-unixfs-exporter and verify every block against its CID as it is
 * read — the first wrong block fails the stream with `IntegrityError`, and a
 * range read touches only the blocks under that range.
 */
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { type ExporterOptions, exporter } from 'ipfs-unixfs-exporter';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { type ByteInput, chunksOf, concatParts, toStream } from '../bytes/index.js';
import { BaseError } from '../errors/base-error.js';
import { type BlockStorage, verifyBlock } from './block-storage.js';
import { parseCid } from './cid.js';
import {
  BlobNotFoundError,
  BlobRangeError,
  BlobWriteError,
  IntegrityError,
  StorageError,
} from './errors.js';
import { type BlockSink, importBlob } from './unixfs.js';

/** Blocks fetched ahead of the reader while streaming a blob. */
const READ_AHEAD = 4;
/** Leaf blocks being written at once while storing a blob (bounds the bytes held). */
const WRITES_IN_FLIGHT = 16;

/** A store of sealed blobs, addressed by their UnixFS CID (see `computeCid`). */
export interface BlobStore {
  /** Stores a blob; resolves to its CID once it is durable. */
  put(input: ByteInput): Promise<CID>;
  /** The whole blob, verified block by block while it streams. */
  get(cid: CID | string): Promise<ReadableStream<Uint8Array>>;
  /** `length` bytes from `offset`, reading and verifying only the blocks under them. */
  getRange(cid: CID | string, offset: number, length: number): Promise<Uint8Array>;
  /** The blob's size in bytes (reads and verifies its root block only). */
  size(cid: CID | string): Promise<number>;
  /** Whether the blob is stored (its root block is present). */
  has(cid: CID | string): Promise<boolean>;
  /** Removes the blob's blocks; removing a missing blob is a no-op. */
  delete(cid: CID | string): Promise<void>;
}

async function bytesOf(block: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>) {
  if (block instanceof Uint8Array) return block;
  const parts: Uint8Array[] = [];
  for await (const part of block) parts.push(part);
  return concatParts(parts);
}

/** A `BlobStore` over a `BlockStorage` (memory, IndexedDB, files, a gateway). */
export class BlockBlobStore implements BlobStore {
  /** The block layer this store reads and writes. */
  protected readonly blocks: BlockStorage;

  constructor(blocks: BlockStorage) {
    this.blocks = blocks;
  }

  /** @inheritDoc */
  async put(input: ByteInput): Promise<CID> {
    // Blocks this put added, removed again if it fails (a full disk, a bad
    // chunk): a failed put leaves the store as it found it.
    const added: CID[] = [];
    // Leaves are written behind the importer, at most WRITES_IN_FLIGHT at a
    // time, so cutting and hashing the next leaves overlaps the disk (the
    // importer would otherwise wait for each batch of writes). Where the
    // storage can, they are staged (not yet durable) and made durable all at
    // once; the inner nodes, root last, are written only after that, so no
    // partial blob is ever visible, even after a power failure. Inner nodes
    // are small: about 46 KB per GiB of blob.
    const writes = new Set<Promise<void>>();
    const inner: [CID, Uint8Array][] = [];
    let failure: { error: unknown } | undefined;
    const write = async (cid: CID, parts: readonly Uint8Array[], staged: boolean) => {
      if (await this.blocks.has(cid)) return;
      added.push(cid);
      if (staged && this.blocks.stage) await this.blocks.stage(cid, parts);
      else await this.blocks.put(cid, concatParts(parts));
    };
    const writeLeaf = async (cid: CID, parts: readonly Uint8Array[]) => {
      if (failure) throw failure.error;
      while (writes.size >= WRITES_IN_FLIGHT) await Promise.race(writes);
      const writing = write(cid, parts, true).then(
        () => {
          writes.delete(writing);
        },
        (error) => {
          writes.delete(writing);
          failure ??= { error };
        },
      );
      writes.add(writing);
      return cid;
    };
    const sink: BlockSink = {
      put: async (cid, block) => {
        // the importer's block may come as an iterable of parts
        const bytes = await bytesOf(block as Uint8Array);
        if (cid.code !== dagPb.code) return writeLeaf(cid, [bytes]);
        inner.push([cid, bytes]);
        return cid;
      },
      putParts: writeLeaf,
    };
    try {
      const { cid } = await importBlob(chunksOf(input), sink);
      await Promise.all(writes);
      if (failure) throw failure.error;
      await this.blocks.flush?.();
      for (const [node, bytes] of inner) await write(node, [bytes], false);
      return cid;
    } catch (error) {
      // blocks still being written when the import failed land first
      await Promise.all(writes);
      await Promise.allSettled(added.map((cid) => this.blocks.delete(cid)));
      // typed errors (bad input, a failing store) pass through as they are
      if (error instanceof BaseError) throw error;
      throw new BlobWriteError(error instanceof Error ? error.message : String(error), error);
    }
  }

  /** Verified reads for the exporter: a missing block is `BlobNotFoundError`. */
  protected readable(root: CID) {
    const blocks = this.blocks;
    return {
      /** One block, verified against its CID before the exporter sees it. */
      async *get(cid: CID) {
        const bytes = await blocks.get(cid);
        if (!bytes) throw new BlobNotFoundError(root.toString(), `block ${cid} is missing`);
        yield await verifyBlock(cid, bytes);
      },
    };
  }

  /** The exporter's entry for a blob, or a typed error. */
  protected async entry(cid: CID, options: ExporterOptions = {}) {
    let entry: Awaited<ReturnType<typeof exporter>>;
    try {
      entry = await exporter(cid, this.readable(cid), options);
    } catch (error) {
      throw asStorageError(cid, error);
    }
    if (entry.type !== 'file' && entry.type !== 'raw') {
      throw new IntegrityError(cid.toString(), `the root is a UnixFS ${entry.type}, not a file`);
    }
    return entry;
  }

  /**
   * @inheritDoc
   *
   * The blob's leaves are read in order, at most READ_AHEAD ahead of the
   * reader, so memory stays bounded whatever the blob's size and however
   * slowly it is read (the exporter, used for ranges, reads a whole file
   * into its queue as fast as the storage allows).
   */
  async get(cidLike: CID | string): Promise<ReadableStream<Uint8Array>> {
    const cid = parseCid(cidLike);
    const read = async (block: CID) => {
      const bytes = await this.blocks.get(block);
      if (!bytes) throw new BlobNotFoundError(cid.toString(), `block ${block} is missing`);
      return verifyBlock(block, bytes);
    };
    const root = await read(cid);
    async function* verified(): AsyncGenerator<Uint8Array> {
      const ahead: Promise<Uint8Array>[] = [];
      let total = 0;
      for await (const part of fileParts(cid, root, read)) {
        if (part instanceof Uint8Array) ahead.push(Promise.resolve(part));
        else {
          const leaf = read(part.cid).then((bytes) => {
            if (bytes.length !== part.size) {
              throw new IntegrityError(
                cid.toString(),
                `leaf ${part.cid} has ${bytes.length} bytes where its parent says ${part.size}`,
              );
            }
            return bytes;
          });
          leaf.catch(() => {}); // awaited below, in order
          ahead.push(leaf);
        }
        if (ahead.length > READ_AHEAD) {
          const bytes = await (ahead.shift() as Promise<Uint8Array>);
          total += bytes.length;
          yield bytes;
        }
      }
      for (const next of ahead) {
        const bytes = await next;
        total += bytes.length;
        yield bytes;
      }
      const size = await fileSize(cid, root);
      if (total !== size) {
        throw new IntegrityError(cid.toString(), `read ${total} bytes of a ${size}-byte file`);
      }
    }
    return toStream(verified());
  }

  /** @inheritDoc */
  async getRange(cidLike: CID | string, offset: number, length: number): Promise<Uint8Array> {
    const cid = parseCid(cidLike);
    const entry = await this.entry(cid);
    const size = Number(entry.size);
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > size
    ) {
      throw new BlobRangeError(offset, length, size);
    }
    const out = new Uint8Array(length);
    if (length === 0) return out;
    let at = 0;
    try {
      for await (const part of entry.content({
        offset,
        length,
        blockReadConcurrency: READ_AHEAD,
      })) {
        out.set(part, at);
        at += part.length;
      }
    } catch (error) {
      throw asStorageError(cid, error);
    }
    if (at !== length) throw new IntegrityError(cid.toString(), `read ${at} of ${length} bytes`);
    return out;
  }

  /** @inheritDoc */
  async size(cidLike: CID | string): Promise<number> {
    return Number((await this.entry(parseCid(cidLike))).size);
  }

  /** @inheritDoc */
  async has(cidLike: CID | string): Promise<boolean> {
    return this.blocks.has(parseCid(cidLike));
  }

  /** @inheritDoc */
  async delete(cidLike: CID | string): Promise<void> {
    const root = parseCid(cidLike);
    if (!(await this.blocks.has(root))) return;
    // Collect the DAG's block CIDs from its (verified) inner nodes, then
    // remove the root first so the blob stops being visible at once.
    const all: CID[] = [];
    const walk = async (cid: CID): Promise<void> => {
      all.push(cid);
      if (cid.code !== dagPb.code) return;
      const bytes = await this.blocks.get(cid);
      if (!bytes) return;
      for (const link of dagPb.decode(await verifyBlock(cid, bytes)).Links) await walk(link.Hash);
    };
    await walk(root);
    for (const cid of all) await this.blocks.delete(cid);
  }
}

/** The UnixFS node of a dag-pb block, checked to be a file. */
function fileNode(root: CID, cid: CID, block: Uint8Array) {
  let node: dagPb.PBNode;
  let unixfs: UnixFS;
  try {
    node = dagPb.decode(block);
    if (!node.Data) throw new Error('no UnixFS data');
    unixfs = UnixFS.unmarshal(node.Data);
  } catch (error) {
    throw new IntegrityError(root.toString(), `block ${cid} is not a UnixFS node: ${error}`);
  }
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') {
    throw new IntegrityError(
      root.toString(),
      `block ${cid} is a UnixFS ${unixfs.type}, not a file`,
    );
  }
  if (unixfs.blockSizes.length !== node.Links.length) {
    throw new IntegrityError(
      root.toString(),
      `block ${cid} has ${node.Links.length} links and ${unixfs.blockSizes.length} sizes`,
    );
  }
  return { node, unixfs };
}

/** A file's size as its root says (a raw root: its length). */
async function fileSize(root: CID, block: Uint8Array): Promise<number> {
  if (root.code !== dagPb.code) return block.length;
  return Number(fileNode(root, root, block).unixfs.fileSize());
}

/**
 * A file's parts in order, walking the DAG depth first: inline data as
 * bytes, raw leaves as their CID and expected size (read by the caller, so
 * it can read ahead); inner nodes are read here as they are reached.
 */
async function* fileParts(
  root: CID,
  rootBlock: Uint8Array,
  read: (cid: CID) => Promise<Uint8Array>,
): AsyncGenerator<Uint8Array | { cid: CID; size: number }> {
  if (root.code !== dagPb.code) {
    yield rootBlock;
    return;
  }
  async function* walk(
    cid: CID,
    block: Uint8Array,
    depth: number,
  ): AsyncGenerator<Uint8Array | { cid: CID; size: number }> {
    if (depth > MAX_DEPTH)
      throw new IntegrityError(
        root.toString(),
        'the DAG is deeper than any file this library makes',
      );
    const { node, unixfs } = fileNode(root, cid, block);
    if (unixfs.data && unixfs.data.length > 0) yield unixfs.data;
    for (const [i, link] of node.Links.entries()) {
      const size = Number(unixfs.blockSizes[i]);
      if (link.Hash.code === dagPb.code) yield* walk(link.Hash, await read(link.Hash), depth + 1);
      else if (link.Hash.code === raw.code) yield { cid: link.Hash, size };
      else throw new IntegrityError(root.toString(), `link ${link.Hash} has a codec no file uses`);
    }
  }
  yield* walk(root, rootBlock, 0);
}

/** Levels of inner nodes a file may have (a 1024-wide tree of 1 MiB leaves holds 2^60 bytes in 4). */
const MAX_DEPTH = 8;

/** Errors of ipfs-unixfs-exporter that mean "these blocks are not a UnixFS file". */
const MALFORMED = new Set([
  'NotUnixFSError',
  'InvalidParametersError',
  'OverReadError',
  'UnderReadError',
  'NoPropError',
  'NotFoundError',
  'NoResolverError',
]);

function asStorageError(cid: CID, error: unknown): unknown {
  if (error instanceof StorageError) return error;
  const name = (error as { name?: string })?.name;
  // Only a CID we did not make leads here: its blocks hash correctly but
  // do not form a UnixFS file.
  if (name && MALFORMED.has(name)) {
    return new IntegrityError(cid.toString(), `not a UnixFS file: ${(error as Error).message}`);
  }
  return error;
}
