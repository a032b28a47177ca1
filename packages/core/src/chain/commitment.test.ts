/**
 * `ledgerKey` and `grantCommitment`: the fixed vector of docs/spec/registry.md,
 * recomputed independently of the module (byte concatenation and keccak from
 * @noble/hashes), and the inputs' normalisation and checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { encodeCanonical } from '../ledger/cbor.js';
import { SecretKey } from '../pre/keys.js';
import {
  addressOfKey,
  GRANT_COMMITMENT_TAG,
  type GrantCommitmentInput,
  grantCommitment,
  InvalidChainInputError,
  ledgerKey,
  scopeHash,
} from './index.js';

const SPEC = readFileSync(join(import.meta.dirname, '../../../../docs/spec/registry.md'), 'utf8');

/** The vector in docs/spec/registry.md ("Test vector"). */
const vector = {
  ledgerId: '11'.repeat(32),
  // the public key of secret key 0x03…03 (the "clinic" of docs/spec/vectors)
  grantee: '02531fe6068134503d2723133227c867ac8fa6c83c537e9a44c3c5bdbdcb1fe337',
  granteeAddress: '0x3325a78425F17a7E487Eb5666b2bFd93aBb06c70',
  scope: { categories: ['laboratory'] },
  scopeHash: '0xbe4beb279233297904abe9e4e0c41bb2d7a417b4f6782cffb75dafe2c5caede8',
  ledgerHost: 'https://ledger.example.org/v1/',
  salt: '22'.repeat(32),
  tag: '0x2414a8fe58297dd45352ef3af58fd5ce76d05c09cd2603a335d8b8bd83dd253f',
  ledgerKey: '0xb139d5a33a10c12e17d135f40a64c521a11d2da7cd6824c003476e898838f9c1',
  commitment: '0x860b817d35519a9180bfb38e32e3699b1da0c177e4687b1e9970473bf30e52c4',
};

const input = (): GrantCommitmentInput => ({
  ledgerId: hexToBytes(vector.ledgerId),
  grantee: hexToBytes(vector.grantee),
  scope: vector.scope,
  ledgerHost: vector.ledgerHost,
  salt: hexToBytes(vector.salt),
});

const keccak = (bytes: Uint8Array) => `0x${bytesToHex(keccak_256(bytes))}`;

describe('the spec vector', () => {
  test('ledgerKey = keccak256("medvault/ledger-key/v1" ‖ ledgerId)', () => {
    const expected = keccak(
      concatBytes(utf8ToBytes('medvault/ledger-key/v1'), hexToBytes(vector.ledgerId)),
    );
    expect(expected).toBe(vector.ledgerKey);
    expect(ledgerKey(hexToBytes(vector.ledgerId))).toBe(vector.ledgerKey);
  });

  test('grantCommitment = keccak256 of six 32-byte words, recomputed by hand', () => {
    expect(keccak(utf8ToBytes('medvault/grant-commitment/v1'))).toBe(vector.tag);
    expect(GRANT_COMMITMENT_TAG).toBe(vector.tag);
    expect(addressOfKey(hexToBytes(vector.grantee))).toBe(vector.granteeAddress);
    expect(keccak(encodeCanonical(vector.scope))).toBe(vector.scopeHash);
    expect(scopeHash(vector.scope)).toBe(vector.scopeHash);
    const word = (hex: string) =>
      hexToBytes(hex.replace(/^0x/, '').toLowerCase().padStart(64, '0'));
    const expected = keccak(
      concatBytes(
        word(vector.tag),
        word(vector.ledgerId),
        word(vector.granteeAddress),
        word(vector.scopeHash),
        keccak_256(utf8ToBytes('https://ledger.example.org')), // the origin only
        word(vector.salt),
      ),
    );
    expect(expected).toBe(vector.commitment);
    expect(grantCommitment(input())).toBe(vector.commitment);
  });

  test('docs/spec/registry.md states this vector', () => {
    for (const value of [
      vector.ledgerId,
      vector.grantee,
      vector.granteeAddress,
      vector.ledgerHost,
      vector.salt,
      vector.tag,
      vector.ledgerKey,
      vector.scopeHash,
      vector.commitment,
    ])
      expect(SPEC).toContain(value);
  });
});

describe('inputs', () => {
  test('the ledger host enters by its origin: path, trailing slash and case do not matter', () => {
    for (const ledgerHost of [
      'https://ledger.example.org',
      'https://LEDGER.example.org:443/other',
      'https://ledger.example.org/v1/?x=1#y',
    ])
      expect(grantCommitment({ ...input(), ledgerHost })).toBe(vector.commitment);
    expect(grantCommitment({ ...input(), ledgerHost: 'http://ledger.example.org' })).not.toBe(
      vector.commitment,
    );
    expect(grantCommitment({ ...input(), ledgerHost: 'https://ledger.example.org:8443' })).not.toBe(
      vector.commitment,
    );
  });

  test('every input changes the commitment; an address stands for the key', () => {
    const other = (patch: Partial<GrantCommitmentInput>) =>
      grantCommitment({ ...input(), ...patch });
    expect(other({ salt: new Uint8Array(32) })).not.toBe(vector.commitment);
    expect(other({ ledgerId: new Uint8Array(32) })).not.toBe(vector.commitment);
    expect(other({ scope: { categories: ['imaging'] } })).not.toBe(vector.commitment);
    expect(other({ grantee: SecretKey.random().publicKey().toCompressedBytes() })).not.toBe(
      vector.commitment,
    );
    expect(grantCommitment({ ...input(), grantee: vector.granteeAddress as `0x${string}` })).toBe(
      vector.commitment,
    );
  });

  test('malformed inputs are InvalidChainInputError', () => {
    const bad = [
      () => grantCommitment({ ...input(), salt: new Uint8Array(31) }),
      () => grantCommitment({ ...input(), ledgerId: new Uint8Array(33) }),
      () => grantCommitment({ ...input(), ledgerHost: 'not a url' }),
      () => grantCommitment({ ...input(), ledgerHost: 'file:///etc/passwd' }),
      () => ledgerKey(new Uint8Array(16)),
    ];
    for (const f of bad) {
      expect(f).toThrow(InvalidChainInputError);
      try {
        f();
      } catch (e) {
        expect((e as InvalidChainInputError).code).toBe('CHAIN_INVALID_INPUT');
      }
    }
  });
});
