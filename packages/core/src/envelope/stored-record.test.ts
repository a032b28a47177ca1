/** Sealed records through a BlobStore: one address, verified reads, random access. */

import { caughtAsync, randomData } from '@medvault/testing';
import { equals } from 'multiformats/bytes';
import type { CID } from 'multiformats/cid';
import { describe, expect, test } from 'vitest';
import { collect } from '../bytes/index.js';
import { SecretKey } from '../pre/keys.js';
import { blobRange } from '../storage/blob-range.js';
import { IntegrityError } from '../storage/errors.js';
import { MemoryBlockStorage, MemoryStore } from '../storage/memory-store.js';
import { computeCid, LEAF_SIZE } from '../storage/unixfs.js';
import {
  openRecord,
  openSegment,
  sealRecord,
  sealRecordBytes,
  sealRecordInto,
} from './envelope.js';

const patient = SecretKey.random();
const SEGMENT = 256 * 1024;
const plaintext = randomData(3 * LEAF_SIZE + 1234);

class CountingStorage extends MemoryBlockStorage {
  reads = 0;
  corrupt: ((cid: CID) => boolean) | undefined;
  override async get(cid: CID) {
    this.reads += 1;
    const bytes = await super.get(cid);
    if (bytes && this.corrupt?.(cid)) {
      const copy = Uint8Array.from(bytes);
      copy[copy.length >> 1]! ^= 0x10;
      return copy;
    }
    return bytes;
  }
}

async function sealInto(store: MemoryStore) {
  const sealed = await sealRecord(patient.publicKey(), plaintext, {
    contentType: 'image/dicom',
    segmentSize: SEGMENT,
  });
  const cid = await store.put(sealed.stream);
  return { cid, sealed: await sealed.done };
}

describe('sealed records in a BlobStore', () => {
  test('the address computed while sealing is the address the store gives, and the record opens from it', async () => {
    const store = new MemoryStore();
    const { cid, sealed } = await sealInto(store);
    expect(sealed.cid.toString()).toBe(cid.toString());
    expect(await store.size(cid)).toBe(sealed.size);
    const opened = await collect(await openRecord(await store.get(cid), patient));
    expect(equals(opened, plaintext)).toBe(true);
  });

  test('sealRecordBytes returns bytes, CID and size that agree', async () => {
    const small = await sealRecordBytes(patient.publicKey(), randomData(2000), {
      contentType: 'application/fhir+json',
    });
    expect(small.size).toBe(small.bytes.length);
    expect(small.cid.toString()).toBe((await computeCid([small.bytes])).cid.toString());
    expect(small.capsule.toBytes()).toEqual(small.header.capsule.toBytes());
  });

  test('openSegment reads one segment through the blocks under it only', async () => {
    const blocks = new CountingStorage();
    const store = new MemoryStore(blocks);
    const { cid } = await sealInto(store);
    blocks.reads = 0;
    const source = await blobRange(store, cid);
    const segment = await openSegment(source, patient, 9);
    expect(equals(segment, plaintext.subarray(9 * SEGMENT, 10 * SEGMENT))).toBe(true);
    // root for size, root + first leaf for the header, root + one or two leaves for the segment
    expect(blocks.reads).toBeLessThanOrEqual(6);
  });

  test('a store that returns other bytes never makes openRecord or openSegment return them', async () => {
    const blocks = new CountingStorage();
    const store = new MemoryStore(blocks);
    const { cid } = await sealInto(store);
    const leaves = (await import('@ipld/dag-pb')).decode((await blocks.get(cid))!).Links;
    for (const [i, link] of leaves.entries()) {
      blocks.corrupt = (c) => c.equals(link.Hash);
      const whole = await caughtAsync(
        store
          .get(cid)
          .then((s) => openRecord(s, patient))
          .then(collect),
      );
      expect(whole, `leaf ${i}`).toBeInstanceOf(IntegrityError);
      // the segment starting in this leaf
      const index = Math.floor((i * LEAF_SIZE) / (SEGMENT + 16)) + (i === 0 ? 0 : 1);
      const one = await caughtAsync(
        blobRange(store, cid).then((r) => openSegment(r, patient, index)),
      );
      expect(one, `segment ${index}`).toBeInstanceOf(IntegrityError);
    }
  });
});

describe('sealRecordInto', () => {
  test('seals straight into a store: one put of the sealed bytes, the CID they have, and they open', async () => {
    const store = new MemoryStore();
    const puts: number[] = [];
    const counting = {
      put: async (input: AsyncIterable<Uint8Array>) => {
        puts.push(1);
        return store.put(input);
      },
    };
    const sealed = await sealRecordInto(counting, patient.publicKey(), plaintext, {
      contentType: 'image/dicom',
      segmentSize: SEGMENT,
    });
    expect(puts).toHaveLength(1);
    const bytes = await collect(await store.get(sealed.cid));
    expect(sealed.size).toBe(bytes.length);
    expect((await computeCid([bytes])).cid.equals(sealed.cid)).toBe(true);
    expect(equals(bytes.subarray(0, sealed.header.bytes.length), sealed.header.bytes)).toBe(true);
    const opened = await collect(await openRecord(bytes, patient));
    expect(Buffer.compare(opened, plaintext)).toBe(0);
  });
});
