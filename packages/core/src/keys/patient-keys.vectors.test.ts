/**
 * Fixed vectors of the key hierarchy (docs/spec/vectors/keys.json, written
 * by scripts/make-vectors.ts; deterministic). Each key is derived twice: by
 * `PatientKeys`, and here from the spec alone (BIP39 seed, HKDF-SHA256
 * extract and expand, the reduction into [1, n − 1]) — so both the code and
 * the bytes are checked against keys.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import type { SecretKey } from '../pre/index.js';
import { InvalidCategoryError, InvalidSeedError, PatientKeys } from './index.js';

type Derived = { info: string; okm: string; secretKey: string; publicKey: string };
type KeysFile = {
  phrase: string;
  passphrase: string;
  seed: string;
  hkdf: { hash: string; salt: string; saltText: string; prk: string };
  ledgerId: { info: string; value: string };
  identity: (Derived & { index: number })[];
  encryption: (Derived & { category: string; epoch: number })[];
  negative: {
    id: string;
    call: 'identity' | 'encryptionKey';
    seed?: string;
    index?: number;
    category?: string;
    epoch?: number;
    code: string;
  }[];
};

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../../docs/spec/vectors/keys.json'), 'utf8'),
) as KeysFile;
const hex = bytesToHex;
const seed = hexToBytes(file.seed);
const keys = PatientKeys.fromSeed(seed);
const u32be = (n: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
};
const N = secp256k1.Point.Fn.ORDER;
/** keys.md §3: okm = HKDF-Expand(prk, info, 48); scalar = (okm mod (n − 1)) + 1. */
function fromSpec(info: Uint8Array) {
  const okm = expand(sha256, hexToBytes(file.hkdf.prk), info, 48);
  const scalar = numberToBytesBE((bytesToNumberBE(okm) % (N - 1n)) + 1n, 32);
  return { okm: hex(okm), secretKey: hex(scalar) };
}
const publicOf = (secret: SecretKey) => hex(secret.publicKey().toCompressedBytes());

describe('key hierarchy vectors', () => {
  test('the seed is the BIP39 seed of the phrase; prk = HKDF-Extract(salt, seed)', () => {
    const phrase = utf8ToBytes(file.phrase.normalize('NFKD'));
    const salt = utf8ToBytes(`mnemonic${file.passphrase}`);
    expect(hex(pbkdf2(sha512, phrase, salt, { c: 2048, dkLen: 64 }))).toBe(file.seed);
    expect(file.hkdf.salt).toBe(hex(utf8ToBytes(file.hkdf.saltText)));
    expect(file.hkdf.saltText).toBe('medvault/identity/v1');
    expect(hex(extract(sha256, seed, hexToBytes(file.hkdf.salt)))).toBe(file.hkdf.prk);
  });

  test('the ledger id is 32 bytes of HKDF under "ledger-id", not reduced', () => {
    expect(file.ledgerId.info).toBe(hex(utf8ToBytes('ledger-id')));
    const fromPrk = expand(sha256, hexToBytes(file.hkdf.prk), utf8ToBytes('ledger-id'), 32);
    expect(hex(fromPrk)).toBe(file.ledgerId.value);
    expect(hex(keys.ledgerId())).toBe(file.ledgerId.value);
  });

  test.each(file.identity)('identity($index)', (v) => {
    const info = concatBytes(utf8ToBytes('medvault/identity-key/v1'), u32be(v.index));
    expect(hex(info)).toBe(v.info);
    expect(fromSpec(info)).toEqual({ okm: v.okm, secretKey: v.secretKey });
    const key = keys.identity(v.index);
    expect(hex(key.toBEBytes())).toBe(v.secretKey);
    expect(publicOf(key)).toBe(v.publicKey);
  });

  test.each(file.encryption)('encryptionKey($category, $epoch)', (v) => {
    const name = utf8ToBytes(v.category);
    const info = concatBytes(
      utf8ToBytes('medvault/encryption-key/v1'),
      u32be(name.length),
      name,
      u32be(v.epoch),
    );
    expect(hex(info)).toBe(v.info);
    expect(fromSpec(info)).toEqual({ okm: v.okm, secretKey: v.secretKey });
    const key = keys.encryptionKey(v.category, v.epoch);
    expect(hex(key.toBEBytes())).toBe(v.secretKey);
    expect(publicOf(key)).toBe(v.publicKey);
  });

  test('every key of the file is distinct, and the vectors cover what keys.md lists', () => {
    const all = [...file.identity, ...file.encryption].map((k) => k.secretKey);
    expect(new Set(all).size).toBe(all.length);
    expect(file.identity.map((k) => k.index)).toEqual([0, 1]);
    expect(file.encryption.map((k) => [k.category, k.epoch])).toEqual([
      ['laboratory', 0],
      ['laboratory', 1],
      ['psychiatry', 0],
    ]);
  });

  test.each(file.negative)('negative $id: $code', (n) => {
    const run = () => {
      const from = n.seed === undefined ? keys : PatientKeys.fromSeed(hexToBytes(n.seed));
      return n.call === 'identity'
        ? from.identity(n.index)
        : from.encryptionKey(n.category as string, n.epoch as number);
    };
    const Class = n.code === 'KEYS_INVALID_SEED' ? InvalidSeedError : InvalidCategoryError;
    expect(run).toThrow(Class);
    expect(run).toThrow(expect.objectContaining({ code: n.code }));
  });
});
