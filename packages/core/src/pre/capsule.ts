/**
 * The capsule: the Umbral key encapsulation of one symmetric key.
 *
 * Encoding (`toBytes`): fixarray(3) [bin8(33) E, bin8(33) V, bin8(32) s].
 * Simple encoding (`toBytesSimple`): E ‖ V ‖ s (98 bytes), the DEM's
 * associated data. A capsule is valid when s·G = V + H(E, V)·E.
 */
import { bytesToHex, concatBytes, equalBytes } from '@noble/curves/utils.js';
import {
  Fn,
  G,
  msmPublic,
  mulSecret,
  mulSecretByKey,
  type Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
} from './curve.js';
import { assertCanonical, expectBin, pack, unpackArray } from './encoding.js';
import { InvalidCapsuleError } from './errors.js';
import { hashCapsulePoints } from './hashing.js';
import { assertBytes, type PublicKey, pointOf, type SecretKey, secretScalarOf } from './keys.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * An encapsulated symmetric key, made by `encrypt` for a delegating public key.
 *
 * @example
 * ```ts
 * const [capsule, ciphertext] = encrypt(pk, plaintext);
 * const same = Capsule.fromBytes(capsule.toBytes());
 * same.equals(capsule); // true
 * ```
 */
export class Capsule {
  /** @internal Point E = r·G. */
  readonly e: Point;
  /** @internal Point V = u·G. */
  readonly v: Point;
  /** @internal Scalar s = u + r·H(E, V). */
  readonly s: bigint;
  readonly #simple: Uint8Array;

  private constructor(e: Point, v: Point, s: bigint) {
    this.e = e;
    this.v = v;
    this.s = s;
    this.#simple = concatBytes(pointToBytes(e), pointToBytes(v), scalarToBytes(s));
  }

  /**
   * Parses the MessagePack encoding and checks the capsule's consistency.
   * Throws a typed `PreError` for any malformed input.
   */
  static fromBytes(bytes: Uint8Array): Capsule {
    assertBytes(bytes, 'bytes');
    const [e, v, s] = unpackArray(bytes, 3, 'capsule');
    const capsule = new Capsule(
      pointFromBytes(expectBin(e, 'capsule E'), 'capsule point E'),
      pointFromBytes(expectBin(v, 'capsule V'), 'capsule point V'),
      scalarFromBytes(expectBin(s, 'capsule s'), 'capsule signature s'),
    );
    assertCanonical(bytes, capsule.toBytes(), 'capsule');
    if (!capsule.#isConsistent()) throw new InvalidCapsuleError();
    return capsule;
  }

  /** @internal Makes a fresh capsule for `delegatingPk`; returns it with its key seed. */
  static fromPublicKey(delegatingPk: PublicKey): { capsule: Capsule; keySeed: Uint8Array } {
    const r = randomScalar();
    const u = randomScalar();
    const e = mulSecret(G, r);
    const v = mulSecret(G, u);
    const h = hashCapsulePoints(e, v);
    const s = Fn.add(u, Fn.mul(r, h));
    const shared = mulSecretByKey(pointOf(delegatingPk), Fn.add(r, u));
    return { capsule: new Capsule(e, v, s), keySeed: pointToBytes(shared) };
  }

  /** @internal The key seed recovered by the delegator: (E + V)·sk. */
  openOriginal(delegatingSk: SecretKey): Uint8Array {
    return pointToBytes(mulSecret(this.e.add(this.v), secretScalarOf(delegatingSk)));
  }

  /** @internal h = H(E, V), the capsule's challenge. */
  challenge(): bigint {
    return hashCapsulePoints(this.e, this.v);
  }

  #isConsistent(): boolean {
    return msmPublic([G, this.e], [this.s, Fn.neg(this.challenge())]).equals(this.v);
  }

  /** MessagePack encoding, byte-compatible with `@nucypher/umbral-pre`. */
  toBytes(): Uint8Array {
    return pack([pointToBytes(this.e), pointToBytes(this.v), scalarToBytes(this.s)]);
  }

  /** E ‖ V ‖ s (98 bytes). */
  toBytesSimple(): Uint8Array {
    return Uint8Array.from(this.#simple);
  }

  /** @internal The simple encoding without a copy. */
  get simpleBytes(): Uint8Array {
    return this.#simple;
  }

  /** Whether both are the same capsule. */
  equals(other: Capsule): boolean {
    return other instanceof Capsule && equalBytes(this.#simple, other.#simple);
  }

  /** `Capsule:` and the first 8 bytes of s in hex, as the reference prints it. */
  toString(): string {
    return `Capsule:${bytesToHex(this.#simple.subarray(66, 74))}`;
  }

  /** What `console.log` and `util.inspect` show: never secret material. */
  [INSPECT](): string {
    return this.toString();
  }
}
