import { caught } from '@medvault/testing';
import { randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { indexLedger } from '../proxy/record-index.js';
import { decodeAnyEntry, decodeEntry, encodeEntry, hashEntry, isStub, stubOf } from './entry.js';
import { ChainBrokenError, WithheldEntryError } from './errors.js';
import { Ledger } from './ledger.js';
import { MemoryLedgerStore } from './store.js';
import { sampleLedger } from './test-fixtures.js';
import { verifyLedger } from './verify.js';
import { visibilityFor } from './visibility.js';

/** The ledger as the host serves it to `party`. */
function served(entries: Uint8Array[], party: Uint8Array) {
  const decoded = entries.map(decodeEntry);
  const { role, full } = visibilityFor(decoded, party);
  return {
    role,
    bytes: decoded.map((e, seq) =>
      full(seq) ? entries[seq] : encodeEntry(stubOf(e)),
    ) as Uint8Array[],
  };
}

describe('what each party sees of a ledger', () => {
  async function ledgerWithPsychNote() {
    const s = await sampleLedger({ records: 2, accesses: 1 });
    await s.ledger.append(
      'record',
      {
        cid: 'bafkreipsych',
        capsule: randomBytes(105),
        contentType: 'application/fhir+json',
        resourceType: 'DocumentReference',
        category: 'psychiatry',
        size: 900,
        recipient: s.keys.recipientOf('psychiatry'),
      },
      s.owner,
    );
    return s;
  }

  test('the owner sees everything in full', async () => {
    const { ledger } = await ledgerWithPsychNote();
    const view = served(ledger.allEntryBytes(), ledger.owner);
    expect(view.role).toBe('owner');
    expect(view.bytes).toEqual(ledger.allEntryBytes());
  });

  test('the reader sees its grant and the records in scope; the rest are stubs that still verify', async () => {
    const { ledger, clinic } = await ledgerWithPsychNote();
    const view = served(ledger.allEntryBytes(), clinic.publicKey().toCompressedBytes());
    expect(view.role).toBe('grantee');
    const verified = verifyLedger(view.bytes);
    expect(verified.size).toBe(ledger.size);
    expect(verified.root).toEqual(ledger.root());
    const index = indexLedger(view.bytes);
    expect([...index.records.keys()].sort()).toEqual(['bafkreirecord0', 'bafkreirecord1']);
    const kinds = view.bytes.map((b, seq) => {
      const entry = decodeEntry(ledger.entryBytes(seq));
      return `${entry.kind}:${isStub(decodeAnyEntry(b)) ? 'stub' : 'full'}`;
    });
    expect(kinds).toEqual([
      'genesis:full',
      'encryption-keys:full',
      'record:full',
      'record:full',
      'grant:full',
      'access:full',
      'record:stub',
    ]);
  });

  test('a proxy of the grant sees what the reader sees; a stranger only whose ledger it is and what to seal to', async () => {
    const { ledger, proxies, clinic } = await ledgerWithPsychNote();
    const proxyView = served(
      ledger.allEntryBytes(),
      proxies[1]!.verifyingKey().toCompressedBytes(),
    );
    expect(proxyView.role).toBe('proxy');
    expect(proxyView.bytes).toEqual(
      served(ledger.allEntryBytes(), clinic.publicKey().toCompressedBytes()).bytes,
    );
    const stranger = SecretKey.random().publicKey().toCompressedBytes();
    const strangerView = served(ledger.allEntryBytes(), stranger);
    expect(strangerView.role).toBe('none');
    const full = strangerView.bytes
      .map((b) => decodeAnyEntry(b))
      .filter((e) => !isStub(e))
      .map((e) => e.kind);
    expect(full).toEqual(['genesis', 'encryption-keys']);
    expect(indexLedger(strangerView.bytes).records.size).toBe(0);
    expect(verifyLedger(strangerView.bytes).size).toBe(ledger.size);
  });

  test('a record entered after the revocation is not shown to the revoked reader', async () => {
    const { ledger, clinic, owner, keys } = await sampleLedger({
      records: 1,
      accesses: 0,
      revoke: true,
    });
    await ledger.append(
      'record',
      {
        cid: 'bafkreilater',
        capsule: randomBytes(105),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: 1,
        recipient: keys.recipientOf('laboratory'),
      },
      owner,
    );
    const view = served(ledger.allEntryBytes(), clinic.publicKey().toCompressedBytes());
    expect([...indexLedger(view.bytes).records.keys()]).toEqual(['bafkreirecord0']);
  });

  test('a stub cannot hide who owns the ledger, nor be altered', async () => {
    const { ledger } = await sampleLedger({ records: 1, accesses: 0 });
    const entries = ledger.allEntryBytes();
    const genesisStub = encodeEntry(stubOf(decodeEntry(entries[0]!)));
    expect(caught(() => verifyLedger([genesisStub, ...entries.slice(1)]))).toBeInstanceOf(
      WithheldEntryError,
    );
    const record = stubOf(decodeEntry(entries[1]!));
    const altered = encodeEntry({ ...record, bodyHash: randomBytes(32) });
    // the signature covers the body hash: an altered stub fails its signature or the chain
    expect(caught(() => verifyLedger([entries[0]!, altered, ...entries.slice(2)]))).toBeTruthy();
    // and the entry hash is the same in full or as a stub
    expect(hashEntry(record)).toEqual(hashEntry(entries[1]!));
    const later = ledger.allEntryBytes();
    const chainWithAlteredHash = [later[0]!, encodeEntry({ ...record, prev: randomBytes(32) })];
    expect(caught(() => verifyLedger(chainWithAlteredHash))).toBeInstanceOf(ChainBrokenError);
  });

  test('a forked view that re-labels a record under the reader’s key puts nothing in scope', async () => {
    const { ledger, clinic } = await ledgerWithPsychNote();
    // The host, working with the reader, shows the proxies a view where the
    // psychiatric note is re-posted by the reader as `laboratory`.
    const psych = decodeEntry(ledger.entryBytes(6));
    const reader = new Signer(clinic);
    const forked = await sampleLedgerCopy(ledger.allEntryBytes().slice(0, 6));
    await forked.append(
      'record',
      { ...(psych.body as never as Record<string, unknown>), category: 'laboratory' } as never,
      reader,
    );
    const index = indexLedger(forked.allEntryBytes());
    expect(index.records.has('bafkreipsych')).toBe(false);
    expect(index.proposals.size).toBe(1);
  });
});

/** A ledger reopened from the given entries (to fork it). */
async function sampleLedgerCopy(entries: Uint8Array[]) {
  const store = new MemoryLedgerStore();
  const id = decodeEntry(entries[0]!).ledger;
  for (const [seq, bytes] of entries.entries()) await store.append(id, seq, bytes);
  return Ledger.open(id, { store });
}
