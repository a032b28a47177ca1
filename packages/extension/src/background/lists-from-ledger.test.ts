import type { EntryBody } from '@medvault/core/ledger';
import { describe, expect, test } from 'vitest';
import { RESTORED_ORIGIN, storedRecordOf } from './lists-from-ledger.js';

const body = {
  cid: 'bafkreiexample',
  contentType: 'application/fhir+json',
  size: 2048,
  category: 'laboratory',
  resourceType: 'Observation',
} as EntryBody<'record'>;
const TIME = Date.UTC(2026, 2, 12);

describe('a record entry as the records list shows it', () => {
  test('an imported record keeps which resource, version and fetch it was, from its note', () => {
    expect(
      storedRecordOf(
        body,
        {
          title: 'Observation: Hemoglobin A1c, 2026-03-03',
          origin: 'https://fhir.example.org/r4',
          source: 'Observation/o1',
          version: '2',
          lastUpdated: '2026-03-03T09:30:00Z',
          fetchedAt: '2026-03-12T08:30:00.000Z',
          importedFrom: 'smart-on-fhir',
        },
        TIME,
      ),
    ).toEqual({
      cid: 'bafkreiexample',
      title: 'Observation: Hemoglobin A1c, 2026-03-03',
      contentType: 'application/fhir+json',
      size: 2048,
      origin: 'https://fhir.example.org/r4',
      receivedAt: TIME,
      resourceType: 'Observation',
      category: 'laboratory',
      imported: {
        source: 'Observation/o1',
        version: '2',
        fetchedAt: '2026-03-12T08:30:00.000Z',
      },
    });
  });

  test('a hospital’s record has no import fields; a note that does not open says restored', () => {
    expect(
      storedRecordOf(body, { title: 'Lipid panel', origin: 'https://hospital.example' }, TIME),
    ).not.toHaveProperty('imported');
    expect(storedRecordOf(body, undefined, TIME)).toMatchObject({
      title: 'Observation',
      origin: RESTORED_ORIGIN,
    });
    // a note that claims an import without its fields is listed as an ordinary record
    expect(
      storedRecordOf(
        body,
        { title: 'x', origin: 'https://a.example', importedFrom: 'smart-on-fhir' },
        TIME,
      ),
    ).not.toHaveProperty('imported');
  });
});
