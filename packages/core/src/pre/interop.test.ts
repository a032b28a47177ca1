/**
 * Byte compatibility with @nucypher/umbral-pre 0.10 in both directions.
 * The reference is GPL-3.0: imported by tests and benchmarks only.
 */
import * as ref from '@nucypher/umbral-pre';
import { describe, expect, test } from 'vitest';
import * as ours from './index.js';

const bytes = (b: Uint8Array) => Buffer.from(b).toString('hex');
const theirPk = (pk: ours.PublicKey) => ref.PublicKey.fromCompressedBytes(pk.toCompressedBytes());
const ourPk = (pk: ref.PublicKey) => ours.PublicKey.fromCompressedBytes(pk.toCompressedBytes());
const theirSk = (sk: ours.SecretKey) => ref.SecretKey.fromBEBytes(sk.toBEBytes());
const message = new TextEncoder().encode('a FHIR Observation data key');

describe('keys and signatures', () => {
  test('secret and public keys round-trip and derive the same public key', () => {
    const sk = ours.SecretKey.random();
    expect(bytes(theirSk(sk).publicKey().toCompressedBytes())).toBe(
      bytes(sk.publicKey().toCompressedBytes()),
    );
    const tsk = ref.SecretKey.random();
    const back = ours.SecretKey.fromBEBytes(tsk.toBEBytes());
    expect(bytes(back.publicKey().toCompressedBytes())).toBe(
      bytes(tsk.publicKey().toCompressedBytes()),
    );
  });

  test('our signatures verify there and theirs here, BE and DER', () => {
    const sk = ours.SecretKey.random();
    const sig = new ours.Signer(sk).sign(message);
    const pk = theirPk(sk.publicKey());
    expect(ref.Signature.fromBEBytes(sig.toBEBytes()).verify(pk, message)).toBe(true);
    expect(ref.Signature.fromDerBytes(sig.toDerBytes()).verify(pk, message)).toBe(true);
    const tsigner = new ref.Signer(theirSk(sk));
    const tsig = tsigner.sign(message);
    expect(ours.Signature.fromBEBytes(tsig.toBEBytes()).verify(sk.publicKey(), message)).toBe(true);
    expect(ours.Signature.fromDerBytes(tsig.toDerBytes()).verify(sk.publicKey(), message)).toBe(
      true,
    );
    expect(bytes(ours.Signature.fromDerBytes(tsig.toDerBytes()).toBEBytes())).toBe(
      bytes(tsig.toBEBytes()),
    );
  });
});

describe('capsules', () => {
  test('ours encrypts, theirs decrypts; encodings equal after a round trip', () => {
    const sk = ours.SecretKey.random();
    const [capsule, ct] = ours.encrypt(sk.publicKey(), message);
    const theirs = ref.Capsule.fromBytes(capsule.toBytes());
    expect(bytes(theirs.toBytes())).toBe(bytes(capsule.toBytes()));
    expect(bytes(theirs.toBytesSimple())).toBe(bytes(capsule.toBytesSimple()));
    expect(bytes(ref.decryptOriginal(theirSk(sk), theirs, ct))).toBe(bytes(message));
    expect(capsule.toString()).toBe(theirs.toString());
  });

  test('theirs encrypts, ours decrypts', () => {
    const tsk = ref.SecretKey.random();
    const [capsule, ct] = ref.encrypt(tsk.publicKey(), message);
    const ourCapsule = ours.Capsule.fromBytes(capsule.toBytes());
    expect(bytes(ourCapsule.toBytes())).toBe(bytes(capsule.toBytes()));
    const sk = ours.SecretKey.fromBEBytes(tsk.toBEBytes());
    expect(bytes(ours.decryptOriginal(sk, ourCapsule, ct))).toBe(bytes(message));
  });
});

const thresholds: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 5],
];
const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const matrix = thresholds.flatMap(([t, n]) =>
  flags.map(([d, r]) => ({ t, n, signDelegating: d, signReceiving: r })),
);

function setup() {
  const delegating = ours.SecretKey.random();
  const receiving = ours.SecretKey.random();
  const signing = ours.SecretKey.random();
  const [capsule, ciphertext] = ours.encrypt(delegating.publicKey(), message);
  return {
    delegating,
    receiving,
    signer: new ours.Signer(signing),
    tSigner: new ref.Signer(theirSk(signing)),
    capsule,
    tCapsule: ref.Capsule.fromBytes(capsule.toBytes()),
    ciphertext,
  };
}

describe.each(matrix)(
  '$t of $n, sign delegating $signDelegating, sign receiving $signReceiving',
  ({ t, n, signDelegating, signReceiving }) => {
    test('our kfrags → their reencrypt → our verify and decrypt', () => {
      const s = setup();
      const kfrags = ours.generateKFrags(
        s.delegating,
        s.receiving.publicKey(),
        s.signer,
        t,
        n,
        signDelegating,
        signReceiving,
      );
      expect(kfrags).toHaveLength(n);
      const cfragBytes = kfrags.slice(n - t).map((k) => {
        const theirs = ref.KeyFrag.fromBytes(k.toBytes()).verify(
          theirPk(s.signer.verifyingKey()),
          signDelegating ? theirPk(s.delegating.publicKey()) : null,
          signReceiving ? theirPk(s.receiving.publicKey()) : null,
        );
        expect(bytes(theirs.toBytes())).toBe(bytes(k.toBytes()));
        return ref.reencrypt(s.tCapsule, theirs).toBytes();
      });
      const verified = cfragBytes.map((b) =>
        ours.CapsuleFrag.fromBytes(b).verify(
          s.capsule,
          s.signer.verifyingKey(),
          s.delegating.publicKey(),
          s.receiving.publicKey(),
        ),
      );
      expect(
        bytes(
          ours.decryptReencrypted(
            s.receiving,
            s.delegating.publicKey(),
            s.capsule,
            verified,
            s.ciphertext,
          ),
        ),
      ).toBe(bytes(message));
      const [opened] = ours.openCapsules(
        s.receiving,
        s.delegating.publicKey(),
        s.signer.verifyingKey(),
        [
          {
            capsule: s.capsule,
            cfrags: cfragBytes.map((b) => ours.CapsuleFrag.fromBytes(b)),
            ciphertext: s.ciphertext,
          },
        ],
      );
      expect(bytes(opened as Uint8Array)).toBe(bytes(message));
    });

    test('their kfrags → our reencrypt → their verify and decrypt (mixed with their cfrags)', () => {
      const s = setup();
      const tReceiving = theirSk(s.receiving);
      const tDelegating = theirSk(s.delegating);
      const tkfrags = ref.generateKFrags(
        tDelegating,
        tReceiving.publicKey(),
        s.tSigner,
        t,
        n,
        signDelegating,
        signReceiving,
      );
      const cfragBytes = tkfrags.slice(0, t).map((k, i) => {
        if (i % 2 === 1) return ref.reencrypt(s.tCapsule, k).toBytes(); // one of their proxies
        const ourKfrag = ours.KeyFrag.fromBytes(k.toBytes()).verify(
          ourPk(s.tSigner.verifyingKey()),
          signDelegating ? s.delegating.publicKey() : null,
          signReceiving ? s.receiving.publicKey() : undefined,
        );
        expect(bytes(ourKfrag.toBytes())).toBe(bytes(k.toBytes()));
        return ours.reencrypt(s.capsule, ourKfrag).toBytes();
      });
      const verified = cfragBytes.map((b) =>
        ref.CapsuleFrag.fromBytes(b).verify(
          s.tCapsule,
          s.tSigner.verifyingKey(),
          tDelegating.publicKey(),
          tReceiving.publicKey(),
        ),
      );
      expect(
        bytes(
          ref.decryptReencrypted(
            tReceiving,
            tDelegating.publicKey(),
            s.tCapsule,
            verified,
            s.ciphertext,
          ),
        ),
      ).toBe(bytes(message));
      const simple = ours.CapsuleFrag.fromBytes(cfragBytes[0] as Uint8Array).toBytesSimple();
      expect(bytes(simple)).toBe(bytes((verified[0] as ref.VerifiedCapsuleFrag).toBytesSimple()));
    });
  },
);
