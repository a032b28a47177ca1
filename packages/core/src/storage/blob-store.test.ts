import 'fake-indexeddb/auto';
import { blobStoreContract, caught, caughtAsync, randomData } from '@medvault/testing';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import { describe, expect, test } from 'vitest';
import { parseCid } from './cid.js';
import { BlobNotFoundError, IntegrityError, InvalidCidError } from './errors.js';
import { IndexedDbStore } from './idb-store.js';
import { MemoryBlockStorage, MemoryStore } from './memory-store.js';
import { LEAF_SIZE } from './unixfs.js';

blobStoreContract('MemoryStore', async () => new MemoryStore());
blobStoreContract('IndexedDbStore (fake-indexeddb)', () =>
  IndexedDbStore.open('blobs', { indexedDB: new IDBFactory() }),
);

/** Block storage that hands out other bytes for chosen blocks. */
class TamperingStorage extends MemoryBlockStorage {
  tamper: ((cid: CID, bytes: Uint8Array) => Uint8Array | undefined) | undefined;
  reads: string[] = [];
  override async get(cid: CID) {
    this.reads.push(cid.toString());
    const bytes = await super.get(cid);
    return bytes && this.tamper ? (this.tamper(cid, bytes) ?? bytes) : bytes;
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('verification on read', () => {
  const blob = randomData(3 * LEAF_SIZE + 100); // a root and four raw leaves

  test('a flipped bit in any block, anywhere, fails get and getRange with IntegrityError', async () => {
    const blocks = new TamperingStorage();
    const store = new MemoryStore(blocks);
    const cid = await store.put(blob);
    await fc.assert(
      fc.asyncProperty(fc.nat(4), fc.nat(), async (which, bit) => {
        let seen = -1;
        blocks.tamper = (_cid, bytes) => {
          // count blocks in read order: root first, then the leaves
          seen += 1;
          if (seen !== which) return undefined;
          const copy = Uint8Array.from(bytes);
          const i = bit % (copy.length * 8);
          copy[i >> 3]! ^= 1 << (i & 7);
          return copy;
        };
        const viaGet = await caughtAsync(store.get(cid).then(readAll));
        seen = -1;
        const viaRange = await caughtAsync(store.getRange(cid, 0, blob.length));
        blocks.tamper = undefined;
        expect(viaGet).toBeInstanceOf(IntegrityError);
        expect(viaRange).toBeInstanceOf(IntegrityError);
      }),
      { numRuns: 25 },
    );
  });

  test('a range read touches only the blocks under it, and a bad block elsewhere does not matter', async () => {
    const blocks = new TamperingStorage();
    const store = new MemoryStore(blocks);
    const cid = await store.put(blob);
    const leaves = (await import('@ipld/dag-pb'))
      .decode((await blocks.get(cid))!)
      .Links.map((l) => l.Hash.toString());
    blocks.reads = [];
    blocks.tamper = (c, bytes) => (c.toString() === leaves[3] ? bytes.subarray(1) : undefined);
    const got = await store.getRange(cid, LEAF_SIZE + 5, 10);
    expect(got).toEqual(blob.subarray(LEAF_SIZE + 5, LEAF_SIZE + 15));
    expect(blocks.reads).toEqual([cid.toString(), leaves[1]]);
    await expect(store.getRange(cid, 3 * LEAF_SIZE, 10)).rejects.toBeInstanceOf(IntegrityError);
  });

  test('a missing leaf is BlobNotFoundError naming the blob', async () => {
    const blocks = new MemoryBlockStorage();
    const store = new MemoryStore(blocks);
    const cid = await store.put(blob);
    const dagPb = await import('@ipld/dag-pb');
    const leaf = dagPb.decode((await blocks.get(cid))!).Links[2]!.Hash;
    await blocks.delete(leaf);
    const error = await caughtAsync(readAll(await store.get(cid)));
    expect(error).toBeInstanceOf(BlobNotFoundError);
    expect(error).toMatchObject({ cid: cid.toString() });
  });

  test('a root swapped for another valid block with the same CID cannot exist; a swapped root is caught', async () => {
    const blocks = new TamperingStorage();
    const store = new MemoryStore(blocks);
    const cid = await store.put(blob);
    const other = await store.put(randomData(2 * LEAF_SIZE));
    const otherRoot = (await blocks.get(other))!;
    blocks.tamper = (c) => (c.equals(cid) ? otherRoot : undefined);
    await expect(store.get(cid)).rejects.toBeInstanceOf(IntegrityError);
    await expect(store.size(cid)).rejects.toBeInstanceOf(IntegrityError);
  });
});

describe('parseCid', () => {
  test('accepts raw and dag-pb CIDv1 with sha2-256, as strings or CIDs', () => {
    const raw = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    expect(parseCid(raw).toString()).toBe(raw);
    expect(parseCid(CID.parse(raw)).toString()).toBe(raw);
    expect(parseCid(` ${raw}\n`).toString()).toBe(raw);
  });

  test('any string either parses to a supported CID or raises InvalidCidError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `baf${s}`),
          fc.constantFrom(
            'b',
            'bafy',
            'z',
            'Qm',
            'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52z',
          ),
        ),
        (s) => {
          const error = caught(() => parseCid(s));
          if (error !== undefined) expect(error).toBeInstanceOf(InvalidCidError);
        },
      ),
    );
  });

  test('non-strings are refused', () => {
    for (const bad of [undefined, null, 42, {}, new Uint8Array(36)]) {
      expect(caught(() => parseCid(bad as never))).toBeInstanceOf(InvalidCidError);
    }
  });
});

/** Block storage with write-behind (`stage` + `flush`) that records every call in order. */
class StagingStorage extends MemoryBlockStorage {
  calls: string[] = [];
  failStageAt: number | undefined;
  #staged = 0;
  override async put(cid: CID, bytes: Uint8Array) {
    this.calls.push(`put ${cid.code === 0x70 ? 'node' : 'leaf'} ${cid}`);
    await super.put(cid, bytes);
  }
  async stage(cid: CID, parts: readonly Uint8Array[]) {
    this.#staged += 1;
    if (this.#staged === this.failStageAt) throw new Error('ENOSPC: no space left on device');
    this.calls.push(`stage leaf ${cid}`);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    await super.put(cid, bytes);
  }
  async flush() {
    this.calls.push('flush');
  }
}

describe('writing a blob', () => {
  const blob = randomData(5 * LEAF_SIZE + 7); // six leaves and a root

  test('leaves are staged, made durable with one flush, then the inner nodes land, root last', async () => {
    const blocks = new StagingStorage();
    const cid = await new MemoryStore(blocks).put(blob);
    const kinds = blocks.calls.map((c) => c.split(' ').slice(0, 2).join(' '));
    expect(kinds).toEqual([...Array(6).fill('stage leaf'), 'flush', 'put node']);
    expect(blocks.calls.at(-1)).toBe(`put node ${cid}`);
    const read = await readAll(await new MemoryStore(blocks).get(cid));
    expect(Buffer.compare(read, blob)).toBe(0);
  });

  test('a write that fails midway leaves no block behind and rejects with the cause', async () => {
    const blocks = new StagingStorage();
    blocks.failStageAt = 4;
    const error = await caughtAsync(new MemoryStore(blocks).put(blob));
    expect(String((error as Error).cause ?? error)).toMatch(/ENOSPC/);
    expect(blocks.blockCount).toBe(0);
    expect(blocks.calls.some((c) => c.startsWith('put node'))).toBe(false);
  });

  test('a failed put does not remove blocks another blob already had', async () => {
    const blocks = new StagingStorage();
    const store = new MemoryStore(blocks);
    const first = await store.put(blob);
    const before = blocks.blockCount;
    // the longer blob shares the first five leaves; its sixth and seventh are new
    blocks.failStageAt = 6 + 2;
    const longer = new Uint8Array(blob.length + LEAF_SIZE);
    longer.set(blob);
    longer.set(randomData(LEAF_SIZE), blob.length);
    await expect(store.put(longer)).rejects.toThrow();
    expect(blocks.blockCount).toBe(before);
    expect(Buffer.compare(await readAll(await store.get(first)), blob)).toBe(0);
  });
});

describe('reading a blob', () => {
  test('get reads only a few leaves ahead of a slow reader (memory stays bounded)', async () => {
    const blocks = new TamperingStorage();
    const store = new MemoryStore(blocks);
    const cid = await store.put(randomData(40 * LEAF_SIZE));
    blocks.reads = [];
    const reader = (await store.get(cid)).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 50)); // give an eager reader time to run ahead
    // the root, the first leaf, and at most a handful read ahead — not the 40
    expect(blocks.reads.length).toBeLessThanOrEqual(8);
    let n = LEAF_SIZE;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
    }
    expect(n).toBe(40 * LEAF_SIZE);
    expect(blocks.reads.length).toBe(41);
  });
});
