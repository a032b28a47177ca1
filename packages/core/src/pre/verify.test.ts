/** Verification and decryption reject every wrong key, fragment and ciphertext. */
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { expectError } from '../test-support/caught.js';
import {
  CapsuleFrag,
  CapsuleFragProofError,
  CapsuleFragSignatureError,
  CiphertextTooShortError,
  DecryptionFailedError,
  DelegatingKeyNotProvidedError,
  decryptOriginal,
  decryptReencrypted,
  encrypt,
  generateKFrags,
  InvalidThresholdError,
  KeyFrag,
  KeyFragCommitmentError,
  KeyFragSignatureError,
  MismatchedCapsuleFragsError,
  NoCapsuleFragsError,
  ReceivingKeyNotProvidedError,
  ReencryptionValidationError,
  RepeatingCapsuleFragsError,
  reencrypt,
  SecretKey,
  Signer,
  type VerifiedCapsuleFrag,
} from './index.js';

const patient = SecretKey.random();
const reader = SecretKey.random();
const stranger = SecretKey.random();
const signer = new Signer(patient);
const vk = signer.verifyingKey();
const dpk = patient.publicKey();
const rpk = reader.publicKey();
const plaintext = new TextEncoder().encode('lab results');
const [capsule, ciphertext] = encrypt(dpk, plaintext);
const [otherCapsule] = encrypt(dpk, plaintext);
const kfrags = generateKFrags(patient, rpk, signer, 2, 3, true, true);
const cfrags = kfrags.map((k) => reencrypt(capsule, k));

const unverified = (c: VerifiedCapsuleFrag) => CapsuleFrag.fromBytes(c.toBytes());

describe('KeyFrag.verify', () => {
  const kfrag = () => KeyFrag.fromBytes((kfrags[0] as { toBytes(): Uint8Array }).toBytes());
  test('accepts the right keys', () => expect(() => kfrag().verify(vk, dpk, rpk)).not.toThrow());
  test('rejects a tampered key (commitment no longer matches)', () => {
    const bytes = Uint8Array.from(kfrags[0]!.toBytes());
    const tampered = KeyFrag.fromBytes(
      Uint8Array.from([
        ...bytes.subarray(0, 73),
        ...kfrags[1]!.toBytes().subarray(73, 105),
        ...bytes.subarray(105),
      ]),
    );
    expectError(
      () => tampered.verify(vk, dpk, rpk),
      KeyFragCommitmentError,
      'PRE_KFRAG_COMMITMENT',
    );
  });
  test.each([
    ['verifying key', () => kfrag().verify(stranger.publicKey(), dpk, rpk)],
    ['delegating key', () => kfrag().verify(vk, stranger.publicKey(), rpk)],
    ['receiving key', () => kfrag().verify(vk, dpk, stranger.publicKey())],
  ])('rejects a wrong %s', (_, fn) =>
    expectError(fn, KeyFragSignatureError, 'PRE_KFRAG_SIGNATURE'),
  );
  test('requires the keys it signs', () => {
    expectError(
      () => kfrag().verify(vk, null, rpk),
      DelegatingKeyNotProvidedError,
      'PRE_KFRAG_DELEGATING_KEY_MISSING',
    );
    expectError(
      () => kfrag().verify(vk, dpk),
      ReceivingKeyNotProvidedError,
      'PRE_KFRAG_RECEIVING_KEY_MISSING',
    );
  });
  test('keys it does not sign may be omitted', () => {
    const [k] = generateKFrags(patient, rpk, signer, 1, 1, false, false);
    expect(() => KeyFrag.fromBytes(k!.toBytes()).verify(vk)).not.toThrow();
  });
});

describe('CapsuleFrag.verify', () => {
  test('accepts a correct fragment', () =>
    expect(() => unverified(cfrags[0]!).verify(capsule, vk, dpk, rpk)).not.toThrow());
  test('rejects a fragment made for another capsule', () =>
    expectError(
      () => unverified(cfrags[0]!).verify(otherCapsule, vk, dpk, rpk),
      CapsuleFragProofError,
      'PRE_CFRAG_PROOF',
    ));
  // Payload offsets of E1, V1, E2, V2, pok and z; each swapped for another fragment's value.
  test.each([
    ['E1', 3, 33],
    ['V1', 38, 33],
    ['E2', 143, 33],
    ['V2', 178, 33],
    ['pok', 248, 33],
    ['z', 283, 32],
  ])('rejects a tampered %s', (_, offset, length) => {
    const a = cfrags[0]!.toBytes();
    // E1, V1 from another kfrag; E2, V2, pok, z from a fresh proof by the same kfrag
    const b = (offset < 100 ? cfrags[1]! : reencrypt(capsule, kfrags[0]!)).toBytes();
    const mixed = Uint8Array.from(a);
    mixed.set(b.subarray(offset, offset + length), offset);
    expectError(
      () => CapsuleFrag.fromBytes(mixed).verify(capsule, vk, dpk, rpk),
      CapsuleFragProofError,
      'PRE_CFRAG_PROOF',
    );
  });
  test.each([
    ['verifying key', () => unverified(cfrags[0]!).verify(capsule, stranger.publicKey(), dpk, rpk)],
    ['delegating key', () => unverified(cfrags[0]!).verify(capsule, vk, stranger.publicKey(), rpk)],
    ['receiver', () => unverified(cfrags[0]!).verify(capsule, vk, dpk, stranger.publicKey())],
  ])('rejects a wrong %s', (_, fn) =>
    expectError(fn, CapsuleFragSignatureError, 'PRE_CFRAG_SIGNATURE'),
  );
});

describe('decryptReencrypted', () => {
  const open = (c: VerifiedCapsuleFrag[], sk = reader, ct = ciphertext) =>
    decryptReencrypted(sk, dpk, capsule, c, ct);
  test('opens with any 2 of 3', () => {
    for (const pair of [
      [0, 1],
      [1, 2],
      [2, 0],
    ]) {
      expect(open(pair.map((i) => cfrags[i]!))).toEqual(plaintext);
    }
    expect(open(cfrags)).toEqual(plaintext);
  });
  test('rejects fewer than threshold', () =>
    expectError(() => open([cfrags[0]!]), ReencryptionValidationError, 'PRE_REENCRYPTION_INVALID'));
  test('rejects no fragments', () =>
    expectError(() => open([]), NoCapsuleFragsError, 'PRE_NO_CFRAGS'));
  test('rejects a repeated fragment', () =>
    expectError(
      () => open([cfrags[0]!, cfrags[0]!]),
      RepeatingCapsuleFragsError,
      'PRE_CFRAGS_REPEATED',
    ));
  test('rejects fragments from two key-fragment sets', () => {
    const other = generateKFrags(patient, rpk, signer, 2, 3, true, true);
    expectError(
      () => open([cfrags[0]!, reencrypt(capsule, other[1]!)]),
      MismatchedCapsuleFragsError,
      'PRE_CFRAGS_MISMATCHED',
    );
  });
  test('rejects the wrong receiving key', () =>
    expectError(
      () => open(cfrags.slice(0, 2), stranger),
      ReencryptionValidationError,
      'PRE_REENCRYPTION_INVALID',
    ));
  test('rejects a tampered ciphertext', () => {
    const ct = Uint8Array.from(ciphertext);
    ct[30]! ^= 1;
    expectError(
      () => open(cfrags.slice(0, 2), reader, ct),
      DecryptionFailedError,
      'PRE_DECRYPTION_FAILED',
    );
  });
  test('rejects a too-short ciphertext', () =>
    expectError(
      () => open(cfrags.slice(0, 2), reader, new Uint8Array(10)),
      CiphertextTooShortError,
      'PRE_CIPHERTEXT_TOO_SHORT',
    ));
});

describe('decryptOriginal', () => {
  test('opens for the owner', () =>
    expect(decryptOriginal(patient, capsule, ciphertext)).toEqual(plaintext));
  test('rejects another key', () =>
    expectError(
      () => decryptOriginal(stranger, capsule, ciphertext),
      DecryptionFailedError,
      'PRE_DECRYPTION_FAILED',
    ));
  test('rejects another capsule', () =>
    expectError(
      () => decryptOriginal(patient, otherCapsule, ciphertext),
      DecryptionFailedError,
      'PRE_DECRYPTION_FAILED',
    ));
});

describe('generateKFrags', () => {
  test.each([
    [0, 3],
    [4, 3],
    [1.5, 3],
    [2, Number.NaN],
    [-1, 2],
  ])('rejects threshold %s of %s', (t, n) =>
    expectError(
      () => generateKFrags(patient, rpk, signer, t, n, true, true),
      InvalidThresholdError,
      'PRE_INVALID_THRESHOLD',
    ),
  );
});

describe('secrets stay secret', () => {
  test('a SecretKey never shows its bytes', () => {
    const hex = Buffer.from(patient.toBEBytes()).toString('hex');
    for (const shown of [
      String(patient),
      JSON.stringify({ patient }),
      inspect(patient, { showHidden: true, depth: 5 }),
      String(signer),
      inspect(signer, { showHidden: true }),
    ]) {
      expect(shown).not.toContain(hex);
      expect(shown).not.toMatch(/[0-9a-f]{64}/);
    }
    expect(Object.keys(patient)).toEqual([]);
  });
});
