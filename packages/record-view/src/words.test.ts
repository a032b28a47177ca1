import { expect, test } from 'vitest';
import { renderRecords } from './render-records.js';
import type { SharedRecordView } from './types.js';

const record: SharedRecordView = {
  cid: 'bafkreiexample',
  contentType: 'application/fhir+json',
  title: 'HbA1c',
  body: new TextEncoder().encode(
    JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'HbA1c' } }),
  ),
  verification: { status: 'in-ledger', detail: 'Entry 3', entrySeq: 3 },
};

test('a clinician reads of the patient’s ledger and shared records', () => {
  const view = renderRecords([record]);
  expect(view).toContain("In the patient's ledger (entry #3)");
  expect(view).toContain('1 record shared');
  expect(view).toContain('Shared records');
});

test('the patient reads of her own ledger, and nothing says “shared”', () => {
  const view = renderRecords([record], { audience: 'patient' });
  expect(view).toContain('In your ledger (entry #3)');
  expect(view).toContain('Records shown');
  expect(view).not.toMatch(/patient's ledger|[Ss]hared/);
});
