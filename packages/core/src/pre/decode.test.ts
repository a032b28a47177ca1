/** Every decoder rejects malformed bytes with a typed error and a stable code. */
import { describe, expect, test } from 'vitest';
import { expectError } from '../test-support/caught.js';
import {
  Capsule,
  CapsuleFrag,
  encrypt,
  generateKFrags,
  InvalidArgumentError,
  InvalidCapsuleError,
  InvalidLengthError,
  InvalidPointError,
  InvalidScalarError,
  KeyFrag,
  MalformedEncodingError,
  PublicKey,
  reencrypt,
  SecretKey,
  Signature,
  Signer,
  TrailingBytesError,
} from './index.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const be32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
// x = 5 has no point on secp256k1 (5³ + 7 = 132 is not a square mod p).
const OFF_CURVE = Uint8Array.from([0x02, ...be32(5n)]);

const sk = SecretKey.random();
const reader = SecretKey.random();
const [capsule] = encrypt(sk.publicKey(), new Uint8Array([1]));
const [kfrag] = generateKFrags(sk, reader.publicKey(), new Signer(sk), 1, 1, true, true);
const capsuleBytes = capsule.toBytes();
const kfragBytes = kfrag!.toBytes();
const cfragBytes = reencrypt(capsule, kfrag!).toBytes();

/** Replaces `length` bytes at `offset` (a field's payload) in a copy. */
function patch(bytes: Uint8Array, offset: number, value: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out.set(value, offset);
  return out;
}

// Payload offsets of fields in the MessagePack layouts (after the bin8 headers).
const CAPSULE = { e: 3, v: 38, s: 73 };
const KFRAG = { u: 4, id: 39, key: 73, precursor: 107, commitment: 143 };
const CFRAG = { e1: 3, v1: 38, id: 73, precursor: 107, e2: 143, z: 283 };

describe('SecretKey.fromBEBytes', () => {
  test.each([0, 31, 33, 64])('rejects %i bytes', (n) =>
    expectError(
      () => SecretKey.fromBEBytes(new Uint8Array(n)),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    ),
  );
  test.each([
    ['zero', 0n],
    ['n', N],
    ['n + 1', N + 1n],
    ['2²⁵⁶ − 1', 2n ** 256n - 1n],
  ])('rejects %s', (_, value) =>
    expectError(() => SecretKey.fromBEBytes(be32(value)), InvalidScalarError, 'PRE_INVALID_SCALAR'),
  );
  test('accepts n − 1', () =>
    expect(SecretKey.fromBEBytes(be32(N - 1n))).toBeInstanceOf(SecretKey));
  test('rejects a non-Uint8Array', () =>
    expectError(
      () => SecretKey.fromBEBytes('00' as unknown as Uint8Array),
      InvalidArgumentError,
      'PRE_INVALID_ARGUMENT',
    ));
});

describe('PublicKey.fromCompressedBytes', () => {
  test.each([0, 1, 32, 34, 65])('rejects %i bytes', (n) =>
    expectError(
      () => PublicKey.fromCompressedBytes(new Uint8Array(n).fill(2)),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    ),
  );
  test('rejects a point off the curve', () =>
    expectError(
      () => PublicKey.fromCompressedBytes(OFF_CURVE),
      InvalidPointError,
      'PRE_INVALID_POINT',
    ));
  test.each([0x00, 0x01, 0x04, 0x05, 0xff])('rejects prefix %i', (prefix) => {
    const good = sk.publicKey().toCompressedBytes();
    expectError(
      () => PublicKey.fromCompressedBytes(patch(good, 0, Uint8Array.of(prefix))),
      InvalidPointError,
      'PRE_INVALID_POINT',
    );
  });
  test('rejects the identity in any form', () => {
    expectError(
      () => PublicKey.fromCompressedBytes(new Uint8Array(1)),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    );
    expectError(
      () => PublicKey.fromCompressedBytes(new Uint8Array(33)),
      InvalidPointError,
      'PRE_INVALID_POINT',
    );
  });
  test('rejects x ≥ p', () =>
    expectError(
      () => PublicKey.fromCompressedBytes(Uint8Array.from([2, ...new Uint8Array(32).fill(0xff)])),
      InvalidPointError,
      'PRE_INVALID_POINT',
    ));
});

describe('Signature', () => {
  const good = new Signer(sk).sign(new Uint8Array([1])).toBEBytes();
  test.each([0, 63, 65])('fromBEBytes rejects %i bytes', (n) =>
    expectError(
      () => Signature.fromBEBytes(new Uint8Array(n)),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    ),
  );
  test.each([
    ['r = 0', 0, 0n],
    ['s = 0', 32, 0n],
    ['r = n', 0, N],
    ['s = n', 32, N],
  ])('fromBEBytes rejects %s', (_, offset, value) =>
    expectError(
      () => Signature.fromBEBytes(patch(good, offset, be32(value))),
      InvalidScalarError,
      'PRE_INVALID_SCALAR',
    ),
  );
  test('fromDerBytes rejects garbage', () =>
    expectError(
      () => Signature.fromDerBytes(Uint8Array.of(0x30, 0x02, 0x01, 0x00)),
      MalformedEncodingError,
      'PRE_MALFORMED_ENCODING',
    ));
  test('a high-S signature parses but does not verify', () => {
    const sig = new Signer(sk).sign(new Uint8Array([9]));
    const s = BigInt(`0x${Buffer.from(sig.toBEBytes().subarray(32)).toString('hex')}`);
    const high = Signature.fromBEBytes(patch(sig.toBEBytes(), 32, be32(N - s)));
    expect(sig.verify(sk.publicKey(), new Uint8Array([9]))).toBe(true);
    expect(high.verify(sk.publicKey(), new Uint8Array([9]))).toBe(false);
  });
});

const decoders = [
  { name: 'Capsule', bytes: capsuleBytes, decode: (b: Uint8Array) => Capsule.fromBytes(b) },
  { name: 'KeyFrag', bytes: kfragBytes, decode: (b: Uint8Array) => KeyFrag.fromBytes(b) },
  { name: 'CapsuleFrag', bytes: cfragBytes, decode: (b: Uint8Array) => CapsuleFrag.fromBytes(b) },
];

describe.each(decoders)('$name.fromBytes', ({ bytes, decode }) => {
  test('accepts its canonical encoding', () => expect(() => decode(bytes)).not.toThrow());
  test('rejects trailing bytes', () =>
    expectError(
      () => decode(Uint8Array.from([...bytes, 0])),
      TrailingBytesError,
      'PRE_TRAILING_BYTES',
    ));
  test.each([0, 1, 10, -1])('rejects truncation to length %i', (cut) => {
    const truncated = bytes.slice(0, cut < 0 ? bytes.length + cut : cut);
    expectError(() => decode(truncated), MalformedEncodingError, 'PRE_MALFORMED_ENCODING');
  });
  test('rejects a map instead of an array', () =>
    expectError(
      () => decode(patch(bytes, 0, Uint8Array.of(0x80 | (bytes[0]! & 0x0f)))),
      MalformedEncodingError,
      'PRE_MALFORMED_ENCODING',
    ));
  test('rejects a non-canonical bin16 length header', () => {
    // bin8 (c4 21) → bin16 (c5 00 21): same value, longer encoding
    const i = bytes.indexOf(0xc4);
    const longer = Uint8Array.from([...bytes.subarray(0, i), 0xc5, 0x00, ...bytes.subarray(i + 1)]);
    expectError(() => decode(longer), MalformedEncodingError, 'PRE_MALFORMED_ENCODING');
  });
  test('rejects a non-Uint8Array', () =>
    expectError(
      () => decode([1, 2] as unknown as Uint8Array),
      InvalidArgumentError,
      'PRE_INVALID_ARGUMENT',
    ));
});

describe('field checks', () => {
  test('a 32-byte bin where a point belongs', () => {
    // Capsule with E's bin8 length byte changed 33 → 32 (and one byte dropped)
    const b = Uint8Array.from([
      ...capsuleBytes.subarray(0, 2),
      32,
      ...capsuleBytes.subarray(3, 35),
      ...capsuleBytes.subarray(36),
    ]);
    expectError(() => Capsule.fromBytes(b), InvalidLengthError, 'PRE_INVALID_LENGTH');
  });
  test.each([
    ['Capsule E', () => Capsule.fromBytes(patch(capsuleBytes, CAPSULE.e, OFF_CURVE))],
    [
      'Capsule V identity',
      () => Capsule.fromBytes(patch(capsuleBytes, CAPSULE.v, new Uint8Array(33))),
    ],
    ['KeyFrag precursor', () => KeyFrag.fromBytes(patch(kfragBytes, KFRAG.precursor, OFF_CURVE))],
    ['KeyFrag commitment', () => KeyFrag.fromBytes(patch(kfragBytes, KFRAG.commitment, OFF_CURVE))],
    ['CapsuleFrag E1', () => CapsuleFrag.fromBytes(patch(cfragBytes, CFRAG.e1, OFF_CURVE))],
    ['CapsuleFrag V1', () => CapsuleFrag.fromBytes(patch(cfragBytes, CFRAG.v1, OFF_CURVE))],
    [
      'CapsuleFrag precursor',
      () => CapsuleFrag.fromBytes(patch(cfragBytes, CFRAG.precursor, new Uint8Array(33))),
    ],
    ['CapsuleFrag E2', () => CapsuleFrag.fromBytes(patch(cfragBytes, CFRAG.e2, OFF_CURVE))],
  ])('invalid point: %s', (_, fn) => expectError(fn, InvalidPointError, 'PRE_INVALID_POINT'));
  test.each([
    ['Capsule s = 0', () => Capsule.fromBytes(patch(capsuleBytes, CAPSULE.s, be32(0n)))],
    ['Capsule s = n', () => Capsule.fromBytes(patch(capsuleBytes, CAPSULE.s, be32(N)))],
    ['KeyFrag key = 0', () => KeyFrag.fromBytes(patch(kfragBytes, KFRAG.key, be32(0n)))],
    ['KeyFrag key ≥ n', () => KeyFrag.fromBytes(patch(kfragBytes, KFRAG.key, be32(N + 5n)))],
    ['CapsuleFrag z = 0', () => CapsuleFrag.fromBytes(patch(cfragBytes, CFRAG.z, be32(0n)))],
    ['CapsuleFrag z = n', () => CapsuleFrag.fromBytes(patch(cfragBytes, CFRAG.z, be32(N)))],
  ])('invalid scalar: %s', (_, fn) => expectError(fn, InvalidScalarError, 'PRE_INVALID_SCALAR'));
  test('a capsule whose s was altered fails its self-check', () =>
    expectError(
      () => Capsule.fromBytes(patch(capsuleBytes, CAPSULE.s, be32(12345n))),
      InvalidCapsuleError,
      'PRE_CAPSULE_INVALID',
    ));
  test('a kfrag with another parameter point U', () =>
    expectError(
      () => KeyFrag.fromBytes(patch(kfragBytes, KFRAG.u, sk.publicKey().toCompressedBytes())),
      MalformedEncodingError,
      'PRE_MALFORMED_ENCODING',
    ));
  test('a boolean flag that is not a boolean', () => {
    const b = Uint8Array.from(kfragBytes);
    b[b.length - 1] = 0x01; // positive fixint instead of c2/c3
    expectError(() => KeyFrag.fromBytes(b), MalformedEncodingError, 'PRE_MALFORMED_ENCODING');
  });
});
