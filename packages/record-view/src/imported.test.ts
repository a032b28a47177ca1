import { expect, test } from 'vitest';
import { decodeRecord } from './decode.js';
import { clinicalResources, importedFrom } from './imported.js';
import { renderRecords } from './render-records.js';
import type { SharedRecordView } from './types.js';

const SERVER = 'https://fhir.example.org/r4';
const FETCHED = '2026-03-12T08:30:00.000Z';

/** An imported record as the wallet builds it (docs/spec/provider-import.md §4). */
function importedRecord(overrides: { server?: string; attachment?: boolean } = {}) {
  const server = overrides.server ?? SERVER;
  const condition = {
    resourceType: 'Condition',
    id: 'c1',
    meta: { versionId: '3', lastUpdated: '2026-03-01T10:00:00Z' },
    subject: { reference: 'Patient/p1' },
    code: { text: 'Type 2 diabetes mellitus' },
    clinicalStatus: { coding: [{ code: 'active' }] },
  };
  const binary = {
    fullUrl: `${server}/Binary/b1`,
    resource: {
      resourceType: 'Binary',
      id: 'b1',
      contentType: 'application/pdf',
      data: 'JVBERi0=',
    },
  };
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: FETCHED,
    entry: [
      { fullUrl: `${server}/Condition/c1`, resource: condition },
      ...(overrides.attachment ? [binary] : []),
      {
        resource: {
          resourceType: 'Provenance',
          target: [{ reference: 'Condition/c1/_history/3' }],
          recorded: FETCHED,
          agent: [
            {
              type: { coding: [{ code: 'custodian' }] },
              who: { identifier: { system: 'urn:ietf:rfc:3986', value: server }, display: server },
            },
          ],
          entity: [
            { role: 'source', what: { reference: `${server}/Condition/c1/_history/3` } },
            ...(overrides.attachment
              ? [{ role: 'source', what: { reference: `${server}/Binary/b1` } }]
              : []),
          ],
        },
      },
    ],
  };
}

const view = (bundle: unknown, cid = 'bafkreiimported'): SharedRecordView => ({
  cid,
  contentType: 'application/fhir+json',
  title: 'Condition: Type 2 diabetes mellitus',
  category: 'problem-list',
  body: new TextEncoder().encode(JSON.stringify(bundle)),
  verification: { status: 'in-ledger', detail: 'Hash chain checked', entrySeq: 4 },
});

test('an imported record shows where it came from: server, resource, version and when it was fetched', () => {
  const out = renderRecords([view(importedRecord())], { now: new Date('2026-03-20') });
  const line = /<div class="mv-imported"[^>]*>([\s\S]*?)<\/div>/.exec(out)?.[1] ?? '';
  expect(line.replace(/<[^>]+>/g, '')).toBe(
    '⇣ Imported from https://fhir.example.org/r4 — Condition/c1, version 3, fetched 12 Mar 2026, 08:30 UTC The provider’s record, as its server sent it.',
  );
  expect(out).toContain('data-imported-from="https://fhir.example.org/r4"');
  expect(out).toContain('1 imported from a provider’s FHIR server');
  // the condition is in the clinical view; the Provenance is not shown as a finding there
  expect(out).toContain('Type 2 diabetes mellitus');
  expect(out).not.toMatch(/mv-other-type">Provenance/);
});

test('an attachment the Provenance names is counted beside the record, not shown as a finding', () => {
  const decoded = decodeRecord(view(importedRecord({ attachment: true })));
  if (decoded.kind !== 'fhir') throw new Error('not FHIR');
  expect(importedFrom(decoded.resources)).toEqual([
    {
      server: SERVER,
      source: 'Condition/c1',
      version: '3',
      fetchedAt: FETCHED,
      attachments: 1,
    },
  ]);
  expect(clinicalResources(decoded.resources).map((r) => r.resource.resourceType)).toEqual([
    'Condition',
  ]);
  const out = renderRecords([view(importedRecord({ attachment: true }))]);
  expect(out).toContain('version 3, fetched 12 Mar 2026, 08:30 UTC, with 1 attached file');
  expect(out).not.toMatch(/mv-other-type">Binary/);
});

test('what a hostile server put in the Provenance is escaped, and a malformed one is left out without breaking the view', () => {
  const hostile = renderRecords([view(importedRecord({ server: '<img src=x onerror=alert(1)>' }))]);
  expect(hostile).not.toContain('<img');
  expect(hostile).toContain('Imported from &lt;img src=x onerror=alert(1)&gt;');

  const bundle = importedRecord();
  const provenance = bundle.entry.at(-1)?.resource as Record<string, unknown>;
  for (const broken of [
    { ...provenance, agent: 'nobody' },
    { ...provenance, agent: [{ who: 42 }] },
    { ...provenance, target: [{ reference: 12 }], recorded: 'yesterday' },
  ]) {
    const out = renderRecords([
      view({ ...bundle, entry: [...bundle.entry.slice(0, -1), { resource: broken }] }),
    ]);
    expect(out).toContain('Type 2 diabetes mellitus');
    expect(out).not.toContain('mv-error-card');
  }
  // a server but no readable target or time: it still says where from, and nothing it cannot
  const vague = renderRecords([
    view({
      ...bundle,
      entry: [
        ...bundle.entry.slice(0, -1),
        { resource: { ...provenance, target: [{ reference: 12 }], recorded: 'yesterday' } },
      ],
    }),
  ]);
  expect(vague).toContain('Imported from https://fhir.example.org/r4 — fetched yesterday');
});

test('a record without a Provenance shows no import line', () => {
  const plain = {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { text: 'Vitamin D' },
    valueQuantity: { value: 31, unit: 'ng/mL' },
  };
  const out = renderRecords([view(plain)]);
  expect(out).not.toContain('mv-imported');
  expect(out).not.toContain('imported from a provider');
});
