import * as IpldUnixFS from '@ipld/unixfs';
import { withMaxChunkSize } from '@ipld/unixfs/file/chunker/fixed';
import { withWidth } from '@ipld/unixfs/file/layout/balanced';
import { randomData as randomBytes } from '@medvault/testing';
import { UnixFS as StorachaUnixFS } from '@storacha/upload-client';
import fc from 'fast-check';
import { importBytes } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { equals } from 'multiformats/bytes';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { describe, expect, test } from 'vitest';
import { concatParts } from '../bytes/index.js';
import { tapCid } from './cid-tap.js';
import { computeCid, DISCARD, importBlob, LEAF_SIZE, partHasher } from './unixfs.js';

/** The CID the web3.storage (Storacha) client gives a file, from its own encoder. */
async function storachaCid(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return (await StorachaUnixFS.encodeFile(new Blob([bytes]))).cid.toString();
}

async function* inPieces(bytes: Uint8Array, piece: number) {
  for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
}

describe('computeCid: the unixfs-v1-2025 address', () => {
  test.each([0, 1, 1000, LEAF_SIZE - 1, LEAF_SIZE, LEAF_SIZE + 1, 3 * LEAF_SIZE + 5])(
    '%i bytes: equals the address the web3.storage client computes',
    async (n) => {
      const bytes = randomBytes(n);
      const { cid, size } = await computeCid(inPieces(bytes, 65_537));
      expect(size).toBe(n);
      expect(cid.toString()).toBe(await storachaCid(bytes));
    },
  );

  test.each([0, 5, LEAF_SIZE])(
    '%i bytes (≤ 1 MiB): the raw sha2-256 CID of the bytes',
    async (n) => {
      const bytes = randomBytes(n);
      const expected = CID.createV1(raw.code, await sha256.digest(bytes));
      expect((await computeCid([bytes])).cid.toString()).toBe(expected.toString());
    },
  );

  test('the same bytes in any chunking give the same address', async () => {
    const bytes = randomBytes(2 * LEAF_SIZE + 77);
    const whole = (await computeCid([bytes])).cid.toString();
    for (const piece of [1000, 4096, LEAF_SIZE + 3]) {
      expect((await computeCid(inPieces(bytes, piece))).cid.toString()).toBe(whole);
    }
  });

  test('1025 leaves (a two-level tree: the root links 2 nodes): equals the web3.storage address', async () => {
    const leaves = 1025;
    const leaf = (i: number) => {
      const l = new Uint8Array(LEAF_SIZE);
      l[0] = i & 255;
      l[1] = i >> 8;
      return l;
    };
    async function* ourSource() {
      for (let i = 0; i < leaves; i++) yield leaf(i);
    }
    let i = 0;
    const theirSource = {
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(c) {
            if (i < leaves) c.enqueue(leaf(i++));
            else c.close();
          },
        }),
    };
    let root = '';
    for await (const block of StorachaUnixFS.createFileEncoderStream(
      theirSource as never,
    ) as never as AsyncIterable<{ cid: CID }>) {
      root = block.cid.toString();
    }
    const ours = await computeCid(ourSource());
    expect(ours.size).toBe(leaves * LEAF_SIZE);
    expect(ours.cid.toString()).toBe(root);
  });

  test('the balanced layout matches the web3.storage encoder for deep trees (scaled down: 64-byte leaves, 4 links per node)', async () => {
    const settings = IpldUnixFS.configure({
      fileChunkEncoder: raw,
      smallFileEncoder: raw,
      chunker: withMaxChunkSize(64),
      fileLayout: withWidth(4),
    });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 * 70 }), async (bytes) => {
        const ours = await importBytes(bytes, DISCARD as never, {
          profile: 'unixfs-v1-2025',
          rawLeaves: true,
          cidVersion: 1,
          reduceSingleLeafToSelf: true,
          chunker: fixedSize({ chunkSize: 64 }),
          layout: balanced({ maxChildrenPerNode: 4 }),
        });
        const theirs = await StorachaUnixFS.encodeFile(new Blob([bytes]), { settings });
        expect(ours.cid.toString()).toBe(theirs.cid.toString());
      }),
      { numRuns: 40 },
    );
  });
});

describe('leaf hashing', () => {
  test('node:crypto and WebCrypto give the same digest over the same bytes in any parts', async () => {
    const bytes = randomBytes(10_000);
    const expected = (await sha256.digest(bytes)).digest;
    for (const backend of ['node', 'webcrypto'] as const) {
      for (const cuts of [[], [0], [1, 4096], [9_999]]) {
        const h = (await partHasher(backend))();
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          h.update(bytes.subarray(at, cut));
          at = cut;
        }
        expect(equals(await h.digest(), expected)).toBe(true);
      }
    }
  });

  test('a sink that keeps blocks gets every leaf whole, even when leaves straddle chunks', async () => {
    const bytes = randomBytes(2 * LEAF_SIZE + 77);
    const leaves: Uint8Array[] = [];
    const sink = {
      put: async (cid: CID, block: Uint8Array) => {
        if (cid.code !== raw.code) return;
        expect(equals((await sha256.digest(block)).digest, cid.multihash.digest)).toBe(true);
        leaves.push(block);
      },
    };
    const { cid } = await importBlob(inPieces(bytes, 300_001), sink);
    expect(leaves.map((l) => l.length)).toEqual([LEAF_SIZE, LEAF_SIZE, 77]);
    expect(equals(concatParts(leaves), bytes)).toBe(true);
    expect(cid.toString()).toBe(await storachaCid(bytes));
  });
});

describe('tapCid', () => {
  test('passes the bytes through unchanged and yields their address at the end', async () => {
    const bytes = randomBytes(LEAF_SIZE + 12_345);
    const { stream, done } = tapCid(inPieces(bytes, 10_000));
    const out = new Uint8Array(await new Response(stream).arrayBuffer());
    expect(equals(out, bytes)).toBe(true); // toEqual walks 1 MiB element by element
    expect((await done).cid.toString()).toBe((await computeCid([bytes])).cid.toString());
  });

  test('the reader never runs more than a bounded amount ahead of the importer', async () => {
    let produced = 0;
    const leaf = randomBytes(LEAF_SIZE);
    async function* endless() {
      for (;;) {
        produced += leaf.length;
        yield leaf;
      }
    }
    let release: () => void = () => {};
    const stuck = new Promise<void>((r) => {
      release = r;
    });
    const { stream, done } = tapCid(endless(), { put: () => stuck });
    const reader = stream.getReader();
    const reading = (async () => {
      for (;;) if ((await reader.read()).done) return;
    })();
    await new Promise((r) => setTimeout(r, 300));
    // 16 MiB queued + the importer's leaves in flight and its chunker's buffer
    expect(produced).toBeLessThanOrEqual(32 * LEAF_SIZE);
    expect(produced).toBeGreaterThan(0);
    await reader.cancel();
    release();
    await expect(done).rejects.toThrow();
    await reading.catch(() => {});
  });

  test('a failing source fails both the stream and the address', async () => {
    async function* failing() {
      yield randomBytes(100);
      throw new Error('disk gone');
    }
    const { stream, done } = tapCid(failing());
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow('disk gone');
    await expect(done).rejects.toThrow();
  });
});
