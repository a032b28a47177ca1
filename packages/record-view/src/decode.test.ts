import { expect, test } from 'vitest';
import { decodeRecord, mediaType } from './decode.js';

const enc = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const fhir = (body: Uint8Array, contentType = 'application/fhir+json') =>
  decodeRecord({ contentType, body });

test('a single resource is one resource; a Bundle is unpacked with entry URLs', () => {
  const one = fhir(enc({ resourceType: 'Patient', id: 'p1' }));
  expect(one).toMatchObject({ kind: 'fhir', root: 'Patient', skipped: 0 });
  const bundle = fhir(
    enc({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient', id: 'p1' } },
        {
          resource: {
            resourceType: 'Bundle',
            entry: [{ resource: { resourceType: 'Observation' } }],
          },
        },
        { request: { method: 'GET' } },
        'junk',
      ],
    }),
  );
  expect(bundle.kind).toBe('fhir');
  if (bundle.kind !== 'fhir') return;
  expect(bundle.resources.map((r) => r.resource.resourceType)).toEqual(['Patient', 'Observation']);
  expect(bundle.resources[0]?.fullUrl).toBe('urn:uuid:1');
  expect(bundle.skipped).toBe(2);
});

test('content types are matched without parameters and case', () => {
  expect(mediaType('Application/FHIR+json; fhirVersion=4.0')).toBe('application/fhir+json');
  expect(fhir(enc({ resourceType: 'Patient' }), 'application/json').kind).toBe('fhir');
});

test('what cannot be shown says why', () => {
  const cases: [Uint8Array, string, RegExp][] = [
    [enc('{"resourceType": "Patient",'), 'application/fhir+json', /not valid JSON/],
    [enc({ hello: 'world' }), 'application/fhir+json', /not a FHIR resource/],
    [enc([1, 2]), 'application/fhir+json', /not a FHIR resource/],
    [new Uint8Array([0xff, 0xfe, 0x00, 0x80]), 'application/fhir+json', /not UTF-8/],
    [enc('hello'), 'application/pdf', /not a PDF/],
    [enc('DICM'), 'application/dicom', /application\/dicom cannot be displayed/],
    [enc(''), '', /\(none\) cannot be displayed/],
  ];
  for (const [body, type, message] of cases) {
    const decoded = fhir(body, type);
    expect(decoded.kind).toBe('error');
    if (decoded.kind === 'error') expect(decoded.message).toMatch(message);
  }
});

test('a PDF is recognised by its content type and its magic bytes', () => {
  expect(fhir(enc('%PDF-1.7\n…'), 'application/pdf').kind).toBe('pdf');
});
