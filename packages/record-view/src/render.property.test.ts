/**
 * Whatever a record contains, the view's markup is only the markup the view
 * writes: no string from a record, its title or its verification ever
 * becomes a tag or an attribute, no link leads to a script, and no input —
 * hostile strings, arbitrary bytes, FHIR-shaped junk — makes it throw.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { pdfAttachments } from './pdf-attachments.js';
import { renderRecords } from './render-records.js';
import type { SharedRecordView } from './types.js';

const TAGS = new Set(
  'div span a section h3 p table thead tbody tr th td br ul ol li header article figure figcaption iframe dl dt dd details summary pre code strong svg rect polyline circle'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(
  'class href id title target rel role download loading aria-label aria-hidden data-verification data-code data-pdf-cid data-imported-from width height viewBox x y points cx cy r'.split(
    ' ',
  ),
);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*>/y;
const ATTRIBUTE = /\s+([a-zA-Z-]+)="([^"]*)"/g;

/**
 * Fails unless every '<' in `out` opens or closes an allowed tag whose
 * attributes are all allowed, quoted, and whose link targets have no scheme
 * but http(s). A value that escaped its quoting would show up here as an
 * unknown attribute or a stray '<'.
 */
function assertOnlyOwnMarkup(out: string): void {
  for (let i = out.indexOf('<'); i >= 0; ) {
    TAG.lastIndex = i;
    const m = TAG.exec(out);
    if (!m) throw new Error(`stray '<' at ${i}: ${JSON.stringify(out.slice(i, i + 60))}`);
    if (!TAGS.has(m[2]!)) throw new Error(`unexpected tag <${m[2]}>`);
    for (const [, name, value] of m[3]!.matchAll(ATTRIBUTE)) {
      if (!ATTRIBUTES.has(name!)) throw new Error(`unexpected attribute ${name} on <${m[2]}>`);
      if (name === 'href' && /^\s*[a-z][a-z0-9+.-]*:/i.test(value!) && !/^https?:/i.test(value!)) {
        throw new Error(`unsafe link ${value}`);
      }
    }
    i = out.indexOf('<', i + m[0].length);
  }
  expect(out).not.toMatch(/<script|<img|<style|<object|<embed/i);
  // The per-group safety net must never be what handled the input: the readers cope.
  expect(out).not.toContain('could not be displayed.</strong>');
}

test('the markup check itself catches injected tags, attributes and script links', () => {
  assertOnlyOwnMarkup('<div class="mv-view"><a href="#mv-rec-1">1</a> 3 &lt; 4</div>');
  expect(() => assertOnlyOwnMarkup('<div><b>x</b></div>')).toThrow(/unexpected tag/);
  expect(() => assertOnlyOwnMarkup('<td title="" onclick="x">')).toThrow(/unexpected attribute/);
  expect(() => assertOnlyOwnMarkup('<td title="a"b">')).toThrow(/stray/);
  expect(() => assertOnlyOwnMarkup('<a href="javascript:alert(1)">')).toThrow(/unsafe link/);
  expect(() => assertOnlyOwnMarkup('3 < 4')).toThrow(/stray/);
});

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'><iframe src=javascript:alert(1)>",
  'javascript:alert(1)',
  ' JaVaScRiPt:alert(1)',
  '</td></tr></table><script>x</script>',
  '&lt;script&gt;',
  '<!--',
  '2026-03-12<script>',
  '\u0000\u2028',
];
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(...PAYLOADS),
  fc
    .tuple(fc.string(), fc.constantFrom(...PAYLOADS), fc.string())
    .map(([a, b, c]) => `${a}${b}${c}`),
);
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(4, 5.6, 7.1));

const inputs = fc.record({
  name: hostile,
  family: hostile,
  idSystem: hostile,
  idValue: hostile,
  idType: hostile,
  gender: hostile,
  date: hostile,
  display: hostile,
  status: hostile,
  medicine: hostile,
  dosage: hostile,
  testName: hostile,
  unit: hostile,
  value: number,
  low: number,
  high: number,
  interpretation: hostile,
  rangeText: hostile,
  otherType: hostile,
  otherTitle: hostile,
  cid: hostile,
  title: hostile,
  category: hostile,
  contentType: fc.constantFrom('application/fhir+json', 'application/json'),
  verification: fc.record({
    status: fc.oneof(fc.constantFrom('anchored', 'in-ledger', 'failed'), hostile),
    detail: hostile,
    proofUrl: hostile,
    anchorUrl: hostile,
    blockNumber: number,
    entrySeq: number,
  }),
});
type Inputs = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

function records(s: Inputs): SharedRecordView[] {
  const subject = { reference: `Patient/${s.idValue}`, display: s.name };
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: s.idSystem,
        resource: {
          resourceType: 'Patient',
          id: s.idValue,
          name: [{ text: s.name }, { family: s.family, given: [s.name], prefix: [s.display] }],
          identifier: [{ system: s.idSystem, value: s.idValue, type: { text: s.idType } }],
          gender: s.gender,
          birthDate: s.date,
          telecom: [{ system: 'phone', value: s.dosage }],
          address: [{ line: [s.family], city: s.name }],
        },
      },
      {
        resource: {
          resourceType: 'Condition',
          id: s.display,
          code: {
            coding: [{ system: 'http://snomed.info/sct', code: s.status, display: s.display }],
          },
          clinicalStatus: { coding: [{ code: s.status }] },
          verificationStatus: { coding: [{ code: s.interpretation }] },
          subject,
          onsetDateTime: s.date,
          abatementDateTime: `2026-01-02${s.date}`,
        },
      },
      {
        resource: {
          resourceType: 'MedicationStatement',
          status: s.status,
          medicationCodeableConcept: { text: s.medicine, coding: [{ code: s.idValue }] },
          dosage: [
            { text: s.dosage },
            { doseAndRate: [{ doseQuantity: { value: s.value, unit: s.unit } }] },
          ],
          subject,
          effectivePeriod: { start: s.date, end: s.date },
        },
      },
      {
        resource: {
          resourceType: 'MedicationRequest',
          status: 'active',
          medicationReference: { display: s.medicine },
          dosageInstruction: [
            { timing: { repeat: { frequency: s.value, period: s.low, periodUnit: s.unit } } },
          ],
          subject,
          authoredOn: s.date,
        },
      },
      ...[0, 1, 2].map((i) => ({
        resource: {
          resourceType: 'Observation',
          status: 'final',
          category: [{ coding: [{ code: i === 2 ? s.category : 'laboratory' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: s.unit, display: s.testName }] },
          subject,
          effectiveDateTime: i === 0 ? s.date : `202${i}-0${i}-1${i}`,
          valueQuantity: { value: s.value + i, unit: s.unit, comparator: s.status },
          valueString: s.testName,
          interpretation: [{ coding: [{ code: s.interpretation }], text: s.interpretation }],
          referenceRange: [
            { low: { value: s.low, unit: s.unit }, high: { value: s.high }, text: s.rangeText },
          ],
        },
      })),
      {
        resource: {
          // A blank resourceType makes the entry no resource at all (skipped, and said so).
          resourceType: s.otherType.trim() ? s.otherType : 'Procedure',
          id: s.otherTitle,
          title: s.otherTitle,
          status: s.status,
          type: [{ text: s.display }],
          period: { start: s.date, end: s.date },
          reasonCode: [{ text: s.display }],
          section: [{ title: s.otherTitle }],
          identifier: { value: s.idValue },
          subject,
        },
      },
      {
        // where an imported record came from: every field a server wrote
        fullUrl: s.idSystem,
        resource: {
          resourceType: 'Provenance',
          target: [{ reference: s.otherTitle }],
          recorded: s.date,
          agent: [
            {
              type: { coding: [{ code: 'custodian' }] },
              who: { identifier: { value: s.otherType }, display: s.name },
            },
          ],
          entity: [
            { role: 'source', what: { reference: s.idSystem } },
            { role: 'source', what: { reference: s.display } },
          ],
        },
      },
    ],
  };
  const verification = s.verification as unknown as SharedRecordView['verification'];
  return [
    {
      cid: s.cid,
      contentType: s.contentType,
      resourceType: 'Bundle',
      category: s.category,
      title: s.title,
      body: new TextEncoder().encode(JSON.stringify(bundle)),
      verification,
    },
    {
      cid: s.cid,
      contentType: 'application/pdf',
      title: s.title,
      body: new TextEncoder().encode(`%PDF-1.7\n${s.title}`),
      verification,
    },
  ];
}

test('hostile strings anywhere in a record or its verification never produce markup', () => {
  fc.assert(
    fc.property(inputs, (s) => {
      const out = renderRecords(records(s), { now: new Date('2026-03-20T12:00:00Z') });
      assertOnlyOwnMarkup(out);
      // The hostile record really went through every section.
      for (const section of ['conditions', 'medications', 'documents', 'other']) {
        expect(out).toContain(`mv-section-${section}`);
      }
      // And no payload survived verbatim anywhere (as text it is always escaped).
      for (const payload of PAYLOADS.filter((p) => p.includes('<'))) {
        expect(out).not.toContain(payload);
      }
    }),
    { numRuns: 300 },
  );
});

test('arbitrary bytes as a body, under any content type, never throw', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 2048 }),
      fc.oneof(
        fc.constantFrom(
          'application/fhir+json',
          'application/json',
          'application/pdf',
          'image/png',
        ),
        hostile,
      ),
      (body, contentType) => {
        const view = {
          cid: 'bafkreitest',
          contentType,
          body,
          verification: { status: 'anchored', detail: '' },
        };
        const records = [view as SharedRecordView];
        assertOnlyOwnMarkup(renderRecords(records));
        expect(() => pdfAttachments(records)).not.toThrow();
      },
    ),
    { numRuns: 300 },
  );
});

const FIELDS = [
  'id',
  'name',
  'code',
  'subject',
  'patient',
  'status',
  'clinicalStatus',
  'verificationStatus',
  'valueQuantity',
  'valueString',
  'valueCodeableConcept',
  'referenceRange',
  'interpretation',
  'effectiveDateTime',
  'effectivePeriod',
  'onsetDateTime',
  'abatementDateTime',
  'dosage',
  'dosageInstruction',
  'medicationCodeableConcept',
  'medicationReference',
  'identifier',
  'birthDate',
  'gender',
  'telecom',
  'address',
  'deceasedBoolean',
  'deceasedDateTime',
  'category',
  'period',
  'type',
  'class',
  'reasonCode',
  'section',
  'title',
  'entry',
  'target',
  'agent',
  'entity',
  'recorded',
] as const;
const TYPES = [
  'Patient',
  'Observation',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Encounter',
  'Composition',
  'Bundle',
  'Procedure',
  'Provenance',
  'Binary',
];
const junkResource = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 })),
  )
  .map(([resourceType, fields]) => ({ ...fields, resourceType }));

test('FHIR-shaped junk (right resource types, fields of any shape) never throws', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ fullUrl: fc.option(hostile), resource: junkResource }), {
        maxLength: 8,
      }),
      fc.jsonValue({ maxDepth: 4 }),
      (entries, anything) => {
        const bodies = [
          { resourceType: 'Bundle', type: 'collection', entry: entries },
          ...entries.map((e) => e.resource),
          anything,
        ];
        const records = bodies.map(
          (b, i): SharedRecordView => ({
            cid: `bafkrei${i}`,
            contentType: 'application/fhir+json',
            body: new TextEncoder().encode(JSON.stringify(b) ?? ''),
            verification: { status: i % 2 ? 'anchored' : 'failed', detail: 'x' },
          }),
        );
        assertOnlyOwnMarkup(renderRecords(records));
      },
    ),
    { numRuns: 300 },
  );
});
