/**
 * Capsule fragments: a proxy's re-encryption of a capsule under one key
 * fragment, with a proof of correct re-encryption (a Chaum–Pedersen-style
 * proof that E₁, V₁ and the kfrag commitment share the same secret rk) and
 * the delegator's signature over the key fragment.
 *
 * Encoding (`toBytes`): fixarray(5) [bin8(33) E₁, bin8(33) V₁, bin8(32) kfrag id,
 *   bin8(33) precursor, fixarray(6) [bin8(33) E₂, bin8(33) V₂,
 *   bin8(33) kfrag commitment U₁, bin8(33) kfrag pok U₂, bin8(32) z,
 *   bin8(64) kfrag signature] ].
 * Simple encoding: the same fields concatenated, 359 bytes.
 */
import { concatBytes } from '@noble/curves/utils.js';
import { Capsule } from './capsule.js';
import {
  Fn,
  mulSecret,
  type Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
  U,
} from './curve.js';
import { assertCanonical, expectArray, expectBin, pack, unpackArray } from './encoding.js';
import { CapsuleFragProofError, CapsuleFragSignatureError, InvalidLengthError } from './errors.js';
import { Fragment } from './fragment.js';
import { hashToCfragVerification, kfragSignatureMessage } from './hashing.js';
import { KFRAG_ID_SIZE, VerifiedKeyFrag } from './key-frag.js';
import { assertBytes, assertInstance, PublicKey, pointOf } from './keys.js';
import { EquationBatch } from './proof-batch.js';
import { Signature } from './signing.js';

/** The parts of a capsule fragment; shared by CapsuleFrag and VerifiedCapsuleFrag. */
export type CapsuleFragParts = {
  readonly e1: Point;
  readonly v1: Point;
  readonly kfragId: Uint8Array;
  readonly precursor: Point;
  readonly e2: Point;
  readonly v2: Point;
  readonly commitment: Point;
  readonly pok: Point;
  readonly z: bigint;
  readonly kfragSignature: Signature;
};

/** The fragment's fields as bytes: the outer four, then the six of the proof. */
function fieldBytes(c: CapsuleFragParts): [Uint8Array[], Uint8Array[]] {
  return [
    [pointToBytes(c.e1), pointToBytes(c.v1), c.kfragId, pointToBytes(c.precursor)],
    [
      pointToBytes(c.e2),
      pointToBytes(c.v2),
      pointToBytes(c.commitment),
      pointToBytes(c.pok),
      scalarToBytes(c.z),
      c.kfragSignature.toBEBytes(),
    ],
  ];
}

function encodeCapsuleFrag(c: CapsuleFragParts): Uint8Array {
  const [outer, proof] = fieldBytes(c);
  return pack([...outer, proof]);
}

function encodeCapsuleFragSimple(c: CapsuleFragParts): Uint8Array {
  const [outer, proof] = fieldBytes(c);
  return concatBytes(...outer, ...proof);
}

/** @internal The challenge h of a fragment's proof for `capsule`. */
export function cfragChallenge(capsule: Capsule, c: CapsuleFragParts): bigint {
  return hashToCfragVerification({
    e: capsule.e,
    e1: c.e1,
    e2: c.e2,
    v: capsule.v,
    v1: c.v1,
    v2: c.v2,
    u: U,
    u1: c.commitment,
    u2: c.pok,
  });
}

/**
 * @internal Adds the three proof equations of one fragment to a batch:
 * z·E = E₂ + h·E₁, z·V = V₂ + h·V₁, z·U = U₂ + h·U₁.
 */
export function addProofEquations(
  batch: EquationBatch,
  capsule: Capsule,
  c: CapsuleFragParts,
): void {
  const h = cfragChallenge(capsule, c);
  const minusH = Fn.neg(h);
  batch.addEquation([
    [capsule.e, c.z],
    [c.e2.negate(), 1n],
    [c.e1, minusH],
  ]);
  batch.addEquation([
    [capsule.v, c.z],
    [c.v2.negate(), 1n],
    [c.v1, minusH],
  ]);
  batch.addEquation(
    [
      [U, c.z],
      [c.pok.negate(), 1n],
      [c.commitment, minusH],
    ],
    [c.commitment],
  );
}

/** @internal The message the delegator signed for the fragment's key fragment. */
export function cfragSignedMessage(
  c: CapsuleFragParts,
  delegatingPk: PublicKey,
  receivingPk: PublicKey,
): Uint8Array {
  return kfragSignatureMessage(
    c.kfragId,
    c.commitment,
    c.precursor,
    pointOf(delegatingPk),
    pointOf(receivingPk),
  );
}

/** @internal Parts and encodings shared by CapsuleFrag and VerifiedCapsuleFrag. */
abstract class CapsuleFragBase extends Fragment<CapsuleFragParts> {
  protected kfragId(): Uint8Array {
    return this.parts.kfragId;
  }

  /** MessagePack encoding, byte-compatible with `@nucypher/umbral-pre`. */
  toBytes(): Uint8Array {
    return encodeCapsuleFrag(this.parts);
  }

  /** All fields concatenated (359 bytes). */
  toBytesSimple(): Uint8Array {
    return encodeCapsuleFragSimple(this.parts);
  }
}

/**
 * A capsule fragment as received from a proxy: verify it before use.
 *
 * @example
 * ```ts
 * const cfrag = CapsuleFrag.fromBytes(bytesFromProxy);
 * const verified = cfrag.verify(capsule, verifyingPk, delegatingPk, receivingPk);
 * ```
 */
export class CapsuleFrag extends CapsuleFragBase {
  protected readonly label = 'CapsuleFrag';

  /** Parses the MessagePack encoding; throws a typed `PreError` for malformed input. */
  static fromBytes(bytes: Uint8Array): CapsuleFrag {
    assertBytes(bytes, 'bytes');
    const [e1, v1, id, precursor, proof] = unpackArray(bytes, 5, 'capsule fragment');
    const [e2, v2, commitment, pok, z, signature] = expectArray(proof, 6, 'capsule fragment proof');
    const kfragId = expectBin(id, 'kfrag id');
    if (kfragId.length !== KFRAG_ID_SIZE) {
      throw new InvalidLengthError('capsule fragment kfrag id', KFRAG_ID_SIZE, kfragId.length);
    }
    const point = (value: unknown, what: string) => pointFromBytes(expectBin(value, what), what);
    const cfrag = new CapsuleFrag({
      e1: point(e1, 'capsule fragment point E1'),
      v1: point(v1, 'capsule fragment point V1'),
      kfragId: Uint8Array.from(kfragId),
      precursor: point(precursor, 'capsule fragment precursor'),
      e2: point(e2, 'capsule fragment point E2'),
      v2: point(v2, 'capsule fragment point V2'),
      commitment: point(commitment, 'capsule fragment kfrag commitment'),
      pok: point(pok, 'capsule fragment kfrag pok'),
      z: scalarFromBytes(expectBin(z, 'capsule fragment z'), 'capsule fragment proof scalar z'),
      kfragSignature: Signature.fromBEBytes(expectBin(signature, 'kfrag signature')),
    });
    assertCanonical(bytes, cfrag.toBytes(), 'capsule fragment');
    return cfrag;
  }

  /**
   * Checks the delegator's signature over the key fragment and the proof of
   * correct re-encryption of `capsule`. Throws `CapsuleFragSignatureError`
   * or `CapsuleFragProofError`.
   */
  verify(
    capsule: Capsule,
    verifyingPk: PublicKey,
    delegatingPk: PublicKey,
    receivingPk: PublicKey,
  ): VerifiedCapsuleFrag {
    assertInstance(capsule, Capsule, 'capsule');
    assertInstance(verifyingPk, PublicKey, 'verifyingPk');
    assertInstance(delegatingPk, PublicKey, 'delegatingPk');
    assertInstance(receivingPk, PublicKey, 'receivingPk');
    const message = cfragSignedMessage(this.parts, delegatingPk, receivingPk);
    if (!this.parts.kfragSignature.verify(verifyingPk, message)) {
      throw new CapsuleFragSignatureError();
    }
    const batch = new EquationBatch();
    addProofEquations(batch, capsule, this.parts);
    if (!batch.holds()) throw new CapsuleFragProofError();
    return new VerifiedCapsuleFrag(this.parts);
  }

  /** Trusts the fragment without checking it. */
  skipVerification(): VerifiedCapsuleFrag {
    return new VerifiedCapsuleFrag(this.parts);
  }
}

/**
 * A capsule fragment made here or verified: the only kind
 * `decryptReencrypted` accepts.
 *
 * @example
 * ```ts
 * const vcfrag = reencrypt(capsule, verifiedKFrag);
 * const bytes = vcfrag.toBytes(); // send to the reader
 * ```
 */
export class VerifiedCapsuleFrag extends CapsuleFragBase {
  protected readonly label = 'VerifiedCapsuleFrag';

  /** Forgets that this fragment was verified. */
  unverify(): CapsuleFrag {
    return new CapsuleFrag(this.parts);
  }
}

/**
 * Re-encrypts `capsule` under one verified key fragment (what a proxy does),
 * with a fresh proof of correct re-encryption.
 *
 * @example
 * ```ts
 * const vcfrag = reencrypt(capsule, KeyFrag.fromBytes(bytes).verify(verifyingPk, patientPk, readerPk));
 * ```
 */
export function reencrypt(capsule: Capsule, kfrag: VerifiedKeyFrag): VerifiedCapsuleFrag {
  assertInstance(capsule, Capsule, 'capsule');
  assertInstance(kfrag, VerifiedKeyFrag, 'kfrag');
  const k = kfrag.parts;
  const e1 = mulSecret(capsule.e, k.key);
  const v1 = mulSecret(capsule.v, k.key);
  const t = randomScalar();
  const parts = {
    e1,
    v1,
    kfragId: k.id,
    precursor: k.precursor,
    e2: mulSecret(capsule.e, t),
    v2: mulSecret(capsule.v, t),
    commitment: k.commitment,
    pok: mulSecret(U, t),
    kfragSignature: k.signatureForReceiver,
  };
  const h = cfragChallenge(capsule, { ...parts, z: 0n });
  return new VerifiedCapsuleFrag({ ...parts, z: Fn.add(Fn.mul(k.key, h), t) });
}
