/**
 * The behaviour every `BlobStore` must have, run against each implementation
 * (memory and IndexedDB in @medvault/core; files and HTTP in @medvault/node).
 */

import {
  BlobNotFoundError,
  BlobRangeError,
  type BlobStore,
  computeCid,
  InvalidCidError,
  LEAF_SIZE,
} from '@medvault/core/storage';
import fc from 'fast-check';
import { equals } from 'multiformats/bytes';
import { describe, expect, test } from 'vitest';
import { randomData } from './random-data.js';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Registers the contract tests for a store made by `make`. */
export function blobStoreContract(name: string, make: () => Promise<BlobStore>): void {
  describe(`${name}: the BlobStore contract`, () => {
    test.each([0, 10, LEAF_SIZE, LEAF_SIZE + 3, 3 * LEAF_SIZE + 1])(
      'put then get returns the same %i bytes under their unixfs-v1-2025 address',
      async (n) => {
        const store = await make();
        const bytes = randomData(n);
        const cid = await store.put(new Blob([bytes]).stream());
        expect(cid.toString()).toBe((await computeCid([bytes])).cid.toString());
        expect(await store.has(cid)).toBe(true);
        expect(await store.has(cid.toString())).toBe(true);
        expect(await store.size(cid)).toBe(n);
        expect(equals(await readAll(await store.get(cid)), bytes)).toBe(true);
      },
    );

    test('getRange returns exactly the asked bytes, for any range', async () => {
      const store = await make();
      const bytes = randomData(2 * LEAF_SIZE + 999);
      const cid = await store.put(bytes);
      await fc.assert(
        fc.asyncProperty(
          fc
            .nat(bytes.length)
            .chain((offset) => fc.tuple(fc.constant(offset), fc.nat(bytes.length - offset))),
          async ([offset, length]) => {
            const got = await store.getRange(cid, offset, length);
            expect(equals(got, bytes.subarray(offset, offset + length))).toBe(true);
          },
        ),
        { numRuns: 30 },
      );
    });

    test.each([
      [-1, 1],
      [0, 2 * LEAF_SIZE],
      [5, -1],
      [1.5, 1],
      [Number.NaN, 1],
    ])('getRange(%s, %s) outside the blob: BlobRangeError', async (offset, length) => {
      const store = await make();
      const cid = await store.put(randomData(LEAF_SIZE + 10));
      await expect(store.getRange(cid, offset, length)).rejects.toBeInstanceOf(BlobRangeError);
    });

    test('delete removes the blob; a missing blob is BlobNotFoundError; deleting twice is fine', async () => {
      const store = await make();
      const cid = await store.put(randomData(2 * LEAF_SIZE + 1));
      await store.delete(cid);
      expect(await store.has(cid)).toBe(false);
      await expect(store.get(cid)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.getRange(cid, 0, 1)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.size(cid)).rejects.toMatchObject({ code: 'STORAGE_NOT_FOUND' });
      await store.delete(cid);
    });

    test('put refuses input that is not bytes with a typed error', async () => {
      const store = await make();
      await expect(store.put(42 as never)).rejects.toMatchObject({
        code: 'BYTES_INVALID_INPUT',
      });
      await expect(store.put(['text'] as never)).rejects.toMatchObject({
        code: 'BYTES_INVALID_INPUT',
      });
    });

    test('refuses addresses that are not blob CIDs: InvalidCidError', async () => {
      const store = await make();
      for (const bad of [
        '',
        'hello',
        'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', // CIDv0
        'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', // dag-cbor
        'bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4', // blake3
      ]) {
        await expect(store.get(bad)).rejects.toBeInstanceOf(InvalidCidError);
        await expect(store.has(bad)).rejects.toBeInstanceOf(InvalidCidError);
      }
    });
  });
}
