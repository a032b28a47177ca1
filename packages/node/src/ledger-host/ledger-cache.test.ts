/**
 * The ledger host's ledgers in memory: bounded, reloaded and verified when
 * evicted, never evicted while a write to them is queued; and the write
 * queue, which forgets a ledger once nothing is queued for it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseError } from '@medvault/core/errors';
import { Ledger } from '@medvault/core/ledger';
import { SecretKey, Signer } from '@medvault/core/pre';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FileLedgerStore } from '../ledger/file-ledger-store.js';
import { LedgerCache } from './ledger-cache.js';
import { WriteQueue } from './write-queue.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-ledger-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const owner = new Signer(SecretKey.random());
const hospital = new Signer(SecretKey.random());
const labKey = SecretKey.random().publicKey().toCompressedBytes();
const record = (i: number) => ({
  cid: `bafkrei${bytesToHex(randomBytes(6))}${i}`,
  capsule: randomBytes(105),
  contentType: 'application/fhir+json',
  resourceType: 'Observation',
  category: 'laboratory',
  size: 100 + i,
  // a hospital's proposal, sealed to a laboratory key
  recipient: labKey,
});

/** `n` ledgers with a genesis each, written through a store on `sub`. */
async function ledgersIn(sub: string, n: number): Promise<string[]> {
  const store = new FileLedgerStore(join(dir, sub));
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(bytesToHex((await Ledger.create(owner, { store })).id));
  await store.close();
  return ids;
}

describe('LedgerCache', () => {
  test('holds at most maxCached ledgers; the others come back from disk, as they were', async () => {
    const ids = await ledgersIn('bound', 12);
    const store = new FileLedgerStore(join(dir, 'bound'), { maxOpenFiles: 2, maxCachedFiles: 3 });
    const queue = new WriteQueue();
    const cache = await LedgerCache.open(store, queue, { maxCached: 3 }, () => {});
    expect(cache.size).toBe(12);
    expect(cache.cached).toBe(3);
    for (const id of [...ids, ...ids.reverse()]) {
      const ledger = await cache.get(id.toUpperCase());
      expect(ledger && bytesToHex(ledger.id)).toBe(id);
      expect(ledger?.size).toBe(1);
      expect(cache.cached).toBeLessThanOrEqual(3);
      expect(store.cachedFiles).toBeLessThanOrEqual(3);
      expect(store.openFiles).toBeLessThanOrEqual(2);
    }
    // appends through the queue (the ledger taken inside the task) survive eviction
    for (const [i, id] of ids.entries()) {
      await queue.run(id, async () => {
        await (await cache.get(id))?.append('record', record(i), hospital);
      });
    }
    for (const id of ids) expect((await cache.get(id))?.size).toBe(2);
    expect(await cache.get('00'.repeat(32))).toBeUndefined();
    expect(await cache.get('not-an-id')).toBeUndefined();
    expect(await cache.has('00'.repeat(32))).toBe(false);
    expect(await cache.has(ids[0] as string)).toBe(true);
    await store.close();
  });

  test('a ledger read again is verified: a file changed on disk fails to load', async () => {
    const [first, ...rest] = await ledgersIn('tampered', 3);
    const store = new FileLedgerStore(join(dir, 'tampered'), { maxCachedFiles: 1 });
    const cache = await LedgerCache.open(store, new WriteQueue(), { maxCached: 1 }, () => {});
    for (const id of rest) await cache.get(id as string); // evicts the first
    const path = join(dir, 'tampered', `${first}.ledger`);
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1; // the entry's ledger id
    await writeFile(path, bytes);
    const error = await cache.get(first as string).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaseError);
    expect((error as BaseError).code).toMatch(/^LEDGER_/);
    await store.close();
  });

  test('a ledger with a write queued stays in memory, whatever else is read', async () => {
    const [busy, ...others] = await ledgersIn('pinned', 6);
    const store = new FileLedgerStore(join(dir, 'pinned'));
    const queue = new WriteQueue();
    const cache = await LedgerCache.open(store, queue, { maxCached: 1 }, () => {});
    const held = await cache.get(busy as string);
    let release = () => {};
    const writing = queue.run(busy as string, () => new Promise<void>((r) => (release = r)));
    for (const id of others) expect((await cache.get(id as string))?.size).toBe(1);
    expect(cache.cached).toBe(1);
    expect(await cache.get(busy as string)).toBe(held); // the same object, not a reload
    release();
    await writing;
    for (const id of others) await cache.get(id as string);
    expect(cache.cached).toBe(1);
    expect(await cache.get(busy as string)).not.toBe(held); // evicted once idle: read again
    await store.close();
  });

  test('concurrent reads of a ledger not in memory share one load', async () => {
    const [a, b] = await ledgersIn('shared', 2);
    const store = new FileLedgerStore(join(dir, 'shared'));
    const cache = await LedgerCache.open(store, new WriteQueue(), { maxCached: 1 }, () => {});
    await cache.get(b as string); // a is out
    const loads = await Promise.all(Array.from({ length: 5 }, () => cache.get(a as string)));
    expect(new Set(loads).size).toBe(1);
    await store.close();
  });
});

describe('WriteQueue', () => {
  test('runs one ledger’s tasks in order, others alongside, and forgets a ledger once idle', async () => {
    const queue = new WriteQueue();
    const order: string[] = [];
    const task = (name: string, ms: number) => async () => {
      await new Promise((r) => setTimeout(r, ms));
      order.push(name);
      if (name === 'a2') throw new Error('a failed write');
      return name;
    };
    const runs = [
      queue.run('a', task('a1', 30)),
      queue.run('a', task('a2', 1)),
      queue.run('a', task('a3', 1)),
      queue.run('b', task('b1', 5)),
    ];
    expect(queue.busy('a')).toBe(true);
    const results = await Promise.allSettled(runs);
    expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    await queue.idle();
    expect(queue.busy('a')).toBe(false);
    expect(queue.busy('b')).toBe(false);
    // many ids made up by clients leave nothing behind
    await Promise.all(Array.from({ length: 1000 }, (_, i) => queue.run(`x${i}`, async () => i)));
    await queue.idle();
    expect(queue.busy('x1')).toBe(false);
  });
});
