/** Verification and decryption reject every wrong key, fragment and ciphertext. */
import { inspect } from 'node:util';
import { expectError } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
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
  InvalidArgumentError,
  InvalidThresholdError,
  KeyFrag,
  KeyFragCommitmentError,
  KeyFragSignatureError,
  MismatchedCapsuleFragsError,
  NoCapsuleFragsError,
  type PublicKey,
  ReceivingKeyNotProvidedError,
  ReencryptionValidationError,
  RepeatingCapsuleFragsError,
  reencrypt,
  SecretKey,
  Signer,
  type VerifiedCapsuleFrag,
  type VerifiedKeyFrag,
} from './index.js';

const patient = SecretKey.random();
const reader = SecretKey.random();
const stranger = SecretKey.random();
const signer = new Signer(patient);
const vk = signer.verifyingKey();
const dpk = patient.publicKey();
const rpk = reader.publicKey();
const spk = stranger.publicKey();
const plaintext = new TextEncoder().encode('lab results');
const [capsule, ciphertext] = encrypt(dpk, plaintext);
const [otherCapsule] = encrypt(dpk, plaintext);
const kfrags = generateKFrags(patient, rpk, signer, 2, 3, true, true);
const cfrags = kfrags.map((k) => reencrypt(capsule, k));

const cat = (...parts: Iterable<number>[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** A copy of `bytes` with `value` written at `offset`. */
function patch(bytes: Uint8Array, offset: number, value: ArrayLike<number>): Uint8Array {
  const out = Uint8Array.from(bytes);
  out.set(value, offset);
  return out;
}
/** A valid point no fragment contains. */
const freshPoint = () => SecretKey.random().publicKey().toCompressedBytes();
/** A valid scalar no fragment contains. */
const freshScalar = () => SecretKey.random().toBEBytes();
/** A well-formed signature over something else. */
const foreignSignature = () => signer.sign(new Uint8Array([0xde, 0xad])).toBEBytes();

// Payload offsets (after each bin 8 header) in the MessagePack layouts.
const KFRAG = { id: 39, key: 73, precursor: 107, commitment: 143, sigProxy: 178, sigReceiver: 244 };
const KFRAG_FLAGS = { delegating: 308, receiving: 309 };
const CFRAG = {
  e1: 3,
  v1: 38,
  kfragId: 73,
  precursor: 107,
  e2: 143,
  v2: 178,
  commitment: 213,
  pok: 248,
  z: 283,
  signature: 317,
};

const unverified = (c: VerifiedCapsuleFrag) => CapsuleFrag.fromBytes(c.toBytes());
const keyFrag = (k: VerifiedKeyFrag) => KeyFrag.fromBytes(k.toBytes());

describe('KeyFrag.verify', () => {
  const bytes = kfrags[0]!.toBytes();

  test('accepts the right keys', () =>
    expect(keyFrag(kfrags[0]!).verify(vk, dpk, rpk).toBytes()).toEqual(bytes));

  describe('a tampered fragment', () => {
    test.each([
      ['key (another scalar)', () => patch(bytes, KFRAG.key, freshScalar())],
      ['commitment (another point)', () => patch(bytes, KFRAG.commitment, freshPoint())],
      [
        'key from another fragment of the set',
        () => patch(bytes, KFRAG.key, kfrags[1]!.toBytes().subarray(KFRAG.key, KFRAG.key + 32)),
      ],
    ])('rejects its %s: KeyFragCommitmentError', (_, make) =>
      expectError(
        () => KeyFrag.fromBytes(make()).verify(vk, dpk, rpk),
        KeyFragCommitmentError,
        'PRE_KFRAG_COMMITMENT',
      ),
    );

    test.each([
      [
        'key and commitment both from another fragment (consistent, but not signed)',
        () => {
          const other = kfrags[1]!.toBytes();
          return patch(
            patch(bytes, KFRAG.key, other.subarray(KFRAG.key, KFRAG.key + 32)),
            KFRAG.commitment,
            other.subarray(KFRAG.commitment, KFRAG.commitment + 33),
          );
        },
      ],
      ['id', () => patch(bytes, KFRAG.id, freshScalar())],
      ['precursor', () => patch(bytes, KFRAG.precursor, freshPoint())],
      ['signature for proxy', () => patch(bytes, KFRAG.sigProxy, foreignSignature())],
      [
        'signature for receiver (checked when both keys are given)',
        () => patch(bytes, KFRAG.sigReceiver, foreignSignature()),
      ],
      ['"delegating key signed" flag', () => patch(bytes, KFRAG_FLAGS.delegating, [0xc2])],
      ['"receiving key signed" flag', () => patch(bytes, KFRAG_FLAGS.receiving, [0xc2])],
    ])('rejects its %s: KeyFragSignatureError', (_, make) =>
      expectError(
        () => KeyFrag.fromBytes(make()).verify(vk, dpk, rpk),
        KeyFragSignatureError,
        'PRE_KFRAG_SIGNATURE',
      ),
    );
  });

  const flagCombinations = [
    { signDelegating: true, signReceiving: true },
    { signDelegating: true, signReceiving: false },
    { signDelegating: false, signReceiving: true },
    { signDelegating: false, signReceiving: false },
  ];

  describe.each(flagCombinations)(
    'signing delegating $signDelegating, receiving $signReceiving',
    ({ signDelegating, signReceiving }) => {
      const [k] = generateKFrags(patient, rpk, signer, 1, 1, signDelegating, signReceiving);
      const kf = () => keyFrag(k!);
      const d = signDelegating ? dpk : null;
      const r = signReceiving ? rpk : null;

      test('accepts exactly the signed keys, and both keys', () => {
        expect(() => kf().verify(vk, d, r)).not.toThrow();
        expect(() => kf().verify(vk, dpk, rpk)).not.toThrow();
      });
      test('rejects a wrong verifying key', () =>
        expectError(() => kf().verify(spk, d, r), KeyFragSignatureError, 'PRE_KFRAG_SIGNATURE'));
      if (signDelegating) {
        test('rejects a wrong delegating key (it signs it)', () =>
          expectError(() => kf().verify(vk, spk, r), KeyFragSignatureError, 'PRE_KFRAG_SIGNATURE'));
      }
      if (signReceiving) {
        test('rejects a wrong receiving key (it signs it)', () =>
          expectError(() => kf().verify(vk, d, spk), KeyFragSignatureError, 'PRE_KFRAG_SIGNATURE'));
      }
      test('with both keys given, checks the signature the receiver will check', () => {
        expectError(() => kf().verify(vk, spk, rpk), KeyFragSignatureError, 'PRE_KFRAG_SIGNATURE');
        expectError(() => kf().verify(vk, dpk, spk), KeyFragSignatureError, 'PRE_KFRAG_SIGNATURE');
      });
      test('with both keys given, rejects a tampered signature for the receiver', () => {
        const bytes = k!.toBytes();
        const tampered = patch(bytes, KFRAG.sigReceiver, foreignSignature());
        expectError(
          () => KeyFrag.fromBytes(tampered).verify(vk, dpk, rpk),
          KeyFragSignatureError,
          'PRE_KFRAG_SIGNATURE',
        );
      });
      if (!(signDelegating && signReceiving)) {
        // The two signatures sign different messages unless both keys are signed.
        test('with both keys given, rejects a signature for the receiver copied from the one for proxies', () => {
          const bytes = k!.toBytes();
          const copied = patch(
            bytes,
            KFRAG.sigReceiver,
            bytes.subarray(KFRAG.sigProxy, KFRAG.sigProxy + 64),
          );
          // every capsule fragment made from it is rejected by the receiver...
          const cfrag = reencrypt(capsule, KeyFrag.fromBytes(copied).skipVerification());
          expectError(
            () => unverified(cfrag).verify(capsule, vk, dpk, rpk),
            CapsuleFragSignatureError,
            'PRE_CFRAG_SIGNATURE',
          );
          // ...so the proxy's check with both keys must reject the key fragment
          expectError(
            () => KeyFrag.fromBytes(copied).verify(vk, dpk, rpk),
            KeyFragSignatureError,
            'PRE_KFRAG_SIGNATURE',
          );
        });
      }
      if (signDelegating) {
        test('requires the delegating key: DelegatingKeyNotProvidedError', () => {
          for (const missing of [null, undefined]) {
            expectError(
              () => kf().verify(vk, missing, rpk),
              DelegatingKeyNotProvidedError,
              'PRE_KFRAG_DELEGATING_KEY_MISSING',
            );
          }
        });
      }
      if (signReceiving) {
        test('requires the receiving key: ReceivingKeyNotProvidedError', () => {
          expectError(
            () => kf().verify(vk, dpk, null),
            ReceivingKeyNotProvidedError,
            'PRE_KFRAG_RECEIVING_KEY_MISSING',
          );
          expectError(
            () => kf().verify(vk, dpk),
            ReceivingKeyNotProvidedError,
            'PRE_KFRAG_RECEIVING_KEY_MISSING',
          );
        });
      }
    },
  );

  test('rejects keys that are not PublicKeys: InvalidArgumentError', () => {
    const notAKey = rpk.toCompressedBytes() as unknown as PublicKey;
    for (const call of [
      () => keyFrag(kfrags[0]!).verify(notAKey, dpk, rpk),
      () => keyFrag(kfrags[0]!).verify(vk, notAKey, rpk),
      () => keyFrag(kfrags[0]!).verify(vk, dpk, notAKey),
    ]) {
      expectError(call, InvalidArgumentError, 'PRE_INVALID_ARGUMENT');
    }
  });
});

describe('CapsuleFrag.verify', () => {
  const bytes = cfrags[0]!.toBytes();
  const check = (b: Uint8Array, c = capsule) => CapsuleFrag.fromBytes(b).verify(c, vk, dpk, rpk);

  test('accepts a correct fragment', () => expect(check(bytes).toBytes()).toEqual(bytes));

  test.each([
    ['E1', CFRAG.e1],
    ['V1', CFRAG.v1],
    ['E2', CFRAG.e2],
    ['V2', CFRAG.v2],
    ['pok (U2)', CFRAG.pok],
  ])('rejects a tampered point %s: CapsuleFragProofError', (_, offset) =>
    expectError(
      () => check(patch(bytes, offset, freshPoint())),
      CapsuleFragProofError,
      'PRE_CFRAG_PROOF',
    ),
  );

  test.each([
    ['E1', CFRAG.e1],
    ['V1', CFRAG.v1],
  ])('rejects %s taken from another fragment of the same set', (_, offset) =>
    expectError(
      () => check(patch(bytes, offset, cfrags[1]!.toBytes().subarray(offset, offset + 33))),
      CapsuleFragProofError,
      'PRE_CFRAG_PROOF',
    ),
  );

  test.each([
    ['z (another scalar)', () => freshScalar()],
    [
      'z + 1',
      () => {
        const z = BigInt(`0x${Buffer.from(bytes.subarray(CFRAG.z, CFRAG.z + 32)).toString('hex')}`);
        return Uint8Array.from(Buffer.from((z + 1n).toString(16).padStart(64, '0'), 'hex'));
      },
    ],
  ])('rejects a tampered %s: CapsuleFragProofError', (_, value) =>
    expectError(
      () => check(patch(bytes, CFRAG.z, value())),
      CapsuleFragProofError,
      'PRE_CFRAG_PROOF',
    ),
  );

  test('rejects a proof from another re-encryption mixed in: CapsuleFragProofError', () => {
    const again = reencrypt(capsule, kfrags[0]!).toBytes(); // same kfrag, fresh proof
    for (const [offset, length] of [
      [CFRAG.e2, 33],
      [CFRAG.v2, 33],
      [CFRAG.pok, 33],
      [CFRAG.z, 32],
    ] as const) {
      expectError(
        () => check(patch(bytes, offset, again.subarray(offset, offset + length))),
        CapsuleFragProofError,
        'PRE_CFRAG_PROOF',
      );
    }
  });

  test.each([
    ['commitment (U1)', CFRAG.commitment, freshPoint],
    ['precursor', CFRAG.precursor, freshPoint],
    ['kfrag id', CFRAG.kfragId, freshScalar],
    ['kfrag signature', CFRAG.signature, foreignSignature],
  ])('rejects a tampered %s: CapsuleFragSignatureError', (_, offset, value) =>
    expectError(
      () => check(patch(bytes, offset, value())),
      CapsuleFragSignatureError,
      'PRE_CFRAG_SIGNATURE',
    ),
  );

  test('rejects a fragment made for another capsule: CapsuleFragProofError', () => {
    expectError(() => check(bytes, otherCapsule), CapsuleFragProofError, 'PRE_CFRAG_PROOF');
    const forOther = reencrypt(otherCapsule, kfrags[0]!).toBytes();
    expectError(() => check(forOther, capsule), CapsuleFragProofError, 'PRE_CFRAG_PROOF');
    expect(() => check(forOther, otherCapsule)).not.toThrow();
  });

  test('rejects a fragment made for another receiver: CapsuleFragSignatureError', () => {
    const [k] = generateKFrags(patient, spk, signer, 1, 1, true, true);
    const c = reencrypt(capsule, k!);
    expectError(
      () => unverified(c).verify(capsule, vk, dpk, rpk),
      CapsuleFragSignatureError,
      'PRE_CFRAG_SIGNATURE',
    );
    expect(() => unverified(c).verify(capsule, vk, dpk, spk)).not.toThrow();
  });

  test('rejects a fragment made from another delegator: CapsuleFragSignatureError', () => {
    const [k] = generateKFrags(stranger, rpk, signer, 1, 1, false, false);
    const c = reencrypt(capsule, k!);
    expectError(
      () => unverified(c).verify(capsule, vk, dpk, rpk),
      CapsuleFragSignatureError,
      'PRE_CFRAG_SIGNATURE',
    );
  });

  test.each([
    ['verifying key', () => unverified(cfrags[0]!).verify(capsule, spk, dpk, rpk)],
    ['delegating key', () => unverified(cfrags[0]!).verify(capsule, vk, spk, rpk)],
    ['receiving key', () => unverified(cfrags[0]!).verify(capsule, vk, dpk, spk)],
  ])('rejects a wrong %s: CapsuleFragSignatureError', (_, fn) =>
    expectError(fn, CapsuleFragSignatureError, 'PRE_CFRAG_SIGNATURE'),
  );
});

describe('decryptReencrypted', () => {
  const open = (
    c: VerifiedCapsuleFrag[],
    {
      sk = reader,
      pk = dpk,
      ct = ciphertext,
    }: { sk?: SecretKey; pk?: PublicKey; ct?: Uint8Array } = {},
  ) => decryptReencrypted(sk, pk, capsule, c, ct);
  const two = cfrags.slice(0, 2);

  test('opens with any 2 of 3, in any order, and with all 3', () => {
    for (const pick of [
      [0, 1],
      [1, 2],
      [2, 0],
      [1, 0],
      [0, 1, 2],
      [2, 1, 0],
    ]) {
      expect(open(pick.map((i) => cfrags[i]!))).toEqual(plaintext);
    }
  });

  test('rejects fewer than threshold: ReencryptionValidationError', () => {
    for (const c of cfrags) {
      expectError(() => open([c]), ReencryptionValidationError, 'PRE_REENCRYPTION_INVALID');
    }
    const five = generateKFrags(patient, rpk, signer, 3, 5, true, true);
    expectError(
      () => open(five.slice(0, 2).map((k) => reencrypt(capsule, k))),
      ReencryptionValidationError,
      'PRE_REENCRYPTION_INVALID',
    );
  });

  test('rejects no fragments: NoCapsuleFragsError', () =>
    expectError(() => open([]), NoCapsuleFragsError, 'PRE_NO_CFRAGS'));

  test('rejects a repeated fragment: RepeatingCapsuleFragsError', () => {
    expectError(
      () => open([cfrags[0]!, cfrags[0]!]),
      RepeatingCapsuleFragsError,
      'PRE_CFRAGS_REPEATED',
    );
    // the same key fragment re-encrypting twice: different proofs, same kfrag id
    expectError(
      () => open([cfrags[0]!, reencrypt(capsule, kfrags[0]!), cfrags[1]!]),
      RepeatingCapsuleFragsError,
      'PRE_CFRAGS_REPEATED',
    );
  });

  test('rejects fragments from two key-fragment sets: MismatchedCapsuleFragsError', () => {
    const other = generateKFrags(patient, rpk, signer, 2, 3, true, true);
    expectError(
      () => open([cfrags[0]!, reencrypt(capsule, other[1]!)]),
      MismatchedCapsuleFragsError,
      'PRE_CFRAGS_MISMATCHED',
    );
  });

  test('rejects a wrong receiving secret key: ReencryptionValidationError', () =>
    expectError(
      () => open(two, { sk: stranger }),
      ReencryptionValidationError,
      'PRE_REENCRYPTION_INVALID',
    ));

  // The reference (umbral-pre 0.10) checks P_delegating·(s/d) = h·e' + v'
  // before decrypting and fails with "Internal validation failed" here.
  test('rejects a wrong delegating public key: ReencryptionValidationError', () =>
    expectError(
      () => open(two, { pk: spk }),
      ReencryptionValidationError,
      'PRE_REENCRYPTION_INVALID',
    ));

  test('rejects fragments of another capsule (unchecked): ReencryptionValidationError', () => {
    const forOther = kfrags.slice(0, 2).map((k) => reencrypt(otherCapsule, k));
    expectError(() => open(forOther), ReencryptionValidationError, 'PRE_REENCRYPTION_INVALID');
  });

  test('rejects fragments for another receiver (unchecked): ReencryptionValidationError', () => {
    const forStranger = generateKFrags(patient, spk, signer, 2, 3, true, true)
      .slice(0, 2)
      .map((k) => reencrypt(capsule, k));
    expectError(() => open(forStranger), ReencryptionValidationError, 'PRE_REENCRYPTION_INVALID');
  });

  test.each([
    ['in the nonce', 0],
    ['in the body', 30],
    ['in the tag', ciphertext.length - 1],
  ])('rejects a ciphertext tampered %s: DecryptionFailedError', (_, index) => {
    const ct = Uint8Array.from(ciphertext);
    ct[index]! ^= 1;
    expectError(() => open(two, { ct }), DecryptionFailedError, 'PRE_DECRYPTION_FAILED');
  });

  test.each([
    ['one byte appended', () => cat(ciphertext, [0])],
    ['one byte removed', () => ciphertext.slice(0, -1)],
    ['another capsule’s ciphertext', () => encrypt(dpk, plaintext)[1]],
    ['40 zero bytes', () => new Uint8Array(40)],
  ])('rejects %s: DecryptionFailedError', (_, ct) =>
    expectError(() => open(two, { ct: ct() }), DecryptionFailedError, 'PRE_DECRYPTION_FAILED'),
  );

  test.each([0, 1, 24, 39])('rejects a %i-byte ciphertext: CiphertextTooShortError', (n) =>
    expectError(
      () => open(two, { ct: ciphertext.slice(0, n) }),
      CiphertextTooShortError,
      'PRE_CIPHERTEXT_TOO_SHORT',
    ),
  );

  test('rejects unverified fragments: InvalidArgumentError', () =>
    expectError(
      () => open(two.map((c) => unverified(c)) as unknown as VerifiedCapsuleFrag[]),
      InvalidArgumentError,
      'PRE_INVALID_ARGUMENT',
    ));
});

describe('decryptOriginal', () => {
  test('opens for the owner', () =>
    expect(decryptOriginal(patient, capsule, ciphertext)).toEqual(plaintext));
  test.each([
    ['a stranger’s key', () => decryptOriginal(stranger, capsule, ciphertext)],
    ['the receiver’s key', () => decryptOriginal(reader, capsule, ciphertext)],
    ['another capsule', () => decryptOriginal(patient, otherCapsule, ciphertext)],
    [
      'a tampered ciphertext',
      () => {
        const ct = Uint8Array.from(ciphertext);
        ct[ct.length - 1]! ^= 0x80;
        return decryptOriginal(patient, capsule, ct);
      },
    ],
  ])('rejects %s: DecryptionFailedError', (_, fn) =>
    expectError(fn, DecryptionFailedError, 'PRE_DECRYPTION_FAILED'),
  );
  test('rejects a too-short ciphertext: CiphertextTooShortError', () =>
    expectError(
      () => decryptOriginal(patient, capsule, ciphertext.slice(0, 39)),
      CiphertextTooShortError,
      'PRE_CIPHERTEXT_TOO_SHORT',
    ));
});

describe('generateKFrags', () => {
  test.each([
    [0, 3],
    [0, 0],
    [4, 3],
    [2, 1],
    [-1, 2],
    [1.5, 3],
    [2, 3.5],
    [Number.NaN, 3],
    [2, Number.NaN],
    [1, Number.POSITIVE_INFINITY],
    [2 ** 53, 2 ** 53 + 2],
    ['2', 3],
    [2, '3'],
    [undefined, 3],
    [2n, 3],
  ])('rejects threshold %s of %s shares: InvalidThresholdError', (t, n) =>
    expectError(
      () => generateKFrags(patient, rpk, signer, t as number, n as number, true, true),
      InvalidThresholdError,
      'PRE_INVALID_THRESHOLD',
    ),
  );
  test.each([
    [1, 1],
    [1, 3],
    [3, 3],
  ])('accepts threshold %i of %i shares', (t, n) =>
    expect(generateKFrags(patient, rpk, signer, t, n, true, true)).toHaveLength(n),
  );
  test.each([
    [1, true],
    [true, 'yes'],
    [undefined, false],
    [false, null],
  ])('rejects signing flags %s, %s that are not booleans: InvalidArgumentError', (d, r) =>
    expectError(
      () => generateKFrags(patient, rpk, signer, 2, 3, d as boolean, r as boolean),
      InvalidArgumentError,
      'PRE_INVALID_ARGUMENT',
    ),
  );
});

describe('secrets stay secret', () => {
  const bytes = Buffer.from(patient.toBEBytes());
  const forms = [
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    bytes.toString('base64'),
    BigInt(`0x${bytes.toString('hex')}`).toString(),
  ];
  const expectHidden = (shown: string) => {
    for (const form of forms) expect(shown).not.toContain(form);
    expect(shown).not.toMatch(/[0-9a-f]{64}/i);
  };

  test.each([
    ['String(sk)', () => String(patient)],
    ['a template literal', () => `${patient}`],
    ['JSON.stringify(sk)', () => JSON.stringify(patient)],
    ['JSON.stringify({ sk })', () => JSON.stringify({ patient })],
    ['util.inspect(sk)', () => inspect(patient)],
    [
      'util.inspect(sk, showHidden, getters, depth ∞)',
      () => inspect(patient, { showHidden: true, getters: true, depth: Number.POSITIVE_INFINITY }),
    ],
    ['util.inspect({ sk })', () => inspect({ patient }, { showHidden: true })],
    ['String(signer)', () => String(signer)],
    ['util.inspect(signer)', () => inspect(signer, { showHidden: true, depth: 5 })],
    ['JSON.stringify(signer)', () => JSON.stringify(signer)],
  ])('%s does not show the secret', (_, show) => expectHidden(show()));

  test('no own property reaches the secret', () => {
    expect(Object.keys(patient)).toEqual([]);
    expect(Object.getOwnPropertyNames(patient)).toEqual([]);
    expect(Reflect.ownKeys(patient)).toEqual([]);
    expect({ ...patient }).toEqual({});
    expectHidden(JSON.stringify(structuredClone(patient)));
  });
});
