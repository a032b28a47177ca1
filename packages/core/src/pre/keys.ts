/**
 * Umbral key pairs on secp256k1.
 */
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import {
  G,
  mulSecret,
  type Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
} from './curve.js';
import { InvalidArgumentError } from './errors.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// Secret scalars live here, not on the object, so that no property walk,
// structured clone or JSON dump of a SecretKey can reach them.
const secretScalars = new WeakMap<SecretKey, bigint>();
const points = new WeakMap<PublicKey, Point>();

/**
 * A secp256k1 secret key. Its scalar is unreachable from the object's
 * properties; `toString`, `toJSON` and Node's inspector print `SecretKey:...`.
 *
 * @example
 * ```ts
 * const sk = SecretKey.random();
 * const pk = sk.publicKey();
 * const same = SecretKey.fromBEBytes(sk.toBEBytes());
 * ```
 */
export class SecretKey {
  #publicKey: PublicKey | undefined;

  private constructor(scalar: bigint) {
    secretScalars.set(this, scalar);
  }

  /** A fresh key from the platform CSPRNG. */
  static random(): SecretKey {
    return new SecretKey(randomScalar());
  }

  /** Parses 32 big-endian bytes; throws `InvalidLengthError` / `InvalidScalarError`. */
  static fromBEBytes(bytes: Uint8Array): SecretKey {
    assertBytes(bytes, 'bytes');
    return new SecretKey(scalarFromBytes(bytes, 'secret key'));
  }

  /** The 32-byte big-endian scalar. Handle with care: this is the secret. */
  toBEBytes(): Uint8Array {
    return scalarToBytes(secretScalarOf(this));
  }

  /** The matching public key (computed once). */
  publicKey(): PublicKey {
    this.#publicKey ??= PublicKey.fromPoint(mulSecret(G, secretScalarOf(this)));
    return this.#publicKey;
  }

  /** Constant-time comparison of two secret keys. */
  equals(other: SecretKey): boolean {
    return other instanceof SecretKey && equalBytes(this.toBEBytes(), other.toBEBytes());
  }

  /** Never shows the secret. */
  toString(): string {
    return 'SecretKey:...';
  }

  /** Never shows the secret. */
  toJSON(): string {
    return 'SecretKey:...';
  }

  /** What `console.log` and `util.inspect` show: never secret material. */
  [INSPECT](): string {
    return 'SecretKey:...';
  }
}

/**
 * A secp256k1 public key.
 *
 * @example
 * ```ts
 * const pk = PublicKey.fromCompressedBytes(bytes);
 * pk.toCompressedBytes(); // 33 bytes
 * ```
 */
export class PublicKey {
  readonly #bytes: Uint8Array;

  private constructor(point: Point, bytes: Uint8Array) {
    points.set(this, point);
    this.#bytes = bytes;
  }

  /** @internal Wraps a point known to be valid and not the identity. */
  static fromPoint(point: Point): PublicKey {
    return new PublicKey(point, pointToBytes(point));
  }

  /** Parses a 33-byte compressed point; throws `InvalidLengthError` / `InvalidPointError`. */
  static fromCompressedBytes(bytes: Uint8Array): PublicKey {
    assertBytes(bytes, 'bytes');
    const point = pointFromBytes(bytes, 'public key');
    return new PublicKey(point, Uint8Array.from(bytes));
  }

  /** The 33-byte compressed SEC1 encoding. */
  toCompressedBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /** Whether both are the same key. */
  equals(other: PublicKey): boolean {
    return other instanceof PublicKey && equalBytes(this.#bytes, other.#bytes);
  }

  /** `PublicKey:` and the first 8 bytes in hex, as the reference prints it. */
  toString(): string {
    return `PublicKey:${bytesToHex(this.#bytes.subarray(0, 8))}`;
  }

  /** What `console.log` and `util.inspect` show: never secret material. */
  [INSPECT](): string {
    return this.toString();
  }
}

/** @internal The secret scalar of a key; never exported from the package. */
export function secretScalarOf(sk: SecretKey): bigint {
  const s = secretScalars.get(sk);
  if (s === undefined) throw new InvalidArgumentError('secretKey', 'a SecretKey');
  return s;
}

/** @internal The curve point of a public key. */
export function pointOf(pk: PublicKey): Point {
  const p = points.get(pk);
  if (p === undefined) throw new InvalidArgumentError('publicKey', 'a PublicKey');
  return p;
}

/** @internal Throws unless `value` is a Uint8Array. */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError(name, 'a Uint8Array');
}

/** @internal Throws unless `value` is an instance of `cls`. */
export function assertInstance<T>(
  value: unknown,
  // biome-ignore lint/complexity/noBannedTypes: any class, private constructors included
  cls: Function & { prototype: T },
  name: string,
): asserts value is T {
  if (!(value instanceof cls)) throw new InvalidArgumentError(name, `a ${cls.name}`);
}
