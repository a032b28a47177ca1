/**
 * The import journal believes only what the ledger holds: a line counts
 * when a record entry signed by the importing key has its body hash, in
 * full or as a stub; a line cut short by a crash, or for an entry that
 * never went in, is ignored. The file is private (0600).
 */
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyHashOf, encodeEntry, Ledger, stubOf } from '@medvault/core/ledger';
import { SecretKey, Signer } from '@medvault/core/pre';
import { importState } from '@medvault/core/provider-import';
import { testPatient } from '@medvault/testing';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ImportJournal, recordsSignedBy } from './import-journal.js';

const SERVER = 'https://fhir.example.org/r4';
const note = (source: string, version: string, lastUpdated: string) => ({
  title: source,
  origin: SERVER,
  source,
  version,
  lastUpdated,
  fetchedAt: '2026-04-01T10:00:00.000Z',
  importedFrom: 'smart-on-fhir' as const,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-import-journal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('only lines whose entry the importing key signed into the ledger count', async () => {
  const patient = testPatient();
  const it = new Signer(SecretKey.random());
  const ledger = await Ledger.create(patient.owner);
  await ledger.append('encryption-keys', patient.keysEntry(['laboratory']), patient.owner);
  const body = (n: number) => ({
    cid: `bafkrei${n}`,
    capsule: randomBytes(105),
    contentType: 'application/fhir+json',
    resourceType: 'Observation',
    category: 'laboratory',
    size: 100 + n,
    recipient: patient.recipientOf('laboratory'),
  });
  const mine = await ledger.append('record', body(1), it);
  const theirs = await ledger.append('record', body(2), patient.owner);
  // as IT staff's key is served it: stubs, but for the public entries
  const served = ledger
    .allEntryBytes()
    .map((bytes, seq) => (seq < 2 ? bytes : encodeEntry(stubOf(ledger.entry(seq)))));
  const signed = recordsSignedBy(served, it.verifyingKey().toCompressedBytes());
  expect([...signed]).toEqual([bytesToHex(bodyHashOf(mine))]);
  expect(recordsSignedBy(ledger.allEntryBytes(), it.verifyingKey().toCompressedBytes())).toEqual(
    signed,
  );

  const path = join(dir, 'imports', 'ledger.jsonl');
  const journal = await ImportJournal.open(path);
  await journal.append(bodyHashOf(mine), note('Observation/o1', '1', '2026-03-01T10:00:00Z'));
  await journal.append(bodyHashOf(theirs), note('Observation/o2', '1', '2026-03-02T10:00:00Z'));
  // submitted never: its line stays, the ledger does not confirm it
  await journal.append(randomBytes(32), note('Observation/o3', '1', '2026-03-03T10:00:00Z'));
  await journal.close();
  await appendFile(path, '{"v":1,"bodyHash":"ab'); // a write cut short
  expect((await stat(path)).mode & 0o777).toBe(0o600);

  const reopened = await ImportJournal.open(path);
  const landed = reopened.landed(signed);
  expect(landed.map((n) => n.source)).toEqual(['Observation/o1']);
  const state = importState(landed).get(SERVER);
  expect([...(state?.keys ?? [])]).toEqual([`${SERVER} Observation/o1 1`]);
  expect(state?.cursors.get('Observation')).toBe('2026-03-01T10:00:00Z');
});

test('no journal yet: nothing landed', async () => {
  const journal = await ImportJournal.open(join(dir, 'none', 'x.jsonl'));
  expect(journal.landed(new Set(['00'.repeat(32)]))).toEqual([]);
});
