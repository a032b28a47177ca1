/**
 * Writes the fixed test vectors of MedVault's own byte formats to
 * docs/spec/vectors/, each read by a `*.vectors.test.ts` beside its module.
 * Name what to write:
 *
 *   npx tsx packages/core/scripts/make-vectors.ts ledger           # ledger-entries.json, checkpoint.json
 *   npx tsx packages/core/scripts/make-vectors.ts envelope         # envelope.json
 *   npx tsx packages/core/scripts/make-vectors.ts proxy-request    # proxy-request.json
 *   npx tsx packages/core/scripts/make-vectors.ts keys             # keys.json
 *
 * Keys, ids, times and inputs are fixed, but sealing (data key, salt, nonce
 * prefix, capsule; sealed records and ledger notes), request nonces and
 * ECDSA signatures (hedged RFC 6979) are random: every run writes different
 * bytes that are just as valid, so only the files asked for are rewritten
 * (keys.json alone is deterministic). The committed JSON is the reference;
 * run this only to replace it, never to compare against it. The ledger's
 * records are sealed anew to the category keys of its vectors; the proxy
 * requests name a record of the committed envelope.json. Expected error
 * codes are written here from the specs, not observed: the tests check the
 * code against them. The files are left formatted as `biome check` wants
 * them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { extract, hkdf } from '@noble/hashes/hkdf.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sealRecordBytes } from '../src/envelope/index.js';
import {
  bodyHashOf,
  decodeEntry,
  type Entry,
  type EntryBody,
  type EntryKind,
  type EntryStub,
  encodeCanonical,
  encodeCheckpoint,
  encodeEntry,
  hashEntry,
  LEDGER_VERSION,
  Ledger,
  type Note,
  PatientKeys,
  sealNote,
  signCheckpoint,
  signEntry,
  signingPayload,
  signKeyRotation,
  stubOf,
  type UnsignedEntry,
  verifyLedger,
  visibilityFor,
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
  // the patient's encryption keys in the ledger vectors: fixed scalars, not HKDF outputs (keys.json has those)
  lab0: 0x09,
  imaging0: 0x0a,
  lab1: 0x0b,
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

/** What the proxy requests take of a sealed record: read from the committed envelope.json. */
type SealedRef = { id: string; cid: string; size: number; header: { capsule: string } };

/**
 * The committed envelope.json's "small" record (not regenerated: the proxy
 * requests name its CID).
 */
function envelopeSmall(): SealedRef {
  const file = JSON.parse(readFileSync(join(OUT, 'envelope.json'), 'utf8')) as {
    vectors: SealedRef[];
  };
  const small = file.vectors.find((x) => x.id === 'small');
  if (!small) throw new Error('envelope.json has no vector small');
  return small;
}

const ENTRY_TAG = utf8ToBytes(`medvault/ledger/entry/v${LEDGER_VERSION}\0`);
const ENTRY_TAG_V1 = utf8ToBytes('medvault/ledger/entry/v1\0');
const ENTRY_TAG_V2 = utf8ToBytes('medvault/ledger/entry/v2\0');
const ROTATION_TAG = utf8ToBytes('medvault/ledger/key-rotation/v1\0');
const LEDGER_HOST = 'https://ledger.example';
const GRANT_SALT = new Uint8Array(32).fill(0x22);
/** 2100-01-01T00:00:00Z: far beyond any verifier's clock skew. */
const FAR_FUTURE = 4_102_444_800_000;
/** The kinds every party is served in full (ledger.md §10): never withheld. */
const PUBLIC = ['genesis', 'key-rotation', 'encryption-keys'];

/**
 * The records the ledger's record entries name, sealed here to the
 * patient's category keys (envelope.json's records are sealed to 01…01,
 * which is the identity key in these vectors).
 */
const LEDGER_RECORDS = [
  {
    id: 'lab-observation',
    description:
      'envelope.json’s "small" plaintext (a FHIR Observation) sealed to the laboratory key of epoch 0 (lab0): entry 2',
    sealedTo: 'lab0',
    contentType: 'application/fhir+json',
    plaintext: RECORDS[0]!.plaintext,
  },
  {
    id: 'imaging-study',
    description:
      '300 bytes (byte i = (31·i + 7) mod 256) sealed to the imaging key of epoch 0 (imaging0): entry 4, the owner’s own',
    sealedTo: 'imaging0',
    contentType: 'application/dicom',
    plaintext: pattern(300),
  },
  {
    id: 'lab-empty',
    description:
      'an empty record sealed to lab0: only its capsule is used, by the negative vector accept-duplicate-cid',
    sealedTo: 'lab0',
    contentType: 'text/plain',
    plaintext: new Uint8Array(0),
  },
] as const satisfies readonly {
  id: string;
  description: string;
  sealedTo: Party;
  contentType: string;
  plaintext: Uint8Array;
}[];
type LedgerRecordId = (typeof LEDGER_RECORDS)[number]['id'];

/** Seals the ledger's records; each with what the vector file shows of it. */
async function sealLedgerRecords() {
  const out = {} as Record<
    LedgerRecordId,
    { capsule: Uint8Array; cid: string; size: number; json: Record<string, unknown> }
  >;
  for (const r of LEDGER_RECORDS) {
    const s = await sealRecordBytes(secretKey(r.sealedTo).publicKey(), r.plaintext, {
      contentType: r.contentType,
    });
    const capsule = s.header.capsule.toBytes();
    out[r.id] = {
      capsule,
      cid: s.cid.toString(),
      size: s.size,
      json: {
        id: r.id,
        description: r.description,
        sealedTo: r.sealedTo,
        secretKey: hex(secretKey(r.sealedTo).toBEBytes()),
        contentType: r.contentType,
        plaintext: hex(r.plaintext),
        sealed: hex(s.bytes),
        cid: s.cid.toString(),
        size: s.size,
        capsule: hex(capsule),
      },
    };
  }
  return out;
}

/** Plaintexts of the sealed notes, and whom each is sealed to. */
const NOTES = {
  record: {
    sealedTo: 'patient',
    note: { title: 'Fasting glucose', origin: 'https://hospital.example' },
  },
  grant: {
    sealedTo: 'patient',
    note: {
      purpose: 'follow-up of diabetes',
      readerName: 'Riverside Clinic',
      origin: 'https://clinic.example',
    },
  },
  grantReader: { sealedTo: 'clinic', note: { purpose: 'follow-up of diabetes' } },
  emergency: { sealedTo: 'patient', note: { reason: 'unconscious in the emergency room' } },
} as const satisfies Record<string, { sealedTo: Party; note: Note }>;
const seal = (n: (typeof NOTES)[keyof typeof NOTES]) =>
  sealNote(secretKey(n.sealedTo).publicKey(), n.note);

/** The signed header of an entry, as the spec derives it: every field but body and sig, and the body's hash. */
const headerOf = (e: Entry) => ({
  v: e.v,
  ledger: e.ledger,
  seq: e.seq,
  prev: e.prev,
  time: e.time,
  kind: e.kind,
  bodyHash: sha256(encodeCanonical(e.body)),
  author: e.author,
});
/** "medvault/ledger/entry/v3" ‖ 0x00 ‖ CBOR(header). */
const payloadOf = (e: Entry) => concatBytes(ENTRY_TAG, encodeCanonical(headerOf(e)));
/** CBOR(header with sig): the stub, whose SHA-256 is the entry hash. */
const stubBytesOf = (e: Entry) => encodeCanonical({ ...headerOf(e), sig: e.sig });
const same = (what: string, a: Uint8Array, b: Uint8Array) => {
  if (hex(a) !== hex(b)) throw new Error(`the library and the spec disagree on ${what}`);
};

/** Entry `seq` of kind `kind` by `author`, signed; dated T0 + seq minutes unless overridden. */
const signed = <K extends EntryKind>(
  seq: number,
  prev: Uint8Array,
  kind: K,
  body: EntryBody<K>,
  author: Party,
  overrides: Partial<UnsignedEntry> = {},
): Entry<K> =>
  signEntry(
    {
      v: LEDGER_VERSION,
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
  );
const full = (e: Entry) => hex(encodeEntry(e));
const stub = (e: Entry | EntryStub) => hex(encodeEntry(stubOf(e)));
/** One published encryption key of an `encryption-keys` body. */
const published = (category: string, epoch: number, key: Party) => ({
  category,
  epoch,
  key: publicKey(key),
});

async function ledgerEntries() {
  const sealedRecords = await sealLedgerRecords();
  let time = T0;
  const ledger = await Ledger.create(signer('patient'), { id: LEDGER_ID, now: () => time });
  const authors: Party[] = ['patient'];
  const notes: Record<number, { field: string; sealedTo: Party; opens: Note }[]> = {};
  const append = async <K extends EntryKind>(
    kind: K,
    body: EntryBody<K>,
    author: Party,
    sealed: { field: string; sealedTo: Party; opens: Note }[] = [],
  ) => {
    time = T0 + ledger.size * MINUTE;
    if (sealed.length > 0) notes[ledger.size] = sealed;
    authors.push(author);
    await ledger.append(kind, body, signer(author));
  };
  const noteOf = (field: string, n: (typeof NOTES)[keyof typeof NOTES]) => ({
    field,
    sealedTo: n.sealedTo as Party,
    opens: n.note as Note,
  });
  const lab = sealedRecords['lab-observation'];
  const imaging = sealedRecords['imaging-study'];

  // 1: the patient publishes the encryption keys of two categories (epoch 0)
  const firstKeys = {
    keys: [published('laboratory', 0, 'lab0'), published('imaging', 0, 'imaging0')],
  };
  await append('encryption-keys', firstKeys, 'patient');
  // 2: the hospital proposes a laboratory record sealed to lab0 (a note sealed to the patient: title, origin)
  const proposal = {
    cid: lab.cid,
    capsule: lab.capsule,
    contentType: 'application/fhir+json',
    resourceType: 'Observation',
    category: 'laboratory',
    size: lab.size,
    recipient: publicKey('lab0'),
    note: seal(NOTES.record),
  };
  await append('record', proposal, 'hospital', [noteOf('note', NOTES.record)]);
  // 3: the patient accepts it: from now on it counts
  await append('endorse', { proposal: 2, entryHash: ledger.head, accept: true }, 'patient');
  // 4: the patient's own imaging record (no note), sealed to imaging0, outside the grant's scope: it counts at once
  const ownRecord = {
    cid: imaging.cid,
    capsule: imaging.capsule,
    contentType: 'application/dicom',
    resourceType: 'ImagingStudy',
    category: 'imaging',
    size: imaging.size,
    recipient: publicKey('imaging0'),
  };
  await append('record', ownRecord, 'patient');
  // 5: a grant to the clinic through three proxies, threshold 2, delegating the laboratory key
  const proxies: Party[] = ['proxy1', 'proxy2', 'proxy3'];
  const grantBody = {
    grantId: GRANT_ID,
    grantee: publicKey('clinic'),
    scope: { resourceTypes: ['Observation'], categories: ['laboratory'] },
    note: seal(NOTES.grant),
    readerNote: seal(NOTES.grantReader),
    expiresAt: T0 + 30 * 24 * 60 * MINUTE,
    ledgerHost: LEDGER_HOST,
    salt: GRANT_SALT,
    proxies: proxies.map((p, i) => ({ url: `http://127.0.0.1:${9000 + i}`, key: publicKey(p) })),
    threshold: 2,
    categories: ['laboratory'],
  };
  await append('grant', grantBody, 'patient', [
    noteOf('note', NOTES.grant),
    noteOf('readerNote', NOTES.grantReader),
  ]);
  // 6: proxy 1 serves the clinic
  await append(
    'access',
    { grantId: GRANT_ID, proxy: publicKey('proxy1'), capsules: [lab.cid] },
    'proxy1',
  );
  // 7: the patient revokes the grant
  await append('revoke', { grantId: GRANT_ID }, 'patient');
  // 8: rotation on revocation: laboratory moves to epoch 1 (lab1)
  await append('encryption-keys', { keys: [published('laboratory', 1, 'lab1')] }, 'patient');
  // 9: a break-glass statement for the hospital
  await append(
    'emergency',
    {
      grantee: publicKey('hospital'),
      note: seal(NOTES.emergency),
      expiresAt: T0 + 24 * 60 * MINUTE,
    },
    'patient',
    [noteOf('note', NOTES.emergency)],
  );
  // 10: the patient's identity key rotates to newOwner
  await append(
    'key-rotation',
    signKeyRotation(signer('newOwner'), LEDGER_ID, ledger.head),
    'patient',
  );

  const bytes = ledger.allEntryBytes();
  const entries = bytes.map((b) => decodeEntry(b));
  const hashes = entries.map((e) => sha256(stubBytesOf(e)));
  const positive = entries.map((entry, seq) => {
    const b = bytes[seq]!;
    const stubBytes = stubBytesOf(entry);
    same(`the signing payload of entry ${seq}`, payloadOf(entry), signingPayload(entry));
    same(`the stub of entry ${seq}`, stubBytes, encodeEntry(stubOf(entry)));
    same(`the hash of entry ${seq}`, hashes[seq]!, hashEntry(b));
    same(`the body hash of entry ${seq}`, headerOf(entry).bodyHash, bodyHashOf(entry));
    return {
      seq,
      kind: entry.kind,
      signer: authors[seq],
      signerSecretKey: hex(secretKey(authors[seq]!).toBEBytes()),
      ...(entry.kind === 'key-rotation'
        ? {
            newOwnerPayload: hex(
              concatBytes(ROTATION_TAG, LEDGER_ID, entry.prev, publicKey('newOwner')),
            ),
          }
        : {}),
      ...(notes[seq]
        ? {
            notes: notes[seq]!.map((n) => ({
              ...n,
              secretKey: hex(secretKey(n.sealedTo).toBEBytes()),
            })),
          }
        : {}),
      entry: toJson(entry),
      bodyBytes: hex(encodeCanonical(entry.body)),
      bodyHash: hex(headerOf(entry).bodyHash),
      signingPayload: hex(payloadOf(entry)),
      bytes: hex(b),
      stub: hex(stubBytes),
      hash: hex(hashes[seq]!),
      verify: 'ok',
    };
  });

  // what the host serves each party (visibility.ts), and a view with every body it may withhold
  const verified = ledger.state;
  const summary = {
    size: verified.size,
    head: hex(verified.head),
    root: hex(ledger.root()),
    owner: hex(verified.owner),
  };
  const served = (full: number[]) =>
    entries.map((e, seq) => (full.includes(seq) ? bytes[seq]! : encodeEntry(stubOf(e))));
  const partyView = (id: string, party: Party, description: string) => {
    const { role, full } = visibilityFor(entries, publicKey(party));
    const shown = entries.map((e) => e.seq).filter(full);
    const v = verifyLedger(served(shown));
    if (hex(v.root) !== summary.root) throw new Error(`the ${id} view has another root`);
    return {
      id,
      description,
      party,
      partyKey: hex(publicKey(party)),
      role,
      full: shown,
      stubs: entries.map((e) => e.seq).filter((s) => !full(s)),
      verifies: summary,
    };
  };
  const publicSeqs = entries.filter((e) => PUBLIC.includes(e.kind)).map((e) => e.seq);
  const views = [
    partyView(
      'clinic',
      'clinic',
      'the grant’s reader: genesis, both encryption-keys entries (1, 8) and the key rotation (10); its grant (5), access (6) and revoke (7); the record in scope (2, accepted before the revocation) with its endorsement (3). The imaging record (4, out of scope) and the emergency (9) as stubs',
    ),
    partyView(
      'proxy2',
      'proxy2',
      'a proxy of the grant (one that never served): what the reader sees',
    ),
    partyView(
      'stranger',
      'stranger',
      'a key in no grant (role none; an author about to seal a record, say): the public entries in full — genesis (0), encryption-keys (1, 8), key-rotation (10) — and every other entry as a stub',
    ),
    {
      id: 'headers-only',
      description:
        'every entry a host may withhold served as a stub (all but genesis, encryption-keys and key-rotation): the chain, signatures, owner-only authors and Merkle root still verify',
      full: publicSeqs,
      stubs: entries.map((e) => e.seq).filter((s) => !publicSeqs.includes(s)),
      verifies: summary,
    },
  ];

  const [genesis, firstKeysEntry, proposed, endorsed, , grant, , , rotatedKeys, , rotation] =
    entries as [
      Entry<'genesis'>,
      Entry<'encryption-keys'>,
      Entry<'record'>,
      Entry<'endorse'>,
      Entry<'record'>,
      Entry<'grant'>,
      Entry<'access'>,
      Entry<'revoke'>,
      Entry<'encryption-keys'>,
      Entry<'emergency'>,
      Entry<'key-rotation'>,
    ];
  const canonicalPairs = (value: object): [string, Uint8Array][] =>
    Object.entries(value)
      .map(([k, v]): [string, Uint8Array] => [k, encodeCanonical(v)])
      .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1));
  const reSigned = <K extends EntryKind>(
    e: Entry<K>,
    changes: Partial<UnsignedEntry>,
    author: Party,
  ) => signed(e.seq, e.prev, e.kind, e.body, author, { time: e.time, ...changes });
  const v1Genesis = (() => {
    const { sig: _, ...rest } = genesis;
    const unsigned = { ...rest, v: 1 };
    const sig = signer('patient')
      .sign(concatBytes(ENTRY_TAG_V1, encodeCanonical(unsigned)))
      .toBEBytes();
    return encodeCanonical({ ...unsigned, sig });
  })();
  const v2Genesis = (() => {
    const header = { ...headerOf(genesis), v: 2 };
    const sig = signer('patient')
      .sign(concatBytes(ENTRY_TAG_V2, encodeCanonical(header)))
      .toBEBytes();
    const { bodyHash: _, ...rest } = header;
    return encodeCanonical({ ...rest, body: genesis.body, sig });
  })();
  const hospitalEndorse = signed(
    3,
    hashes[2]!,
    'endorse',
    { proposal: 2, entryHash: hashes[2]!, accept: true },
    'hospital',
  );
  const secondProposal = signed(
    5,
    hashes[4]!,
    'record',
    { ...proposal, capsule: sealedRecords['lab-empty'].capsule, note: seal(NOTES.record) },
    'hospital',
  );
  /** Entry 4, the owner's own record, with `changes` to its body. */
  const ownRecordWith = (changes: Partial<EntryBody<'record'>>) =>
    full(signed(4, hashes[3]!, 'record', { ...ownRecord, ...changes }, 'patient'));
  /** Entries 2 and 3: the hospital's proposal with `changes`, and the owner accepting it. */
  const acceptedProposalWith = (changes: Partial<EntryBody<'record'>>) => {
    const other = signed(2, hashes[1]!, 'record', { ...proposal, ...changes }, 'hospital');
    const accept = signed(
      3,
      hashEntry(other),
      'endorse',
      { proposal: 2, entryHash: hashEntry(other), accept: true },
      'patient',
    );
    return [full(other), full(accept)];
  };
  /** Entry 8 (the rotation on revocation) with another body, signed by `author`. */
  const keysEntry8 = (keys: EntryBody<'encryption-keys'>['keys'], author: Party = 'patient') =>
    full(signed(8, hashes[7]!, 'encryption-keys', { keys }, author));
  const negative = [
    {
      id: 'bad-signature',
      description: 'entry 2 with one bit of its signature flipped',
      prefix: 2,
      append: [full({ ...proposed, sig: flipped(proposed.sig, -1) })],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 2,
    },
    {
      id: 'wrong-prev',
      description: 'entry 2 validly signed, but its prev is not the hash of entry 1',
      prefix: 2,
      append: [full(reSigned(proposed, { prev: flipped(hashes[1]!, 0) }, 'hospital'))],
      code: 'LEDGER_CHAIN_BROKEN',
      seq: 2,
    },
    {
      id: 'non-canonical-integer',
      description: `entry 0 with v = ${LEDGER_VERSION} encoded in two bytes (18 0${LEDGER_VERSION}) instead of one (0${LEDGER_VERSION})`,
      prefix: 0,
      append: [
        hex(
          mapOf(
            canonicalPairs(genesis).map(([k, v]): [string, Uint8Array] =>
              k === 'v' ? [k, Uint8Array.of(0x18, LEDGER_VERSION)] : [k, v],
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
      id: 'version-1',
      description:
        'entry 0 in the version 1 format (v = 1, signed over "medvault/ledger/entry/v1" ‖ 00 ‖ CBOR of the entry with its body): no longer accepted',
      prefix: 0,
      append: [hex(v1Genesis)],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'version-2',
      description:
        'entry 0 in the version 2 format (v = 2, its header signed over "medvault/ledger/entry/v2" ‖ 00 ‖ CBOR(header)): no longer accepted',
      prefix: 0,
      append: [hex(v2Genesis)],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'full-entry-with-body-hash',
      description:
        'entry 2 in full with a bodyHash field too (an entry is full or a stub, never both)',
      prefix: 2,
      append: [hex(encodeCanonical({ ...proposed, bodyHash: bodyHashOf(proposed) }))],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'wrong-ledger',
      description: 'entry 2 validly signed for another ledger id (cd…cd)',
      prefix: 2,
      append: [full(reSigned(proposed, { ledger: new Uint8Array(32).fill(0xcd) }, 'hospital'))],
      code: 'LEDGER_WRONG_LEDGER',
      seq: 2,
    },
    {
      id: 'entry-dropped',
      description: 'entry 3 right after entry 1',
      prefix: 2,
      append: [hex(bytes[3]!)],
      code: 'LEDGER_SEQUENCE',
      seq: 3,
    },
    {
      id: 'time-backwards',
      description: 'entry 2 validly signed with a time 1 ms before entry 1',
      prefix: 2,
      append: [full(reSigned(proposed, { time: firstKeysEntry.time - 1 }, 'hospital'))],
      code: 'LEDGER_TIME_ORDER',
      seq: 2,
    },
    {
      id: 'future-entry',
      description: `entry 2 validly signed with time ${FAR_FUTURE} (2100-01-01): more than MAX_CLOCK_SKEW_MS (5 minutes) ahead of any verifier's clock before then`,
      prefix: 2,
      append: [full(reSigned(proposed, { time: FAR_FUTURE }, 'hospital'))],
      code: 'LEDGER_FUTURE_ENTRY',
      seq: 2,
    },
    {
      id: 'genesis-stub',
      description: 'entry 0 served as a stub: genesis is never withheld',
      prefix: 0,
      append: [stub(genesis)],
      code: 'LEDGER_WITHHELD',
      seq: 0,
    },
    {
      id: 'encryption-keys-stub',
      description:
        'entry 1 (encryption-keys) served as a stub: what authors seal to is never withheld',
      prefix: 1,
      append: [stub(firstKeysEntry)],
      code: 'LEDGER_WITHHELD',
      seq: 1,
    },
    {
      id: 'encryption-keys-rotation-stub',
      description:
        'entry 8 (the rotation of laboratory to epoch 1) served as a stub: a host hiding it would have authors seal to the epoch the revoked grant’s coalition holds',
      prefix: 8,
      append: [stub(rotatedKeys)],
      code: 'LEDGER_WITHHELD',
      seq: 8,
    },
    {
      id: 'key-rotation-stub',
      description: 'entry 10 (key-rotation) served as a stub: a key rotation is never withheld',
      prefix: 10,
      append: [stub(rotation)],
      code: 'LEDGER_WITHHELD',
      seq: 10,
    },
    {
      id: 'stub-body-hash-changed',
      description:
        'entry 2 as a stub whose bodyHash has one bit flipped: the header no longer matches the signature',
      prefix: 2,
      append: [stub({ ...stubOf(proposed), bodyHash: flipped(bodyHashOf(proposed), 0) })],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 2,
    },
    {
      id: 'encryption-keys-not-by-owner',
      description: 'entry 8 (laboratory to epoch 1) validly signed by the hospital',
      prefix: 8,
      append: [keysEntry8([published('laboratory', 1, 'lab1')], 'hospital')],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 8,
    },
    {
      id: 'encryption-keys-skip-epoch',
      description: 'entry 8 publishing laboratory at epoch 2: its next epoch is 1',
      prefix: 8,
      append: [keysEntry8([published('laboratory', 2, 'lab1')])],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 8,
    },
    {
      id: 'encryption-keys-new-category-not-epoch-0',
      description: 'entry 1 publishing imaging at epoch 1: a new category starts at epoch 0',
      prefix: 1,
      append: [
        full(
          signed(
            1,
            hashes[0]!,
            'encryption-keys',
            { keys: [published('laboratory', 0, 'lab0'), published('imaging', 1, 'imaging0')] },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 1,
    },
    {
      id: 'encryption-keys-category-twice',
      description: 'entry 8 naming laboratory twice (epoch 1, lab1, twice over)',
      prefix: 8,
      append: [
        keysEntry8([published('laboratory', 1, 'lab1'), published('laboratory', 1, 'lab1')]),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 8,
    },
    {
      id: 'encryption-keys-reuse-key',
      description:
        'entry 8 publishing lab0 again as laboratory epoch 1: a key serves once (a rotation to the same key would rotate nothing)',
      prefix: 8,
      append: [keysEntry8([published('laboratory', 1, 'lab0')])],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 8,
    },
    {
      id: 'encryption-keys-other-category-key',
      description: 'entry 8 publishing imaging0 (imaging’s key) as laboratory epoch 1',
      prefix: 8,
      append: [keysEntry8([published('laboratory', 1, 'imaging0')])],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 8,
    },
    {
      id: 'encryption-keys-identity-key',
      description:
        'entry 1 publishing the owner’s identity key (patient) as the imaging key: the identity key never receives',
      prefix: 1,
      append: [
        full(
          signed(
            1,
            hashes[0]!,
            'encryption-keys',
            { keys: [published('laboratory', 0, 'lab0'), published('imaging', 0, 'patient')] },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 1,
    },
    {
      id: 'rotation-to-encryption-key',
      description:
        'entry 10 (key-rotation, newOwnerSig valid) rotating the identity to lab0, a published encryption key',
      prefix: 10,
      append: [
        full(
          signed(
            10,
            hashes[9]!,
            'key-rotation',
            signKeyRotation(signer('lab0'), LEDGER_ID, hashes[9]!),
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 10,
    },
    {
      id: 'endorse-not-by-owner',
      description:
        'entry 3 (endorse, accepting the proposal of entry 2) validly signed by the hospital',
      prefix: 3,
      append: [full(hospitalEndorse)],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 3,
    },
    {
      id: 'endorse-stub-not-by-owner',
      description:
        'the same, served as a stub: the author rule of an owner-only kind needs no body',
      prefix: 3,
      append: [stub(hospitalEndorse)],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 3,
    },
    {
      id: 'endorse-wrong-hash',
      description: 'entry 3 by the owner, naming proposal 2 with the hash of entry 1',
      prefix: 3,
      append: [
        full(reSigned(endorsed, { body: { ...endorsed.body, entryHash: hashes[1]! } }, 'patient')),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 3,
    },
    {
      id: 'endorse-twice',
      description:
        'after entry 3, a second endorse of proposal 2 (rejecting it): a proposal is decided once',
      prefix: 4,
      append: [
        full(
          signed(
            4,
            hashes[3]!,
            'endorse',
            { proposal: 2, entryHash: hashes[2]!, accept: false },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 4,
    },
    {
      id: 'accept-duplicate-cid',
      description:
        'after entry 4, the hospital proposes entry 2’s CID again with the capsule of the record "lab-empty" (entry 5: allowed, a proposal does not count) and the owner accepts it (entry 6): the CID already counts',
      prefix: 5,
      append: [
        full(secondProposal),
        full(
          signed(
            6,
            hashEntry(secondProposal),
            'endorse',
            { proposal: 5, entryHash: hashEntry(secondProposal), accept: true },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_DUPLICATE_RECORD',
      seq: 6,
    },
    {
      id: 'owner-record-duplicate-capsule',
      description: 'entry 4, the owner’s own record, with entry 2’s (counted) capsule',
      prefix: 4,
      append: [ownRecordWith({ capsule: lab.capsule })],
      code: 'LEDGER_DUPLICATE_RECORD',
      seq: 4,
    },
    {
      id: 'owner-record-sealed-to-identity',
      description:
        'entry 4, the owner’s own imaging record, with the owner’s identity key (patient) as recipient',
      prefix: 4,
      append: [ownRecordWith({ recipient: publicKey('patient') })],
      code: 'LEDGER_WRONG_RECIPIENT',
      seq: 4,
    },
    {
      id: 'owner-record-other-category-key',
      description:
        'entry 4, the owner’s own imaging record, sealed to lab0 (laboratory’s key, not imaging’s)',
      prefix: 4,
      append: [ownRecordWith({ recipient: publicKey('lab0') })],
      code: 'LEDGER_WRONG_RECIPIENT',
      seq: 4,
    },
    {
      id: 'owner-record-unpublished-category',
      description:
        'entry 4, the owner’s own record in category "psychiatry", for which no key is published (sealed to imaging0)',
      prefix: 4,
      append: [ownRecordWith({ category: 'psychiatry' })],
      code: 'LEDGER_WRONG_RECIPIENT',
      seq: 4,
    },
    {
      id: 'accept-proposal-sealed-to-identity',
      description:
        'entry 2, the hospital’s proposal, sealed to the owner’s identity key (valid as a proposal: its recipient is not checked when it is written), then entry 3, the owner accepting it',
      prefix: 2,
      append: acceptedProposalWith({ recipient: publicKey('patient') }),
      code: 'LEDGER_WRONG_RECIPIENT',
      seq: 3,
    },
    {
      id: 'accept-proposal-sealed-to-other-category-key',
      description:
        'entry 2, the hospital’s laboratory proposal sealed to imaging0, then entry 3, the owner accepting it',
      prefix: 2,
      append: acceptedProposalWith({ recipient: publicKey('imaging0') }),
      code: 'LEDGER_WRONG_RECIPIENT',
      seq: 3,
    },
    {
      id: 'grant-not-by-owner',
      description: 'entry 5 (grant) validly signed by the hospital instead of the owner',
      prefix: 5,
      append: [full(reSigned(grant, {}, 'hospital'))],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 5,
    },
    {
      id: 'grant-unpublished-category',
      description:
        'entry 5 (grant) whose categories are laboratory and psychiatry: no psychiatry key is published',
      prefix: 5,
      append: [
        full(
          reSigned(
            grant,
            { body: { ...grant.body, categories: ['laboratory', 'psychiatry'] } },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 5,
    },
    {
      id: 'access-after-revoke',
      description: 'an access by proxy 1 right after the grant’s revoke (entry 7)',
      prefix: 8,
      append: [
        full(
          signed(
            8,
            hashes[7]!,
            'access',
            { grantId: GRANT_ID, proxy: publicKey('proxy1'), capsules: [lab.cid] },
            'proxy1',
          ),
        ),
      ],
      code: 'LEDGER_ACCESS_OUTSIDE_GRANT',
      seq: 8,
    },
    {
      id: 'rotation-new-owner-signature',
      description:
        'entry 10 (key-rotation) whose newOwnerSig was made over 32 zero bytes as prev, not the hash of entry 9',
      prefix: 10,
      append: [
        full(
          signed(
            10,
            hashes[9]!,
            'key-rotation',
            signKeyRotation(signer('newOwner'), LEDGER_ID, new Uint8Array(32)),
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 10,
    },
    {
      id: 'fork',
      description:
        'two different, validly signed entries for seq 2 (the second proposes the CID of "imaging-study")',
      prefix: 3,
      append: [
        full(signed(2, hashes[1]!, 'record', { ...proposal, cid: imaging.cid }, 'hospital')),
      ],
      code: 'LEDGER_FORK',
      seq: 2,
    },
  ];
  const noteNegative = [
    {
      id: 'note-wrong-key',
      description: 'entry 2’s note (sealed to the patient) opened with the clinic’s key',
      note: hex(proposed.body.note!),
      secretKey: hex(secretKey('clinic').toBEBytes()),
      code: 'LEDGER_NOTE_UNREADABLE',
    },
    {
      id: 'note-ciphertext-bit-flip',
      description:
        'entry 5’s readerNote with one bit of its last byte (the AEAD tag) flipped, opened with the clinic’s key',
      note: hex(flipped(grant.body.readerNote, -1)),
      secretKey: hex(secretKey('clinic').toBEBytes()),
      code: 'LEDGER_NOTE_UNREADABLE',
    },
    {
      id: 'note-not-a-pair',
      description:
        'a note that is CBOR [capsule] only (no ciphertext), opened with the patient’s key',
      note: hex(encodeCanonical([lab.capsule])),
      secretKey: hex(secretKey('patient').toBEBytes()),
      code: 'LEDGER_NOTE_UNREADABLE',
    },
  ];
  write('ledger-entries.json', {
    description: `One valid ${entries.length}-entry ledger (format version ${LEDGER_VERSION}) with every kind of entry (a record proposed by the hospital and one by the owner, each sealed to its category's key; the encryption keys published at entry 1 and laboratory moved to epoch 1 after the revocation): decoded fields, the body’s canonical bytes and hash, the payload the author signs, the full canonical bytes, the stub’s bytes and the entry hash; the sealed records; what the host serves each party; negative cases as a prefix of that ledger followed by other entries, with the error code verifyLedger must raise, and sealed notes that must not open.`,
    spec: 'docs/spec/ledger.md §1 Encoding, §2 Entries, §3 Kinds and bodies, §4 Chain rules, §10 What each party is served; docs/spec/keys.md (the key hierarchy)',
    generator: GENERATOR,
    signatures: SIGNATURES,
    keys: keyTable([
      'patient',
      'hospital',
      'clinic',
      'proxy1',
      'proxy2',
      'proxy3',
      'newOwner',
      'stranger',
      'lab0',
      'imaging0',
      'lab1',
    ]),
    keysInput:
      'Secret key i is the scalar with all 32 bytes equal to i. "patient" is the owner’s identity key (genesis) and "newOwner" the identity key it rotates to (entry 10). lab0, imaging0 and lab1 are the patient’s encryption keys (laboratory epoch 0, imaging epoch 0, laboratory epoch 1): fixed scalars here, since these vectors are about the ledger’s bytes and rules — a wallet derives them from its seed with HKDF (docs/spec/keys.md, vectors/keys.json).',
    record:
      'Entry 2 (the hospital’s proposal, accepted by entry 3) records "lab-observation", sealed to lab0; entry 4 (the owner’s own) records "imaging-study", sealed to imaging0: CID, capsule and sealed size. Each record’s sealed bytes are in `records` (envelope.md format): opened with the key it is sealed to (openRecord), they give `plaintext`; computeCid(sealed) = cid, and the capsule is the one in its header.',
    records: LEDGER_RECORDS.map((r) => sealedRecords[r.id].json),
    notes:
      'Sealed notes are random (Umbral encrypt): open them, never re-seal and compare. `notes` lists, per body field, whom it is sealed to (with that secret key) and the map it opens to (openNote). Bytes: CBOR [capsule (105 bytes, pre.md §6), DEM ciphertext (pre.md §5)]; the plaintext is the CBOR map of the note’s fields.',
    ledger: { id: hex(LEDGER_ID), ...summary },
    verify: `"ok": \`bytes\` decodes (decodeEntry), re-encodes to the same bytes; \`bodyBytes\` = CBOR(body) and bodyHash = SHA-256(bodyBytes); \`stub\` = CBOR of the header with sig (decodeAnyEntry gives the same fields with bodyHash for body); hash = SHA-256(stub), for both forms; the signature verifies over signingPayload = "medvault/ledger/entry/v${LEDGER_VERSION}" ‖ 00 ‖ CBOR(header); verifyLedger accepts entries 0..seq.`,
    entries: positive,
    viewsInput:
      'A view serves entry seq in full when seq is in `full`, else its `stub`. visibilityFor(entries, partyKey) gives `role` and shows exactly `full`; every view verifies (verifyLedger) to `verifies`: the same size, head, root and owner as the full ledger. Every party, role "none" included, sees genesis, encryption-keys and key-rotation in full.',
    views,
    negativeInput:
      'entries = the first `prefix` entries above (in full), then the `append` hex entries (full or stubs); verifyLedger(entries) must throw `code` (naming `seq` when given).',
    negative,
    noteNegativeInput: 'openNote(secretKey, note) must throw `code`.',
    noteNegative,
  });
  return { ledger, bytes, hashes };
}

// ---------------------------------------------------------------- checkpoints

async function checkpoints({ ledger, bytes, hashes }: Awaited<ReturnType<typeof ledgerEntries>>) {
  const last = bytes.length;
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
  const cpLast = cp(last, 'newOwner');
  const lastId = `size-${last}`;
  const inclusion = (seq: number, size: number, checkpoint?: string, asStub = false) => ({
    entrySeq: seq,
    ...(asStub ? { stub: true } : {}),
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
      description: `${lastId} with one bit of its signature flipped`,
      check: 'decodeCheckpoint',
      bytes: hex(encodeCheckpoint({ ...cpLast, sig: flipped(cpLast.sig, -1) })),
      code: 'LEDGER_BAD_SIGNATURE',
    },
    {
      id: 'non-canonical',
      description: 'size-3 with size = 3 encoded in two bytes (18 03)',
      check: 'decodeCheckpoint',
      bytes: hex(mapOf(cp3Pairs)),
      code: 'LEDGER_MALFORMED',
    },
    ...[1, 2].map((v) => ({
      id: `version-${v}`,
      description: `size-3 as a version ${v} checkpoint (v = ${v}), validly signed`,
      check: 'decodeCheckpoint',
      bytes: hex(
        (() => {
          const { sig: _, ...unsigned } = cp3;
          const old = { ...unsigned, v };
          const sig = signer('patient')
            .sign(concatBytes(CHECKPOINT_TAG, encodeCanonical(old)))
            .toBEBytes();
          return encodeCanonical({ ...old, sig });
        })(),
      ),
      code: 'LEDGER_MALFORMED',
    })),
    {
      id: 'wrong-root',
      description: `a validly signed checkpoint of size ${last} whose root is the root at size ${last - 1}`,
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(last, 'newOwner', ledger.root(last - 1)))),
      code: 'LEDGER_CHECKPOINT_MISMATCH',
    },
    {
      id: 'signer-not-owner',
      description: `size ${last} and the right root, validly signed by the old owner, who rotated away at entry ${last - 1}`,
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(last, 'patient'))),
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
      description: `a validly signed checkpoint of size ${last + 1} over the ${last}-entry ledger`,
      check: 'verifyLedger',
      bytes: hex(encodeCheckpoint(cp(last + 1, 'newOwner', new Uint8Array(32).fill(0x11)))),
      code: 'LEDGER_TRUNCATED',
    },
    {
      id: 'inclusion-node-flipped',
      description: `entry 2 in ${lastId}, one bit of the first path node flipped`,
      check: 'verifyInclusion',
      entrySeq: 2,
      checkpoint: lastId,
      proof: toJson({
        ...proofOf(2, last),
        path: proofOf(2, last).path.map((p, i) => (i === 0 ? flipped(p, 0) : p)),
      }),
      code: 'LEDGER_INCLUSION_PROOF',
    },
    {
      id: 'inclusion-other-entry',
      description: 'entry 3 checked with the proof of entry 2',
      check: 'verifyInclusion',
      entrySeq: 3,
      checkpoint: lastId,
      proof: toJson(proofOf(2, last)),
      code: 'LEDGER_INCLUSION_PROOF',
    },
    {
      id: 'inclusion-path-short',
      description: `entry 2 in ${lastId} with the last path node dropped`,
      check: 'verifyInclusion',
      entrySeq: 2,
      checkpoint: lastId,
      proof: toJson({ ...proofOf(2, last), path: proofOf(2, last).path.slice(0, -1) }),
      code: 'LEDGER_INCLUSION_PROOF',
    },
    {
      id: 'consistency-node-flipped',
      description: `size-3 → ${lastId} with one bit of the last path node flipped`,
      check: 'verifyConsistency',
      older: 'size-3',
      newer: lastId,
      proof: toJson({
        ...ledger.proveConsistency(3, last),
        path: ledger
          .proveConsistency(3, last)
          .path.map((p, i, all) => (i === all.length - 1 ? flipped(p, 0) : p)),
      }),
      code: 'LEDGER_CONSISTENCY_PROOF',
    },
    {
      id: 'consistency-reversed',
      description: `the 3 → ${last} proof given with the checkpoints the other way round`,
      check: 'verifyConsistency',
      older: lastId,
      newer: 'size-3',
      proof: toJson(ledger.proveConsistency(3, last)),
      code: 'LEDGER_CONSISTENCY_PROOF',
    },
    {
      id: 'consistency-other-history',
      description: `size-3 → a validly signed size-${last} checkpoint of another history (its root is SHA-256 of "another history")`,
      check: 'verifyConsistency',
      older: 'size-3',
      newer: hex(encodeCheckpoint(cp(last, 'newOwner', sha256(utf8ToBytes('another history'))))),
      proof: toJson(ledger.proveConsistency(3, last)),
      code: 'LEDGER_CONSISTENCY_PROOF',
    },
  ];
  write('checkpoint.json', {
    description: `Checkpoints over the ${last}-entry ledger of ledger-entries.json: their fields, signed payload and canonical bytes; the Merkle root at every size; inclusion and consistency proofs; negative cases with the error code each check must raise.`,
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
        lastId,
        cpLast,
        `entries 0..${last - 1}, signed by the owner after the key rotation of entry ${last - 1} (newOwner)`,
      ),
    ],
    verify: `verifyLedger(entries, { checkpoints: [size-3, ${lastId}] }) accepts; each proof verifies (verifyInclusion / verifyConsistency against the named checkpoints, or the RFC 9162 check against \`roots\` when none is named). With \`stub\`, the entry is given as its stub (ledger-entries.json \`stub\`): its leaf is the same.`,
    inclusionProofs: [
      inclusion(2, last, lastId),
      inclusion(0, 3, 'size-3'),
      inclusion(last - 1, last, lastId),
      inclusion(last - 2, last, lastId, true),
    ],
    consistencyProofs: [
      consistency(3, last, ['size-3', lastId]),
      consistency(4, last),
      consistency(1, last),
    ],
    negativeInput: `check decodeCheckpoint: decode \`bytes\`. verifyLedger: the ${last} entries with \`bytes\` as checkpoint. verifyInclusion: entry \`entrySeq\`, \`proof\`, the checkpoint named. verifyConsistency: \`older\`, \`newer\` (a checkpoint id or checkpoint bytes in hex), \`proof\`.`,
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

// ---------------------------------------------------------------- keys

/** The BIP39 reference phrase: eleven times "abandon", then "about"; no passphrase. */
const KEYS_PHRASE =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const KEYS_SALT = utf8ToBytes('medvault/identity/v1');
const IDENTITY_INFO = utf8ToBytes('medvault/identity-key/v1');
const ENCRYPTION_INFO = utf8ToBytes('medvault/encryption-key/v1');
const u32be = (n: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
};

/**
 * The key hierarchy of one seed, each key derived here as keys.md writes it
 * (HKDF-SHA256, 48 bytes, reduced into [1, n − 1]) and checked against
 * `PatientKeys`. Deterministic: the file is the same on every run.
 */
function keyVectors() {
  // BIP39: PBKDF2-HMAC-SHA512(NFKD(phrase), "mnemonic" ‖ passphrase, 2048 rounds, 64 bytes)
  const seed = pbkdf2(sha512, utf8ToBytes(KEYS_PHRASE.normalize('NFKD')), 'mnemonic', {
    c: 2048,
    dkLen: 64,
  });
  const keys = PatientKeys.fromSeed(seed);
  const n = secp256k1.Point.Fn.ORDER;
  const derive = (info: Uint8Array, library: SecretKey) => {
    const okm = hkdf(sha256, seed, KEYS_SALT, info, 48);
    const scalar = numberToBytesBE((bytesToNumberBE(okm) % (n - 1n)) + 1n, 32);
    same(`the key of info ${hex(info)}`, scalar, library.toBEBytes());
    return {
      info: hex(info),
      okm: hex(okm),
      secretKey: hex(scalar),
      publicKey: hex(SecretKey.fromBEBytes(scalar).publicKey().toCompressedBytes()),
    };
  };
  const ledgerId = hkdf(sha256, seed, KEYS_SALT, utf8ToBytes('ledger-id'), 32);
  same('the ledger id', ledgerId, keys.ledgerId());
  const identity = [0, 1].map((index) => ({
    index,
    ...derive(concatBytes(IDENTITY_INFO, u32be(index)), keys.identity(index)),
  }));
  const encryption = (
    [
      ['laboratory', 0],
      ['laboratory', 1],
      ['psychiatry', 0],
    ] as const
  ).map(([category, epoch]) => {
    const name = utf8ToBytes(category);
    const info = concatBytes(ENCRYPTION_INFO, u32be(name.length), name, u32be(epoch));
    return { category, epoch, ...derive(info, keys.encryptionKey(category, epoch)) };
  });
  const all = [...identity, ...encryption].map((k) => k.secretKey);
  if (new Set(all).size !== all.length) throw new Error('two derived keys are equal');
  const bad = (id: string, description: string, rest: Record<string, unknown>, code: string) => ({
    id,
    description,
    ...rest,
    code,
  });
  const badSeed = (id: string, description: string, bytes: Uint8Array) =>
    bad(id, description, { call: 'identity', seed: hex(bytes), index: 0 }, 'KEYS_INVALID_SEED');
  const badCategory = (id: string, description: string, category: string, epoch = 0) =>
    bad(id, description, { call: 'encryptionKey', category, epoch }, 'KEYS_INVALID_CATEGORY');
  const negative = [
    badSeed('seed-31-bytes', 'a seed of 31 bytes (01…01): at least 32', new Uint8Array(31).fill(1)),
    badSeed('seed-65-bytes', 'a seed of 65 bytes (01…01): at most 64', new Uint8Array(65).fill(1)),
    badSeed(
      'seed-all-zero',
      '64 zero bytes (what a destroyed seed holds): refused when a key is derived',
      new Uint8Array(64),
    ),
    badCategory('category-empty', 'the empty category', ''),
    badCategory('category-upper-case', 'upper case is not allowed', 'Laboratory'),
    badCategory('category-leading-dash', 'a category starts with a letter or digit', '-lab'),
    badCategory('category-leading-dot', 'a category starts with a letter or digit', '.lab'),
    badCategory('category-slash', '"/" is not allowed', 'lab/chemistry'),
    badCategory('category-space', 'a space is not allowed', 'lab results'),
    badCategory('category-non-ascii', 'only a–z, 0–9, ".", "_" and "-"', 'radiología'),
    badCategory('category-65-bytes', '65 characters: at most 64', 'a'.repeat(65)),
    badCategory('epoch-negative', 'epoch −1', 'laboratory', -1),
    badCategory('epoch-2^32', 'epoch 2^32: epochs are u32', 'laboratory', 2 ** 32),
    badCategory('epoch-fraction', 'epoch 1.5', 'laboratory', 1.5),
    bad(
      'identity-index-2^32',
      'identity index 2^32: indices are u32',
      { call: 'identity', index: 2 ** 32 },
      'KEYS_INVALID_CATEGORY',
    ),
  ];
  write('keys.json', {
    description:
      'The patient’s key hierarchy from one seed: the ledger id, identity keys 0 and 1, and encryption keys of two categories and two epochs, each with its HKDF info, output keying material and key pair; inputs that must be refused, with their error codes. Deterministic: every run writes the same file.',
    spec: 'docs/spec/keys.md',
    generator: 'packages/core/scripts/make-vectors.ts keys (npx tsx)',
    phrase: KEYS_PHRASE,
    passphrase: '',
    seed: hex(seed),
    seedInput:
      'BIP39: seed = PBKDF2-HMAC-SHA512(password = NFKD(phrase), salt = "mnemonic" ‖ passphrase, 2048 iterations, 64 bytes).',
    hkdf: {
      hash: 'SHA-256',
      salt: hex(KEYS_SALT),
      saltText: 'medvault/identity/v1',
      prk: hex(extract(sha256, seed, KEYS_SALT)),
    },
    derive:
      'okm = HKDF-SHA256(ikm = seed, salt, info, 48 bytes) (RFC 5869; prk = HMAC-SHA256(salt, seed)); secretKey = (okm as a big-endian integer mod (n − 1)) + 1, 32 bytes big-endian, n the order of secp256k1; publicKey = compressed secretKey·G. identity(index): info = "medvault/identity-key/v1" ‖ u32be(index). encryptionKey(category, epoch): info = "medvault/encryption-key/v1" ‖ u32be(byte length of category) ‖ UTF-8 category ‖ u32be(epoch). ledgerId: HKDF-SHA256(seed, salt, "ledger-id", 32 bytes), not reduced.',
    ledgerId: { info: hex(utf8ToBytes('ledger-id')), value: hex(ledgerId) },
    identity,
    encryption,
    negativeInput:
      'call "identity": PatientKeys.fromSeed(seed, or the seed above when absent).identity(index); call "encryptionKey": PatientKeys.fromSeed(the seed above).encryptionKey(category, epoch). Each must throw `code`.',
    negative,
  });
}

// ---------------------------------------------------------------- main

/** What each target writes. */
const TARGETS = {
  envelope: ['envelope.json'],
  ledger: ['ledger-entries.json', 'checkpoint.json'],
  'proxy-request': ['proxy-request.json'],
  keys: ['keys.json'],
} as const;
type Target = keyof typeof TARGETS;
const asked = process.argv.slice(2);
if (asked.length === 0 || asked.some((t) => !(t in TARGETS))) {
  console.error(
    `usage: npx tsx packages/core/scripts/make-vectors.ts <${Object.keys(TARGETS).join(' | ')}>...\n` +
      'Writes only the files of the targets named: every run writes new random bytes (seals, signatures), so a file is rewritten only when asked.',
  );
  process.exit(2);
}
const wants = (t: Target) => asked.includes(t);
mkdirSync(OUT, { recursive: true });
if (wants('envelope')) await envelope();
if (wants('ledger')) await checkpoints(await ledgerEntries());
// the proxy requests name the committed envelope.json's "small" record
if (wants('proxy-request')) proxyRequests(envelopeSmall().cid);
if (wants('keys')) keyVectors();
const written = (Object.keys(TARGETS) as Target[]).filter(wants).flatMap((t) => TARGETS[t]);
execFileSync(
  join(import.meta.dirname, '../../../node_modules/.bin/biome'),
  ['format', '--write', ...written.map((f) => join(OUT, f))],
  { stdio: 'inherit' },
);
console.log(`wrote ${written.join(', ')} to ${OUT}`);
