/**
 * Key fragments: the delegator's re-encryption key split t-of-n, one share
 * per proxy, each signed so that proxies and the receiver can check it.
 *
 * Encoding (`toBytes`): fixarray(5) [
 *   fixarray(1) [bin8(33) U], bin8(32) id, bin8(32) rk, bin8(33) precursor,
 *   fixarray(5) [bin8(33) commitment, bin8(64) signature for proxy,
 *                bin8(64) signature for receiver, bool delegating key signed,
 *                bool receiving key signed] ].
 */
import { equalBytes } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  Fn,
  G,
  mulSecret,
  mulSecretByKey,
  type Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
  U,
} from './curve.js';
import {
  assertCanonical,
  expectArray,
  expectBin,
  expectBool,
  pack,
  unpackArray,
} from './encoding.js';
import {
  DelegatingKeyNotProvidedError,
  InvalidArgumentError,
  InvalidLengthError,
  InvalidThresholdError,
  KeyFragCommitmentError,
  KeyFragSignatureError,
  MalformedEncodingError,
  ReceivingKeyNotProvidedError,
} from './errors.js';
import { Fragment } from './fragment.js';
import { hashToPolynomialArg, hashToSharedSecret, kfragSignatureMessage } from './hashing.js';
import {
  assertBytes,
  assertInstance,
  PublicKey,
  pointOf,
  SecretKey,
  secretScalarOf,
} from './keys.js';
import { Signature, Signer } from './signing.js';

/** Size of a key fragment id. */
export const KFRAG_ID_SIZE = 32;
const U_BYTES = pointToBytes(U);

/** The parts of a key fragment; shared by KeyFrag and VerifiedKeyFrag. */
type KeyFragParts = {
  readonly id: Uint8Array;
  readonly key: bigint;
  readonly precursor: Point;
  readonly commitment: Point;
  readonly signatureForProxy: Signature;
  readonly signatureForReceiver: Signature;
  readonly delegatingKeySigned: boolean;
  readonly receivingKeySigned: boolean;
};

function encodeKeyFrag(k: KeyFragParts): Uint8Array {
  return pack([
    [U_BYTES],
    k.id,
    scalarToBytes(k.key),
    pointToBytes(k.precursor),
    [
      pointToBytes(k.commitment),
      k.signatureForProxy.toBEBytes(),
      k.signatureForReceiver.toBEBytes(),
      k.delegatingKeySigned,
      k.receivingKeySigned,
    ],
  ]);
}

/** @internal Parts and encoding shared by KeyFrag and VerifiedKeyFrag. */
abstract class KeyFragBase extends Fragment<KeyFragParts> {
  protected kfragId(): Uint8Array {
    return this.parts.id;
  }

  /** MessagePack encoding, byte-compatible with `@nucypher/umbral-pre`. */
  toBytes(): Uint8Array {
    return encodeKeyFrag(this.parts);
  }
}

/**
 * A key fragment as received from someone else: verify it before use.
 *
 * @example
 * ```ts
 * const kfrag = KeyFrag.fromBytes(bytes);
 * const verified = kfrag.verify(verifyingPk, delegatingPk, receivingPk);
 * const cfrag = reencrypt(capsule, verified);
 * ```
 */
export class KeyFrag extends KeyFragBase {
  protected readonly label = 'KeyFrag';

  /** Parses the MessagePack encoding; throws a typed `PreError` for malformed input. */
  static fromBytes(bytes: Uint8Array): KeyFrag {
    assertBytes(bytes, 'bytes');
    const [params, id, key, precursor, proof] = unpackArray(bytes, 5, 'key fragment');
    const [u] = expectArray(params, 1, 'key fragment parameters');
    if (!equalBytes(expectBin(u, 'parameter U'), U_BYTES)) {
      throw new MalformedEncodingError(
        'key fragment',
        'its parameter point U is not the standard one',
      );
    }
    const idBytes = expectBin(id, 'key fragment id');
    if (idBytes.length !== KFRAG_ID_SIZE) {
      throw new InvalidLengthError('key fragment id', KFRAG_ID_SIZE, idBytes.length);
    }
    const [commitment, sigProxy, sigReceiver, dSigned, rSigned] = expectArray(
      proof,
      5,
      'key fragment proof',
    );
    const kfrag = new KeyFrag({
      id: Uint8Array.from(idBytes),
      key: scalarFromBytes(expectBin(key, 'key fragment key'), 'key fragment key'),
      precursor: pointFromBytes(expectBin(precursor, 'precursor'), 'key fragment precursor'),
      commitment: pointFromBytes(expectBin(commitment, 'commitment'), 'key fragment commitment'),
      signatureForProxy: Signature.fromBEBytes(expectBin(sigProxy, 'signature for proxy')),
      signatureForReceiver: Signature.fromBEBytes(expectBin(sigReceiver, 'signature for receiver')),
      delegatingKeySigned: expectBool(dSigned, 'delegating key signed flag'),
      receivingKeySigned: expectBool(rSigned, 'receiving key signed flag'),
    });
    assertCanonical(bytes, kfrag.toBytes(), 'key fragment');
    return kfrag;
  }

  /**
   * Checks the commitment and the delegator's signature. Pass the delegating
   * and receiving keys when the fragment signs them (null/undefined otherwise);
   * when both are given, the signature meant for the receiver is checked too.
   */
  verify(
    verifyingPk: PublicKey,
    delegatingPk?: PublicKey | null,
    receivingPk?: PublicKey | null,
  ): VerifiedKeyFrag {
    assertInstance(verifyingPk, PublicKey, 'verifyingPk');
    if (delegatingPk != null) assertInstance(delegatingPk, PublicKey, 'delegatingPk');
    if (receivingPk != null) assertInstance(receivingPk, PublicKey, 'receivingPk');
    const k = this.parts;
    if (!mulSecret(U, k.key).equals(k.commitment)) throw new KeyFragCommitmentError();
    if (k.delegatingKeySigned && delegatingPk == null) throw new DelegatingKeyNotProvidedError();
    if (k.receivingKeySigned && receivingPk == null) throw new ReceivingKeyNotProvidedError();
    const message = kfragSignatureMessage(
      k.id,
      k.commitment,
      k.precursor,
      k.delegatingKeySigned && delegatingPk ? pointOf(delegatingPk) : undefined,
      k.receivingKeySigned && receivingPk ? pointOf(receivingPk) : undefined,
    );
    if (!k.signatureForProxy.verify(verifyingPk, message)) throw new KeyFragSignatureError();
    // Stricter than the reference: with both keys at hand, also check the
    // signature the receiver will check, so that a proxy never stores a
    // fragment whose capsule fragments every reader would reject. When both
    // keys are signed the two messages are the same and so is a signature
    // that equals the one just checked.
    const sameAsChecked =
      k.delegatingKeySigned &&
      k.receivingKeySigned &&
      k.signatureForReceiver.equals(k.signatureForProxy);
    if (delegatingPk && receivingPk && !sameAsChecked) {
      const forReceiver = kfragSignatureMessage(
        k.id,
        k.commitment,
        k.precursor,
        pointOf(delegatingPk),
        pointOf(receivingPk),
      );
      if (!k.signatureForReceiver.verify(verifyingPk, forReceiver))
        throw new KeyFragSignatureError();
    }
    return new VerifiedKeyFrag(k);
  }

  /** Trusts the fragment without checking it (e.g. it was verified before it was stored). */
  skipVerification(): VerifiedKeyFrag {
    return new VerifiedKeyFrag(this.parts);
  }
}

/**
 * A key fragment that was generated here or verified: the only kind
 * `reencrypt` accepts.
 *
 * @example
 * ```ts
 * const [first] = generateKFrags(sk, receivingPk, signer, 2, 3, true, true);
 * const bytes = first.toBytes(); // send to a proxy
 * ```
 */
export class VerifiedKeyFrag extends KeyFragBase {
  protected readonly label = 'VerifiedKeyFrag';

  /** Forgets that this fragment was verified. */
  unverify(): KeyFrag {
    return new KeyFrag(this.parts);
  }
}

/** Horner evaluation of the secret polynomial at x. */
function polyEval(coefficients: bigint[], x: bigint): bigint {
  let result = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) {
    result = Fn.add(Fn.mul(result, x), coefficients[i] as bigint);
  }
  return result;
}

/**
 * Splits the re-encryption key from `delegatingSk` to `receivingPk` into
 * `shares` fragments, any `threshold` of which re-encrypt. Each fragment is
 * signed by `signer`; the flags say whether the signature for proxies also
 * covers the delegating and receiving keys.
 *
 * @example
 * ```ts
 * const kfrags = generateKFrags(patientSk, clinicPk, new Signer(patientSk), 2, 3, true, true);
 * ```
 */
export function generateKFrags(
  delegatingSk: SecretKey,
  receivingPk: PublicKey,
  signer: Signer,
  threshold: number,
  shares: number,
  signDelegatingKey: boolean,
  signReceivingKey: boolean,
): VerifiedKeyFrag[] {
  assertInstance(delegatingSk, SecretKey, 'delegatingSk');
  assertInstance(receivingPk, PublicKey, 'receivingPk');
  assertInstance(signer, Signer, 'signer');
  if (
    !Number.isSafeInteger(threshold) ||
    !Number.isSafeInteger(shares) ||
    threshold < 1 ||
    threshold > shares
  ) {
    throw new InvalidThresholdError(threshold, shares);
  }
  if (typeof signDelegatingKey !== 'boolean')
    throw new InvalidArgumentError('signDelegatingKey', 'a boolean');
  if (typeof signReceivingKey !== 'boolean')
    throw new InvalidArgumentError('signReceivingKey', 'a boolean');
  const delegatingPoint = pointOf(delegatingSk.publicKey());
  const receivingPoint = pointOf(receivingPk);

  const precursorSecret = randomScalar();
  const precursor = mulSecret(G, precursorSecret);
  const dh = mulSecretByKey(receivingPoint, precursorSecret);
  const d = hashToSharedSecret(precursor, receivingPoint, dh);
  const coefficients = [Fn.mul(secretScalarOf(delegatingSk), Fn.inv(d))];
  for (let i = 1; i < threshold; i++) coefficients.push(randomScalar());

  const kfrags: VerifiedKeyFrag[] = [];
  while (kfrags.length < shares) {
    const id = randomBytes(KFRAG_ID_SIZE);
    const key = polyEval(coefficients, hashToPolynomialArg(precursor, receivingPoint, dh, id));
    if (key === 0n) continue; // probability 2⁻²⁵⁶; a zero share has no encoding
    const commitment = mulSecret(U, key);
    const sign = (withDelegating: boolean, withReceiving: boolean) =>
      signer.sign(
        kfragSignatureMessage(
          id,
          commitment,
          precursor,
          withDelegating ? delegatingPoint : undefined,
          withReceiving ? receivingPoint : undefined,
        ),
      );
    const signatureForReceiver = sign(true, true);
    // When both keys are signed the two messages are equal: one signature serves both.
    const signatureForProxy =
      signDelegatingKey && signReceivingKey
        ? signatureForReceiver
        : sign(signDelegatingKey, signReceivingKey);
    kfrags.push(
      new VerifiedKeyFrag({
        id,
        key,
        precursor,
        commitment,
        signatureForProxy,
        signatureForReceiver,
        delegatingKeySigned: signDelegatingKey,
        receivingKeySigned: signReceivingKey,
      }),
    );
  }
  return kfrags;
}
