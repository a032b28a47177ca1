/**
 * Property tests: no byte string makes a decoder throw anything but a
 * PreError (or take long), no single-bit flip of a valid object is ever
 * accepted, and encryption and encodings round-trip.
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

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

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

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Thrown by acceptance checks whose API answers with a boolean. */
class Rejected extends Error {}

/**
 * Runs `fn`: 'ok' if it returns, 'rejected' if it throws a PreError (or
 * Rejected); anything else — a TypeError, a RangeError, a plain Error —
 * is rethrown and fails the property.
 */
function outcome(fn: () => unknown): 'ok' | 'rejected' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof Rejected) return 'rejected';
    if (error instanceof PreError) {
      expect(error.code).toMatch(/^PRE_[A-Z_]+$/);
      return 'rejected';
    }
    throw error;
  }
}

// ---- (a) arbitrary bytes ------------------------------------------------------

/** A MessagePack value of the shapes the formats use: arrays of bins and booleans. */
type Tree = Uint8Array | boolean | Tree[];
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.constantFrom(32, 33, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      fc.uint8Array({ maxLength: 70 }),
    ),
    fc.boolean(),
    fc.array(tie('tree'), { maxLength: 7 }),
  ),
})).tree;

function writeTree(t: Tree): Uint8Array {
  if (typeof t === 'boolean') return Uint8Array.of(t ? 0xc3 : 0xc2);
  if (t instanceof Uint8Array) return Uint8Array.from([0xc4, t.length, ...t]);
  return Uint8Array.from([0x90 | t.length, ...t.flatMap((c) => [...writeTree(c)])]);
}

/** Valid-looking bytes: a valid encoding with a few bytes overwritten, truncated or extended. */
function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc
      .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((edits) => {
        const out = Uint8Array.from(valid);
        for (const [i, v] of edits) out[i] = v;
        return out;
      }),
    fc
      .tuple(fc.nat(valid.length), fc.uint8Array({ maxLength: 40 }))
      .map(([n, tail]) => Uint8Array.from([...valid.subarray(0, n), ...tail])),
  );
}

const decoders: { name: string; valid: Uint8Array; decode: (b: Uint8Array) => unknown }[] = [
  { name: 'SecretKey.fromBEBytes', valid: patient.toBEBytes(), decode: SecretKey.fromBEBytes },
  {
    name: 'PublicKey.fromCompressedBytes',
    valid: dpk.toCompressedBytes(),
    decode: PublicKey.fromCompressedBytes,
  },
  { name: 'Signature.fromBEBytes', valid: signature.toBEBytes(), decode: Signature.fromBEBytes },
  { name: 'Signature.fromDerBytes', valid: signature.toDerBytes(), decode: Signature.fromDerBytes },
  { name: 'Capsule.fromBytes', valid: capsule.toBytes(), decode: Capsule.fromBytes },
  { name: 'KeyFrag.fromBytes', valid: kfrags[0]!.toBytes(), decode: KeyFrag.fromBytes },
  { name: 'CapsuleFrag.fromBytes', valid: cfrags[0]!.toBytes(), decode: CapsuleFrag.fromBytes },
];

describe.each(decoders)('(a) $name on arbitrary bytes', ({ valid, decode }) => {
  // Speed is the benchmarks' business; a decoder that hangs fails on the test timeout.
  test('throws nothing but a PreError', () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.uint8Array({ minLength: valid.length, maxLength: valid.length }),
      tree.map(writeTree),
      mutations(valid),
    );
    fc.assert(
      fc.property(inputs, (bytes) => {
        outcome(() => decode(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

// ---- (b) single-bit flips -----------------------------------------------------

/** Each format, a valid encoding, and the full acceptance of a decoded object. */
const formats: {
  name: string;
  valid: Uint8Array;
  accept: (b: Uint8Array) => unknown;
  runs: number;
}[] = [
  {
    name: 'Capsule (decryptOriginal)',
    valid: capsule.toBytes(),
    accept: (b) => decryptOriginal(patient, Capsule.fromBytes(b), ciphertext),
    runs: 300,
  },
  ...[
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ].map(([d, r]) => {
    const [k] = generateKFrags(patient, rpk, signer, 1, 1, d!, r!);
    return {
      name: `KeyFrag signing delegating ${d}, receiving ${r} (verify with both keys)`,
      valid: k!.toBytes(),
      accept: (b: Uint8Array) => KeyFrag.fromBytes(b).verify(vk, dpk, rpk),
      runs: 120,
    };
  }),
  {
    name: 'CapsuleFrag (verify, then decryptReencrypted)',
    valid: cfrags[0]!.toBytes(),
    accept: (b) =>
      decryptReencrypted(
        reader,
        dpk,
        capsule,
        [CapsuleFrag.fromBytes(b).verify(capsule, vk, dpk, rpk), cfrags[1]!],
        ciphertext,
      ),
    runs: 200,
  },
  {
    name: 'PublicKey (verifying a signature)',
    valid: dpk.toCompressedBytes(),
    accept: (b) => {
      if (!signature.verify(PublicKey.fromCompressedBytes(b), message)) throw new Rejected();
    },
    runs: 300,
  },
  {
    name: 'Signature, r ‖ s (verify)',
    valid: signature.toBEBytes(),
    accept: (b) => {
      if (!Signature.fromBEBytes(b).verify(dpk, message)) throw new Rejected();
    },
    runs: 300,
  },
  {
    name: 'Signature, DER (verify)',
    valid: signature.toDerBytes(),
    accept: (b) => {
      if (!Signature.fromDerBytes(b).verify(dpk, message)) throw new Rejected();
    },
    runs: 300,
  },
];

describe.each(formats)('(b) $name', ({ valid, accept, runs }) => {
  test('the valid encoding is accepted', () => expect(outcome(() => accept(valid))).toBe('ok'));
  test('no single-bit flip is accepted', () => {
    fc.assert(
      fc.property(fc.nat(valid.length * 8 - 1), (bit) => {
        const flipped = Uint8Array.from(valid);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(outcome(() => accept(flipped))).toBe('rejected');
      }),
      { numRuns: runs },
    );
  });
});

// ---- (c) round trips ----------------------------------------------------------

describe('(c) round trips', () => {
  test('encrypt → decryptOriginal returns the plaintext; capsule bytes round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (plaintext) => {
        const [c, ct] = encrypt(dpk, plaintext);
        expect(ct.length).toBe(plaintext.length + 40);
        const bytes = c.toBytes();
        const parsed = Capsule.fromBytes(bytes);
        expect(hex(parsed.toBytes())).toBe(hex(bytes));
        expect(hex(parsed.toBytesSimple())).toBe(hex(c.toBytesSimple()));
        expect(parsed.equals(c)).toBe(true);
        expect(hex(decryptOriginal(patient, parsed, ct))).toBe(hex(plaintext));
      }),
      { numRuns: 50 },
    );
  });

  test('keys and signatures: toBytes → fromBytes → toBytes is the identity', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, N - 1n), fc.uint8Array({ maxLength: 64 }), (scalar, msg) => {
        const bytes = Uint8Array.from(Buffer.from(scalar.toString(16).padStart(64, '0'), 'hex'));
        const sk = SecretKey.fromBEBytes(bytes);
        expect(hex(sk.toBEBytes())).toBe(hex(bytes));
        const pkBytes = sk.publicKey().toCompressedBytes();
        const pk = PublicKey.fromCompressedBytes(pkBytes);
        expect(hex(pk.toCompressedBytes())).toBe(hex(pkBytes));
        expect(pk.equals(sk.publicKey())).toBe(true);
        const sig = new Signer(sk).sign(msg);
        const be = sig.toBEBytes();
        const der = sig.toDerBytes();
        expect(hex(Signature.fromBEBytes(be).toBEBytes())).toBe(hex(be));
        expect(hex(Signature.fromDerBytes(der).toDerBytes())).toBe(hex(der));
        expect(hex(Signature.fromDerBytes(der).toBEBytes())).toBe(hex(be));
        expect(Signature.fromDerBytes(der).verify(pk, msg)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  test('fragments round-trip and any threshold of them decrypt', () => {
    const params = fc
      .record({
        threshold: fc.integer({ min: 1, max: 4 }),
        extra: fc.integer({ min: 0, max: 2 }),
        signDelegating: fc.boolean(),
        signReceiving: fc.boolean(),
        plaintext: fc.uint8Array({ maxLength: 256 }),
        seed: fc.nat(),
      })
      .map((p) => ({ ...p, shares: p.threshold + p.extra }));
    fc.assert(
      fc.property(
        params,
        ({ threshold, shares, signDelegating, signReceiving, plaintext, seed }) => {
          const [c, ct] = encrypt(dpk, plaintext);
          const ks = generateKFrags(
            patient,
            rpk,
            signer,
            threshold,
            shares,
            signDelegating,
            signReceiving,
          );
          expect(ks).toHaveLength(shares);
          // a threshold-sized subset, starting anywhere
          const chosen = Array.from({ length: threshold }, (_, i) => ks[(seed + i) % shares]!);
          const cfragBytes = chosen.map((k) => {
            const bytes = k.toBytes();
            const parsed = KeyFrag.fromBytes(bytes);
            expect(hex(parsed.toBytes())).toBe(hex(bytes));
            const verified = parsed.verify(vk, dpk, rpk);
            expect(hex(verified.toBytes())).toBe(hex(bytes));
            return reencrypt(c, verified).toBytes();
          });
          const verified = cfragBytes.map((bytes) => {
            const parsed = CapsuleFrag.fromBytes(bytes);
            expect(hex(parsed.toBytes())).toBe(hex(bytes));
            return parsed.verify(c, vk, dpk, rpk);
          });
          expect(hex(decryptReencrypted(reader, dpk, c, verified, ct))).toBe(hex(plaintext));
        },
      ),
      { numRuns: 20 },
    );
  });
});
