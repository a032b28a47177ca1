/** The sign-in limit over its window, at given times. */
import { describe, expect, test } from 'vitest';
import { SignInLimiter } from './sign-in-limiter.js';

const MINUTE = 60_000;

describe('SignInLimiter', () => {
  test('the 11th attempt within 15 minutes waits until the first leaves the window', () => {
    const limiter = new SignInLimiter();
    const key = SignInLimiter.key('okafor', '203.0.113.7');
    for (let i = 0; i < 10; i++) {
      expect(limiter.waitMs(key, i * MINUTE)).toBe(0);
      limiter.attempt(key, i * MINUTE);
    }
    expect(limiter.waitMs(key, 10 * MINUTE)).toBe(5 * MINUTE);
    expect(limiter.waitMs(key, 15 * MINUTE - 1)).toBe(1);
    // the first attempt has left the window: one more try, then wait for the second
    expect(limiter.waitMs(key, 15 * MINUTE)).toBe(0);
    limiter.attempt(key, 15 * MINUTE);
    expect(limiter.waitMs(key, 15 * MINUTE)).toBe(MINUTE);
  });

  test('a right password starts the count again', () => {
    const limiter = new SignInLimiter({ maxFailures: 2 });
    const key = SignInLimiter.key('okafor', '::1');
    limiter.attempt(key, 0);
    limiter.attempt(key, 1);
    expect(limiter.waitMs(key, 2)).toBeGreaterThan(0);
    limiter.succeeded(key);
    expect(limiter.waitMs(key, 2)).toBe(0);
  });

  test('keys: the case of a username buys no tries; another address is another key', () => {
    expect(SignInLimiter.key('Okafor', '203.0.113.7')).toBe(
      SignInLimiter.key('okafor', '203.0.113.7'),
    );
    expect(SignInLimiter.key('okafor', '203.0.113.8')).not.toBe(
      SignInLimiter.key('okafor', '203.0.113.7'),
    );
  });
});
