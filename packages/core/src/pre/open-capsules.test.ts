import { caught } from '@medvault/testing';
import { decode, encode } from '@msgpack/msgpack';
import { concatBytes } from '@noble/hashes/utils.js';
import * as ref from '@nucypher/umbral-pre';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BatchItemError } from './errors.js';
import {
  CapsuleFrag,
  encrypt,
  generateKFrags,
  KeyFrag,
  openCapsules,
  type PublicKey,
  reencrypt,
  SecretKey,
  Signer,
} from './index.js';

const patient = SecretKey.random();
const reader = SecretKey.random();
const signer = new Signer(patient);
const patientPk = patient.publicKey();
const kfrags = generateKFrags(patient, reader.publicKey(), signer, 2, 3, true, true);
const otherSet = generateKFrags(patient, reader.publicKey(), signer, 2, 3, true, true);

const RECORDS = 5;
const records = Array.from({ length: RECORDS }, (_, i) => {
  const plaintext = new TextEncoder().encode(`record ${i}`);
  const [capsule, ciphertext] = encrypt(patientPk, plaintext);
  return {
    plaintext,
    capsule,
    ciphertext,
    cfragBytes: kfrags.map((k) => reencrypt(capsule, k).toBytes()),
    otherSetBytes: otherSet.map((k) => reencrypt(capsule, k).toBytes()),
  };
});

type Item = {
  capsule: (typeof records)[number]['capsule'];
  cfrags: CapsuleFrag[];
  ciphertext: Uint8Array;
};

const theirPk = (pk: PublicKey) => ref.PublicKey.fromCompressedBytes(pk.toCompressedBytes());
const refReader = ref.SecretKey.fromBEBytes(reader.toBEBytes());

/**
 * The oracle: the reference implementation verifying every fragment, then
 * decrypting, item by item.
 */
function openOneByOne(items: Item[], verifyingPk: PublicKey): Uint8Array[] | 'rejected' {
  try {
    return items.map(({ capsule, cfrags, ciphertext }) => {
      const refCapsule = ref.Capsule.fromBytes(capsule.toBytes());
      const verified = cfrags.map((c) =>
        ref.CapsuleFrag.fromBytes(c.toBytes()).verify(
          refCapsule,
          theirPk(verifyingPk),
          theirPk(patientPk),
          theirPk(reader.publicKey()),
        ),
      );
      return ref.decryptReencrypted(
        refReader,
        theirPk(patientPk),
        refCapsule,
        verified,
        ciphertext,
      );
    });
  } catch {
    return 'rejected';
  }
}

const mutation = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 6 },
  fc.record({ kind: fc.constant('flip' as const), cfrag: fc.nat(2), bit: fc.nat(381 * 8 - 1) }),
  fc.record({ kind: fc.constant('other-capsule' as const), cfrag: fc.nat(2) }),
  fc.record({ kind: fc.constant('other-set' as const), cfrag: fc.nat(2) }),
  fc.record({ kind: fc.constant('ciphertext' as const), bit: fc.nat(50 * 8) }),
  fc.constant({ kind: 'duplicate' as const }),
);

const itemSpec = fc.record({
  record: fc.nat(RECORDS - 1),
  chosen: fc.oneof(
    { arbitrary: fc.shuffledSubarray([0, 1, 2], { minLength: 2 }), weight: 4 },
    fc.subarray([0, 1, 2]),
  ),
  mutation,
});

type ItemSpec = typeof itemSpec extends fc.Arbitrary<infer T> ? T : never;

function build(spec: ItemSpec): Item {
  const r = records[spec.record]!;
  let bytes = spec.chosen.map((i) => r.cfragBytes[i]!);
  let ciphertext = r.ciphertext;
  const m = spec.mutation;
  const at = (i: number) => i % Math.max(bytes.length, 1);
  if (m.kind === 'flip' && bytes.length > 0) {
    const flipped = Uint8Array.from(bytes[at(m.cfrag)]!);
    flipped[m.bit >> 3]! ^= 1 << (m.bit & 7);
    try {
      CapsuleFrag.fromBytes(flipped);
      bytes = bytes.map((b, i) => (i === at(m.cfrag) ? flipped : b));
    } catch {
      // the flip broke the encoding: decoding is tested elsewhere, keep the item intact
    }
  } else if (m.kind === 'other-capsule' && bytes.length > 0) {
    const other = records[(spec.record + 1) % RECORDS]!;
    bytes = bytes.map((b, i) => (i === at(m.cfrag) ? other.cfragBytes[spec.chosen[i]!]! : b));
  } else if (m.kind === 'other-set' && bytes.length > 0) {
    bytes = bytes.map((b, i) => (i === at(m.cfrag) ? r.otherSetBytes[spec.chosen[i]!]! : b));
  } else if (m.kind === 'ciphertext') {
    ciphertext = Uint8Array.from(ciphertext);
    ciphertext[(m.bit >> 3) % ciphertext.length]! ^= 1 << (m.bit & 7);
  } else if (m.kind === 'duplicate' && bytes.length > 0) {
    bytes = [...bytes, bytes[0]!];
  }
  return { capsule: r.capsule, cfrags: bytes.map((b) => CapsuleFrag.fromBytes(b)), ciphertext };
}

describe('openCapsules', () => {
  test('opens 2-of-3 shares in any order and subset, matching decryptReencrypted', () => {
    const items = records.map((r, i) => ({
      capsule: r.capsule,
      cfrags: (i % 2 ? [2, 0] : [0, 1, 2]).map((j) => CapsuleFrag.fromBytes(r.cfragBytes[j]!)),
      ciphertext: r.ciphertext,
    }));
    expect(openCapsules(reader, patientPk, patientPk, items)).toEqual(
      records.map((r) => r.plaintext),
    );
  });

  test('names the item and fragment a tampering proxy returned', () => {
    const items = records.map((r) => ({
      capsule: r.capsule,
      cfrags: [0, 1].map((j) => CapsuleFrag.fromBytes(r.cfragBytes[j]!)),
      ciphertext: r.ciphertext,
    }));
    items[3]!.cfrags[1] = CapsuleFrag.fromBytes(records[0]!.cfragBytes[1]!); // made for another capsule
    const error = (() => {
      try {
        openCapsules(reader, patientPk, patientPk, items);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BatchItemError);
    expect(error).toMatchObject({ code: 'PRE_BATCH_ITEM', itemIndex: 3, cfragIndex: 1 });
    expect((error as BatchItemError).cause).toMatchObject({ code: 'PRE_CFRAG_PROOF' });
  });

  test('rejects a wrong verifying key for every item', () => {
    const items = [
      {
        capsule: records[0]!.capsule,
        cfrags: [0, 1].map((j) => CapsuleFrag.fromBytes(records[0]!.cfragBytes[j]!)),
        ciphertext: records[0]!.ciphertext,
      },
    ];
    expect(() => openCapsules(reader, patientPk, reader.publicKey(), items)).toThrow(
      BatchItemError,
    );
  });

  test('refuses fragments a signer made from another delegating key, as the reference does', () => {
    // A rogue signer makes fragments from their own key, encrypts to it, and
    // signs the receiver's copy naming the patient as delegator: every
    // signature checks out, only the validity equation tells.
    const rogue = SecretKey.random();
    const rogueSigner = new Signer(rogue);
    const forgedKfrags = generateKFrags(
      rogue,
      reader.publicKey(),
      rogueSigner,
      2,
      3,
      false,
      false,
    ).map((k) => {
      const [u, id, key, precursor, inner] = decode(k.toBytes()) as [
        unknown,
        Uint8Array,
        unknown,
        Uint8Array,
        unknown[],
      ];
      const commitment = inner[0] as Uint8Array;
      const message = concatBytes(
        id,
        commitment,
        precursor,
        Uint8Array.of(1),
        patientPk.toCompressedBytes(),
        Uint8Array.of(1),
        reader.publicKey().toCompressedBytes(),
      );
      inner[2] = rogueSigner.sign(message).toBEBytes();
      return KeyFrag.fromBytes(encode([u, id, key, precursor, inner])).skipVerification();
    });
    const forged = [0, 1].map((i) => {
      const [capsule, ciphertext] = encrypt(
        rogue.publicKey(),
        new TextEncoder().encode(`fake ${i}`),
      );
      const cfrags = forgedKfrags
        .slice(0, 2)
        .map((k) => CapsuleFrag.fromBytes(reencrypt(capsule, k).toBytes()));
      return { capsule, ciphertext, cfrags };
    });
    const refCapsule = ref.Capsule.fromBytes(forged[0]!.capsule.toBytes());
    const refVerified = forged[0]!.cfrags.map((c) =>
      ref.CapsuleFrag.fromBytes(c.toBytes()).verify(
        refCapsule,
        theirPk(rogue.publicKey()),
        theirPk(patientPk),
        theirPk(reader.publicKey()),
      ),
    );
    expect(() =>
      ref.decryptReencrypted(
        refReader,
        theirPk(patientPk),
        refCapsule,
        refVerified,
        forged[0]!.ciphertext,
      ),
    ).toThrow();
    const error = caught(() => openCapsules(reader, patientPk, rogue.publicKey(), forged));
    expect(error).toMatchObject({ code: 'PRE_BATCH_ITEM', itemIndex: 0 });
    expect((error as BatchItemError).cause).toMatchObject({ code: 'PRE_REENCRYPTION_INVALID' });
  });

  test('accepts exactly what the reference accepts item by item (umbral-pre verify + decryptReencrypted)', () => {
    fc.assert(
      fc.property(fc.array(itemSpec, { minLength: 1, maxLength: 3 }), (specs) => {
        const items = specs.map(build);
        const expected = openOneByOne(items, patientPk);
        let actual: Uint8Array[] | BatchItemError;
        try {
          actual = openCapsules(reader, patientPk, patientPk, items);
        } catch (e) {
          expect(e).toBeInstanceOf(BatchItemError);
          actual = e as BatchItemError;
        }
        if (expected === 'rejected') {
          expect(actual).toBeInstanceOf(BatchItemError);
          // the named item really fails on its own
          const named = items[(actual as BatchItemError).itemIndex]!;
          expect(openOneByOne([named], patientPk)).toBe('rejected');
        } else {
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });
});
