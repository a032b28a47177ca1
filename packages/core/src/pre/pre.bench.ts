/**
 * `npm run bench:pre -w @medvault/core`: our Umbral against
 * @nucypher/umbral-pre (Rust compiled to WASM) in the same process, on the
 * curve backend that loaded (libsecp256k1 in WASM; `MEDVAULT_PRE_BACKEND=noble`
 * measures the @noble/curves fallback), then the fixed-vs-random timing
 * check of the WASM module (backend/timing.bench.ts). Benchmarks only: the
 * GPL reference never reaches shipped code.
 */
import * as ref from '@nucypher/umbral-pre';
import { compare } from '../../bench/compare.js';
import { timingCheck } from './backend/timing.bench.js';
import * as ours from './index.js';

const RECORDS = 100;
const plaintext = new Uint8Array(32).fill(7);

// Same key material on both sides.
const patient = ours.SecretKey.random();
const reader = ours.SecretKey.random();
const signer = new ours.Signer(patient);
const refPatient = ref.SecretKey.fromBEBytes(patient.toBEBytes());
const refReader = ref.SecretKey.fromBEBytes(reader.toBEBytes());
const refSigner = new ref.Signer(refPatient);
const patientPk = patient.publicKey();
const readerPk = reader.publicKey();
const refPatientPk = refPatient.publicKey();
const refReaderPk = refReader.publicKey();

const [capsule, ciphertext] = ours.encrypt(patientPk, plaintext);
const refCapsule = ref.Capsule.fromBytes(capsule.toBytes());
const kfrags = ours.generateKFrags(patient, readerPk, signer, 2, 3, true, true);
const refKfrags = kfrags.map((k) =>
  ref.KeyFrag.fromBytes(k.toBytes()).verify(refSigner.verifyingKey(), refPatientPk, refReaderPk),
);
const cfragBytes = kfrags.slice(0, 2).map((k) => ours.reencrypt(capsule, k).toBytes());
const verifiedCfrags = cfragBytes.map((b) =>
  ours.CapsuleFrag.fromBytes(b).verify(capsule, patientPk, patientPk, readerPk),
);
const refVerifiedCfrags = cfragBytes.map((b) =>
  ref.CapsuleFrag.fromBytes(b).verify(refCapsule, refPatientPk, refPatientPk, refReaderPk),
);

// 100 records shared with one reader, re-encrypted by the same 2 of 3 proxies.
const records = Array.from({ length: RECORDS }, () => {
  const [c, ct] = ours.encrypt(patientPk, plaintext);
  return {
    capsule: c,
    refCapsule: ref.Capsule.fromBytes(c.toBytes()),
    ciphertext: ct,
    cfragBytes: kfrags.slice(0, 2).map((k) => ours.reencrypt(c, k).toBytes()),
  };
});

const backend = await ours.preBackendReady();
await compare(
  `Umbral PRE (secp256k1): @medvault/core (${backend} backend) vs @nucypher/umbral-pre 0.10 (WASM)`,
  [
    {
      name: 'encrypt',
      ours: () => ours.encrypt(patientPk, plaintext),
      reference: () => ref.encrypt(refPatientPk, plaintext),
      target: 1.0,
    },
    {
      name: 'decryptOriginal',
      ours: () => ours.decryptOriginal(patient, capsule, ciphertext),
      reference: () => ref.decryptOriginal(refPatient, refCapsule, ciphertext),
      target: 1.0,
    },
    {
      name: 'generateKFrags(2 of 3)',
      ours: () => ours.generateKFrags(patient, readerPk, signer, 2, 3, true, true),
      reference: () => ref.generateKFrags(refPatient, refReaderPk, refSigner, 2, 3, true, true),
      target: 1.0,
    },
    {
      name: 'reencrypt',
      ours: () => ours.reencrypt(capsule, kfrags[0] as ours.VerifiedKeyFrag),
      reference: () => ref.reencrypt(refCapsule, refKfrags[0] as ref.VerifiedKeyFrag),
      target: 1.0,
    },
    {
      name: 'cfrag fromBytes + verify',
      ours: () =>
        ours.CapsuleFrag.fromBytes(cfragBytes[0] as Uint8Array).verify(
          capsule,
          patientPk,
          patientPk,
          readerPk,
        ),
      reference: () =>
        ref.CapsuleFrag.fromBytes(cfragBytes[0] as Uint8Array).verify(
          refCapsule,
          refPatientPk,
          refPatientPk,
          refReaderPk,
        ),
      target: 1.0,
    },
    {
      name: 'decryptReencrypted(2 cfrags)',
      ours: () => ours.decryptReencrypted(reader, patientPk, capsule, verifiedCfrags, ciphertext),
      reference: () =>
        ref.decryptReencrypted(refReader, refPatientPk, refCapsule, refVerifiedCfrags, ciphertext),
      target: 1.0,
    },
    {
      name: `verify + open ${RECORDS} records (2 cfrags each)`,
      ours: () =>
        ours.openCapsules(
          reader,
          patientPk,
          patientPk,
          records.map((r) => ({
            capsule: r.capsule,
            cfrags: r.cfragBytes.map((b) => ours.CapsuleFrag.fromBytes(b)),
            ciphertext: r.ciphertext,
          })),
        ),
      reference: () =>
        records.map((r) =>
          ref.decryptReencrypted(
            refReader,
            refPatientPk,
            r.refCapsule,
            r.cfragBytes.map((b) =>
              ref.CapsuleFrag.fromBytes(b).verify(
                r.refCapsule,
                refPatientPk,
                refPatientPk,
                refReaderPk,
              ),
            ),
            r.ciphertext,
          ),
        ),
      target: 0.5,
    },
  ],
);

if (backend === 'wasm') timingCheck();
