import { caughtAsync, randomData } from '@medvault/testing';
import { equals } from 'multiformats/bytes';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collect } from '../bytes/index.js';
import { openRecord, openSegment, sealRecord } from '../envelope/envelope.js';
import { SecretKey } from '../pre/keys.js';
import {
  type StorachaTestService,
  startStorachaService,
} from '../test-support/storacha-service.js';
import { blobRange } from './blob-range.js';
import { IntegrityError, RootMismatchError, StoreUnavailableError } from './errors.js';
import { Web3StorageStore } from './index.js'; // the public entry, as apps import it
import { computeCid, LEAF_SIZE } from './unixfs.js';

let service: StorachaTestService;
let store: Web3StorageStore;

beforeAll(async () => {
  service = await startStorachaService();
  store = new Web3StorageStore({ client: service.client, gateway: service.gateway });
}, 60_000);
afterAll(async () => {
  await service?.close();
});

describe('Web3StorageStore against the Storacha upload service (in-process, 127.0.0.1)', () => {
  const patient = SecretKey.random();
  const plaintext = randomData(2 * LEAF_SIZE + 4321);
  let cid: CID;

  test('uploads a sealed record; the service’s root is the locally computed CID', async () => {
    const sealed = await sealRecord(patient.publicKey(), plaintext, {
      contentType: 'image/dicom',
      segmentSize: 64 * 1024,
    });
    cid = await store.put(sealed.stream);
    expect(cid.toString()).toBe((await sealed.done).cid.toString());
    expect(cid.toString()).toMatch(/^bafybei/);
    expect(await store.has(cid)).toBe(true);
  });

  test('reads it back through the gateway, verified, whole and by segment', async () => {
    const opened = await collect(await openRecord(await store.get(cid), patient));
    expect(equals(opened, plaintext)).toBe(true);
    const segment = await openSegment(await blobRange(store, cid), patient, 20);
    expect(equals(segment, plaintext.subarray(20 * 64 * 1024, 21 * 64 * 1024))).toBe(true);
  });

  test('a small blob is one raw block: its CID is the raw sha2-256 CID', async () => {
    const bytes = randomData(3000);
    const small = await store.put(bytes);
    expect(small.toString()).toBe((await computeCid([bytes])).cid.toString());
    expect(small.toString()).toMatch(/^bafkrei/);
    expect(equals(await store.getRange(small, 100, 50), bytes.subarray(100, 150))).toBe(true);
  });

  test('a gateway that returns other bytes is caught block by block: IntegrityError', async () => {
    service.tamper((c, bytes) =>
      c !== cid.toString() ? Uint8Array.from(bytes, (b) => b ^ 1) : undefined,
    );
    try {
      const error = await caughtAsync(
        store
          .get(cid)
          .then((s) => openRecord(s, patient))
          .then(collect),
      );
      expect(error).toBeInstanceOf(IntegrityError);
    } finally {
      service.tamper(undefined);
    }
  });

  test('a service that reports another root is refused: RootMismatchError', async () => {
    const lying = new Web3StorageStore({
      gateway: service.gateway,
      client: {
        uploadFile: async (file) => {
          await service.client.uploadFile(file as never);
          return CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy');
        },
        capability: service.client.capability,
      },
    });
    await expect(lying.put(randomData(100))).rejects.toBeInstanceOf(RootMismatchError);
  });

  test('delete removes the upload and its shards from the space; deleting again is a no-op', async () => {
    const bytes = randomData(LEAF_SIZE + 5000);
    const doomed = await store.put(bytes);
    const { shards } = (await service.client.capability.upload.get(doomed)) as unknown as {
      shards?: CID[];
    };
    expect(shards?.length).toBeGreaterThan(0);
    const storedDigests = async () =>
      (
        await service.client.capability.blob.list({ size: 1000, nonce: crypto.randomUUID() })
      ).results.map((b) => b.blob.digest.toString());
    const shardDigests = (shards ?? []).map((s) => s.multihash.bytes.toString());
    expect(await storedDigests()).toEqual(expect.arrayContaining(shardDigests));
    await store.delete(doomed);
    const list = await service.client.capability.upload.list({ size: 1000 });
    expect(list.results.map((u) => u.root.toString())).not.toContain(doomed.toString());
    const blobs = await service.client.capability.blob.list({ size: 1000 });
    const stored = blobs.results.map((b) => b.blob.digest.toString());
    for (const shard of shards ?? [])
      expect(stored).not.toContain(shard.multihash.bytes.toString());
    expect(await store.has(doomed)).toBe(false);
    await store.delete(doomed);
  });

  test('an unreachable gateway is StoreUnavailableError', async () => {
    const offline = new Web3StorageStore({
      client: service.client,
      gateway: 'http://127.0.0.1:9/',
    });
    await expect(offline.get(cid)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe.runIf(process.env.STORACHA_KEY && process.env.STORACHA_PROOF)(
  'live web3.storage smoke test (STORACHA_KEY, STORACHA_PROOF, optional STORACHA_GATEWAY)',
  () => {
    test('uploads and reads back a sealed record', async () => {
      const Client = await import('@storacha/client');
      const { Signer } = await import('@storacha/client/principal/ed25519');
      const Proof = await import('@storacha/client/proof');
      const { StoreMemory } = await import('@storacha/access/stores/store-memory');
      const client = await Client.create({
        principal: Signer.parse(process.env.STORACHA_KEY as string),
        store: new StoreMemory(),
      });
      const space = await client.addSpace(await Proof.parse(process.env.STORACHA_PROOF as string));
      await client.setCurrentSpace(space.did());
      const live = new Web3StorageStore({
        client,
        gateway: process.env.STORACHA_GATEWAY ?? 'https://storacha.link',
      });
      const patient = SecretKey.random();
      const sealed = await sealRecord(patient.publicKey(), randomData(100_000), {
        contentType: 'application/octet-stream',
      });
      const cid = await live.put(sealed.stream);
      const back = await collect(await openRecord(await live.get(cid), patient));
      expect(back.length).toBe(100_000);
      await live.delete(cid);
    }, 120_000);
  },
);
