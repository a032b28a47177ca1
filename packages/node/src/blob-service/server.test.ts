import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, sealRecordBytes } from '@medvault/core/envelope';
import { SecretKey } from '@medvault/core/pre';
import {
  BlobWriteError,
  HttpStore,
  IntegrityError,
  StoreUnavailableError,
} from '@medvault/core/storage';
import { blobStoreContract, caughtAsync, randomData } from '@medvault/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FsStore } from '../storage/fs-store.js';
import { type RunningBlobService, startBlobService } from './server.js';

const dirs: string[] = [];
const services: RunningBlobService[] = [];
async function service(options: { allowDelete?: boolean } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'medvault-blob-service-'));
  dirs.push(dataDir);
  const running = await startBlobService({ dataDir, log: () => {}, ...options });
  services.push(running);
  return { ...running, dataDir };
}
afterAll(async () => {
  for (const s of services) await s.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// the whole BlobStore contract, over real HTTP
blobStoreContract('HttpStore on a blob service', async () => {
  const { url } = await service({ allowDelete: true });
  return new HttpStore({ gateway: url });
});

describe('blob service', () => {
  let blobs: Awaited<ReturnType<typeof service>>;
  beforeAll(async () => {
    blobs = await service();
  });

  test('a sealed record of several blocks goes up by HTTP under the CID sealing computed, and opens from disk and from HTTP', async () => {
    const patient = SecretKey.random();
    const body = randomData(2.5 * 1024 * 1024);
    const sealed = await sealRecordBytes(patient.publicKey(), body, {
      contentType: 'application/dicom',
    });
    const store = new HttpStore({ gateway: blobs.url });
    const cid = await store.put(sealed.bytes);
    expect(cid.toString()).toBe(sealed.cid.toString());
    // (Buffer.equals: a deep toEqual over megabytes takes seconds)
    const same = (bytes: Uint8Array) => Buffer.from(bytes).equals(Buffer.from(sealed.bytes));
    expect(same(await collect(await store.get(cid)))).toBe(true);
    const onDisk = await FsStore.open(blobs.dataDir);
    expect(same(await collect(await onDisk.get(cid)))).toBe(true);
    expect(await store.getRange(cid, 1024 * 1024 - 3, 10)).toEqual(
      sealed.bytes.subarray(1024 * 1024 - 3, 1024 * 1024 + 7),
    );
  });

  test('a block that is not what its CID names is refused with 422, and the store says why', async () => {
    const store = new HttpStore({ gateway: blobs.url });
    const cid = await store.put(new Uint8Array(100).fill(1));
    const response = await fetch(`${blobs.url}/v1/blocks/${cid}`, {
      method: 'PUT',
      body: new Uint8Array(100).fill(2),
    });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe('BLOB_SERVICE_WRONG_BLOCK');
    // the right block is still what is served
    expect(await collect(await store.get(cid))).toEqual(new Uint8Array(100).fill(1));
  });

  test('bad CIDs, oversized blocks, unknown routes, non-raw reads and deletes get typed answers', async () => {
    const bad = await fetch(`${blobs.url}/v1/blocks/not-a-cid`, { method: 'PUT', body: 'x' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('BLOB_SERVICE_BAD_CID');
    const cid = await new HttpStore({ gateway: blobs.url }).put(new Uint8Array(10));
    const big = await fetch(`${blobs.url}/v1/blocks/${cid}`, {
      method: 'PUT',
      body: new Uint8Array(2 * 1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
    const page = await fetch(`${blobs.url}/ipfs/${cid}`);
    expect(page.status).toBe(406);
    expect((await page.json()).error.message).toMatch(/format=raw/);
    expect((await fetch(`${blobs.url}/nowhere`)).status).toBe(404);
    const deleted = await caughtAsync(new HttpStore({ gateway: blobs.url }).delete(cid));
    expect(deleted).toBeInstanceOf(BlobWriteError);
    expect((deleted as Error).message).toMatch(/does not delete/);
  });

  test('any origin may read and write (CORS): the bytes are ciphertext', async () => {
    const preflight = await fetch(`${blobs.url}/v1/blocks/x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    const health = await fetch(`${blobs.url}/health`);
    expect(health.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('a block altered on the service’s disk fails the read with IntegrityError', async () => {
    const store = new HttpStore({ gateway: blobs.url });
    const cid = await store.put(new Uint8Array(5000).fill(7));
    const name = cid.toString();
    await writeFile(join(blobs.dataDir, 'blocks', name.slice(-2), name), new Uint8Array(5000));
    expect(await caughtAsync(store.getRange(cid, 0, 10))).toBeInstanceOf(IntegrityError);
  });

  test('a service that is down is StoreUnavailableError, for reads and writes', async () => {
    const gone = await service();
    await gone.close();
    const store = new HttpStore({ gateway: gone.url, timeoutMs: 2000 });
    expect(await caughtAsync(store.put(new Uint8Array(10)))).toBeInstanceOf(StoreUnavailableError);
    expect(
      await caughtAsync(store.has('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')),
    ).toBeInstanceOf(StoreUnavailableError);
  });
});
