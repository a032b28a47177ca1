/** The staff account: scrypt-hashed password, one answer for either half wrong. */
import { describe, expect, test } from 'vitest';
import { randomPassword, StaffAccount } from './staff-account.js';

describe('StaffAccount', () => {
  test('the right username and password, and nothing else', async () => {
    const account = await StaffAccount.create({
      username: 'okafor',
      password: 'correct horse battery staple',
    });
    expect(await account.check('okafor', 'correct horse battery staple')).toBe(true);
    expect(await account.check('okafor', 'correct horse battery stapl')).toBe(false);
    expect(await account.check('Okafor', 'correct horse battery staple')).toBe(false);
    expect(await account.check('mallory', 'correct horse battery staple')).toBe(false);
    expect(await account.check('okafor', '')).toBe(false);
  });

  test('keeps no password: nothing about the account names it', async () => {
    const password = 'correct horse battery staple';
    const account = await StaffAccount.create({ username: 'okafor', password });
    expect(JSON.stringify(account)).not.toContain(password);
    expect(Object.values(account)).toEqual(['okafor']);
  });

  test('refuses a short password or an empty username at start', async () => {
    await expect(StaffAccount.create({ username: 'okafor', password: 'short' })).rejects.toThrow(
      /12–1024 characters/,
    );
    await expect(StaffAccount.create({ username: '', password: randomPassword() })).rejects.toThrow(
      /staff.username/,
    );
  });

  test('random passwords: 32 base64url characters, never the same', () => {
    const made = new Set(Array.from({ length: 50 }, randomPassword));
    expect(made.size).toBe(50);
    for (const password of made) expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
