/**
 * Writes the fixed test vectors of MedVault's own byte formats to
 * docs/spec/vectors/, each read by a `*.vectors.test.ts` beside its module.
 * Name what to write:
 *
 *   npx tsx packages/core/scripts/make-vectors.ts ledger           # ledger-entries.json, checkpoint.json
 *   npx tsx packages/core/scripts/make-vectors.ts envelope         # envelope.json
 *   npx tsx packages/core/scripts/make-vectors.ts proxy-request    # proxy-request.json
 *
 * Keys, ids, times and inputs are fixed, but sealing (data key, salt, nonce
 * prefix, capsule; sealed ledger notes), request nonces and ECDSA signatures
 * (hedged RFC 6979) are random: every run writes different bytes that are
 * just as valid, so only the files asked for are rewritten. The committed
 * JSON is the reference; run this only to replace it, never to compare
 * against it. The ledger's records name the records of the committed
 * envelope.json. Expected error codes are written here from the specs, not
 * observed: the tests check the code against them. The files are left
 * formatted as `biome check` wants them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
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

/** What the ledger vectors take of a sealed record: read from the committed envelope.json. */
type SealedRef = { id: string; cid: string; size: number; header: { capsule: string } };
type EnvelopeRefs = { small: SealedRef; three: SealedRef; empty: SealedRef };

/**
 * The sealed records the ledger's record entries name, from the committed
 * envelope.json (not regenerated: the ledger vectors point at its bytes).
 */
function envelopeRefs(): EnvelopeRefs {
  const file = JSON.parse(readFileSync(join(OUT, 'envelope.json'), 'utf8')) as {
    vectors: SealedRef[];
  };
  const byId = (id: string) => {
    const v = file.vectors.find((x) => x.id === id);
    if (!v) throw new Error(`envelope.json has no vector ${id}`);
    return v;
  };
  return { small: byId('small'), three: byId('three-segments'), empty: byId('empty') };
}
const capsuleOf = (r: SealedRef) => Uint8Array.from(Buffer.from(r.header.capsule, 'hex'));

const ENTRY_TAG = utf8ToBytes('medvault/ledger/entry/v2\0');
const ENTRY_TAG_V1 = utf8ToBytes('medvault/ledger/entry/v1\0');
const ROTATION_TAG = utf8ToBytes('medvault/ledger/key-rotation/v1\0');
const LEDGER_HOST = 'https://ledger.example';
const GRANT_SALT = new Uint8Array(32).fill(0x22);
/** 2100-01-01T00:00:00Z: far beyond any verifier's clock skew. */
const FAR_FUTURE = 4_102_444_800_000;

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
/** "medvault/ledger/entry/v2" ‖ 0x00 ‖ CBOR(header). */
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

async function ledgerEntries(records: EnvelopeRefs) {
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

  // 1: the hospital proposes a record (a note sealed to the patient: title, origin)
  const proposal = {
    cid: records.small.cid,
    capsule: capsuleOf(records.small),
    contentType: 'application/fhir+json',
    resourceType: 'Observation',
    category: 'laboratory',
    size: records.small.size,
    recipient: publicKey('patient'),
    note: seal(NOTES.record),
  };
  await append('record', proposal, 'hospital', [noteOf('note', NOTES.record)]);
  // 2: the patient accepts it: from now on it counts
  await append('endorse', { proposal: 1, entryHash: ledger.head, accept: true }, 'patient');
  // 3: the patient's own record (no note), outside the grant's scope: it counts at once
  const ownRecord = {
    cid: records.three.cid,
    capsule: capsuleOf(records.three),
    contentType: 'application/dicom',
    resourceType: 'ImagingStudy',
    category: 'imaging',
    size: records.three.size,
    recipient: publicKey('patient'),
  };
  await append('record', ownRecord, 'patient');
  // 4: a grant to the clinic through three proxies, threshold 2
  const proxies: Party[] = ['proxy1', 'proxy2', 'proxy3'];
  await append(
    'grant',
    {
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
    },
    'patient',
    [noteOf('note', NOTES.grant), noteOf('readerNote', NOTES.grantReader)],
  );
  // 5: proxy 1 serves the clinic
  await append(
    'access',
    { grantId: GRANT_ID, proxy: publicKey('proxy1'), capsules: [records.small.cid] },
    'proxy1',
  );
  // 6: the patient revokes the grant
  await append('revoke', { grantId: GRANT_ID }, 'patient');
  // 7: a break-glass statement for the hospital
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
  // 8: the patient's key rotates to newOwner
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
    if (role !== 'none') {
      const v = verifyLedger(served(shown));
      if (hex(v.root) !== summary.root) throw new Error(`the ${id} view has another root`);
    }
    return {
      id,
      description,
      party,
      partyKey: hex(publicKey(party)),
      role,
      full: shown,
      stubs: role === 'none' ? [] : entries.map((e) => e.seq).filter((s) => !full(s)),
      ...(role === 'none' ? {} : { verifies: summary }),
    };
  };
  const withheldAll = entries
    .filter((e) => e.kind === 'genesis' || e.kind === 'key-rotation')
    .map((e) => e.seq);
  const views = [
    partyView(
      'clinic',
      'clinic',
      'the grant’s reader: genesis and the key rotation, its grant (4), access (5) and revoke (6), the record in scope (1, accepted before the revocation) with its endorsement (2); the imaging record (3, out of scope) and the emergency (7) as stubs',
    ),
    partyView(
      'proxy2',
      'proxy2',
      'a proxy of the grant (one that never served): what the reader sees',
    ),
    partyView('stranger', 'stranger', 'a key in no grant: served nothing'),
    {
      id: 'headers-only',
      description:
        'every entry a host may withhold served as a stub (all but genesis and key-rotation): the chain, signatures, owner-only authors and Merkle root still verify',
      full: withheldAll,
      stubs: entries.map((e) => e.seq).filter((s) => !withheldAll.includes(s)),
      verifies: summary,
    },
  ];

  const [genesis, proposed, endorsed, , grant, , , , rotation] = entries as [
    Entry<'genesis'>,
    Entry<'record'>,
    Entry<'endorse'>,
    Entry<'record'>,
    Entry<'grant'>,
    Entry<'access'>,
    Entry<'revoke'>,
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
  const hospitalEndorse = signed(
    2,
    hashes[1]!,
    'endorse',
    { proposal: 1, entryHash: hashes[1]!, accept: true },
    'hospital',
  );
  const secondProposal = signed(
    4,
    hashes[3]!,
    'record',
    { ...proposal, capsule: capsuleOf(records.empty), note: seal(NOTES.record) },
    'hospital',
  );
  const negative = [
    {
      id: 'bad-signature',
      description: 'entry 1 with one bit of its signature flipped',
      prefix: 1,
      append: [full({ ...proposed, sig: flipped(proposed.sig, -1) })],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 1,
    },
    {
      id: 'wrong-prev',
      description: 'entry 1 validly signed, but its prev is not the hash of entry 0',
      prefix: 1,
      append: [full(reSigned(proposed, { prev: flipped(hashes[0]!, 0) }, 'hospital'))],
      code: 'LEDGER_CHAIN_BROKEN',
      seq: 1,
    },
    {
      id: 'non-canonical-integer',
      description: 'entry 0 with v = 2 encoded in two bytes (18 02) instead of one (02)',
      prefix: 0,
      append: [
        hex(
          mapOf(
            canonicalPairs(genesis).map(([k, v]): [string, Uint8Array] =>
              k === 'v' ? [k, Uint8Array.of(0x18, 0x02)] : [k, v],
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
      id: 'full-entry-with-body-hash',
      description:
        'entry 1 in full with a bodyHash field too (an entry is full or a stub, never both)',
      prefix: 1,
      append: [hex(encodeCanonical({ ...proposed, bodyHash: bodyHashOf(proposed) }))],
      code: 'LEDGER_MALFORMED',
    },
    {
      id: 'wrong-ledger',
      description: 'entry 1 validly signed for another ledger id (cd…cd)',
      prefix: 1,
      append: [full(reSigned(proposed, { ledger: new Uint8Array(32).fill(0xcd) }, 'hospital'))],
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
      append: [full(reSigned(proposed, { time: T0 - 1 }, 'hospital'))],
      code: 'LEDGER_TIME_ORDER',
      seq: 1,
    },
    {
      id: 'future-entry',
      description: `entry 1 validly signed with time ${FAR_FUTURE} (2100-01-01): more than MAX_CLOCK_SKEW_MS (5 minutes) ahead of any verifier's clock before then`,
      prefix: 1,
      append: [full(reSigned(proposed, { time: FAR_FUTURE }, 'hospital'))],
      code: 'LEDGER_FUTURE_ENTRY',
      seq: 1,
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
      id: 'key-rotation-stub',
      description: 'entry 8 (key-rotation) served as a stub: a key rotation is never withheld',
      prefix: 8,
      append: [stub(rotation)],
      code: 'LEDGER_WITHHELD',
      seq: 8,
    },
    {
      id: 'stub-body-hash-changed',
      description:
        'entry 1 as a stub whose bodyHash has one bit flipped: the header no longer matches the signature',
      prefix: 1,
      append: [stub({ ...stubOf(proposed), bodyHash: flipped(bodyHashOf(proposed), 0) })],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 1,
    },
    {
      id: 'endorse-not-by-owner',
      description:
        'entry 2 (endorse, accepting the proposal of entry 1) validly signed by the hospital',
      prefix: 2,
      append: [full(hospitalEndorse)],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 2,
    },
    {
      id: 'endorse-stub-not-by-owner',
      description:
        'the same, served as a stub: the author rule of an owner-only kind needs no body',
      prefix: 2,
      append: [stub(hospitalEndorse)],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 2,
    },
    {
      id: 'endorse-wrong-hash',
      description: 'entry 2 by the owner, naming proposal 1 with the hash of entry 0',
      prefix: 2,
      append: [
        full(reSigned(endorsed, { body: { ...endorsed.body, entryHash: hashes[0]! } }, 'patient')),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 2,
    },
    {
      id: 'endorse-twice',
      description:
        'after entry 2, a second endorse of proposal 1 (rejecting it): a proposal is decided once',
      prefix: 3,
      append: [
        full(
          signed(
            3,
            hashes[2]!,
            'endorse',
            { proposal: 1, entryHash: hashes[1]!, accept: false },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 3,
    },
    {
      id: 'accept-duplicate-cid',
      description:
        'after entry 3, the hospital proposes entry 1’s CID again with envelope.json’s "empty" capsule (entry 4: allowed, a proposal does not count) and the owner accepts it (entry 5): the CID already counts',
      prefix: 4,
      append: [
        full(secondProposal),
        full(
          signed(
            5,
            hashEntry(secondProposal),
            'endorse',
            { proposal: 4, entryHash: hashEntry(secondProposal), accept: true },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_DUPLICATE_RECORD',
      seq: 5,
    },
    {
      id: 'owner-record-duplicate-capsule',
      description: 'entry 3, the owner’s own record, with entry 1’s (counted) capsule',
      prefix: 3,
      append: [
        full(
          signed(
            3,
            hashes[2]!,
            'record',
            { ...ownRecord, capsule: capsuleOf(records.small) },
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_DUPLICATE_RECORD',
      seq: 3,
    },
    {
      id: 'record-not-for-owner',
      description: 'entry 1 proposed with the hospital’s key as recipient, not the owner’s',
      prefix: 1,
      append: [
        full(
          signed(
            1,
            hashes[0]!,
            'record',
            { ...proposal, recipient: publicKey('hospital') },
            'hospital',
          ),
        ),
      ],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 1,
    },
    {
      id: 'grant-not-by-owner',
      description: 'entry 4 (grant) validly signed by the hospital instead of the owner',
      prefix: 4,
      append: [full(reSigned(grant, {}, 'hospital'))],
      code: 'LEDGER_UNAUTHORIZED',
      seq: 4,
    },
    {
      id: 'access-after-revoke',
      description: 'an access by proxy 1 after the grant’s revoke (entry 6)',
      prefix: 7,
      append: [
        full(
          signed(
            7,
            hashes[6]!,
            'access',
            { grantId: GRANT_ID, proxy: publicKey('proxy1'), capsules: [records.small.cid] },
            'proxy1',
          ),
        ),
      ],
      code: 'LEDGER_ACCESS_OUTSIDE_GRANT',
      seq: 7,
    },
    {
      id: 'rotation-new-owner-signature',
      description:
        'entry 8 (key-rotation) whose newOwnerSig was made over 32 zero bytes as prev, not the hash of entry 7',
      prefix: 8,
      append: [
        full(
          signed(
            8,
            hashes[7]!,
            'key-rotation',
            signKeyRotation(signer('newOwner'), LEDGER_ID, new Uint8Array(32)),
            'patient',
          ),
        ),
      ],
      code: 'LEDGER_BAD_SIGNATURE',
      seq: 8,
    },
    {
      id: 'fork',
      description:
        'two different, validly signed entries for seq 1 (the second proposes another CID)',
      prefix: 2,
      append: [
        full(signed(1, hashes[0]!, 'record', { ...proposal, cid: records.three.cid }, 'hospital')),
      ],
      code: 'LEDGER_FORK',
      seq: 1,
    },
  ];
  const noteNegative = [
    {
      id: 'note-wrong-key',
      description: 'entry 1’s note (sealed to the patient) opened with the clinic’s key',
      note: hex(proposed.body.note!),
      secretKey: hex(secretKey('clinic').toBEBytes()),
      code: 'LEDGER_NOTE_UNREADABLE',
    },
    {
      id: 'note-ciphertext-bit-flip',
      description:
        'entry 4’s readerNote with one bit of its last byte (the AEAD tag) flipped, opened with the clinic’s key',
      note: hex(flipped(grant.body.readerNote, -1)),
      secretKey: hex(secretKey('clinic').toBEBytes()),
      code: 'LEDGER_NOTE_UNREADABLE',
    },
    {
      id: 'note-not-a-pair',
      description:
        'a note that is CBOR [capsule] only (no ciphertext), opened with the patient’s key',
      note: hex(encodeCanonical([capsuleOf(records.small)])),
      secretKey: hex(secretKey('patient').toBEBytes()),
      code: 'LEDGER_NOTE_UNREADABLE',
    },
  ];
  write('ledger-entries.json', {
    description:
      'One valid 9-entry ledger with every kind of entry (a record proposed by the hospital and one by the owner): decoded fields, the body’s canonical bytes and hash, the payload the author signs, the full canonical bytes, the stub’s bytes and the entry hash; what the host serves each party; negative cases as a prefix of that ledger followed by other entries, with the error code verifyLedger must raise, and sealed notes that must not open.',
    spec: 'docs/spec/ledger.md §1 Encoding, §2 Entries, §3 Kinds and bodies, §4 Chain rules, §10 What each party is served',
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
    ]),
    record:
      'Entry 1 (the hospital’s proposal, accepted by entry 2) records envelope.json’s "small" vector and entry 3 (the owner’s own) its "three-segments" vector: CID, capsule and sealed size.',
    notes:
      'Sealed notes are random (Umbral encrypt): open them, never re-seal and compare. `notes` lists, per body field, whom it is sealed to (with that secret key) and the map it opens to (openNote). Bytes: CBOR [capsule (105 bytes, pre.md §6), DEM ciphertext (pre.md §5)]; the plaintext is the CBOR map of the note’s fields.',
    ledger: { id: hex(LEDGER_ID), ...summary },
    verify:
      '"ok": `bytes` decodes (decodeEntry), re-encodes to the same bytes; `bodyBytes` = CBOR(body) and bodyHash = SHA-256(bodyBytes); `stub` = CBOR of the header with sig (decodeAnyEntry gives the same fields with bodyHash for body); hash = SHA-256(stub), for both forms; the signature verifies over signingPayload = "medvault/ledger/entry/v2" ‖ 00 ‖ CBOR(header); verifyLedger accepts entries 0..seq.',
    entries: positive,
    viewsInput:
      'A view serves entry seq in full when seq is in `full`, else its `stub`. visibilityFor(entries, partyKey) gives `role` and shows exactly `full`; a view that is served verifies (verifyLedger) to `verifies`: the same size, head, root and owner as the full ledger. Role "none" is served nothing.',
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
    {
      id: 'version-1',
      description: 'size-3 as a version 1 checkpoint (v = 1), validly signed',
      check: 'decodeCheckpoint',
      bytes: hex(
        (() => {
          const { sig: _, ...unsigned } = cp3;
          const v1 = { ...unsigned, v: 1 };
          const sig = signer('patient')
            .sign(concatBytes(CHECKPOINT_TAG, encodeCanonical(v1)))
            .toBEBytes();
          return encodeCanonical({ ...v1, sig });
        })(),
      ),
      code: 'LEDGER_MALFORMED',
    },
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

// ---------------------------------------------------------------- main

/** What each target writes. */
const TARGETS = {
  envelope: ['envelope.json'],
  ledger: ['ledger-entries.json', 'checkpoint.json'],
  'proxy-request': ['proxy-request.json'],
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
// the ledger's records and the proxy requests name the committed envelope.json's records
const records = envelopeRefs();
if (wants('ledger')) await checkpoints(await ledgerEntries(records));
if (wants('proxy-request')) proxyRequests(records.small.cid);
const written = (Object.keys(TARGETS) as Target[]).filter(wants).flatMap((t) => TARGETS[t]);
execFileSync(
  join(import.meta.dirname, '../../../node_modules/.bin/biome'),
  ['format', '--write', ...written.map((f) => join(OUT, f))],
  { stdio: 'inherit' },
);
console.log(`wrote ${written.join(', ')} to ${OUT}`);
