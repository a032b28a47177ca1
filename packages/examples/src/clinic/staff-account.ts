/**
 * The clinic's staff account: the one username and password that sign in.
 * Only a salted scrypt hash of the password stays in memory; every check
 * costs one scrypt whatever the username, and compares in constant time, so
 * neither the timing nor the answer says which half was wrong.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * A staff member's sign-in.
 *
 * @example
 * ```ts
 * const staff: StaffCredentials = { username: 'okafor', password: process.env.CLINIC_PASSWORD ?? randomPassword() };
 * ```
 */
export type StaffCredentials = { username: string; password: string };

// ~50–100 ms and 32 MiB a check: slow for a guesser, bearable for a desk.
const SCRYPT: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;
const MAX_FIELD = 1024;

function derive(password: string, salt: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, SCRYPT, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const digest = (text: string) => createHash('sha256').update(text.normalize('NFC')).digest();

/**
 * A password made for a site started without one: 24 random bytes,
 * base64url (32 characters).
 *
 * @example
 * ```ts
 * const password = randomPassword(); // 'q3V…' (32 characters)
 * ```
 */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The account staff sign in with.
 *
 * @example
 * ```ts
 * const account = await StaffAccount.create({ username: 'okafor', password: 'correct horse battery staple' });
 * await account.check('okafor', 'correct horse battery staple'); // true
 * await account.check('okafor', 'guess'); // false, after the same scrypt
 * ```
 */
export class StaffAccount {
  readonly username: string;
  readonly #usernameDigest: Buffer;
  readonly #salt: Buffer;
  readonly #hash: Buffer;

  private constructor(username: string, salt: Buffer, hash: Buffer) {
    this.username = username;
    this.#usernameDigest = digest(username);
    this.#salt = salt;
    this.#hash = hash;
  }

  /** Hashes the password with a fresh random salt; the password itself is not kept. */
  static async create(credentials: StaffCredentials): Promise<StaffAccount> {
    const { username, password } = credentials;
    if (typeof username !== 'string' || username.length === 0 || username.length > MAX_FIELD)
      throw new TypeError(`staff.username must be 1–${MAX_FIELD} characters`);
    if (typeof password !== 'string' || password.length < 12 || password.length > MAX_FIELD)
      throw new TypeError(`staff.password must be 12–${MAX_FIELD} characters`);
    const salt = randomBytes(16);
    return new StaffAccount(username, salt, await derive(password, salt));
  }

  /** Whether these are the account's username and password (one scrypt either way). */
  async check(username: string, password: string): Promise<boolean> {
    const key = await derive(password.slice(0, MAX_FIELD), this.#salt);
    const sameName = timingSafeEqual(digest(username), this.#usernameDigest);
    const samePassword = timingSafeEqual(key, this.#hash);
    return sameName && samePassword;
  }
}
