import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MalformedVaultError, WeakPassphraseError, WrongPassphraseError } from './errors.js';
import { openVault, type SealedVault, sealVault } from './vault.js';

const FAST = { N: 2 ** 14, r: 8, p: 1 };
const secret = new Uint8Array(16).map((_, i) => i + 1);

describe('vault', () => {
  test('opens with its passphrase, and with no other', async () => {
    const vault = await sealVault(secret, 'correct horse battery', FAST);
    expect(await openVault(vault, 'correct horse battery')).toEqual(secret);
    expect(await openVault(vault, 'correct horse batterY').catch((e) => e)).toBeInstanceOf(
      WrongPassphraseError,
    );
    // NFKC: the same passphrase typed with a composed or decomposed accent opens it
    const accented = await sealVault(secret, 'caf\u00e9 au lait', FAST);
    expect(await openVault(accented, 'cafe\u0301 au lait')).toEqual(secret);
  });

  test('refuses short passphrases', async () => {
    const error = await sealVault(secret, 'short', FAST).catch((e) => e);
    expect(error).toBeInstanceOf(WeakPassphraseError);
    expect(error.code).toBe('WALLET_WEAK_PASSPHRASE');
  });

  test('parameters changed in storage do not open (they are bound as associated data)', async () => {
    const vault = await sealVault(secret, 'correct horse battery', FAST);
    const raised: SealedVault = { ...vault, kdf: { ...vault.kdf, N: 2 ** 15 } };
    expect(await openVault(raised, 'correct horse battery').catch((e) => e)).toBeInstanceOf(
      WrongPassphraseError,
    );
    const weakened = { ...vault, kdf: { ...vault.kdf, N: 2 ** 10 } };
    expect(await openVault(weakened, 'correct horse battery').catch((e) => e)).toBeInstanceOf(
      MalformedVaultError,
    );
  });

  test('a flipped bit anywhere in the ciphertext, iv or salt is refused', async () => {
    const vault = await sealVault(secret, 'correct horse battery', FAST);
    const fields = ['ciphertext', 'iv', 'salt'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        async (field, at, bit) => {
          const source = field === 'salt' ? vault.kdf.salt : vault[field];
          const i = at % source.length;
          const flipped = (Number.parseInt(source[i] as string, 16) ^ (1 << bit)).toString(16);
          const value = source.slice(0, i) + flipped + source.slice(i + 1);
          const tampered =
            field === 'salt'
              ? { ...vault, kdf: { ...vault.kdf, salt: value } }
              : { ...vault, [field]: value };
          const error = await openVault(tampered, 'correct horse battery').catch((e) => e);
          return error instanceof WrongPassphraseError;
        },
      ),
      { numRuns: 12 },
    );
  });

  test('anything that is not a vault is MalformedVaultError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const error = await openVault(value, 'correct horse battery').catch((e) => e);
        return error instanceof MalformedVaultError && error.code === 'WALLET_MALFORMED_VAULT';
      }),
      { numRuns: 200 },
    );
  });
});
