import 'fake-indexeddb/auto';
import { randomBytes } from '@noble/hashes/utils.js';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { SequenceError } from './errors.js';
import { IndexedDbLedgerStore } from './idb-store.js';
import { Ledger } from './ledger.js';
import { verifyLedger } from './verify.js';

describe('IndexedDbLedgerStore (fake-indexeddb; real Chromium comes with the extension)', () => {
  test('keeps entries in order, refuses gaps and duplicates, persists across reopen', async () => {
    const indexedDB = new IDBFactory();
    const store = await IndexedDbLedgerStore.open('t', { indexedDB });
    const a = randomBytes(32);
    const b = randomBytes(32);
    await store.append(a, 0, Uint8Array.of(0));
    await store.append(a, 1, Uint8Array.of(1));
    await store.append(b, 0, Uint8Array.of(9));
    await expect(store.append(a, 1, Uint8Array.of(5))).rejects.toBeInstanceOf(SequenceError);
    await expect(store.append(a, 3, Uint8Array.of(5))).rejects.toBeInstanceOf(SequenceError);
    await store.putCheckpoint(a, Uint8Array.of(7));
    await store.putCheckpoint(a, Uint8Array.of(8));
    expect(await store.entries(a)).toEqual([Uint8Array.of(0), Uint8Array.of(1)]);
    expect(await store.entries(a, 1)).toEqual([Uint8Array.of(1)]);
    expect(await store.size(a)).toBe(2);
    expect(await store.checkpoints(a)).toEqual([Uint8Array.of(7), Uint8Array.of(8)]);
    store.close();
    const reopened = await IndexedDbLedgerStore.open('t', { indexedDB });
    expect((await reopened.ledgers()).map((l) => Buffer.from(l).toString('hex')).sort()).toEqual(
      [a, b].map((l) => Buffer.from(l).toString('hex')).sort(),
    );
    expect(await reopened.entries(b)).toEqual([Uint8Array.of(9)]);
    reopened.close();
  });

  test('concurrent appends of the same seq: exactly one wins', async () => {
    const store = await IndexedDbLedgerStore.open('race', { indexedDB: new IDBFactory() });
    const id = randomBytes(32);
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map((i) => store.append(id, 0, Uint8Array.of(i))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await store.size(id)).toBe(1);
  });

  test('a ledger kept in IndexedDB reopens and verifies', async () => {
    const store = await IndexedDbLedgerStore.open('ledger', { indexedDB: new IDBFactory() });
    const owner = new Signer(SecretKey.random());
    const ledger = await Ledger.create(owner, { store });
    await ledger.append(
      'emergency',
      {
        grantee: owner.verifyingKey().toCompressedBytes(),
        note: new TextEncoder().encode('drill'),
        expiresAt: Date.now() + 1e6,
      },
      owner,
    );
    const cp = await ledger.checkpoint(owner);
    const reopened = await Ledger.open(ledger.id, { store });
    expect(reopened.root()).toEqual(ledger.root());
    expect(verifyLedger(await store.entries(ledger.id), { checkpoints: [cp] }).size).toBe(2);
  });
});
