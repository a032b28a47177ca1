/**
 * Passcodes (the SHL `P` flag) as the host keeps them: never in clear, only
 * as a slow scrypt hash under a salt of their own, compared in constant
 * time. The parameters are stored beside the hash, so a host can raise them
 * for new links and still check old ones.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * A passcode as stored: scrypt(passcode, salt) and its parameters.
 *
 * @example
 * ```ts
 * const stored: PasscodeHash = await hashPasscode('tulip-42'); // { salt, hash, N: 32768, r: 8, p: 1 }
 * ```
 */
export type PasscodeHash = {
  /** base64url, 16 bytes. */
  salt: string;
  /** base64url, 32 bytes. */
  hash: string;
  /** scrypt's cost parameters. */
  N: number;
  r: number;
  p: number;
};

/**
 * scrypt parameters for new passcodes: 32 MiB and tens of milliseconds per check.
 *
 * @example
 * ```ts
 * await hashPasscode('tulip-42', { ...PASSCODE_SCRYPT, N: 2 ** 16 }); // a slower hash
 * ```
 */
export const PASSCODE_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;

const KEY_BYTES = 32;

function derive(passcode: string, salt: Buffer, params: Omit<PasscodeHash, 'salt' | 'hash'>) {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // Node's default (32 MiB) is exactly 128·N·r at N = 2^15: leave room
    maxmem: 256 * params.N * params.r,
  };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(passcode.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Hashes a new passcode under a fresh random salt.
 *
 * @example
 * ```ts
 * const stored = await hashPasscode('1234'); // { salt, hash, N: 32768, r: 8, p: 1 }
 * ```
 */
export async function hashPasscode(
  passcode: string,
  params: Omit<PasscodeHash, 'salt' | 'hash'> = PASSCODE_SCRYPT,
): Promise<PasscodeHash> {
  const salt = randomBytes(16);
  const hash = await derive(passcode, salt, params);
  return { salt: salt.toString('base64url'), hash: hash.toString('base64url'), ...params };
}

/**
 * Whether `passcode` is the one `stored` was made from (constant-time compare).
 *
 * @example
 * ```ts
 * await checkPasscode('1234', await hashPasscode('1234')); // true
 * ```
 */
export async function checkPasscode(passcode: string, stored: PasscodeHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64url');
  const actual = await derive(passcode, Buffer.from(stored.salt, 'base64url'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
