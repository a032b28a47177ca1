/**
 * Every decoder rejects malformed bytes with its typed error and stable code.
 *
 * The MessagePack objects are taken apart and rebuilt by a small writer of
 * this file's own (fixarray, bin 8, booleans, plus the non-canonical forms
 * the tests need), so each test changes exactly one field or header.
 */

import { caught, expectError } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
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
  type PreError,
  PublicKey,
  reencrypt,
  SecretKey,
  Signature,
  Signer,
  TrailingBytesError,
} from './index.js';

type ErrorClass = abstract new (...args: never[]) => PreError;

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const be32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const cat = (...parts: Iterable<number>[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// ---- fixtures ----------------------------------------------------------------

const delegator = SecretKey.random();
const receiver = SecretKey.random();
const signer = new Signer(delegator);
const [capsule] = encrypt(delegator.publicKey(), new Uint8Array([1]));
const [otherCapsule] = encrypt(delegator.publicKey(), new Uint8Array([2]));
const [kfrag] = generateKFrags(delegator, receiver.publicKey(), signer, 1, 1, true, true);
const capsuleBytes = capsule.toBytes();
const kfragBytes = kfrag!.toBytes();
const cfragBytes = reencrypt(capsule, kfrag!).toBytes();
const pkBytes = delegator.publicKey().toCompressedBytes();
const message = new Uint8Array([7]);
const sigBytes = signer.sign(message).toBEBytes();

/** Compressed encodings that are not points: [label, bytes]. */
const X_WITHOUT_Y = 5n; // 5³ + 7 = 132 is not a square mod p: no point has x = 5
const BAD_POINTS: [string, Uint8Array][] = [
  ['an x with no y (prefix 02)', cat([0x02], be32(X_WITHOUT_Y))],
  ['an x with no y (prefix 03)', cat([0x03], be32(X_WITHOUT_Y))],
  ['the identity (all zero)', new Uint8Array(33)],
  ['prefix 00 before a valid x', cat([0x00], pkBytes.subarray(1))],
  ['prefix 01 before a valid x', cat([0x01], pkBytes.subarray(1))],
  ['prefix 04 before a valid x', cat([0x04], pkBytes.subarray(1))],
  ['prefix 05 before a valid x', cat([0x05], pkBytes.subarray(1))],
  ['prefix ff before a valid x', cat([0xff], pkBytes.subarray(1))],
  ['x = p', cat([0x02], be32(P))],
  ['x = 2²⁵⁶ − 1', cat([0x02], be32(2n ** 256n - 1n))],
];

/** 32-byte values that are not scalars in [1, n − 1]. */
const BAD_SCALARS: [string, Uint8Array][] = [
  ['0', be32(0n)],
  ['n', be32(N)],
  ['n + 1', be32(N + 1n)],
  ['2²⁵⁶ − 1', be32(2n ** 256n - 1n)],
];

// ---- a minimal MessagePack reader and writer for the three formats ------------

/** Emitted verbatim by `write`: for non-canonical or foreign encodings. */
class Raw {
  constructor(readonly bytes: Uint8Array) {}
}
type Tree = Uint8Array | boolean | Raw | Tree[];

/** Reads fixarray / bin 8 / bool, the only forms the formats use. */
function read(bytes: Uint8Array): Tree {
  let i = 0;
  const next = (): Tree => {
    const b = bytes[i++]!;
    if ((b & 0xf0) === 0x90) return Array.from({ length: b & 0x0f }, next);
    if (b === 0xc4) {
      const n = bytes[i++]!;
      i += n;
      return bytes.slice(i - n, i);
    }
    if (b === 0xc2 || b === 0xc3) return b === 0xc3;
    throw new Error(`unexpected byte ${b} at ${i - 1}`);
  };
  const tree = next();
  expect(i).toBe(bytes.length);
  return tree;
}

function write(tree: Tree): Uint8Array {
  if (tree instanceof Raw) return tree.bytes;
  if (typeof tree === 'boolean') return Uint8Array.of(tree ? 0xc3 : 0xc2);
  if (tree instanceof Uint8Array) return cat([0xc4, tree.length], tree);
  return cat([0x90 | tree.length], ...tree.map(write));
}

const bin16 = (b: Uint8Array) => new Raw(cat([0xc5, b.length >> 8, b.length & 0xff], b));
const bin32 = (b: Uint8Array) => new Raw(cat([0xc6, 0, 0, 0, b.length], b));
const array16 = (items: Tree[]) => new Raw(cat([0xdc, 0, items.length], ...items.map(write)));
/** A map {0: items[0], 1: items[1], …} with the same values as the array. */
const asMap = (items: Tree[]) =>
  new Raw(cat([0x80 | items.length], ...items.map((item, k) => cat([k], write(item)))));

type Path = number[];

function get(tree: Tree, path: Path): Tree {
  return path.reduce((t, k) => (t as Tree[])[k]!, tree);
}

/** A copy of `tree` with the node at `path` replaced by `f(node)`. */
function update(tree: Tree, path: Path, f: (node: Tree) => Tree): Tree {
  if (path.length === 0) return f(tree);
  const [k, ...rest] = path as [number, ...number[]];
  const copy = [...(tree as Tree[])];
  copy[k] = update(copy[k]!, rest, f);
  return copy;
}

type Kind = 'point' | 'scalar' | 'id' | 'signature' | 'flag' | 'parameter U';
type Format = {
  name: string;
  bytes: Uint8Array;
  size: number;
  decode: (b: Uint8Array) => unknown;
  fields: { name: string; path: Path; kind: Kind }[];
  arrays: { name: string; path: Path }[];
};

const SIZES: Record<Exclude<Kind, 'flag'>, number> = {
  point: 33,
  'parameter U': 33,
  scalar: 32,
  id: 32,
  signature: 64,
};

const FORMATS: Format[] = [
  {
    name: 'Capsule',
    bytes: capsuleBytes,
    size: 105,
    decode: (b) => Capsule.fromBytes(b),
    fields: [
      { name: 'E', path: [0], kind: 'point' },
      { name: 'V', path: [1], kind: 'point' },
      { name: 's', path: [2], kind: 'scalar' },
    ],
    arrays: [{ name: 'capsule', path: [] }],
  },
  {
    name: 'KeyFrag',
    bytes: kfragBytes,
    size: 310,
    decode: (b) => KeyFrag.fromBytes(b),
    fields: [
      { name: 'U', path: [0, 0], kind: 'parameter U' },
      { name: 'id', path: [1], kind: 'id' },
      { name: 'key', path: [2], kind: 'scalar' },
      { name: 'precursor', path: [3], kind: 'point' },
      { name: 'commitment', path: [4, 0], kind: 'point' },
      { name: 'signature for proxy', path: [4, 1], kind: 'signature' },
      { name: 'signature for receiver', path: [4, 2], kind: 'signature' },
      { name: 'delegating key signed', path: [4, 3], kind: 'flag' },
      { name: 'receiving key signed', path: [4, 4], kind: 'flag' },
    ],
    arrays: [
      { name: 'kfrag', path: [] },
      { name: 'parameters', path: [0] },
      { name: 'proof', path: [4] },
    ],
  },
  {
    name: 'CapsuleFrag',
    bytes: cfragBytes,
    size: 381,
    decode: (b) => CapsuleFrag.fromBytes(b),
    fields: [
      { name: 'E1', path: [0], kind: 'point' },
      { name: 'V1', path: [1], kind: 'point' },
      { name: 'kfrag id', path: [2], kind: 'id' },
      { name: 'precursor', path: [3], kind: 'point' },
      { name: 'E2', path: [4, 0], kind: 'point' },
      { name: 'V2', path: [4, 1], kind: 'point' },
      { name: 'commitment', path: [4, 2], kind: 'point' },
      { name: 'pok', path: [4, 3], kind: 'point' },
      { name: 'z', path: [4, 4], kind: 'scalar' },
      { name: 'kfrag signature', path: [4, 5], kind: 'signature' },
    ],
    arrays: [
      { name: 'cfrag', path: [] },
      { name: 'proof', path: [4] },
    ],
  },
];

// ---- keys and signatures ------------------------------------------------------

const NOT_BYTES: [string, unknown][] = [
  ['a hex string', '00'.repeat(33)],
  ['a number array', Array.from({ length: 33 }, () => 2)],
  ['an ArrayBuffer', new ArrayBuffer(33)],
  ['a DataView', new DataView(new ArrayBuffer(33))],
  ['a Uint16Array', new Uint16Array(33)],
  ['null', null],
  ['undefined', undefined],
  ['a number', 2],
  ['an array-like object', { length: 33, 0: 2 }],
];

/** Every decoder, for the non-Uint8Array checks. */
const ALL_DECODERS: [string, (b: Uint8Array) => unknown][] = [
  ['SecretKey.fromBEBytes', (b) => SecretKey.fromBEBytes(b)],
  ['PublicKey.fromCompressedBytes', (b) => PublicKey.fromCompressedBytes(b)],
  ['Signature.fromBEBytes', (b) => Signature.fromBEBytes(b)],
  ['Signature.fromDerBytes', (b) => Signature.fromDerBytes(b)],
  ['Capsule.fromBytes', (b) => Capsule.fromBytes(b)],
  ['KeyFrag.fromBytes', (b) => KeyFrag.fromBytes(b)],
  ['CapsuleFrag.fromBytes', (b) => CapsuleFrag.fromBytes(b)],
];

describe.each(ALL_DECODERS)('%s', (_, decode) => {
  test.each(NOT_BYTES)('rejects %s with InvalidArgumentError', (_, value) =>
    expectError(() => decode(value as Uint8Array), InvalidArgumentError, 'PRE_INVALID_ARGUMENT'),
  );
});

describe('SecretKey.fromBEBytes', () => {
  test.each([0, 1, 31, 33, 64])('rejects %i bytes', (n) =>
    expectError(
      () => SecretKey.fromBEBytes(new Uint8Array(n).fill(1)),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    ),
  );
  test.each(BAD_SCALARS)('rejects the scalar %s', (_, bytes) =>
    expectError(() => SecretKey.fromBEBytes(bytes), InvalidScalarError, 'PRE_INVALID_SCALAR'),
  );
  test.each([
    ['1', 1n],
    ['n − 1', N - 1n],
  ])('accepts the scalar %s', (_, value) =>
    expect(hex(SecretKey.fromBEBytes(be32(value)).toBEBytes())).toBe(hex(be32(value))),
  );
  test('the error carries the expected and received lengths', () => {
    const error = caught(() => SecretKey.fromBEBytes(new Uint8Array(31))) as InvalidLengthError;
    expect([error.expected, error.received]).toEqual([32, 31]);
  });
});

describe('PublicKey.fromCompressedBytes', () => {
  const uncompressed = cat([0x04], new Uint8Array(64).fill(1));
  test.each([
    ['0 bytes', new Uint8Array(0)],
    ['1 byte (the SEC1 identity 00)', new Uint8Array(1)],
    ['32 bytes (x only)', pkBytes.subarray(1)],
    ['34 bytes (one byte too many)', cat(pkBytes, [0])],
    ['65 bytes (an uncompressed encoding)', uncompressed],
  ])('rejects %s', (_, bytes) =>
    expectError(
      () => PublicKey.fromCompressedBytes(bytes),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    ),
  );
  test.each(BAD_POINTS)('rejects %s', (_, bytes) =>
    expectError(() => PublicKey.fromCompressedBytes(bytes), InvalidPointError, 'PRE_INVALID_POINT'),
  );
  test('keeps no reference to the input bytes', () => {
    const input = Uint8Array.from(pkBytes);
    const pk = PublicKey.fromCompressedBytes(input);
    input.fill(0);
    expect(hex(pk.toCompressedBytes())).toBe(hex(pkBytes));
  });
  test('accepts both parities of a valid x', () => {
    const flipped = cat([pkBytes[0] === 2 ? 3 : 2], pkBytes.subarray(1));
    expect(PublicKey.fromCompressedBytes(flipped).equals(delegator.publicKey())).toBe(false);
    expect(PublicKey.fromCompressedBytes(pkBytes).equals(delegator.publicKey())).toBe(true);
  });
});

describe('Signature.fromBEBytes', () => {
  test.each([0, 1, 32, 63, 65, 72])('rejects %i bytes', (n) =>
    expectError(
      () => Signature.fromBEBytes(new Uint8Array(n).fill(1)),
      InvalidLengthError,
      'PRE_INVALID_LENGTH',
    ),
  );
  test.each(BAD_SCALARS)('rejects r = %s', (_, value) =>
    expectError(
      () => Signature.fromBEBytes(cat(value, sigBytes.subarray(32))),
      InvalidScalarError,
      'PRE_INVALID_SCALAR',
    ),
  );
  test.each(BAD_SCALARS)('rejects s = %s', (_, value) =>
    expectError(
      () => Signature.fromBEBytes(cat(sigBytes.subarray(0, 32), value)),
      InvalidScalarError,
      'PRE_INVALID_SCALAR',
    ),
  );
  test('keeps no reference to the input bytes', () => {
    const input = Uint8Array.from(sigBytes);
    const sig = Signature.fromBEBytes(input);
    input.fill(1);
    expect(hex(sig.toBEBytes())).toBe(hex(sigBytes));
  });
  test('a high-S signature parses but does not verify', () => {
    const s = BigInt(`0x${hex(sigBytes.subarray(32))}`);
    const high = Signature.fromBEBytes(cat(sigBytes.subarray(0, 32), be32(N - s)));
    expect(Signature.fromBEBytes(sigBytes).verify(delegator.publicKey(), message)).toBe(true);
    expect(high.verify(delegator.publicKey(), message)).toBe(false);
  });
});

describe('Signature.fromDerBytes', () => {
  /** DER INTEGER of a non-negative value, minimally encoded. */
  const derInt = (x: bigint) => {
    const digits = x.toString(16);
    let body = Buffer.from(digits.length % 2 ? `0${digits}` : digits, 'hex');
    if (body[0]! & 0x80) body = Buffer.concat([Buffer.of(0), body]);
    return cat([0x02, body.length], body);
  };
  const der = (r: bigint, s: bigint) => {
    const body = cat(derInt(r), derInt(s));
    return cat([0x30, body.length], body);
  };
  const r = BigInt(`0x${hex(sigBytes.subarray(0, 32))}`);
  const s = BigInt(`0x${hex(sigBytes.subarray(32))}`);
  const good = der(r, s);

  test('parses the DER form of a valid signature', () => {
    expect(hex(good)).toBe(hex(Signature.fromBEBytes(sigBytes).toDerBytes()));
    expect(hex(Signature.fromDerBytes(good).toBEBytes())).toBe(hex(sigBytes));
    expect(hex(Signature.fromDerBytes(der(1n, 1n)).toBEBytes())).toBe(hex(cat(be32(1n), be32(1n))));
  });
  test('rejects every truncation', () => {
    for (let n = 0; n < good.length; n++) {
      expectError(
        () => Signature.fromDerBytes(good.slice(0, n)),
        MalformedEncodingError,
        'PRE_MALFORMED_ENCODING',
      );
    }
  });
  test.each([
    ['a trailing byte', cat(good, [0])],
    ['a SET tag instead of SEQUENCE', cat([0x31], good.subarray(1))],
    ['an OCTET STRING instead of INTEGER r', cat(good.subarray(0, 2), [0x04], good.subarray(3))],
    ['a sequence length one too long', cat([0x30, good[1]! + 1], good.subarray(2), [0])],
    ['a long-form length for a short sequence', cat([0x30, 0x81, good[1]!], good.subarray(2))],
    ['a non-minimal INTEGER (extra leading zero)', cat([0x30, 7, 0x02, 2, 0, 5], derInt(5n))],
    ['a negative INTEGER', cat([0x30, 6, 0x02, 1, 0x85], derInt(5n))],
    ['a third INTEGER', cat([0x30, 9], derInt(5n), derInt(5n), derInt(5n))],
    ['one INTEGER only', cat([0x30, 3], derInt(5n))],
    // Structurally valid DER whose integers are out of range: the parser
    // rejects them before they become scalars.
    ['r = 0', der(0n, s)],
    ['s = 0', der(r, 0n)],
    ['r = n', der(N, s)],
    ['s = n', der(r, N)],
    ['r = 2²⁵⁶ − 1', der(2n ** 256n - 1n, s)],
  ])('rejects %s', (_, bytes) =>
    expectError(
      () => Signature.fromDerBytes(bytes),
      MalformedEncodingError,
      'PRE_MALFORMED_ENCODING',
    ),
  );
});

// ---- MessagePack objects ------------------------------------------------------

describe.each(FORMATS)('$name.fromBytes', (format) => {
  const { bytes, decode } = format;
  const tree = read(bytes);
  const rebuild = (path: Path, f: (node: Tree) => Tree) => write(update(tree, path, f));
  const expectRejects = (b: Uint8Array, cls: ErrorClass, code: string) =>
    expectError(() => decode(b), cls, code);

  test('the layout is the documented one, and the canonical encoding is accepted', () => {
    expect(bytes.length).toBe(format.size);
    expect(hex(write(tree))).toBe(hex(bytes));
    for (const { path, kind } of format.fields) {
      const node = get(tree, path);
      if (kind === 'flag') expect(typeof node).toBe('boolean');
      else expect((node as Uint8Array).length).toBe(SIZES[kind]);
    }
    expect(() => decode(bytes)).not.toThrow();
  });

  test('accepts a Buffer and a view at a non-zero offset', () => {
    expect(() => decode(Buffer.from(bytes))).not.toThrow();
    const padded = cat([0xaa, 0xbb, 0xcc], bytes, [0xdd]);
    expect(() => decode(padded.subarray(3, 3 + bytes.length))).not.toThrow();
  });

  test('keeps no reference to the input bytes', () => {
    const input = Uint8Array.from(bytes);
    const decoded = decode(input) as { toBytes(): Uint8Array };
    input.fill(0x5a);
    expect(hex(decoded.toBytes())).toBe(hex(bytes));
  });

  describe('whole object', () => {
    test('rejects every truncation with MalformedEncodingError', () => {
      for (let n = 0; n < bytes.length; n++) {
        expectRejects(bytes.slice(0, n), MalformedEncodingError, 'PRE_MALFORMED_ENCODING');
      }
    });
    test.each([
      ['one zero byte', [0x00]],
      ['a nil', [0xc0]],
      ['a second copy of the object', bytes],
    ])('rejects trailing bytes: %s', (_, extra) =>
      expectRejects(cat(bytes, extra), TrailingBytesError, 'PRE_TRAILING_BYTES'),
    );
    test.each([
      ['nil', [0xc0]],
      ['an empty array', [0x90]],
      ['a bare bin 8', write(bytes.slice(0, 33))],
      ['a string', [0xa3, 0x61, 0x62, 0x63]],
      ['an ext value', [0xd4, 0x01, 0x00]],
      ['the never-used byte c1', [0xc1]],
    ])('rejects %s', (_, b) =>
      expectRejects(Uint8Array.from(b), MalformedEncodingError, 'PRE_MALFORMED_ENCODING'),
    );
  });

  describe.each(format.arrays)('array "$name"', ({ path }) => {
    const items = get(tree, path) as Tree[];
    test.each([
      ['a map with the same values', () => rebuild(path, () => asMap(items))],
      [
        'a fixarray header turned into a fixmap header (same count)',
        () => {
          const encoded = write(items);
          return rebuild(path, () => new Raw(cat([0x80 | items.length], encoded.subarray(1))));
        },
      ],
      ['array 16 instead of fixarray', () => rebuild(path, () => array16(items))],
      ['one element missing', () => rebuild(path, () => items.slice(0, -1))],
      ['one element too many', () => rebuild(path, () => [...items, new Uint8Array(1)])],
      ['an empty array', () => rebuild(path, () => [])],
      ['a bin in its place', () => rebuild(path, () => new Uint8Array(3))],
    ])('rejects %s', (_, make) =>
      expectRejects(make(), MalformedEncodingError, 'PRE_MALFORMED_ENCODING'),
    );
  });

  describe.each(format.fields)('field $name', ({ path, kind }) => {
    const value = get(tree, path);
    const set = (v: Tree) => rebuild(path, () => v);

    if (kind === 'flag') {
      test.each([
        ['the positive fixint 1', new Raw(Uint8Array.of(0x01))],
        ['the positive fixint 0', new Raw(Uint8Array.of(0x00))],
        ['nil', new Raw(Uint8Array.of(0xc0))],
        ['a 1-byte bin', Uint8Array.of(1)],
        ['an empty array', []],
      ])('rejects %s instead of a boolean', (_, v) =>
        expectRejects(set(v), MalformedEncodingError, 'PRE_MALFORMED_ENCODING'),
      );
      return;
    }

    const b = value as Uint8Array;
    const lengthError: [ErrorClass, string] =
      kind === 'parameter U'
        ? [MalformedEncodingError, 'PRE_MALFORMED_ENCODING']
        : [InvalidLengthError, 'PRE_INVALID_LENGTH'];
    test.each([
      ['empty', new Uint8Array(0)],
      ['one byte short', b.slice(0, -1)],
      ['one byte too long', cat(b, [0])],
      ['doubled', cat(b, b)],
    ])('rejects a wrong length: %s', (_, v) => expectRejects(set(v), ...lengthError));

    test.each([
      ['bin 16', bin16(b)],
      ['bin 32', bin32(b)],
    ])('rejects a non-canonical %s header for the same bytes', (_, v) =>
      expectRejects(set(v), MalformedEncodingError, 'PRE_MALFORMED_ENCODING'),
    );
    test.each([
      ['a boolean', true],
      ['an array holding it', [b]],
      ['a string of the same length', new Raw(cat([0xd9, b.length], b))],
      ['nil', new Raw(Uint8Array.of(0xc0))],
    ])('rejects %s in place of the bytes', (_, v) =>
      expectRejects(set(v), MalformedEncodingError, 'PRE_MALFORMED_ENCODING'),
    );

    if (kind === 'point') {
      test.each(BAD_POINTS)('rejects a point that is %s', (_, v) =>
        expectRejects(set(v), InvalidPointError, 'PRE_INVALID_POINT'),
      );
    }
    if (kind === 'scalar') {
      test.each(BAD_SCALARS)('rejects the scalar %s', (_, v) =>
        expectRejects(set(v), InvalidScalarError, 'PRE_INVALID_SCALAR'),
      );
    }
    if (kind === 'signature') {
      test.each(BAD_SCALARS)('rejects a signature with r = %s', (_, v) =>
        expectRejects(set(cat(v, b.subarray(32))), InvalidScalarError, 'PRE_INVALID_SCALAR'),
      );
      test.each(BAD_SCALARS)('rejects a signature with s = %s', (_, v) =>
        expectRejects(set(cat(b.subarray(0, 32), v)), InvalidScalarError, 'PRE_INVALID_SCALAR'),
      );
    }
    if (kind === 'parameter U') {
      test.each([
        ['G', be32ToPoint(1n)],
        ['a public key', pkBytes],
        ['−U (other parity)', cat([b[0] === 2 ? 3 : 2], b.subarray(1))],
        ['not a point', cat([0x02], be32(X_WITHOUT_Y))],
        ['the identity', new Uint8Array(33)],
      ])('rejects U = %s', (_, v) =>
        expectRejects(set(v), MalformedEncodingError, 'PRE_MALFORMED_ENCODING'),
      );
    }
  });
});

/** The compressed encoding of k·G (via a secret key, the public API). */
function be32ToPoint(k: bigint): Uint8Array {
  return SecretKey.fromBEBytes(be32(k)).publicKey().toCompressedBytes();
}

describe('Capsule consistency (s·G = V + H(E, V)·E)', () => {
  const tree = read(capsuleBytes) as Uint8Array[];
  const [e, v, s] = tree as [Uint8Array, Uint8Array, Uint8Array];
  const other = read(otherCapsule.toBytes()) as [Uint8Array, Uint8Array, Uint8Array];
  const negate = (p: Uint8Array) => cat([p[0] === 2 ? 3 : 2], p.subarray(1));
  test.each([
    ['s + 1', [e, v, be32(BigInt(`0x${hex(s)}`) + 1n)]],
    ['s = 1', [e, v, be32(1n)]],
    ['s from another capsule', [e, v, other[2]]],
    ['E from another capsule', [other[0], v, s]],
    ['V from another capsule', [e, other[1], s]],
    ['E and V swapped', [v, e, s]],
    ['−E', [negate(e), v, s]],
    ['−V', [e, negate(v), s]],
  ])('rejects a capsule with %s', (_, fields) =>
    expectError(
      () => Capsule.fromBytes(write(fields as Tree[])),
      InvalidCapsuleError,
      'PRE_CAPSULE_INVALID',
    ),
  );
  test('accepts the other capsule whole', () =>
    expect(Capsule.fromBytes(write(other)).equals(otherCapsule)).toBe(true));
});
