/**
 * Byte compatibility with @nucypher/umbral-pre 0.10 (the Rust reference,
 * compiled to WASM) in both directions — on each curve backend: the whole
 * suite runs on libsecp256k1 in WebAssembly, then again on @noble/curves
 * (only noble when MEDVAULT_PRE_BACKEND=noble).
 *
 * The reference is GPL-3.0: it is imported by test files only. Its `verify`
 * methods consume the object, so every verification starts from fresh bytes.
 */
import * as theirs from '@nucypher/umbral-pre';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getPreBackend, loadedBackends, usePreBackendForTests } from './backend/index.js';
import * as ours from './index.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const be32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const message = new TextEncoder().encode('a FHIR Observation data key');

// Crossing over: always through bytes.
const toTheirPk = (pk: ours.PublicKey) =>
  theirs.PublicKey.fromCompressedBytes(pk.toCompressedBytes());
const toOurPk = (pk: theirs.PublicKey) =>
  ours.PublicKey.fromCompressedBytes(pk.toCompressedBytes());
const toTheirSk = (sk: ours.SecretKey) => theirs.SecretKey.fromBEBytes(sk.toBEBytes());
const toOurSk = (sk: theirs.SecretKey) => ours.SecretKey.fromBEBytes(sk.toBEBytes());

const backends = loadedBackends().wasm ? (['wasm', 'noble'] as const) : (['noble'] as const);
const initial = getPreBackend();

describe.each(backends)('on the %s backend', (backend) => {
  beforeAll(() => usePreBackendForTests(backend));
  afterAll(() => usePreBackendForTests(initial));
  test('runs on it', () => expect(ours.getPreBackend()).toBe(backend));
  interopSuite();
});

function interopSuite(): void {
  describe('keys', () => {
    const edgeScalars = [1n, 2n, N - 1n, N / 2n];
    test.each(edgeScalars)('the secret scalar %s gives the same key pair on both sides', (k) => {
      const ourSk = ours.SecretKey.fromBEBytes(be32(k));
      const theirSk = theirs.SecretKey.fromBEBytes(be32(k));
      expect(hex(ourSk.toBEBytes())).toBe(hex(theirSk.toBEBytes()));
      expect(hex(ourSk.publicKey().toCompressedBytes())).toBe(
        hex(theirSk.publicKey().toCompressedBytes()),
      );
    });

    test('our random keys derive the same public key there, and round-trip', () => {
      for (let i = 0; i < 8; i++) {
        const sk = ours.SecretKey.random();
        const tsk = toTheirSk(sk);
        expect(hex(tsk.toBEBytes())).toBe(hex(sk.toBEBytes()));
        const pkBytes = sk.publicKey().toCompressedBytes();
        expect(hex(tsk.publicKey().toCompressedBytes())).toBe(hex(pkBytes));
        expect(hex(toTheirPk(sk.publicKey()).toCompressedBytes())).toBe(hex(pkBytes));
        expect(sk.publicKey().toString()).toBe(tsk.publicKey().toString());
      }
    });

    test('their random keys derive the same public key here, and round-trip', () => {
      for (let i = 0; i < 8; i++) {
        const tsk = theirs.SecretKey.random();
        const sk = toOurSk(tsk);
        expect(hex(sk.toBEBytes())).toBe(hex(tsk.toBEBytes()));
        const pkBytes = tsk.publicKey().toCompressedBytes();
        expect(hex(sk.publicKey().toCompressedBytes())).toBe(hex(pkBytes));
        expect(hex(toOurPk(tsk.publicKey()).toCompressedBytes())).toBe(hex(pkBytes));
      }
    });
  });

  describe('signatures', () => {
    const messages = [new Uint8Array(0), message, new Uint8Array(1000).fill(0xab)];

    test.each(messages.map((m) => [m.length, m] as const))(
      'ours sign, theirs verify, BE and DER (%i-byte message)',
      (_, msg) => {
        const sk = ours.SecretKey.random();
        const sig = new ours.Signer(sk).sign(msg);
        const pk = () => toTheirPk(sk.publicKey());
        expect(theirs.Signature.fromBEBytes(sig.toBEBytes()).verify(pk(), msg)).toBe(true);
        expect(theirs.Signature.fromDerBytes(sig.toDerBytes()).verify(pk(), msg)).toBe(true);
        // same signature, same encodings on both sides
        const tsig = theirs.Signature.fromBEBytes(sig.toBEBytes());
        expect(hex(tsig.toDerBytes())).toBe(hex(sig.toDerBytes()));
        expect(hex(theirs.Signature.fromDerBytes(sig.toDerBytes()).toBEBytes())).toBe(
          hex(sig.toBEBytes()),
        );
        // and a signature over something else does not verify there
        const other = new Uint8Array([...msg, 0]);
        expect(theirs.Signature.fromBEBytes(sig.toBEBytes()).verify(pk(), other)).toBe(false);
      },
    );

    test.each(messages.map((m) => [m.length, m] as const))(
      'theirs sign, ours verify, BE and DER (%i-byte message)',
      (_, msg) => {
        const tsk = theirs.SecretKey.random();
        const tsig = new theirs.Signer(tsk).sign(msg);
        const pk = toOurPk(tsk.publicKey());
        expect(ours.Signature.fromBEBytes(tsig.toBEBytes()).verify(pk, msg)).toBe(true);
        expect(ours.Signature.fromDerBytes(tsig.toDerBytes()).verify(pk, msg)).toBe(true);
        const sig = ours.Signature.fromDerBytes(tsig.toDerBytes());
        expect(hex(sig.toBEBytes())).toBe(hex(tsig.toBEBytes()));
        expect(hex(sig.toDerBytes())).toBe(hex(tsig.toDerBytes()));
        expect(sig.verify(pk, new Uint8Array([...msg, 0]))).toBe(false);
      },
    );

    test('the verifying keys of both signers agree', () => {
      const sk = ours.SecretKey.random();
      expect(hex(new theirs.Signer(toTheirSk(sk)).verifyingKey().toCompressedBytes())).toBe(
        hex(new ours.Signer(sk).verifyingKey().toCompressedBytes()),
      );
    });
  });

  describe('capsules', () => {
    const plaintexts = [new Uint8Array(0), message, new Uint8Array(5000).fill(7)];

    test.each(plaintexts.map((p) => [p.length, p] as const))(
      'ours encrypt, theirs decryptOriginal; encodings equal after a round trip (%i bytes)',
      (_, plaintext) => {
        const sk = ours.SecretKey.random();
        const [capsule, ct] = ours.encrypt(sk.publicKey(), plaintext);
        const theirCapsule = theirs.Capsule.fromBytes(capsule.toBytes());
        expect(hex(theirCapsule.toBytes())).toBe(hex(capsule.toBytes()));
        expect(hex(theirCapsule.toBytesSimple())).toBe(hex(capsule.toBytesSimple()));
        expect(theirCapsule.toString()).toBe(capsule.toString());
        expect(hex(theirs.decryptOriginal(toTheirSk(sk), theirCapsule, ct))).toBe(hex(plaintext));
        // back again
        const back = ours.Capsule.fromBytes(theirCapsule.toBytes());
        expect(back.equals(capsule)).toBe(true);
      },
    );

    test.each(plaintexts.map((p) => [p.length, p] as const))(
      'theirs encrypt, ours decryptOriginal; encodings equal after a round trip (%i bytes)',
      (_, plaintext) => {
        const tsk = theirs.SecretKey.random();
        const [theirCapsule, ct] = theirs.encrypt(tsk.publicKey(), plaintext);
        const capsule = ours.Capsule.fromBytes(theirCapsule.toBytes());
        expect(hex(capsule.toBytes())).toBe(hex(theirCapsule.toBytes()));
        expect(hex(capsule.toBytesSimple())).toBe(hex(theirCapsule.toBytesSimple()));
        expect(capsule.toString()).toBe(theirCapsule.toString());
        expect(hex(ours.decryptOriginal(toOurSk(tsk), capsule, ct))).toBe(hex(plaintext));
        expect(hex(theirs.Capsule.fromBytes(capsule.toBytes()).toBytes())).toBe(
          hex(theirCapsule.toBytes()),
        );
      },
    );
  });

  // ---- the re-encryption matrix -------------------------------------------------

  const thresholds: [number, number][] = [
    [1, 1],
    [2, 3],
    [3, 5],
  ];
  const flags: [boolean, boolean][] = [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ];
  const matrix = thresholds.flatMap(([t, n]) =>
    flags.map(([signDelegating, signReceiving]) => ({ t, n, signDelegating, signReceiving })),
  );

  /** Keys known to both sides, one capsule made by us and one by them. */
  function setup() {
    const delegating = ours.SecretKey.random();
    const receiving = ours.SecretKey.random();
    const signing = ours.SecretKey.random();
    const [capsule, ciphertext] = ours.encrypt(delegating.publicKey(), message);
    const [theirCapsule, theirCiphertext] = theirs.encrypt(
      toTheirPk(delegating.publicKey()),
      message,
    );
    return {
      delegating,
      receiving,
      signer: new ours.Signer(signing),
      tDelegating: toTheirSk(delegating),
      tReceiving: toTheirSk(receiving),
      tSigner: new theirs.Signer(toTheirSk(signing)),
      capsule,
      ciphertext,
      theirCapsule,
      theirCiphertext,
    };
  }
  type Setup = ReturnType<typeof setup>;

  /** Their verification of capsule-fragment bytes against the capsule `capsuleBytes`. */
  function theirVerify(s: Setup, capsuleBytes: Uint8Array, cfragBytes: Uint8Array) {
    return theirs.CapsuleFrag.fromBytes(cfragBytes).verify(
      theirs.Capsule.fromBytes(capsuleBytes),
      s.tSigner.verifyingKey(),
      s.tDelegating.publicKey(),
      s.tReceiving.publicKey(),
    );
  }

  /** Our verification of capsule-fragment bytes. */
  function ourVerify(s: Setup, capsule: ours.Capsule, cfragBytes: Uint8Array) {
    return ours.CapsuleFrag.fromBytes(cfragBytes).verify(
      capsule,
      s.signer.verifyingKey(),
      s.delegating.publicKey(),
      s.receiving.publicKey(),
    );
  }

  describe.each(matrix)(
    '$t of $n, signing delegating key $signDelegating, receiving key $signReceiving',
    ({ t, n, signDelegating, signReceiving }) => {
      test('our kfrags → their verify and reencrypt → our verify and decryptReencrypted', () => {
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
        for (const k of kfrags) expect(k.toBytes()).toHaveLength(310);
        const capsule = theirs.Capsule.fromBytes(s.capsule.toBytes());
        const cfragBytes = kfrags.slice(n - t).map((k) => {
          const verified = theirs.KeyFrag.fromBytes(k.toBytes()).verify(
            toTheirPk(s.signer.verifyingKey()),
            signDelegating ? toTheirPk(s.delegating.publicKey()) : null,
            signReceiving ? toTheirPk(s.receiving.publicKey()) : null,
          );
          expect(hex(verified.toBytes())).toBe(hex(k.toBytes()));
          // their verification also passes with both keys, signed or not
          theirs.KeyFrag.fromBytes(k.toBytes()).verify(
            toTheirPk(s.signer.verifyingKey()),
            toTheirPk(s.delegating.publicKey()),
            toTheirPk(s.receiving.publicKey()),
          );
          const bytes = theirs.reencrypt(capsule, verified).toBytes();
          expect(bytes).toHaveLength(381);
          return bytes;
        });
        const verified = cfragBytes.map((b) => ourVerify(s, s.capsule, b));
        for (const [i, v] of verified.entries()) expect(hex(v.toBytes())).toBe(hex(cfragBytes[i]!));
        const opened = ours.decryptReencrypted(
          s.receiving,
          s.delegating.publicKey(),
          s.capsule,
          verified,
          s.ciphertext,
        );
        expect(hex(opened)).toBe(hex(message));
      });

      test('their kfrags → our verify and reencrypt → their verify and decryptReencrypted', () => {
        const s = setup();
        const tkfrags = theirs.generateKFrags(
          s.tDelegating,
          s.tReceiving.publicKey(),
          s.tSigner,
          t,
          n,
          signDelegating,
          signReceiving,
        );
        expect(tkfrags).toHaveLength(n);
        const capsule = ours.Capsule.fromBytes(s.theirCapsule.toBytes());
        const vk = toOurPk(s.tSigner.verifyingKey());
        const cfragBytes = tkfrags.slice(0, t).map((tk) => {
          const bytes = tk.toBytes();
          const kfrag = ours.KeyFrag.fromBytes(bytes);
          expect(hex(kfrag.toBytes())).toBe(hex(bytes));
          const verified = kfrag.verify(
            vk,
            signDelegating ? s.delegating.publicKey() : null,
            signReceiving ? s.receiving.publicKey() : undefined,
          );
          expect(hex(verified.toBytes())).toBe(hex(bytes));
          // our stricter check (the receiver's signature too) accepts their fragments
          ours.KeyFrag.fromBytes(bytes).verify(
            vk,
            s.delegating.publicKey(),
            s.receiving.publicKey(),
          );
          return ours.reencrypt(capsule, verified).toBytes();
        });
        const verified = cfragBytes.map((b) => theirVerify(s, s.theirCapsule.toBytes(), b));
        for (const [i, v] of verified.entries()) {
          expect(hex(v.toBytes())).toBe(hex(cfragBytes[i]!));
          expect(hex(v.toBytesSimple())).toBe(
            hex(ours.CapsuleFrag.fromBytes(cfragBytes[i]!).toBytesSimple()),
          );
        }
        const opened = theirs.decryptReencrypted(
          s.tReceiving,
          s.tDelegating.publicKey(),
          s.theirCapsule,
          verified,
          s.theirCiphertext,
        );
        expect(hex(opened)).toBe(hex(message));
      });

      test('mixed cfrags from our proxies and theirs decrypt on both sides', () => {
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
        const theirCapsule = theirs.Capsule.fromBytes(s.capsule.toBytes());
        const vk = toTheirPk(s.signer.verifyingKey());
        // alternate proxies, starting with theirs: for t = 1 the one fragment is theirs
        const cfragBytes = kfrags
          .slice(0, t)
          .map((k, i) =>
            i % 2 === 0
              ? theirs
                  .reencrypt(
                    theirCapsule,
                    theirs.KeyFrag.fromBytes(k.toBytes()).verify(
                      vk,
                      signDelegating ? toTheirPk(s.delegating.publicKey()) : null,
                      signReceiving ? toTheirPk(s.receiving.publicKey()) : null,
                    ),
                  )
                  .toBytes()
              : ours.reencrypt(s.capsule, k).toBytes(),
          );
        const ourVerified = cfragBytes.map((b) => ourVerify(s, s.capsule, b));
        expect(
          hex(
            ours.decryptReencrypted(
              s.receiving,
              s.delegating.publicKey(),
              s.capsule,
              ourVerified,
              s.ciphertext,
            ),
          ),
        ).toBe(hex(message));
        const theirVerified = cfragBytes.map((b) => theirVerify(s, s.capsule.toBytes(), b));
        expect(
          hex(
            theirs.decryptReencrypted(
              s.tReceiving,
              s.tDelegating.publicKey(),
              theirCapsule,
              theirVerified,
              s.ciphertext,
            ),
          ),
        ).toBe(hex(message));
      });

      test('openCapsules opens what theirs encrypted and re-encrypted', () => {
        const s = setup();
        const tkfrags = theirs.generateKFrags(
          s.tDelegating,
          s.tReceiving.publicKey(),
          s.tSigner,
          t,
          n,
          signDelegating,
          signReceiving,
        );
        const records = [message, new Uint8Array(0), new Uint8Array(300).fill(3)].map((plain) => {
          const [capsule, ciphertext] = theirs.encrypt(s.tDelegating.publicKey(), plain);
          const cfrags = tkfrags.slice(n - t).map((k) => theirs.reencrypt(capsule, k).toBytes());
          return { plain, capsule: capsule.toBytes(), ciphertext, cfrags };
        });
        const opened = ours.openCapsules(
          s.receiving,
          s.delegating.publicKey(),
          toOurPk(s.tSigner.verifyingKey()),
          records.map((r) => ({
            capsule: ours.Capsule.fromBytes(r.capsule),
            cfrags: r.cfrags.map((b) => ours.CapsuleFrag.fromBytes(b)),
            ciphertext: r.ciphertext,
          })),
        );
        expect(opened.map(hex)).toEqual(records.map((r) => hex(r.plain)));
      });
    },
  );
}
