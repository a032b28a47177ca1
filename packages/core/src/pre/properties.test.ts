/**
 * Property tests: no byte string crashes a decoder with anything but a
 * PreError, no single-bit flip of a valid object is ever accepted, and
 * encodings round-trip.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Capsule,
  CapsuleFrag,
  decryptOriginal,
  decryptReencrypted,
  encrypt,
  generateKFrags,
  KeyFrag,
  PreError,
  PublicKey,
  reencrypt,
  SecretKey,
  Signature,
  Signer,
} from './index.js';

const patient = SecretKey.random();
const reader = SecretKey.random();
const signer = new Signer(patient);
const vk = signer.verifyingKey();
const dpk = patient.publicKey();
const rpk = reader.publicKey();
const message = new TextEncoder().encode('discharge summary key');
const [capsule, ciphertext] = encrypt(dpk, message);
const kfrags = generateKFrags(patient, rpk, signer, 2, 2, true, true);
const cfrags = kfrags.map((k) => reencrypt(capsule, k));
const signature = signer.sign(message);

/** Each decoder, its valid encoding, and the full acceptance check for a decoded object. */
const formats = [
  {
    name: 'Capsule',
    valid: capsule.toBytes(),
    accept: (b: Uint8Array) => decryptOriginal(patient, Capsule.fromBytes(b), ciphertext),
  },
  {
    name: 'KeyFrag',
    valid: kfrags[0]!.toBytes(),
    accept: (b: Uint8Array) => KeyFrag.fromBytes(b).verify(vk, dpk, rpk),
  },
  {
    name: 'CapsuleFrag',
    valid: cfrags[0]!.toBytes(),
    accept: (b: Uint8Array) =>
      decryptReencrypted(
        reader,
        dpk,
        capsule,
        [CapsuleFrag.fromBytes(b).verify(capsule, vk, dpk, rpk), cfrags[1]!],
        ciphertext,
      ),
  },
  {
    name: 'PublicKey',
    valid: dpk.toCompressedBytes(),
    accept: (b: Uint8Array) => {
      if (!signature.verify(PublicKey.fromCompressedBytes(b), message)) throw new Error('rejected');
    },
  },
  {
    name: 'Signature',
    valid: signature.toBEBytes(),
    accept: (b: Uint8Array) => {
      if (!Signature.fromBEBytes(b).verify(dpk, message)) throw new Error('rejected');
    },
  },
  {
    name: 'SecretKey',
    valid: patient.toBEBytes(),
    accept: (b: Uint8Array) => {
      if (!SecretKey.fromBEBytes(b).publicKey().equals(dpk)) throw new Error('rejected');
    },
  },
];

/** Runs `fn`; returns 'ok', or 'rejected' for a PreError; anything else fails the test. */
function outcome(fn: () => unknown): 'ok' | 'rejected' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof PreError || (e instanceof Error && e.message === 'rejected'))
      return 'rejected';
    throw e;
  }
}

describe.each(formats)('$name', ({ valid, accept }) => {
  test('random byte strings never crash the decoder', () => {
    const lengths = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.uint8Array({ minLength: valid.length, maxLength: valid.length }),
      // a valid prefix with random tail: reaches deeper into the parser
      fc
        .tuple(fc.nat(valid.length), fc.uint8Array({ maxLength: 40 }))
        .map(([n, tail]) => Uint8Array.from([...valid.subarray(0, n), ...tail])),
    );
    fc.assert(
      fc.property(lengths, (bytes) => {
        outcome(() => accept(bytes));
      }),
      { numRuns: 300 },
    );
  });

  test('no single-bit flip is accepted', () => {
    expect(outcome(() => accept(valid))).toBe('ok');
    fc.assert(
      fc.property(fc.nat(valid.length * 8 - 1), (bit) => {
        const flipped = Uint8Array.from(valid);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(outcome(() => accept(flipped))).toBe('rejected');
      }),
      { numRuns: 150 },
    );
  });
});

describe('round trips', () => {
  test('encrypt then decryptOriginal returns the plaintext', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (plaintext) => {
        const [c, ct] = encrypt(dpk, plaintext);
        expect(decryptOriginal(patient, Capsule.fromBytes(c.toBytes()), ct)).toEqual(plaintext);
      }),
      { numRuns: 40 },
    );
  });

  test('toBytes ∘ fromBytes is the identity', () => {
    for (const [decode, bytes] of [
      [Capsule.fromBytes, capsule.toBytes()],
      [KeyFrag.fromBytes, kfrags[1]!.toBytes()],
      [CapsuleFrag.fromBytes, cfrags[1]!.toBytes()],
    ] as const) {
      expect(decode(bytes).toBytes()).toEqual(bytes);
    }
  });
});
