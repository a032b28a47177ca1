import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { InvalidMnemonicError } from './errors.js';
import {
  deriveIdentity,
  entropyMnemonic,
  mnemonicEntropy,
  newMnemonic,
  normalizeMnemonic,
} from './identity.js';

// the BIP39 reference vector: entropy 00…00
const ABANDON = `${'abandon '.repeat(11)}about`;

describe('identity from a recovery phrase', () => {
  test('the same phrase gives the same key and ledger id; another phrase others', async () => {
    const a = await deriveIdentity(ABANDON);
    const again = await deriveIdentity(`  ${ABANDON.toUpperCase().replaceAll(' ', '   ')} `);
    const b = await deriveIdentity(newMnemonic());
    expect(a.secretKey.equals(again.secretKey)).toBe(true);
    expect(bytesToHex(a.ledgerId)).toBe(bytesToHex(again.ledgerId));
    expect(a.ledgerId).toHaveLength(32);
    expect(a.secretKey.equals(b.secretKey)).toBe(false);
    // key and ledger id come from separate labels
    expect(bytesToHex(a.ledgerId)).not.toBe(bytesToHex(a.secretKey.toBEBytes()));
  });

  test('entropy round-trips (the vault stores entropy, not words)', () => {
    expect(bytesToHex(mnemonicEntropy(ABANDON))).toBe('00'.repeat(16));
    const phrase = newMnemonic();
    expect(entropyMnemonic(mnemonicEntropy(phrase))).toBe(phrase);
    expect(phrase.split(' ')).toHaveLength(12);
  });

  test('a wrong checksum, an unknown word or a wrong length is InvalidMnemonicError', () => {
    for (const bad of [
      `${'abandon '.repeat(11)}abandon`,
      `${'abandon '.repeat(11)}medvault`,
      'abandon about',
      '',
      `${ABANDON} ${ABANDON} abandon`,
    ]) {
      expect(() => normalizeMnemonic(bad)).toThrow(InvalidMnemonicError);
    }
  });
});
