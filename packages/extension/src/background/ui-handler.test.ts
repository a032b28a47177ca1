import 'fake-indexeddb/auto';
import { MemoryLedgerStore } from '@medvault/core/ledger';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConsentQueue } from './consent-queue.js';
import {
  InvalidMessageError,
  InvalidSettingsError,
  InvalidSplitError,
  NotEnoughSharesError,
  NotOnboardedError,
  ShareChecksumError,
  WalletExistsError,
  WrongPassphraseError,
} from './errors.js';
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

  test('settings that are refused change nothing, and the refusal names the field as the page labels it', async () => {
    const { ui, saved } = await setup();
    await expect(
      ui.handle({ type: 'settings/save', settings: { ...DEFAULT_SETTINGS, autoLockMinutes: 0 } }),
    ).rejects.toThrow(InvalidSettingsError);
    await expect(
      ui.handle({
        type: 'settings/save',
        settings: { ...DEFAULT_SETTINGS, proxies: [{ url: 'ftp://proxy.example' }] },
      }),
    ).rejects.toMatchObject({
      code: 'WALLET_INVALID_SETTINGS',
      field: 'Proxies',
      shortMessage: expect.stringMatching(
        /^“Proxies” cannot be used: expected an http\(s\) URL\.$/,
      ),
    });
    expect(saved).toEqual([]);
    expect(await ui.handle({ type: 'settings/get' })).toEqual(DEFAULT_SETTINGS);
  });
});

describe('guardian shares', () => {
  test('the dashboard splits the phrase behind the passphrase; a second wallet restores from any 2 of 3', async () => {
    const logged = vi.spyOn(console, 'log');
    const others = (['info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const { ui } = await setup();
    await expect(
      ui.handle({ type: 'backup/guardian-shares', passphrase: PASSPHRASE, threshold: 2, count: 3 }),
    ).rejects.toThrow(NotOnboardedError);
    const { publicKey } = (await ui.handle({
      type: 'onboard',
      mnemonic: PHRASE,
      passphrase: PASSPHRASE,
    })) as { publicKey: string };
    await expect(
      ui.handle({ type: 'backup/guardian-shares', passphrase: 'not it', threshold: 2, count: 3 }),
    ).rejects.toThrow(WrongPassphraseError);
    await expect(
      ui.handle({ type: 'backup/guardian-shares', passphrase: PASSPHRASE, threshold: 4, count: 3 }),
    ).rejects.toThrow(InvalidSplitError);
    for (const bad of [
      { threshold: 1, count: 3 },
      { threshold: 2, count: 11 },
      { threshold: 2.5, count: 3 },
      { threshold: '2', count: 3 },
    ]) {
      await expect(
        ui.handle({ type: 'backup/guardian-shares', passphrase: PASSPHRASE, ...bad }),
      ).rejects.toThrow(InvalidMessageError);
    }
    const made = (await ui.handle({
      type: 'backup/guardian-shares',
      passphrase: PASSPHRASE,
      threshold: 2,
      count: 3,
    })) as { shares: string[]; threshold: number; count: number };
    expect(made).toMatchObject({ threshold: 2, count: 3 });
    expect(made.shares).toHaveLength(3);
    const [one, two, three] = made.shares as [string, string, string];
    // no share holds the phrase or its entropy in the clear
    for (const share of made.shares) {
      expect(share).not.toContain('7f7f7f7f');
      expect(share).not.toContain('legal');
    }

    for (const [a, b] of [
      [one, two],
      [three, one],
    ] as const) {
      // a second computer: the shares go to the background, the identity comes back
      const second = await setup();
      await expect(
        second.ui.handle({ type: 'onboard/check-shares', shares: [a, ''] }),
      ).rejects.toThrow(NotEnoughSharesError);
      await expect(second.ui.handle({ type: 'onboard/check-shares', shares: [a] })).rejects.toThrow(
        '2 of 3 needed: give 1 more.',
      );
      const changed = b.replace(/:(\d):([0-9a-f])/, (_m, i, c) => `:${i}:${c === '0' ? '1' : '0'}`);
      await expect(
        second.ui.handle({ type: 'onboard/check-shares', shares: [a, changed] }),
      ).rejects.toThrow(ShareChecksumError);
      expect(
        await second.ui.handle({ type: 'onboard/check-shares', shares: [a, b] }),
      ).toMatchObject({ threshold: 2, count: 3, given: 2 });
      await expect(
        second.ui.handle({
          type: 'onboard/from-shares',
          shares: [a, changed],
          passphrase: 'p4ss-phrase',
        }),
      ).rejects.toThrow(ShareChecksumError);
      expect(await second.ui.handle({ type: 'state' })).toMatchObject({ onboarded: false });
      const restored = (await second.ui.handle({
        type: 'onboard/from-shares',
        shares: [a, b],
        passphrase: 'another passphrase',
      })) as { publicKey: string };
      expect(restored.publicKey).toBe(publicKey);
      expect(await second.ui.handle({ type: 'state' })).toMatchObject({
        onboarded: true,
        unlocked: true,
        publicKey,
      });
      // the vault holds the phrase itself: the backup shows it
      expect(
        await second.ui.handle({ type: 'backup/reveal', passphrase: 'another passphrase' }),
      ).toEqual({ mnemonic: PHRASE });
    }
    const identity = await deriveIdentity(PHRASE);
    expect(publicKey).toBe(bytesToHex(identity.secretKey.publicKey().toCompressedBytes()));
    // nothing was logged on the way (a secret least of all)
    for (const spy of [logged, ...others]) expect(spy).not.toHaveBeenCalled();
  });

  test('share texts too many or too long are not messages the wallet reads', async () => {
    const { ui } = await setup();
    await expect(
      ui.handle({ type: 'onboard/check-shares', shares: Array(33).fill('x') }),
    ).rejects.toThrow(InvalidMessageError);
    await expect(
      ui.handle({ type: 'onboard/check-shares', shares: ['x'.repeat(1025)] }),
    ).rejects.toThrow(InvalidMessageError);
    await expect(
      ui.handle({ type: 'onboard/from-shares', shares: ['x'], passphrase: '' }),
    ).rejects.toThrow(InvalidMessageError);
  });
});

describe('onboarding over an existing wallet', () => {
  test('is refused unless the patient typed REPLACE; the existing wallet is left as it was', async () => {
    const { ui } = await setup();
    const first = (await ui.handle({
      type: 'onboard',
      mnemonic: PHRASE,
      passphrase: PASSPHRASE,
    })) as {
      publicKey: string;
    };
    const other = `${'abandon '.repeat(11)}about`;
    for (const replace of [undefined, 'replace', 'yes', '']) {
      const error = await ui
        .handle({
          type: 'onboard',
          mnemonic: other,
          passphrase: PASSPHRASE,
          ...(replace === undefined ? {} : { replace }),
        })
        .catch((e: unknown) => e as WalletExistsError);
      expect(error).toBeInstanceOf(WalletExistsError);
      expect((error as WalletExistsError).code).toBe('WALLET_EXISTS');
      expect((error as WalletExistsError).message).toMatch(
        /already set up in this browser.*Type REPLACE to confirm/,
      );
    }
    expect(await ui.handle({ type: 'state' })).toMatchObject({ publicKey: first.publicKey });
    const replaced = (await ui.handle({
      type: 'onboard',
      mnemonic: other,
      passphrase: PASSPHRASE,
      replace: 'REPLACE',
    })) as { publicKey: string };
    expect(replaced.publicKey).not.toBe(first.publicKey);
  });
});
