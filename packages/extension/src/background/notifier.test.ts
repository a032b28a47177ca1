import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import type { AccessSummary } from './ledger-sync.js';
import { ENDING_NOTICE_MS, Notifier } from './notifier.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import type { GrantSummary } from './sharing.js';
import { WalletDb } from './wallet-db.js';

const NOW = 1_800_000_000_000;
let dbs = 0;

function read(time: number, records: string[]): AccessSummary {
  return { time, grantId: 'ab'.repeat(32), readerName: 'Riverside Clinic', proxies: [], records };
}
function share(expiresAt: number, status: GrantSummary['status'] = 'active') {
  return {
    grantId: 'cd'.repeat(32),
    readerName: 'Riverside Clinic',
    expiresAt,
    status,
  } as GrantSummary;
}

async function setup() {
  const db = await WalletDb.open(`notifier-${++dbs}`);
  const state = {
    settings: { ...DEFAULT_SETTINGS, notifications: true } as Settings,
    accesses: [] as AccessSummary[],
    grants: [] as GrantSummary[],
  };
  const notifier = new Notifier(db, {
    settings: async () => state.settings,
    accesses: async () => state.accesses,
    grants: async () => state.grants,
  });
  return { notifier, state };
}

describe('notifications', () => {
  test('off: nothing is told, and reads from while they were off are never replayed', async () => {
    const { notifier, state } = await setup();
    state.settings = { ...DEFAULT_SETTINGS, notifications: false };
    state.accesses = [read(NOW - 1000, ['HbA1c'])];
    expect(await notifier.check(NOW)).toEqual([]);
    state.settings = { ...DEFAULT_SETTINGS, notifications: true };
    expect(await notifier.check(NOW + 1000)).toEqual([]);
  });

  test('each new read is told once, in words', async () => {
    const { notifier, state } = await setup();
    expect(await notifier.check(NOW)).toEqual([]); // the baseline
    state.accesses = [read(NOW + 5000, ['HbA1c']), read(NOW + 9000, ['HbA1c', 'LDL'])];
    const notices = await notifier.check(NOW + 10_000);
    expect(notices.map((n) => n.message)).toEqual([
      expect.stringMatching(/^Riverside Clinic read HbA1c \(/),
      expect.stringMatching(/^Riverside Clinic read 2 of your records \(/),
    ]);
    expect(await notifier.check(NOW + 20_000)).toEqual([]);
  });

  test('a share ending within a day is told once; ended and later ones are not', async () => {
    const { notifier, state } = await setup();
    state.grants = [
      share(NOW + ENDING_NOTICE_MS - 1),
      { ...share(NOW + 1000, 'revoked'), grantId: 'ee'.repeat(32) },
      { ...share(NOW + 3 * ENDING_NOTICE_MS), grantId: 'ff'.repeat(32) },
    ];
    const notices = await notifier.check(NOW);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ title: 'A share ends soon' });
    expect(notices[0]?.message).toMatch(/^Your share with Riverside Clinic ends /);
    expect(await notifier.check(NOW + 60_000)).toEqual([]);
  });
});
