import { PatientKeys } from '@medvault/core/ledger';
import { randomBytes } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { WalletLockedError } from './errors.js';
import type { Identity } from './identity.js';
import { Session } from './session.js';

const MINUTE = 60_000;

const newIdentity = (): Identity => {
  const keys = PatientKeys.fromSeed(randomBytes(64));
  return { secretKey: keys.identity(), ledgerId: keys.ledgerId(), keys, identityIndex: 0 };
};

/** A session whose idle time is read from `settings`, as the background wires it. */
function setup(autoLockMinutes = 15) {
  const settings = { autoLockMinutes };
  const changes: boolean[] = [];
  const session = new Session({
    autoLockMs: () => settings.autoLockMinutes * MINUTE,
    onChange: (unlocked) => changes.push(unlocked),
  });
  return { session, settings, changes };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('session', () => {
  test('locks itself after the idle time, and the identity is gone', () => {
    const { session, changes } = setup(15);
    const identity = newIdentity();
    session.unlock(identity);
    expect(session.identity()).toBe(identity);
    vi.advanceTimersByTime(15 * MINUTE - 1);
    expect(session.unlocked).toBe(true);
    vi.advanceTimersByTime(1);
    expect(session.unlocked).toBe(false);
    expect(() => session.identity()).toThrow(WalletLockedError);
    expect(changes).toEqual([true, false]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('activity postpones the lock: touch and every use of the key restart the idle time', () => {
    const { session } = setup(15);
    session.unlock(newIdentity());
    vi.advanceTimersByTime(10 * MINUTE);
    session.touch();
    vi.advanceTimersByTime(10 * MINUTE);
    expect(session.unlocked).toBe(true);
    session.identity(); // signing with the key is activity too
    vi.advanceTimersByTime(14 * MINUTE);
    expect(session.unlocked).toBe(true);
    vi.advanceTimersByTime(MINUTE);
    expect(session.unlocked).toBe(false);
    // activity while locked neither unlocks nor arms a timer
    session.touch();
    expect(session.unlocked).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('lock drops the identity at once, stops the timer and tells once', () => {
    const { session, changes } = setup(15);
    session.unlock(newIdentity());
    session.lock();
    expect(session.unlocked).toBe(false);
    expect(() => session.identity()).toThrow(WalletLockedError);
    expect(vi.getTimerCount()).toBe(0);
    session.lock();
    expect(changes).toEqual([true, false]);
    // unlocking again holds the new identity, not the dropped one
    const next = newIdentity();
    session.unlock(next);
    expect(session.identity()).toBe(next);
  });

  test('the idle time is read from the settings on each activity, so a change applies at once', () => {
    const { session, settings } = setup(15);
    session.unlock(newIdentity());
    settings.autoLockMinutes = 1;
    session.touch();
    vi.advanceTimersByTime(MINUTE);
    expect(session.unlocked).toBe(false);

    settings.autoLockMinutes = 1;
    session.unlock(newIdentity());
    settings.autoLockMinutes = 30;
    session.touch();
    vi.advanceTimersByTime(29 * MINUTE);
    expect(session.unlocked).toBe(true);
    vi.advanceTimersByTime(MINUTE);
    expect(session.unlocked).toBe(false);
  });

  test('requests wait for unlock; an aborted wait rejects with the signal’s reason', async () => {
    const { session } = setup();
    let woke = false;
    const waiting = session.whenUnlocked().then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toBe(false);
    session.unlock(newIdentity());
    await waiting;
    expect(woke).toBe(true);
    await expect(session.whenUnlocked()).resolves.toBeUndefined();

    session.lock();
    const controller = new AbortController();
    const aborted = session.whenUnlocked(controller.signal);
    controller.abort(new Error('prompt closed'));
    await expect(aborted).rejects.toThrow('prompt closed');
    await expect(session.whenUnlocked(AbortSignal.abort(new Error('gone')))).rejects.toThrow(
      'gone',
    );
    // the aborted waiters are forgotten: unlocking later wakes nobody stale
    expect(() => session.unlock(newIdentity())).not.toThrow();
  });

  test('what is held beside the key goes with it: lock listeners hear every lock, by the patient or on idle', () => {
    const { session } = setup(1);
    let locks = 0;
    const stop = session.onLock(() => locks++);
    session.unlock(newIdentity());
    session.lock();
    session.lock(); // already locked: not told again
    session.unlock(newIdentity());
    vi.advanceTimersByTime(MINUTE);
    expect(locks).toBe(2);
    stop();
    session.unlock(newIdentity());
    session.lock();
    expect(locks).toBe(2);
  });
});
