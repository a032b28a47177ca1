import 'fake-indexeddb/auto';
import { MemoryLedgerStore } from '@medvault/core/ledger';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConsentQueue } from './consent-queue.js';
import { InvalidSettingsError } from './errors.js';
import { deriveIdentity } from './identity.js';
import { Session } from './session.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import { UiHandler } from './ui-handler.js';
import { Wallet } from './wallet.js';
import { WalletDb } from './wallet-db.js';

const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const PASSPHRASE = 'orchard lantern 42';
const MINUTE = 60_000;

let dbCount = 0;

/** The background's wiring: the session's idle time comes from the settings in use. */
async function setup() {
  const db = await WalletDb.open(`ui-handler-${++dbCount}`);
  let settings: Settings = DEFAULT_SETTINGS;
  const saved: Settings[] = [];
  const session = new Session({ autoLockMs: () => settings.autoLockMinutes * MINUTE });
  const queue = new ConsentQueue({
    show: () => {},
    hide: () => {},
    timeoutMs: () => settings.promptTimeoutSeconds * 1000,
  });
  const wallet = new Wallet({
    db,
    session,
    ledgerStore: new MemoryLedgerStore(),
    scrypt: { N: 2 ** 14, r: 1, p: 1 },
  });
  const ui = new UiHandler({
    wallet,
    db,
    session,
    queue,
    onSettingsSaved: (value) => {
      settings = value;
      saved.push(value);
    },
  });
  return { ui, session, saved };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('settings from the dashboard', () => {
  test('a shorter auto-lock applies at once, not after the old idle time runs out', async () => {
    const { ui, session } = await setup();
    // real timers here: scrypt and PBKDF2 yield to the event loop with setTimeout
    await ui.handle({ type: 'onboard', mnemonic: PHRASE, passphrase: PASSPHRASE });
    const identity = await deriveIdentity(PHRASE);
    session.lock();
    // fake only the timers: IndexedDB (fake-indexeddb) schedules with setImmediate
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    session.unlock(identity);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(session.unlocked).toBe(true);
    await ui.handle({
      type: 'settings/save',
      settings: { ...DEFAULT_SETTINGS, autoLockMinutes: 1 },
    });
    await vi.advanceTimersByTimeAsync(MINUTE - 1);
    expect(session.unlocked).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(session.unlocked).toBe(false);
  });

  test('settings that are refused change nothing', async () => {
    const { ui, saved } = await setup();
    await expect(
      ui.handle({ type: 'settings/save', settings: { ...DEFAULT_SETTINGS, autoLockMinutes: 0 } }),
    ).rejects.toThrow(InvalidSettingsError);
    expect(saved).toEqual([]);
    expect(await ui.handle({ type: 'settings/get' })).toEqual(DEFAULT_SETTINGS);
  });
});
