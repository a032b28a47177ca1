/**
 * What key and capsule fragments have in common, verified or not: their
 * parts, their encoding, equality by encoding, and a short printable form
 * (`KeyFrag:` + the first 8 bytes of the kfrag id) as the reference prints.
 */
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** @internal Base of KeyFrag, VerifiedKeyFrag, CapsuleFrag and VerifiedCapsuleFrag. */
export abstract class Fragment<Parts> {
  /** @internal */
  readonly parts: Parts;

  /** @internal */
  constructor(parts: Parts) {
    this.parts = parts;
  }

  /** The name printed by `toString`. */
  protected abstract readonly label: string;

  /** The key fragment id this fragment is named by. */
  protected abstract kfragId(): Uint8Array;

  /** MessagePack encoding, byte-compatible with `@nucypher/umbral-pre`. */
  abstract toBytes(): Uint8Array;

  /** Whether `other` is of the same kind and encodes the same fragment. */
  equals(other: this): boolean {
    return other instanceof this.constructor && equalBytes(this.toBytes(), other.toBytes());
  }

  /** The label and the first 8 bytes of the kfrag id in hex. */
  toString(): string {
    return `${this.label}:${bytesToHex(this.kfragId().subarray(0, 8))}`;
  }

  /** What `console.log` and `util.inspect` show: never secret material. */
  [INSPECT](): string {
    return this.toString();
  }
}
