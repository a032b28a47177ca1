/**
 * Writes the fixed test vectors of MedVault's own byte formats to
 * docs/spec/vectors/: envelope.json, ledger-entries.json, checkpoint.json
 * and proxy-request.json, each read by a `*.vectors.test.ts` beside its
 * module.
 *
 *   npx tsx packages/core/scripts/make-vectors.ts
 *
 * Keys, ids, times and inputs are fixed, but sealing (data key, salt, nonce
 * prefix, capsule), request nonces and ECDSA signatures (hedged RFC 6979) are
 * random: every run writes different bytes that are just as valid. The
 * committed JSON is the reference; run this only to replace it, never to
 * compare against it. Expected error codes are written here from the specs,
 * not observed: the tests check the code against them. The files are left
 * formatted as `biome check` wants them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sealRecordBytes } from '../src/envelope/index.js';
import {
  decodeEntry,
  type Entry,
  type EntryKind,
  encodeCanonical,
  encodeCheckpoint,
  encodeEntry,
  hashEntry,
  Ledger,
  signCheckpoint,
  signEntry,
  signKeyRotation,
  type UnsignedEntry,
} from '../src/ledger/index.js';
import { decryptOriginal, SecretKey, Signer } from '../src/pre/index.js';
import { jsonBody, signRequest } from '../src/proxy/index.js';

const OUT = join(import.meta.dirname, '../../../docs/spec/vectors');
const GENERATOR =
  'packages/core/scripts/make-vectors.ts (npx tsx); the committed file is the reference';
const SIGNATURES =
  'ECDSA over secp256k1 of SHA-256(message), low-S, r ‖ s (pre.md §3). Signing is NOT deterministic: nonces are hedged RFC 6979 (noble extraEntropy), so signing the same message again gives another valid signature. Check a signature by verifying it, never by re-signing and comparing.';

/** Secret key i is the scalar with all 32 bytes equal to i. */
const SECRET = {
  patient: 0x01,
  hospital: 0x02,
  clinic: 0x03,
  proxy1: 0x04,
  proxy2: 0x05,
  proxy3: 0x06,
  newOwner: 0x07,
  stranger: 0x08,
} as const;
type Party = keyof typeof SECRET;
const secretKey = (party: Party) => SecretKey.fromBEBytes(new Uint8Array(32).fill(SECRET[party]));
const signer = (party: Party) => new Signer(secretKey(party));
const publicKey = (party: Party) => secretKey(party).publicKey().toCompressedBytes();
const keyTable = (parties: Party[]) =>
  Object.fromEntries(
    parties.map((p) => [
      p,
      { secretKey: bytesToHex(secretKey(p).toBEBytes()), publicKey: bytesToHex(publicKey(p)) },
    ]),
  );

const hex = bytesToHex;
/** A value with every byte string as hex: how the JSON shows decoded fields. */
function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}
const flipped = (bytes: Uint8Array, at: number) => {
  const out = Uint8Array.from(bytes);
  out[at < 0 ? out.length + at : at]! ^= 0x01;
  return out;
};
/** A definite-length CBOR map (fewer than 24 keys) from encoded pairs, in the order given. */
const mapOf = (pairs: [string, Uint8Array][]) =>
  concatBytes(
    Uint8Array.of(0xa0 + pairs.length),
    ...pairs.flatMap(([k, v]) => [encodeCanonical(k), v]),
  );
const write = (name: string, value: unknown) =>
  writeFileSync(join(OUT, name), `${JSON.stringify(value, null, 2)}\n`);

const T0 = 1_764_000_000_000;
const MINUTE = 60_000;
const LEDGER_ID = new Uint8Array(32).fill(0xab);
const GRANT_ID = new Uint8Array(32).fill(0x5a);
const ENTRY_TAG = utf8ToBytes('medvault/ledger/entry/v1\0');
const CHECKPOINT_TAG = utf8ToBytes('medvault/ledger/checkpoint/v1\0');
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

// ---------------------------------------------------------------- envelope

const RECORDS = [
  {
    id: 'small',
    description: 'a FHIR Observation: one final segment, default segment size (1 MiB)',
    plaintext: utf8ToBytes(
      '{"resourceType":"Observation","id":"glucose-1","status":"final","valueQuantity":{"value":6.1,"unit":"mmol/L"}}',
    ),
    contentType: 'application/fhir+json',
    segmentSize: undefined,
  },
  {
    id: 'three-segments',
    description:
      '8292 bytes in 4096-byte segments: two full segments and a final one of 100 bytes (plaintext byte i = (31·i + 7) mod 256)',
    plaintext: pattern(2 * 4096 + 100),
    contentType: 'application/dicom',
    segmentSize: 4096,
  },
  {
    id: 'two-full-segments',
    description:
      '8192 bytes in 4096-byte segments: the final segment is full (plaintext byte i = (31·i + 7) mod 256)',
    plaintext: pattern(2 * 4096),
    contentType: 'application/octet-stream',
    segmentSize: 4096,
  },
  {
    id: 'empty',
    description: 'an empty record: one empty final segment (its 16-byte tag)',
    plaintext: new Uint8Array(0),
    contentType: 'text/plain',
    segmentSize: 4096,
  },
];

/** Seals one record for the patient and describes the result. */
async function sealVector(r: (typeof RECORDS)[number]) {
  const patient = secretKey('patient');
  const options = r.segmentSize ? { segmentSize: r.segmentSize } : {};
  const s = await sealRecordBytes(patient.publicKey(), r.plaintext, {
    contentType: r.contentType,
    ...options,
  });
  const h = s.header;
  const dataKey = decryptOriginal(patient, h.capsule, h.wrappedKey);
  const stride = h.segmentSize + 16;
  const count = Math.max(1, Math.ceil(r.plaintext.length / h.segmentSize));
  const segments = Array.from({ length: count }, (_, i) => {
    const offset = h.bytes.length + i * stride;
    const nonce = new Uint8Array(12);
    nonce.set(h.noncePrefix);
    new DataView(nonce.buffer).setUint32(7, i);
    nonce[11] = i === count - 1 ? 1 : 0;
    return {
      index: i,
      offset,
      length: Math.min(stride, s.bytes.length - offset),
      final: i === count - 1,
      nonce: hex(nonce),
    };
  });
  return {
    id: r.id,
    description: r.description,
    secretKey: hex(patient.toBEBytes()),
    plaintext: hex(r.plaintext),
    sealed: hex(s.bytes),
    size: s.size,
    cid: s.cid.toString(),
    header: {
      length: h.bytes.length,
      magic: '4d565245',
      version: 1,
      segmentSize: h.segmentSize,
      noncePrefix: hex(h.noncePrefix),
      salt: hex(h.salt),
      capsule: hex(h.capsule.toBytes()),
      wrappedKey: hex(h.wrappedKey),
      contentType: h.contentType,
    },
    dataKey: hex(dataKey),
    segmentKey: hex(hkdf(sha256, dataKey, h.salt, utf8ToBytes('medvault/envelope/v1'), 32)),
    segments,
  };
}

async function envelope() {
  const sealed: Awaited<ReturnType<typeof sealVector>>[] = [];
  for (const r of RECORDS) sealed.push(await sealVector(r));
  const byId = (id: string) => sealed.find((v) => v.id === id)!;
  const three = byId('three-segments');
  const small = byId('small');
  const headerLength = three.header.length;
  const seg = (i: number) => three.segments[i]!;
  const negative = [
    {
      id: 'segment-bit-flip',
      description: 'one bit of segment 1’s ciphertext flipped',
      of: 'three-segments',
      edits: [{ flip: { offset: seg(1).offset + 10, mask: 1 } }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 1,
    },
    {
      id: 'tag-bit-flip',
      description: 'one bit of the final segment’s tag flipped',
      of: 'small',
      edits: [{ flip: { offset: small.size - 1, mask: 0x80 } }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 0,
    },
    {
      id: 'segments-swapped',
      description: 'segments 0 and 1 exchanged (each is authentic, in the wrong place)',
      of: 'three-segments',
      edits: [{ swap: { a: seg(0).offset, b: seg(1).offset, length: seg(0).length } }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 0,
    },
    {
      id: 'cut-at-segment-boundary',
      description: 'cut after segment 1: what is left ends with a segment not flagged final',
      of: 'three-segments',
      edits: [{ truncate: seg(2).offset }],
      code: 'ENVELOPE_TRUNCATED',
    },
    {
      id: 'cut-inside-segment',
      description: 'the last 5 bytes (of the final tag) cut off',
      of: 'three-segments',
      edits: [{ truncate: three.size - 5 }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 2,
    },
    {
      id: 'header-only',
      description: 'cut right after the header: no segment at all',
      of: 'small',
      edits: [{ truncate: small.header.length }],
      code: 'ENVELOPE_TRUNCATED',
    },
    {
      id: 'trailing-segment',
      description: 'a copy of the final (full) segment appended after it',
      of: 'two-full-segments',
      edits: [{ append: { offset: byId('two-full-segments').segments[1]!.offset, length: 4112 } }],
      code: 'ENVELOPE_TRAILING_DATA',
    },
    {
      id: 'header-content-type-edit',
      description:
        'header edit: the last content-type byte changed ("…+json" → "…+jsoo"); every segment’s AAD is the header',
      of: 'small',
      edits: [{ flip: { offset: small.header.length - 1, mask: 0x01 } }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 0,
    },
    {
      id: 'header-salt-edit',
      description: 'header edit: one bit of the HKDF salt flipped (other key, other AAD)',
      of: 'three-segments',
      edits: [{ flip: { offset: 16, mask: 0x01 } }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 0,
    },
    {
      id: 'header-segment-size-edit',
      description: 'header edit: segment size 4096 → 8192 (in range, but not what was sealed)',
      of: 'three-segments',
      edits: [{ set: { offset: 5, hex: '00002000' } }],
      code: 'ENVELOPE_SEGMENT_AUTH',
      segment: 0,
    },
    {
      id: 'wrapped-key-edit',
      description: 'header edit: one bit of the wrapped data key flipped',
      of: 'small',
      edits: [{ flip: { offset: 48 + 105 + 30, mask: 0x01 } }],
      code: 'ENVELOPE_KEY_UNWRAP',
    },
    {
      id: 'capsule-edit',
      description:
        'header edit: one bit of the capsule’s scalar s flipped (the capsule no longer checks)',
      of: 'small',
      edits: [{ flip: { offset: 48 + 104, mask: 0x01 } }],
      code: 'ENVELOPE_MALFORMED_HEADER',
    },
    {
      id: 'wrong-key',
      description: 'opened with another secret key',
      of: 'small',
      edits: [],
      secretKey: hex(secretKey('stranger').toBEBytes()),
      code: 'ENVELOPE_KEY_UNWRAP',
    },
    {
      id: 'wrong-magic',
      description: '"MVRE" → "MVRF"',
      of: 'small',
      edits: [{ set: { offset: 3, hex: '46' } }],
      code: 'ENVELOPE_UNKNOWN_FORMAT',
    },
    {
      id: 'unknown-version',
      description: 'version 1 → 2',
      of: 'small',
      edits: [{ set: { offset: 4, hex: '02' } }],
      code: 'ENVELOPE_UNKNOWN_FORMAT',
    },
    {
      id: 'segment-size-too-small',
      description: 'segment size 4095, below the 4096 minimum',
      of: 'three-segments',
      edits: [{ set: { offset: 5, hex: '00000fff' } }],
      code: 'ENVELOPE_SEGMENT_SIZE',
    },
    {
      id: 'content-type-length-zero',
      description: 'content-type length 0',
      of: 'small',
      edits: [{ set: { offset: 225, hex: '0000' } }],
      code: 'ENVELOPE_MALFORMED_HEADER',
    },
    {
      id: 'short-header',
      description: 'only the first 100 bytes of the header',
      of: 'small',
      edits: [{ truncate: 100 }],
      code: 'ENVELOPE_MALFORMED_HEADER',
    },
    {
      id: 'segment-index-past-end',
      description: 'openSegment asked for segment 3 of a 3-segment record',
      of: 'three-segments',
      edits: [],
      openSegment: 3,
      code: 'ENVELOPE_SEGMENT_INDEX',
    },
  ];
  if (headerLength !== 227 + 'application/dicom'.length)
    throw new Error('unexpected header length');
  write('envelope.json', {
    description:
      'Sealed records: exact sealed bytes with their decoded header, data key, segment key and per-segment nonces, and the plaintext each opens to; negative cases as edits of a positive vector with the error code opening must raise. Keys: secret key i is 32 bytes of i (patient 01…01).',
    spec: 'docs/spec/envelope.md (Layout, Header, Opening)',
    generator: GENERATOR,
    randomness:
      'Sealing is randomized (data key, Umbral capsule, nonce prefix, salt): the bytes cannot be regenerated, only opened. segmentKey = HKDF-SHA256(ikm = dataKey, salt, info = "medvault/envelope/v1", 32); nonce = prefix ‖ u32 BE index ‖ final flag; every segment’s AAD is the whole header.',
    edits:
      'Applied in order to the sealed bytes of vector `of`: flip {offset, mask} XORs one byte; set {offset, hex} overwrites bytes; truncate n keeps the first n bytes; swap {a, b, length} exchanges two ranges; append {offset, length} appends a copy of that range. Open with openRecord and the patient key (or `secretKey`), or with openSegment when `openSegment` names an index; `segment` is the failing segment the error names.',
    vectors: sealed,
    negative,
  });
  return { small: sealed[0]!, three };
}

// ---------------------------------------------------------------- ledger

type EnvelopeRefs = Awaited<ReturnType<typeof envelope>>;

const signingPayload = (e: Entry) => {
  const { sig: _, ...unsigned } = e;
  return concatBytes(ENTRY_TAG, encodeCanonical(unsigned));
};
const entryAt = <K extends EntryKind>(
  seq: number,
  prev: Uint8Array,
  kind: K,
  body: UnsignedEntry<K>['body'],
  author: Party,
  overrides: Partial<UnsignedEntry> = {},
): Uint8Array =>
  encodeEntry(
    signEntry(
      {
        v: 1,
        ledger: LEDGER_ID,
        seq,
        prev,
        time: T0 + seq * MINUTE,
        kind,
        body,
        author: publicKey(author),
        ...overrides,
      } as UnsignedEntry<K>,
      signer(author),
    ),
  );

async function ledgerEntries(records: EnvelopeRefs) {
  let time = T0;
  const ledger = await Ledger.create(signer('patient'), { id: LEDGER_ID, now: () => time });
  const authors: Party[] = ['patient'];
  const append = async <K extends EntryKind>(
    kind: K,
    body: UnsignedEntry<K>['body'],
    author: Party,
  ) => {
    time = T0 + ledger.size * MINUTE;
    authors.push(author);
    await ledger.append(kind, body, signer(author));
  };
  const recordBody = {
    cid: records.small.cid,
    capsule: Uint8Array.from(Buffer.from(records.small.header.capsule, 'hex')),
    contentType: 'application/fhir+json',
    resourceType: 'Observation',
    category: 'laboratory',
    size: records.small.size,
    recipient: publicKey('patient'),
  };
  await append('record', recordBody, 'hospital');
  const proxies: Party[] = ['proxy1', 'proxy2', 'proxy3'];
  await append(
    'grant',
    {
      grantId: GRANT_ID,
      grantee: publicKey('clinic'),
      scope: { resourceTypes: ['Observation'], categories: ['laboratory'] },
      purpose: 'follow-up of diabetes',
      expiresAt: T0 + 30 * 24 * 60 * MINUTE,
      proxies: proxies.map((p, i) => ({ url: `http://127.0.0.1:${9000 + i}`, key: publicKey(p) })),
      threshold: 2,
    },
    'patient',
  );
  await append(
    'access',
    { grantId: GRANT_ID, proxy: publicKey('proxy1'), capsules: [records.small.cid] },
    'proxy1',
  );
  await append('revoke', { grantId: GRANT_ID }, 'patient');
  await append(
    'emergency',
    {
      grantee: publicKey('hospital'),
      reason: 'unconscious in the emergency room',
      expiresAt: T0 + 24 * 60 * MINUTE,
    },
    'patient',
  );
  const rotation = signKeyRotation(signer('newOwner'), LEDGER_ID, ledger.head);
  await append('key-rotation', rotation, 'patient');

  const bytes = ledger.allEntryBytes();
  const hashes = bytes.map((b) => hashEntry(b));
  const positive = bytes.map((b, seq) => {
    const entry = decodeEntry(b);
    return {
      seq,
      kind: entry.kind,
      signer: authors[seq],
      signerSecretKey: hex(secretKey(authors[seq]!).toBEBytes()),
      ...(entry.kind === 'key-rotation'
        ? {
            newOwnerPayload: hex(
              concatBytes(
                utf8ToBytes('medvault/ledger/key-rotation/v1\0'),
                LEDGER_ID,
                entry.prev,
                publicKey('newOwner'),
              ),
            ),
          }
        : {}),
      entry: toJson(entry),
      signingPayload: hex(signingPayload(entry)),
      bytes: hex(b),
      hash: hex(hashes[seq]!),
      verify: 'ok',
    };
  });

  const entry1 = decodeEntry(bytes[1]!);
  const genesis = decodeEntry(bytes[0]!);
  const canonicalPairs = (e: Entry): [string, Uint8Array][] =>
    Object.entries(e)
      .map(([k, v]): [string, Uint8Array] => [k, encodeCanonical(v)])
      .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1));
  const reSigned = (e: Entry, changes: Partial<UnsignedEntry>, author: Party = 'hospital') =>
    entryAt(e.seq, e.prev, e.kind, e.body, author, { time: e.time, ...changes });
  const negative = [
    {
      id: 'bad-signature',
      description: 'entry 1 with one bit of its signature flipped',
      prefix: 1,
      append: [hex(encodeEntry({ ...entry1, sig: flipped(entry1.sig, -1) }))],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 1,
    },
    {
      id: 'wrong-prev',
      description: 'entry 1 validly signed, but its prev is not the hash of entry 0',
      prefix: 1,
      append: [hex(reSigned(entry1, { prev: flipped(hashes[0]!, 0) }))],
      code: 'LEDGER_CHAIN_BROKEN',
      seq: 1,
    },
    {
      id: 'non-canonical-integer',
      description: 'entry 0 with v = 1 encoded in two bytes (18 01) instead of one (01)',
      prefix: 0,
      append: [
        hex(
          mapOf(
            canonicalPairs(genesis).map(([k, v]): [string, Uint8Array] =>
              k === 'v' ? [k, Uint8Array.of(0x18, 0x01)] : [k, v],
            ),
          ),
        ),
      ],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'non-canonical-key-order',
      description:
        'entry 0 with its map keys in alphabetical order, not in the order of their encoded bytes',
      prefix: 0,
      append: [hex(mapOf(canonicalPairs(genesis).sort(([a], [b]) => (a < b ? -1 : 1))))],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'trailing-byte',
      description: 'entry 0 followed by one 00 byte',
      prefix: 0,
      append: [`${hex(bytes[0]!)}00`],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'wrong-ledger',
      description: 'entry 1 validly signed for another ledger id (cd…cd)',
      prefix: 1,
      append: [hex(reSigned(entry1, { ledger: new Uint8Array(32).fill(0xcd) }))],
      code: 'LEDGER_WRONG_LEDGER',
      seq: 1,
    },
    {
      id: 'entry-dropped',
      description: 'entry 2 right after entry 0',
      prefix: 1,
      append: [hex(bytes[2]!)],
      code: 'LEDGER_SEQUENCE',
      seq: 2,
    },
    {
      id: 'time-backwards',
      description: 'entry 1 validly signed with a time 1 ms before entry 0',
      prefix: 1,
      append: [hex(reSigned(entry1, { time: T0 - 1 }))],
      code: 'LEDGER_TIME_ORDER',
      seq: 1,
    },
    {
      id: 'grant-not-by-owner',
      description: 'entry 2 (grant) validly signed by the hospital instead of the owner',
      prefix: 2,
      append: [hex(reSigned(decodeEntry(bytes[2]!), {}, 'hospital'))],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 2,
    },
    {
      id: 'access-after-revoke',
      description: 'an access by proxy 1 after the grant’s revoke (entry 4)',
      prefix: 5,
      append: [
        hex(
          entryAt(
            5,
            hashes[4]!,
            'access',
            { grantId: GRANT_ID, proxy: publicKey('proxy1'), capsules: [records.small.cid] },
            'proxy1',
          ),
        ),
      ],
      code: 'LEDGER_ACCESS_OUTSIDE_GRANT',
      seq: 5,
    },
    {
      id: 'duplicate-record-cid',
      description: 'a second record entry with the CID of entry 1 (and another capsule)',
      prefix: 2,
      append: [
        hex(
          entryAt(
            2,
            hashes[1]!,
            'record',
            {
              ...recordBody,
              capsule: Uint8Array.from(Buffer.from(records.three.header.capsule, 'hex')),
            },
            'hospital',
          ),
        ),
      ],
      code: 'LEDGER_DUPLICATE_RECORD',
      seq: 2,
    },
    {
      id: 'rotation-new-owner-signature',
      description:
        'entry 6 (key-rotation) whose newOwnerSig was made over 32 zero bytes as prev, not the hash of entry 5',
      prefix: 6,
      append: [
        hex(
          entryAt(
            6,
            hashes[5]!,
            'key-rotation',
            signKeyRotation(signer('newOwner'), LEDGER_ID, new Uint8Array(32)),
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 6,
    },
    {
      id: 'fork',
      description:
        'two different, validly signed entries for seq 1 (the second records another CID)',
      prefix: 2,
      append: [
        hex(
          entryAt(1, hashes[0]!, 'record', { ...recordBody, cid: records.three.cid }, 'hospital'),
        ),
      ],
      code: 'LEDGER_FORK',
      seq: 1,
    },
  ];
  const verified = ledger.state;
  write('ledger-entries.json', {
    description:
      'One ledger entry of each kind, in one valid 7-entry ledger: decoded fields, the payload the author signs, canonical bytes, entry hash; negative cases as a prefix of that ledger followed by other entries, with the error code verifyLedger must raise.',
    spec: 'docs/spec/ledger.md §1 Encoding, §2 Entries, §3 Kinds and bodies, §4 Chain rules',
    generator: GENERATOR,
    signatures: SIGNATURES,
    keys: keyTable(['patient', 'hospital', 'clinic', 'proxy1', 'proxy2', 'proxy3', 'newOwner']),
    record:
      'Entry 1 records envelope.json’s "small" vector: its CID, its capsule and its sealed size.',
    ledger: {
      id: hex(LEDGER_ID),
      size: verified.size,
      head: hex(verified.head),
      root: hex(ledger.root()),
      owner: hex(verified.owner),
    },
    verify:
      '"ok": the entry decodes, re-encodes to the same bytes, its signature verifies over signingPayload, and verifyLedger accepts entries 0..seq.',
    entries: positive,
    negativeInput:
      'entries = the first `prefix` entries above, then the `append` hex entries; verifyLedger(entries) must throw `code` (naming `seq` when given).',
    negative,
  });
  return { ledger, bytes, hashes };
}

// ---------------------------------------------------------------- checkpoints

async function checkpoints({ ledger, bytes, hashes }: Awaited<ReturnType<typeof ledgerEntries>>) {
  const cp = (size: number, party: Party, root = ledger.root(size), id = LEDGER_ID) =>
    signCheckpoint(
      { ledger: id, size, root, time: T0 + (size - 1) * MINUTE + 1000 },
      signer(party),
    );
  const show = (id: string, c: ReturnType<typeof cp>, description: string) => {
    const { sig: _, ...unsigned } = c;
    return {
      id,
      description,
      checkpoint: toJson(c),
      signingPayload: hex(concatBytes(CHECKPOINT_TAG, encodeCanonical(unsigned))),
      bytes: hex(encodeCheckpoint(c)),
      signature: 'valid',
    };
  };
  const cp3 = cp(3, 'patient');
  const cp7 = cp(7, 'newOwner');
  const inclusion = (seq: number, size: number, checkpoint?: string) => ({
    entrySeq: seq,
    ...(checkpoint ? { checkpoint } : {}),
    proof: toJson(ledger.proveInclusion(seq, size)),
    result: 'ok',
  });
  const consistency = (older: number, newer: number, checkpoints?: [string, string]) => ({
    ...(checkpoints ? { older: checkpoints[0], newer: checkpoints[1] } : {}),
    proof: toJson(ledger.proveConsistency(older, newer)),
    result: 'ok',
  });
  const proofOf = (seq: number, size: number) => ledger.proveInclusion(seq, size);
  const cp3Pairs = Object.entries(cp3)
    .map(([k, v]): [string, Uint8Array] => [k, encodeCanonical(v)])
    .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1))
    .map(([k, v]): [string, Uint8Array] =>
      k === 'size' ? [k, Uint8Array.of(0x18, 0x03)] : [k, v],
    );
  const negative = [
    {
      id: 'bad-signature',
      description: 'size-7 with one bit of its signature flipped',
      check: 'decodeCheckpoint',
      bytes: hex(encodeCheckpoint({ ...cp7, sig: flipped(cp7.sig, -1) })),
      code: 'LEDGER_BAD_SIGNATURE',
    },
    {
      id: 'non-canonical',
      description: 'size-3 with size = 3 encoded in two bytes (18 03)',
      check: 'decodeCheckpoint',
      bytes: hex(mapOf(cp3Pairs)),
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'wrong-root',
      description: 'a validly signed checkpoint of size 7 whose root is the root at size 6',
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(7, 'newOwner', ledger.root(6)))),
      code: 'LEDGER_CHECKPOINT_MISMATCH',
    },
    {
      id: 'signer-not-owner',
      description:
        'size 7 and the right root, validly signed by the old owner, who rotated away at entry 6',
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(7, 'patient'))),
      code: 'LEDGER_CHECKPOINT_MISMATCH',
    },
    {
      id: 'other-ledger',
      description: 'the size-3 checkpoint with the right root, for ledger cd…cd',
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(3, 'patient', ledger.root(3), new Uint8Array(32).fill(0xcd)))),
      code: 'LEDGER_CHECKPOINT_MISMATCH',
    },
    {
      id: 'beyond-ledger',
      description: 'a validly signed checkpoint of size 8 over the 7-entry ledger',
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(8, 'newOwner', new Uint8Array(32).fill(0x11)))),
      code: 'LEDGER_TRUNCATED',
    },
    {
      id: 'inclusion-node-flipped',
      description: 'entry 2 in size-7, one bit of the first path node flipped',
      check: 'verifyInclusion',
      entrySeq: 2,
      checkpoint: 'size-7',
      proof: toJson({
        ...proofOf(2, 7),
        path: proofOf(2, 7).path.map((p, i) => (i === 0 ? flipped(p, 0) : p)),
      }),
      code: 'LEDGER_INCLUSION_PROOF',
    },
    {
      id: 'inclusion-other-entry',
      description: 'entry 3 checked with the proof of entry 2',
      check: 'verifyInclusion',
      entrySeq: 3,
      checkpoint: 'size-7',
      proof: toJson(proofOf(2, 7)),
      code: 'LEDGER_INCLUSION_PROOF',
    },
    {
      id: 'inclusion-path-short',
      description: 'entry 2 in size-7 with the last path node dropped',
      check: 'verifyInclusion',
      entrySeq: 2,
      checkpoint: 'size-7',
      proof: toJson({ ...proofOf(2, 7), path: proofOf(2, 7).path.slice(0, -1) }),
      code: 'LEDGER_INCLUSION_PROOF',
    },
    {
      id: 'consistency-node-flipped',
      description: 'size-3 → size-7 with one bit of the last path node flipped',
      check: 'verifyConsistency',
      older: 'size-3',
      newer: 'size-7',
      proof: toJson({
        ...ledger.proveConsistency(3, 7),
        path: ledger
          .proveConsistency(3, 7)
          .path.map((p, i, all) => (i === all.length - 1 ? flipped(p, 0) : p)),
      }),
      code: 'LEDGER_CONSISTENCY_PROOF',
    },
    {
      id: 'consistency-reversed',
      description: 'the 3 → 7 proof given with the checkpoints the other way round',
      check: 'verifyConsistency',
      older: 'size-7',
      newer: 'size-3',
      proof: toJson(ledger.proveConsistency(3, 7)),
      code: 'LEDGER_CONSISTENCY_PROOF',
    },
    {
      id: 'consistency-other-history',
      description:
        'size-3 → a validly signed size-7 checkpoint of another history (its root is SHA-256 of "another history")',
      check: 'verifyConsistency',
      older: 'size-3',
      newer: hex(encodeCheckpoint(cp(7, 'newOwner', sha256(utf8ToBytes('another history'))))),
      proof: toJson(ledger.proveConsistency(3, 7)),
      code: 'LEDGER_CONSISTENCY_PROOF',
    },
  ];
  write('checkpoint.json', {
    description:
      'Checkpoints over the 7-entry ledger of ledger-entries.json: their fields, signed payload and canonical bytes; the Merkle root at every size; inclusion and consistency proofs; negative cases with the error code each check must raise.',
    spec: 'docs/spec/ledger.md §5 Merkle tree and proofs (RFC 9162), §6 Checkpoints, §7 Verification',
    generator: GENERATOR,
    signatures: SIGNATURES,
    ledger: {
      file: 'ledger-entries.json',
      id: hex(LEDGER_ID),
      entryHashes: hashes.map(hex),
      leafHashes: hashes.map((h) => hex(sha256(concatBytes(Uint8Array.of(0), h)))),
      roots: Object.fromEntries(bytes.map((_, i) => [String(i + 1), hex(ledger.root(i + 1))])),
    },
    checkpoints: [
      show('size-3', cp3, 'entries 0..2, signed by the owner (patient)'),
      show(
        'size-7',
        cp7,
        'entries 0..6, signed by the owner after the key rotation of entry 6 (newOwner)',
      ),
    ],
    verify:
      'verifyLedger(entries, { checkpoints: [size-3, size-7] }) accepts; each proof verifies (verifyInclusion / verifyConsistency against the named checkpoints, or the RFC 9162 check against `roots` when none is named).',
    inclusionProofs: [
      inclusion(2, 7, 'size-7'),
      inclusion(0, 3, 'size-3'),
      inclusion(6, 7, 'size-7'),
    ],
    consistencyProofs: [
      consistency(3, 7, ['size-3', 'size-7']),
      consistency(4, 7),
      consistency(1, 7),
    ],
    negativeInput:
      'check decodeCheckpoint: decode `bytes`. verifyLedger: the 7 entries with `bytes` as checkpoint. verifyInclusion: entry `entrySeq`, `proof`, the checkpoint named. verifyConsistency: `older`, `newer` (a checkpoint id or checkpoint bytes in hex), `proof`.',
    negative,
  });
}

// ---------------------------------------------------------------- proxy requests

function proxyRequests(cid: string) {
  const grantHex = hex(GRANT_ID);
  const inputs = [
    {
      id: 'reencrypt',
      description: 'the clinic asks proxy 1 for capsule fragments',
      signer: 'clinic' as Party,
      audience: 'proxy1' as Party,
      method: 'POST',
      path: '/v1/reencrypt',
      body: jsonBody({ grantId: grantHex, cids: [cid] }),
      timestamp: T0 + 10 * MINUTE,
    },
    {
      id: 'forget-grant',
      description: 'the patient asks proxy 2 to forget a grant: empty body',
      signer: 'patient' as Party,
      audience: 'proxy2' as Party,
      method: 'DELETE',
      path: `/v1/grants/${grantHex}`,
      body: new Uint8Array(0),
      timestamp: T0 + 11 * MINUTE,
    },
  ];
  const vectors = inputs.map((r) => {
    const headers = signRequest(
      signer(r.signer),
      { audience: secretKey(r.audience).publicKey(), method: r.method, path: r.path, body: r.body },
      r.timestamp,
    );
    const message = encodeCanonical([
      'medvault/proxy-request/v2',
      publicKey(r.audience),
      r.method,
      r.path,
      sha256(r.body),
      Buffer.from(headers['x-medvault-nonce'], 'hex'),
      r.timestamp,
    ]);
    return {
      id: r.id,
      description: r.description,
      signer: r.signer,
      signerSecretKey: hex(secretKey(r.signer).toBEBytes()),
      audience: hex(publicKey(r.audience)),
      method: r.method,
      path: r.path,
      body: new TextDecoder().decode(r.body),
      bodyHex: hex(r.body),
      bodySha256: hex(sha256(r.body)),
      nonce: headers['x-medvault-nonce'],
      timestamp: r.timestamp,
      message: hex(message),
      signature: headers['x-medvault-signature'],
      headers,
      verify: {
        windowMs: 60_000,
        acceptedAt: [r.timestamp, r.timestamp + 60_000, r.timestamp - 60_000],
        result: hex(publicKey(r.signer)),
      },
    };
  });
  const reencrypt = vectors[0]!;
  const v1Message = encodeCanonical([
    'medvault/proxy-request/v1',
    reencrypt.method,
    reencrypt.path,
    sha256(inputs[0]!.body),
    Buffer.from(reencrypt.nonce, 'hex'),
    reencrypt.timestamp,
  ]);
  const ts = reencrypt.timestamp;
  const sig = Buffer.from(reencrypt.signature, 'hex');
  const negative = [
    {
      id: 'wrong-audience',
      description: 'the request for proxy 1, verified by proxy 2 (its own key as audience)',
      audience: hex(publicKey('proxy2')),
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'expired',
      description: 'verified 60 001 ms after its timestamp',
      now: ts + 60_001,
      code: 'PROXY_AUTH_STALE',
    },
    {
      id: 'from-the-future',
      description: 'verified 60 001 ms before its timestamp',
      now: ts - 60_001,
      code: 'PROXY_AUTH_STALE',
    },
    {
      id: 'bad-signature',
      description: 'one bit of the signature flipped',
      headers: { 'x-medvault-signature': hex(flipped(sig, -1)) },
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'other-method',
      description: 'sent as PUT',
      method: 'PUT',
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'other-path',
      description: 'sent to /v1/reencrypt/',
      path: '/v1/reencrypt/',
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'other-body',
      description: 'the body with a space appended',
      bodyHex: `${reencrypt.bodyHex}20`,
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'other-timestamp',
      description: 'x-medvault-timestamp 1 ms later than signed',
      headers: { 'x-medvault-timestamp': String(ts + 1) },
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'other-key',
      description: 'x-medvault-key names the patient, not the clinic that signed',
      headers: { 'x-medvault-key': hex(publicKey('patient')) },
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'message-v1',
      description:
        'a valid signature by the clinic over the version 1 message (no audience), given in v1Message',
      v1Message: hex(v1Message),
      headers: { 'x-medvault-signature': hex(signer('clinic').sign(v1Message).toBEBytes()) },
      now: ts,
      code: 'PROXY_AUTH_SIGNATURE',
    },
    {
      id: 'replay',
      description:
        'the same request verified twice by one proxy (one nonce cache): the second time',
      replay: true,
      now: ts + 1000,
      code: 'PROXY_AUTH_REPLAY',
    },
    {
      id: 'upper-case-hex',
      description: 'the signature in upper-case hex',
      headers: { 'x-medvault-signature': reencrypt.signature.toUpperCase() },
      now: ts,
      code: 'PROXY_AUTH_MALFORMED',
    },
    {
      id: 'missing-nonce',
      description: 'no x-medvault-nonce header',
      headers: { 'x-medvault-nonce': null },
      now: ts,
      code: 'PROXY_AUTH_MALFORMED',
    },
  ].map((n) => ({ of: 'reencrypt', ...n }));
  write('proxy-request.json', {
    description:
      'Signed proxy requests (message v2, with audience): inputs, the exact signed message (deterministic CBOR), the signature and headers, and the key verifyRequest returns; negative cases as changes to a positive vector with the error code verifyRequest must raise.',
    spec: 'docs/spec/proxy-api.md (Authentication: signed requests)',
    generator: GENERATOR,
    signatures: `${SIGNATURES} The 16-byte nonce is random too.`,
    keys: keyTable(['patient', 'clinic', 'proxy1', 'proxy2']),
    message:
      'CBOR(["medvault/proxy-request/v2", audience (33 bytes), METHOD, path, SHA-256(body), nonce (16 bytes), timestamp]); the signature is ECDSA over SHA-256(message).',
    verify:
      'verifyRequest(headers, {audience, method, path, body}, { nonces: a fresh NonceCache, windowMs, now }) returns `result` (the signer’s public key) at each `acceptedAt` time.',
    vectors,
    negativeInput:
      'Start from vector `of`; `audience`, `method`, `path`, `bodyHex` replace the verifier’s parts; `headers` replaces headers (null removes one); verify at `now` with windowMs 60000 and a fresh NonceCache (with `replay`, verify once first with the same cache).',
    negative,
  });
}

mkdirSync(OUT, { recursive: true });
const records = await envelope();
const built = await ledgerEntries(records);
await checkpoints(built);
proxyRequests(records.small.cid);
execFileSync(
  join(import.meta.dirname, '../../../node_modules/.bin/biome'),
  ['format', '--write', OUT],
  {
    stdio: 'inherit',
  },
);
console.log(
  `wrote envelope.json, ledger-entries.json, checkpoint.json, proxy-request.json to ${OUT}`,
);
