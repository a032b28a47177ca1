/**
 * The vault: the patient's recovery secret (BIP39 entropy) encrypted under
 * a passphrase — scrypt (from @noble/hashes) stretches the passphrase into an
 * AES-256-GCM key (WebCrypto). The KDF parameters and version are bound into
 * the ciphertext as associated data, so they cannot be weakened in storage.
 * Nothing else about the patient is secret enough to need it.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MalformedVaultError, WeakPassphraseError, WrongPassphraseError } from './errors.js';

/** scrypt cost parameters. */
export type ScryptParams = { N: number; r: number; p: number };

/** Default cost: N = 2^17, r = 8, p = 1 (about a second in a browser). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/** The shortest passphrase `sealVault` accepts. */
export const MIN_PASSPHRASE = 8;

const hex = (min: number, max: number) =>
  z.string().regex(new RegExp(`^([0-9a-f]{2}){${min},${max}}$`));

/** The stored form of a vault. */
export const sealedVaultSchema = z.strictObject({
  v: z.literal(1),
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    // at least 2^14 (refuse a vault weakened in storage), at most 2^20
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20)
      .refine((n) => (n & (n - 1)) === 0, {
        message: 'N must be a power of two',
      }),
    r: z.number().int().min(1).max(16),
    p: z.number().int().min(1).max(4),
    salt: hex(16, 16),
  }),
  iv: hex(12, 12),
  ciphertext: hex(17, 1024),
});
/** A vault as stored. */
export type SealedVault = z.infer<typeof sealedVaultSchema>;

function associatedData(kdf: SealedVault['kdf']): Uint8Array {
  return utf8ToBytes(`medvault/vault/v1 scrypt N=${kdf.N} r=${kdf.r} p=${kdf.p} salt=${kdf.salt}`);
}

async function aesKey(passphrase: string, kdf: SealedVault['kdf']): Promise<CryptoKey> {
  const raw = await scryptAsync(utf8ToBytes(passphrase.normalize('NFKC')), hexToBytes(kdf.salt), {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    dkLen: 32,
    maxmem: 2 ** 30,
  });
  try {
    return await crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
  } finally {
    raw.fill(0);
  }
}

/**
 * Encrypts `secret` under `passphrase`.
 *
 * @example
 * ```ts
 * const vault = await sealVault(entropy, 'correct horse battery staple');
 * ```
 */
export async function sealVault(
  secret: Uint8Array,
  passphrase: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<SealedVault> {
  if ([...passphrase.normalize('NFKC')].length < MIN_PASSPHRASE) {
    throw new WeakPassphraseError(MIN_PASSPHRASE);
  }
  const kdf = { name: 'scrypt' as const, ...params, salt: bytesToHex(randomBytes(16)) };
  const iv = randomBytes(12);
  const ciphertext = await crypto.subtle.encrypt(
    {
      name: 'AES-GCM',
      iv: iv as BufferSource,
      additionalData: associatedData(kdf) as BufferSource,
    },
    await aesKey(passphrase, kdf),
    secret as BufferSource,
  );
  const vault = {
    v: 1 as const,
    kdf,
    iv: bytesToHex(iv),
    ciphertext: bytesToHex(new Uint8Array(ciphertext)),
  };
  return sealedVaultSchema.parse(vault);
}

/**
 * Decrypts a stored vault; `WrongPassphraseError` when the passphrase (or
 * the stored bytes) do not check, `MalformedVaultError` when it is not a vault.
 *
 * @example
 * ```ts
 * const entropy = await openVault(stored, passphrase);
 * ```
 */
export async function openVault(stored: unknown, passphrase: string): Promise<Uint8Array> {
  const parsed = sealedVaultSchema.safeParse(stored);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedVaultError(`${issue?.path.join('.') || 'vault'}: ${issue?.message}`);
  }
  const vault = parsed.data;
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: hexToBytes(vault.iv) as BufferSource,
        additionalData: associatedData(vault.kdf) as BufferSource,
      },
      await aesKey(passphrase, vault.kdf),
      hexToBytes(vault.ciphertext) as BufferSource,
    );
    return new Uint8Array(plain);
  } catch {
    throw new WrongPassphraseError();
  }
}
