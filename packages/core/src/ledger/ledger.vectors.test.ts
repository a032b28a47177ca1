/**
 * Fixed vectors of ledger entries and checkpoints
 * (docs/spec/vectors/ledger-entries.json and checkpoint.json, written once by
 * scripts/make-vectors.ts). Signatures are randomized (hedged RFC 6979), so
 * the committed bytes are decoded and verified here, never re-signed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { PublicKey, SecretKey, Signature } from '../pre/index.js';
import {
  bodySchemas,
  type Checkpoint,
  type ConsistencyProof,
  decodeCheckpoint,
  decodeEntry,
  encodeCanonical,
  encodeCheckpoint,
  encodeEntry,
  hashEntry,
  type InclusionProof,
  leafHash,
  MerkleTree,
  verifyConsistency,
  verifyConsistencyProof,
  verifyEntrySignature,
  verifyInclusion,
  verifyInclusionProof,
  verifyLedger,
} from './index.js';

type EntryVector = {
  seq: number;
  kind: string;
  signerSecretKey: string;
  newOwnerPayload?: string;
  entry: Record<string, unknown> & { prev: string; author: string; sig: string };
  signingPayload: string;
  bytes: string;
  hash: string;
  verify: 'ok';
};
type EntryFile = {
  ledger: { id: string; size: number; head: string; root: string; owner: string };
  entries: EntryVector[];
  negative: { id: string; prefix: number; append: string[]; code: string; seq?: number }[];
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
  inclusionProofs: { entrySeq: number; checkpoint?: string; proof: ProofJson<InclusionProof> }[];
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
const expectCode = (fn: () => unknown, expected: { code: string; seq?: number }) =>
  expect(Promise.resolve().then(fn)).rejects.toMatchObject(expected);

describe('ledger entries', () => {
  test('there is one entry of every kind the ledger defines', () => {
    expect(entries.entries.map((e) => e.kind).sort()).toEqual(Object.keys(bodySchemas).sort());
  });

  describe.each(entries.entries)('entry $seq ($kind)', (v) => {
    const bytes = hexToBytes(v.bytes);

    test('decodes to the fields given and re-encodes to the same bytes; hash = SHA-256(bytes)', () => {
      const entry = decodeEntry(bytes);
      expect(toJson(entry)).toEqual(v.entry);
      expect(hex(encodeEntry(entry))).toBe(v.bytes);
      expect(hex(hashEntry(bytes))).toBe(v.hash);
      expect(hex(sha256(bytes))).toBe(v.hash);
      expect(entry.seq).toBe(v.seq);
      expect(entry.kind).toBe(v.kind);
      const previous = entries.entries[v.seq - 1];
      expect(v.entry.prev).toBe(previous ? previous.hash : '00'.repeat(32));
    });

    test('its author’s signature verifies over the tagged payload', () => {
      const entry = decodeEntry(bytes);
      const { sig, ...unsigned } = entry;
      const payload = concatBytes(
        utf8ToBytes('medvault/ledger/entry/v1\0'),
        encodeCanonical(unsigned),
      );
      expect(hex(payload)).toBe(v.signingPayload);
      expect(v.entry.author).toBe(hex(publicKeyOf(v.signerSecretKey)));
      const author = PublicKey.fromCompressedBytes(entry.author);
      expect(Signature.fromBEBytes(sig).verify(author, payload)).toBe(true);
      expect(() => verifyEntrySignature(entry)).not.toThrow();
    });

    test('verifyLedger accepts the ledger up to it', () => {
      expect(v.verify).toBe('ok');
      expect(verifyLedger(entryBytes.slice(0, v.seq + 1)).size).toBe(v.seq + 1);
    });
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

  test.each(entries.negative)('negative $id: $code', async (n) => {
    const list = [...entryBytes.slice(0, n.prefix), ...n.append.map(hexToBytes)];
    await expectCode(
      () => verifyLedger(list),
      n.seq === undefined ? { code: n.code } : { code: n.code, seq: n.seq },
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

  test.each(checkpoints.inclusionProofs)(
    'inclusion of entry $entrySeq in $proof.treeSize entries',
    (v) => {
      const proof = proofFrom<InclusionProof>(v.proof);
      expect(toJson(tree.proveInclusion(v.entrySeq, proof.treeSize))).toEqual(v.proof);
      const entry = entryBytes[v.entrySeq] as Uint8Array;
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
