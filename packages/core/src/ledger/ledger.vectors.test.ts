/**
 * Fixed vectors of ledger entries and checkpoints
 * (docs/spec/vectors/ledger-entries.json and checkpoint.json, written once by
 * scripts/make-vectors.ts). Signatures, sealed records and sealed notes are
 * randomized (hedged RFC 6979, Umbral encrypt), so the committed bytes are
 * decoded, verified and opened here, never re-signed or re-sealed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { collect, decodeHeader, openRecord } from '../envelope/index.js';
import { Capsule, PublicKey, SecretKey, Signature } from '../pre/index.js';
import { computeCid } from '../storage/index.js';
import {
  type AnyEntry,
  bodyHashOf,
  bodySchemas,
  type Checkpoint,
  type ConsistencyProof,
  decodeAnyEntry,
  decodeCanonical,
  decodeCheckpoint,
  decodeEntry,
  encodeCanonical,
  encodeCheckpoint,
  encodeEntry,
  findEncryptionKey,
  hashEntry,
  type InclusionProof,
  isStub,
  LEDGER_VERSION,
  leafHash,
  MerkleTree,
  openNote,
  signingPayload,
  stubOf,
  verifyConsistency,
  verifyConsistencyProof,
  verifyEntrySignature,
  verifyInclusion,
  verifyInclusionProof,
  verifyLedger,
  visibilityFor,
} from './index.js';

type EntryVector = {
  seq: number;
  kind: string;
  signer: string;
  signerSecretKey: string;
  newOwnerPayload?: string;
  notes?: { field: string; sealedTo: string; secretKey: string; opens: Record<string, string> }[];
  entry: Record<string, unknown> & {
    prev: string;
    author: string;
    sig: string;
    body: Record<string, unknown>;
  };
  bodyBytes: string;
  bodyHash: string;
  signingPayload: string;
  bytes: string;
  stub: string;
  hash: string;
  verify: 'ok';
};
type Summary = { size: number; head: string; root: string; owner: string };
type SealedRecord = {
  id: string;
  sealedTo: string;
  secretKey: string;
  contentType: string;
  plaintext: string;
  sealed: string;
  cid: string;
  size: number;
  capsule: string;
};
type EntryFile = {
  keys: Record<string, { secretKey: string; publicKey: string }>;
  records: SealedRecord[];
  ledger: { id: string } & Summary;
  entries: EntryVector[];
  views: {
    id: string;
    party?: string;
    partyKey?: string;
    role?: string;
    full: number[];
    stubs: number[];
    verifies?: Summary;
  }[];
  negative: { id: string; prefix: number; append: string[]; code: string; seq?: number }[];
  noteNegative: { id: string; note: string; secretKey: string; code: string }[];
};
type ProofJson<P> = { [K in keyof P]: P[K] extends Uint8Array[] ? string[] : P[K] };
type CheckpointFile = {
  ledger: {
    id: string;
    entryHashes: string[];
    leafHashes: string[];
    roots: Record<string, string>;
  };
  checkpoints: {
    id: string;
    checkpoint: Record<string, unknown> & { size: number; root: string; signer: string };
    signingPayload: string;
    bytes: string;
  }[];
  inclusionProofs: {
    entrySeq: number;
    stub?: boolean;
    checkpoint?: string;
    proof: ProofJson<InclusionProof>;
  }[];
  consistencyProofs: {
    older?: string;
    newer?: string;
    proof: ProofJson<ConsistencyProof>;
  }[];
  negative: ({ id: string; check: string; code: string } & Record<string, unknown>)[];
};

const load = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../../docs/spec/vectors', name), 'utf8'),
  );
const entries = load('ledger-entries.json') as EntryFile;
const checkpoints = load('checkpoint.json') as CheckpointFile;

const ENTRY_TAG = utf8ToBytes('medvault/ledger/entry/v3\0');
const hex = bytesToHex;
/** A decoded value with every byte string as hex, as the vector files show it. */
function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}
const proofFrom = <P extends { path: Uint8Array[] }>(json: ProofJson<P>): P =>
  ({ ...json, path: (json.path as string[]).map(hexToBytes) }) as unknown as P;
const publicKeyOf = (secretHex: string) =>
  SecretKey.fromBEBytes(hexToBytes(secretHex)).publicKey().toCompressedBytes();
const entryBytes = entries.entries.map((e) => hexToBytes(e.bytes));
const stubBytes = entries.entries.map((e) => hexToBytes(e.stub));
const expectCode = (fn: () => unknown, expected: { code: string; seq?: number }) =>
  expect(Promise.resolve().then(fn)).rejects.toMatchObject(expected);
/** The signed header, derived as the spec says: every field but body and sig, and the body's hash. */
const headerOf = (e: AnyEntry) => ({
  v: e.v,
  ledger: e.ledger,
  seq: e.seq,
  prev: e.prev,
  time: e.time,
  kind: e.kind,
  bodyHash: isStub(e) ? e.bodyHash : sha256(encodeCanonical(e.body)),
  author: e.author,
});

describe('ledger entries', () => {
  test('every kind the ledger defines is there; records both proposed and the owner’s own', () => {
    const kinds = entries.entries.map((e) => e.kind);
    expect([...new Set(kinds)].sort()).toEqual(Object.keys(bodySchemas).sort());
    const owner = entries.entries[0]?.entry.author;
    const records = entries.entries.filter((e) => e.kind === 'record');
    expect(records.map((r) => r.entry.author === owner).sort()).toEqual([false, true]);
    expect(entries.entries.some((e) => e.kind === 'record' && e.entry.body.note)).toBe(true);
  });

  describe.each(entries.entries)('entry $seq ($kind)', (v) => {
    const bytes = hexToBytes(v.bytes);
    const stub = hexToBytes(v.stub);

    test('the full entry decodes to the fields given and re-encodes to the same bytes; bodyHash = SHA-256(CBOR(body))', () => {
      const entry = decodeEntry(bytes);
      expect(isStub(entry)).toBe(false);
      expect(toJson(entry)).toEqual(v.entry);
      expect(hex(encodeEntry(entry))).toBe(v.bytes);
      expect(entry.v).toBe(LEDGER_VERSION);
      expect(entry.seq).toBe(v.seq);
      expect(entry.kind).toBe(v.kind);
      expect(hex(encodeCanonical(entry.body))).toBe(v.bodyBytes);
      expect(hex(sha256(hexToBytes(v.bodyBytes)))).toBe(v.bodyHash);
      expect(hex(bodyHashOf(entry))).toBe(v.bodyHash);
      expect(bytes[0]).toBe(0xa9); // a map of 9: v, seq, sig, body, kind, prev, time, author, ledger
    });

    test('the stub is the header with sig: the same fields with bodyHash for body', () => {
      const entry = decodeEntry(bytes);
      const decoded = decodeAnyEntry(stub);
      expect(isStub(decoded)).toBe(true);
      const { body: _, ...rest } = v.entry;
      expect(toJson(decoded)).toEqual({ ...rest, bodyHash: v.bodyHash });
      expect(hex(encodeEntry(decoded))).toBe(v.stub);
      expect(hex(encodeEntry(stubOf(entry)))).toBe(v.stub);
      expect(hex(encodeCanonical({ ...headerOf(entry), sig: entry.sig }))).toBe(v.stub);
      expect(stub[0]).toBe(0xa9); // a map of 9: v, seq, sig, kind, prev, time, author, ledger, bodyHash
      expect(() => decodeEntry(stub)).toThrow(
        expect.objectContaining({ code: 'LEDGER_MALFORMED' }),
      );
    });

    test('hash = SHA-256(stub bytes), whichever form it is computed from; prev links to the entry before', () => {
      expect(hex(sha256(stub))).toBe(v.hash);
      expect(hex(hashEntry(bytes))).toBe(v.hash);
      expect(hex(hashEntry(stub))).toBe(v.hash);
      expect(hex(hashEntry(decodeEntry(bytes)))).toBe(v.hash);
      expect(hex(sha256(bytes))).not.toBe(v.hash); // not the hash of the full bytes
      const previous = entries.entries[v.seq - 1];
      expect(v.entry.prev).toBe(previous ? previous.hash : '00'.repeat(32));
    });

    test('its author’s signature verifies over the tagged header, in either form', () => {
      const entry = decodeEntry(bytes);
      const payload = concatBytes(ENTRY_TAG, encodeCanonical(headerOf(entry)));
      expect(hex(payload)).toBe(v.signingPayload);
      expect(hex(signingPayload(entry))).toBe(v.signingPayload);
      expect(hex(signingPayload(decodeAnyEntry(stub)))).toBe(v.signingPayload);
      expect(v.entry.author).toBe(hex(publicKeyOf(v.signerSecretKey)));
      const author = PublicKey.fromCompressedBytes(entry.author);
      expect(Signature.fromBEBytes(entry.sig).verify(author, payload)).toBe(true);
      expect(() => verifyEntrySignature(entry)).not.toThrow();
      expect(() => verifyEntrySignature(decodeAnyEntry(stub))).not.toThrow();
    });

    test('verifyLedger accepts the ledger up to it', () => {
      expect(v.verify).toBe('ok');
      expect(verifyLedger(entryBytes.slice(0, v.seq + 1)).size).toBe(v.seq + 1);
    });
  });

  test.each(entries.entries.filter((e) => e.notes))(
    'entry $seq ($kind): its sealed notes are CBOR [capsule, ciphertext] and open to the fields given',
    (v) => {
      expect(v.notes?.length).toBeGreaterThan(0);
      for (const n of v.notes ?? []) {
        const sealed = hexToBytes(v.entry.body[n.field] as string);
        expect(hex(publicKeyOf(n.secretKey))).toBe(entries.keys[n.sealedTo]?.publicKey);
        expect(openNote(SecretKey.fromBEBytes(hexToBytes(n.secretKey)), sealed)).toEqual(n.opens);
        const parts = decodeCanonical(sealed, 'note') as Uint8Array[];
        expect(parts).toHaveLength(2);
        const [capsule, ciphertext] = parts as [Uint8Array, Uint8Array];
        expect(capsule).toHaveLength(105);
        expect(hex(Capsule.fromBytes(capsule).toBytes())).toBe(hex(capsule));
        // DEM: 24-byte nonce ‖ XChaCha20-Poly1305 of CBOR(fields) ‖ 16-byte tag
        expect(ciphertext).toHaveLength(24 + encodeCanonical(n.opens).length + 16);
      }
    },
  );

  test.each(entries.records)(
    'record $id: opens with the key it is sealed to; CID, size and capsule are its own',
    async (r) => {
      const sealed = hexToBytes(r.sealed);
      const key = SecretKey.fromBEBytes(hexToBytes(r.secretKey));
      expect(hex(key.publicKey().toCompressedBytes())).toBe(entries.keys[r.sealedTo]?.publicKey);
      expect(hex(await collect(await openRecord(sealed, key)))).toBe(r.plaintext);
      expect((await computeCid([sealed])).cid.toString()).toBe(r.cid);
      expect(sealed.length).toBe(r.size);
      const header = decodeHeader(sealed);
      expect(hex(header.capsule.toBytes())).toBe(r.capsule);
      expect(header.contentType).toBe(r.contentType);
    },
  );

  test('each record entry names a sealed record and its recipient is the key it is sealed to', () => {
    const records = entries.entries.filter((e) => e.kind === 'record');
    expect(records).toHaveLength(2);
    for (const e of records) {
      const body = e.entry.body as Record<string, unknown>;
      const sealed = entries.records.find((r) => r.cid === body.cid) as SealedRecord;
      expect(sealed).toBeDefined();
      expect({ capsule: body.capsule, size: body.size, contentType: body.contentType }).toEqual({
        capsule: sealed.capsule,
        size: sealed.size,
        contentType: sealed.contentType,
      });
      expect(body.recipient).toBe(entries.keys[sealed.sealedTo]?.publicKey);
      expect(body.recipient).not.toBe(entries.keys.patient?.publicKey);
    }
  });

  test('encryption keys: published at entry 1, laboratory moved to epoch 1 after the revoke; records sealed to a published key of their category, the grant over published categories', () => {
    const keyOf = (party: string) => entries.keys[party]?.publicKey;
    const published = entries.entries.filter((e) => e.kind === 'encryption-keys');
    expect(published.map((e) => [e.seq, e.entry.body.keys])).toEqual([
      [
        1,
        [
          { category: 'laboratory', epoch: 0, key: keyOf('lab0') },
          { category: 'imaging', epoch: 0, key: keyOf('imaging0') },
        ],
      ],
      [8, [{ category: 'laboratory', epoch: 1, key: keyOf('lab1') }]],
    ]);
    const revoke = entries.entries.find((e) => e.kind === 'revoke') as EntryVector;
    expect(revoke.seq).toBe(7);
    const { state } = verifyLedger(entryBytes);
    expect(
      Object.fromEntries([...state.encryptionKeys].map(([c, keys]) => [c, keys.map(hex)])),
    ).toEqual({
      laboratory: [keyOf('lab0'), keyOf('lab1')],
      imaging: [keyOf('imaging0')],
    });
    for (const e of entries.entries.filter((x) => x.kind === 'record')) {
      const body = e.entry.body as { category: string; recipient: string };
      expect(findEncryptionKey(state, hexToBytes(body.recipient))).toEqual({
        category: body.category,
        epoch: 0,
      });
    }
    const grant = entries.entries.find((e) => e.kind === 'grant') as EntryVector;
    expect(grant.entry.body.categories).toEqual(['laboratory']);
    // the identity keys (genesis, key rotation) are never encryption keys
    expect(findEncryptionKey(state, hexToBytes(keyOf('patient')!))).toBeUndefined();
    expect(findEncryptionKey(state, hexToBytes(keyOf('newOwner')!))).toBeUndefined();
  });

  test('the endorsement names the proposal by seq and entry hash', () => {
    const endorse = entries.entries.find((e) => e.kind === 'endorse') as EntryVector;
    const body = endorse.entry.body as { proposal: number; entryHash: string; accept: boolean };
    const proposal = entries.entries[body.proposal] as EntryVector;
    expect(proposal.kind).toBe('record');
    expect(proposal.entry.author).not.toBe(endorse.entry.author);
    expect(body.entryHash).toBe(proposal.hash);
    expect(body.accept).toBe(true);
  });

  test('the key rotation’s new-owner signature verifies over its tagged payload', () => {
    const v = entries.entries.find((e) => e.kind === 'key-rotation') as EntryVector;
    const { newOwner, newOwnerSig } = v.entry.body as { newOwner: string; newOwnerSig: string };
    const payload = concatBytes(
      utf8ToBytes('medvault/ledger/key-rotation/v1\0'),
      hexToBytes(entries.ledger.id),
      hexToBytes(v.entry.prev),
      hexToBytes(newOwner),
    );
    expect(hex(payload)).toBe(v.newOwnerPayload);
    const key = PublicKey.fromCompressedBytes(hexToBytes(newOwner));
    expect(Signature.fromBEBytes(hexToBytes(newOwnerSig)).verify(key, payload)).toBe(true);
  });

  test('the whole ledger verifies to the size, head, root and owner given', () => {
    const verified = verifyLedger(entryBytes, { ledgerId: hexToBytes(entries.ledger.id) });
    expect({
      id: entries.ledger.id,
      size: verified.size,
      head: hex(verified.head),
      root: hex(verified.root),
      owner: hex(verified.owner),
    }).toEqual(entries.ledger);
  });

  const served = (view: EntryFile['views'][number]) =>
    entries.entries.map((e) =>
      view.full.includes(e.seq) ? hexToBytes(e.bytes) : hexToBytes(e.stub),
    );

  test.each(entries.views.filter((v) => v.partyKey))(
    'view $id: visibilityFor gives the role ($role) and shows exactly the entries given',
    (view) => {
      const { role, full } = visibilityFor(entryBytes.map(decodeEntry), hexToBytes(view.partyKey!));
      expect(role).toBe(view.role);
      expect(entries.entries.map((e) => e.seq).filter(full)).toEqual(view.full);
    },
  );

  test.each(entries.views.filter((v) => v.verifies))(
    'view $id: served with stubs for the rest, it verifies to the same size, head, root and owner',
    (view) => {
      expect([...view.full, ...view.stubs].sort((a, b) => a - b)).toEqual(
        entries.entries.map((e) => e.seq),
      );
      expect(view.stubs.length).toBeGreaterThan(0);
      const list = served(view);
      for (const seq of view.stubs) expect(isStub(decodeAnyEntry(list[seq]!))).toBe(true);
      const verified = verifyLedger(list);
      expect({
        size: verified.size,
        head: hex(verified.head),
        root: hex(verified.root),
        owner: hex(verified.owner),
      }).toEqual(view.verifies);
      const { id: _, ...whole } = entries.ledger;
      expect(view.verifies).toEqual(whole);
    },
  );

  test('a party in no grant is served genesis, encryption-keys and key-rotation in full, the rest as stubs', () => {
    const none = entries.views.filter((v) => v.role === 'none');
    expect(none.length).toBeGreaterThan(0);
    const publicSeqs = entries.entries
      .filter((e) => ['genesis', 'encryption-keys', 'key-rotation'].includes(e.kind))
      .map((e) => e.seq);
    for (const view of none) expect(view.full).toEqual(publicSeqs);
    const headersOnly = entries.views.find((v) => v.id === 'headers-only');
    expect(headersOnly?.full).toEqual(publicSeqs);
  });

  test.each(entries.negative)('negative $id: $code', async (n) => {
    const list = [...entryBytes.slice(0, n.prefix), ...n.append.map(hexToBytes)];
    await expectCode(
      () => verifyLedger(list),
      n.seq === undefined ? { code: n.code } : { code: n.code, seq: n.seq },
    );
  });

  test.each(entries.noteNegative)('note $id: $code', async (n) => {
    await expectCode(
      () => openNote(SecretKey.fromBEBytes(hexToBytes(n.secretKey)), hexToBytes(n.note)),
      { code: n.code },
    );
  });
});

describe('checkpoints and proofs', () => {
  const tree = new MerkleTree();
  for (const h of checkpoints.ledger.entryHashes) tree.append(hexToBytes(h));
  const byId = new Map(checkpoints.checkpoints.map((c) => [c.id, c]));
  /** A checkpoint named by id, or given as its bytes in hex. */
  const checkpoint = (ref: string): Checkpoint =>
    decodeCheckpoint(hexToBytes(byId.get(ref)?.bytes ?? ref));

  test('the ledger is ledger-entries.json’s; leaves and roots at every size are as given', () => {
    expect(checkpoints.ledger.id).toBe(entries.ledger.id);
    expect(checkpoints.ledger.entryHashes).toEqual(entries.entries.map((e) => e.hash));
    expect(checkpoints.ledger.entryHashes.map((h) => hex(leafHash(hexToBytes(h))))).toEqual(
      checkpoints.ledger.leafHashes,
    );
    const roots = Object.fromEntries(
      checkpoints.ledger.entryHashes.map((_, i) => [String(i + 1), hex(tree.root(i + 1))]),
    );
    expect(roots).toEqual(checkpoints.ledger.roots);
    expect(checkpoints.ledger.roots[String(entries.ledger.size)]).toBe(entries.ledger.root);
  });

  describe.each(checkpoints.checkpoints)('checkpoint $id', (v) => {
    test('decodes to the fields given, re-encodes to the same bytes, and its signature verifies', () => {
      const cp = decodeCheckpoint(hexToBytes(v.bytes));
      expect(toJson(cp)).toEqual(v.checkpoint);
      expect(hex(encodeCheckpoint(cp))).toBe(v.bytes);
      expect(cp.v).toBe(LEDGER_VERSION);
      const { sig, ...unsigned } = cp;
      const tag = utf8ToBytes('medvault/ledger/checkpoint/v1\0');
      const payload = concatBytes(tag, encodeCanonical(unsigned));
      expect(hex(payload)).toBe(v.signingPayload);
      const signer = PublicKey.fromCompressedBytes(cp.signer);
      expect(Signature.fromBEBytes(sig).verify(signer, payload)).toBe(true);
      expect(v.checkpoint.root).toBe(checkpoints.ledger.roots[String(v.checkpoint.size)]);
    });
  });

  test('verifyLedger accepts the ledger with every checkpoint', () => {
    const all = checkpoints.checkpoints.map((c) => checkpoint(c.id));
    expect(verifyLedger(entryBytes, { checkpoints: all }).size).toBe(entries.ledger.size);
  });

  test('one inclusion proof is checked with the entry as a stub', () => {
    expect(checkpoints.inclusionProofs.some((p) => p.stub)).toBe(true);
  });

  test.each(checkpoints.inclusionProofs)(
    'inclusion of entry $entrySeq (stub: $stub) in $proof.treeSize entries',
    (v) => {
      const proof = proofFrom<InclusionProof>(v.proof);
      expect(toJson(tree.proveInclusion(v.entrySeq, proof.treeSize))).toEqual(v.proof);
      const entry = (v.stub ? stubBytes : entryBytes)[v.entrySeq] as Uint8Array;
      if (v.checkpoint) verifyInclusion(entry, proof, checkpoint(v.checkpoint));
      const root = hexToBytes(checkpoints.ledger.roots[String(proof.treeSize)] as string);
      verifyInclusionProof(hashEntry(entry), proof, root);
    },
  );

  test.each(checkpoints.consistencyProofs)(
    'consistency of $proof.oldSize and $proof.newSize entries',
    (v) => {
      const proof = proofFrom<ConsistencyProof>(v.proof);
      expect(toJson(tree.proveConsistency(proof.oldSize, proof.newSize))).toEqual(v.proof);
      if (v.older && v.newer) verifyConsistency(checkpoint(v.older), checkpoint(v.newer), proof);
      const root = (size: number) => hexToBytes(checkpoints.ledger.roots[String(size)] as string);
      verifyConsistencyProof(proof, root(proof.oldSize), root(proof.newSize));
    },
  );

  test.each(checkpoints.negative)('negative $id: $check → $code', async (n) => {
    const { code } = n;
    const run: Record<string, () => unknown> = {
      decodeCheckpoint: () => decodeCheckpoint(hexToBytes(n.bytes as string)),
      verifyLedger: () =>
        verifyLedger(entryBytes, {
          checkpoints: [decodeCheckpoint(hexToBytes(n.bytes as string))],
        }),
      verifyInclusion: () =>
        verifyInclusion(
          entryBytes[n.entrySeq as number] as Uint8Array,
          proofFrom<InclusionProof>(n.proof as ProofJson<InclusionProof>),
          checkpoint(n.checkpoint as string),
        ),
      verifyConsistency: () =>
        verifyConsistency(
          checkpoint(n.older as string),
          checkpoint(n.newer as string),
          proofFrom<ConsistencyProof>(n.proof as ProofJson<ConsistencyProof>),
        ),
    };
    expect(Object.keys(run)).toContain(n.check);
    await expectCode(run[n.check] as () => unknown, { code });
  });
});
