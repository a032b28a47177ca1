/**
 * The record format: the Bundle an imported resource becomes is valid FHIR
 * R4 and says where it came from; `provenanceOf` reads it back and refuses
 * anything else; the note fits a sealed note and gives the import key.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { openNote, sealNote } from '../ledger/note.js';
import { SecretKey } from '../pre/keys.js';
import {
  ImportMalformedNoteError,
  ImportMalformedRecordError,
  ImportOptionsError,
} from './errors.js';
import { checkFhirResource } from './fhir-validation.js';
import {
  buildRecord,
  importKey,
  normalizeServerUrl,
  provenanceOf,
  resourceKey,
  titleOf,
} from './record.js';
import { checkIdentity } from './resource.js';

const SERVER = 'https://fhir.example.org/r4';
const FETCHED = '2026-04-01T10:00:00.000Z';

const observation = {
  resourceType: 'Observation',
  id: 'hba1c-1',
  meta: { versionId: '3', lastUpdated: '2026-03-03T09:30:00Z' },
  status: 'final',
  category: [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/observation-category',
          code: 'laboratory',
        },
      ],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2026-03-03T09:00:00Z',
  valueQuantity: { value: 7.1, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
};

const identify = (resource: unknown, type = 'Observation' as const) =>
  checkIdentity(resource, { type, patientId: 'p1', base: SERVER });

describe('buildRecord', () => {
  test('a collection Bundle of the resource and its Provenance: valid R4, read back by provenanceOf', () => {
    const built = buildRecord({
      identified: identify(observation),
      server: SERVER,
      fetchedAt: FETCHED,
    });
    expect(built).toMatchObject({
      contentType: 'application/fhir+json',
      resourceType: 'Observation',
      category: 'laboratory',
      ref: 'Observation/hba1c-1',
      key: `${SERVER} Observation/hba1c-1 3`,
    });
    const bundle = JSON.parse(new TextDecoder().decode(built.bytes));
    expect(checkFhirResource(bundle)).toEqual({ resourceType: 'Bundle' });
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: FETCHED,
    });
    expect(bundle.entry[0]).toEqual({
      fullUrl: `${SERVER}/Observation/hba1c-1`,
      resource: observation,
    });
    expect(bundle.entry[1].resource).toMatchObject({
      resourceType: 'Provenance',
      target: [{ reference: 'Observation/hba1c-1/_history/3' }],
      recorded: FETCHED,
      agent: [{ who: { identifier: { system: 'urn:ietf:rfc:3986', value: SERVER } } }],
      entity: [{ role: 'source', what: { reference: `${SERVER}/Observation/hba1c-1/_history/3` } }],
    });
    expect(provenanceOf(built.bytes)).toMatchObject({
      server: SERVER,
      source: 'Observation/hba1c-1',
      version: '3',
      url: `${SERVER}/Observation/hba1c-1/_history/3`,
      fetchedAt: FETCHED,
      attachments: [],
      resource: observation,
    });
  });

  test('the note: title, origin, source, version, times; it seals as a ledger note and keys the import', () => {
    const { note, key } = buildRecord({
      identified: identify(observation),
      server: SERVER,
      fetchedAt: FETCHED,
    });
    expect(note).toEqual({
      title: 'Observation: Hemoglobin A1c, 2026-03-03',
      origin: SERVER,
      source: 'Observation/hba1c-1',
      version: '3',
      lastUpdated: '2026-03-03T09:30:00Z',
      fetchedAt: FETCHED,
      importedFrom: 'smart-on-fhir',
    });
    const sk = SecretKey.random();
    expect(openNote(sk, sealNote(sk.publicKey(), note))).toEqual(note);
    expect(importKey(note)).toBe(key);
    expect(resourceKey(SERVER, identify(observation))).toBe(key);
  });

  test('a server without versions: the version is the lastUpdated instant, the source URL has no history', () => {
    const { meta: _, ...rest } = observation;
    const unversioned = { ...rest, meta: { lastUpdated: '2026-03-03T09:30:00Z' } };
    const built = buildRecord({
      identified: identify(unversioned),
      server: SERVER,
      fetchedAt: FETCHED,
    });
    expect(built.note.version).toBe('2026-03-03T09:30:00Z');
    expect(provenanceOf(built.bytes)).toMatchObject({
      version: undefined,
      url: `${SERVER}/Observation/hba1c-1`,
    });
    expect(checkFhirResource(JSON.parse(new TextDecoder().decode(built.bytes)))).toBeTruthy();
  });

  test('attachments ride along as Binary entries under their original URLs, named in the Provenance', () => {
    const document = {
      resourceType: 'DocumentReference',
      id: 'dr1',
      meta: { versionId: '1' },
      status: 'current',
      subject: { reference: 'Patient/p1' },
      type: {
        coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }],
      },
      content: [{ attachment: { contentType: 'application/pdf', url: 'Binary/b1', size: 5 } }],
    };
    const pdf = new TextEncoder().encode('%PDF-');
    const built = buildRecord({
      identified: identify(document, 'DocumentReference' as never),
      server: SERVER,
      fetchedAt: FETCHED,
      attachments: [{ url: `${SERVER}/Binary/b1`, contentType: 'application/pdf', bytes: pdf }],
    });
    expect(built.category).toBe('summary');
    expect(built.note.title).toBe('Document: Discharge summary');
    const bundle = JSON.parse(new TextDecoder().decode(built.bytes));
    expect(checkFhirResource(bundle)).toEqual({ resourceType: 'Bundle' });
    expect(bundle.entry[1]).toEqual({
      fullUrl: `${SERVER}/Binary/b1`,
      resource: {
        resourceType: 'Binary',
        id: 'b1',
        contentType: 'application/pdf',
        data: 'JVBERi0=',
      },
    });
    expect(provenanceOf(built.bytes).attachments).toEqual([
      { url: `${SERVER}/Binary/b1`, contentType: 'application/pdf', size: 5 },
    ]);
  });
});

describe('titleOf', () => {
  test.each([
    [
      { resourceType: 'Patient', name: [{ given: ['Maria', 'J'], family: 'Alvarez' }] },
      'Patient details: Maria J Alvarez',
    ],
    [
      {
        resourceType: 'Immunization',
        vaccineCode: { text: 'Influenza' },
        occurrenceDateTime: '2025-10-01',
      },
      'Immunization: Influenza, 2025-10-01',
    ],
    [
      {
        resourceType: 'MedicationRequest',
        medicationCodeableConcept: { coding: [{ code: '860975' }] },
        authoredOn: '2026-01-02T10:00:00Z',
      },
      'Prescription: 860975, 2026-01-02',
    ],
    [
      {
        resourceType: 'Encounter',
        class: { display: 'inpatient' },
        period: { start: '2026-02-01T08:00:00Z' },
      },
      'Visit: inpatient, 2026-02-01',
    ],
    [{ resourceType: 'Condition' }, 'Condition'],
  ])('%j → %s', (resource, title) => {
    expect(titleOf(resource)).toBe(title);
  });

  test('at most 200 characters', () => {
    expect(titleOf({ resourceType: 'Condition', code: { text: 'x'.repeat(500) } })).toHaveLength(
      200,
    );
  });
});

describe('normalizeServerUrl', () => {
  test('canonical: lower-case scheme and host, no trailing slash', () => {
    expect(normalizeServerUrl('HTTPS://Fhir.Example.org/r4/')).toBe(SERVER);
    expect(normalizeServerUrl('http://127.0.0.1:8080/fhir')).toBe('http://127.0.0.1:8080/fhir');
    expect(normalizeServerUrl('http://localhost:8080/')).toBe('http://localhost:8080');
  });

  test('refused: not a URL, plain http to another machine, a query, a fragment, credentials', () => {
    for (const bad of [
      'fhir.example.org',
      'http://fhir.example.org/r4',
      'ftp://x/y',
      `${SERVER}?a=1`,
      `${SERVER}#x`,
      'https://u:p@fhir.example.org',
    ]) {
      expect(() => normalizeServerUrl(bad), bad).toThrow(ImportOptionsError);
    }
  });
});

describe('importKey', () => {
  test('refuses notes that are not an import’s', () => {
    const good = {
      origin: SERVER,
      source: 'Observation/o1',
      version: '1',
      importedFrom: 'smart-on-fhir',
    };
    expect(importKey(good)).toBe(`${SERVER} Observation/o1 1`);
    const bads: Record<string, string>[] = [
      { title: 'Lipid panel', origin: 'https://hospital.example' },
      { ...good, importedFrom: 'hospital' },
      { ...good, origin: 'not a url' },
      { ...good, source: 'Banana/o1' },
      { ...good, source: 'Observation/o1/x' },
      { ...good, version: 'has space' },
    ];
    for (const bad of bads) {
      expect(() => importKey(bad), JSON.stringify(bad)).toThrow(ImportMalformedNoteError);
    }
  });
});

describe('provenanceOf', () => {
  test('anything but an imported record is refused with a typed error, never a crash', () => {
    const built = buildRecord({
      identified: identify(observation),
      server: SERVER,
      fetchedAt: FETCHED,
    });
    const bundle = JSON.parse(new TextDecoder().decode(built.bytes));
    const anyJson = fc.oneof(
      fc.jsonValue(),
      fc.uint8Array(),
      fc.string(),
      // the real record with one part swapped for anything
      fc
        .record({
          path: fc.constantFrom(
            'type',
            'entry',
            'entry.0',
            'entry.1',
            'entry.1.resource.target',
            'entry.1.resource.agent',
            'entry.1.resource.entity',
            'entry.1.resource.recorded',
          ),
          value: fc.jsonValue(),
        })
        .map(({ path, value }) => {
          const copy = structuredClone(bundle);
          const keys = path.split('.');
          let at = copy;
          for (const k of keys.slice(0, -1)) at = at[k];
          at[keys.at(-1) as string] = value;
          return copy;
        }),
    );
    fc.assert(
      fc.property(anyJson, (value) => {
        try {
          provenanceOf(value as never);
        } catch (error) {
          expect(error).toBeInstanceOf(ImportMalformedRecordError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
