/**
 * The records desk's FHIR check: made-up resource types, missing required
 * fields, unknown fields, wrong codes and malformed values are refused with
 * a sentence naming what was expected; a hand-written Observation and
 * Bundle, and every resource the example data holds, pass.
 */
import { describe, expect, test } from 'vitest';
import { generateSamples } from '../samples/index.js';
import {
  checkFhirJson,
  checkFhirResource,
  fhirResourceTypes,
  InvalidFhirError,
} from './fhir-validation.js';

const observation = {
  resourceType: 'Observation',
  id: 'upload-vitd',
  status: 'final',
  category: [{ coding: [{ code: 'laboratory' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '1989-3' }], text: 'Vitamin D' },
  effectiveDateTime: '2026-03-03T09:30:00Z',
  valueQuantity: { value: 31, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
};

/** The message `checkFhirResource(value)` refuses with (fails the test when it accepts). */
function refusal(value: unknown): string {
  try {
    checkFhirResource(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFhirError);
    expect((error as InvalidFhirError).code).toBe('HOSPITAL_INVALID_FHIR');
    return (error as InvalidFhirError).shortMessage;
  }
  throw new Error(`accepted: ${JSON.stringify(value)}`);
}

describe('checkFhirResource', () => {
  test('a resource type FHIR R4 does not have is refused, naming what was expected', () => {
    expect(refusal({ resourceType: 'Banana' })).toBe(
      '"Banana" is not a FHIR R4 resource type. Expected one of the 146 R4 types, such as Observation, Bundle, Patient, Condition, DiagnosticReport.',
    );
    expect(refusal({ ...observation, resourceType: 'observation' })).toMatch(
      /^"observation" is not a FHIR R4 resource type \(did you mean "Observation"\? Types are case-sensitive\)/,
    );
    expect(refusal({ resourceType: 'DomainResource' })).toMatch(/is not a FHIR R4 resource type/);
    expect(refusal({ status: 'final' })).toMatch(/^The file has no "resourceType"/);
    expect(refusal({ resourceType: 7 })).toMatch(/^7 is not a FHIR R4 resource type/);
    expect(refusal([observation])).toMatch(/is a JSON object .* not a list\.$/);
    expect(refusal(null)).toMatch(/not null\.$/);
  });

  test('a valid Observation and a Bundle of resources are accepted', () => {
    expect(checkFhirResource(observation)).toEqual({ resourceType: 'Observation' });
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:0b9f5c5e-1f4b-4a7e-9d47-2d1f0d8a5b11', resource: observation },
        { resource: { resourceType: 'Patient', id: 'p1', birthDate: '1961-04-12' } },
      ],
    };
    expect(checkFhirResource(bundle)).toEqual({ resourceType: 'Bundle' });
  });

  test('a missing required field is refused, naming the field and the resource', () => {
    const { code: _, ...noCode } = observation;
    expect(refusal(noCode)).toBe(
      'Observation is missing "code", which FHIR R4 requires for an Observation.',
    );
    // a required field of a primitive type too (the R4 JSON schema cannot say this one)
    const { status: __, ...noStatus } = observation;
    expect(refusal(noStatus)).toBe(
      'Observation is missing "status", which FHIR R4 requires for an Observation.',
    );
    expect(refusal({ resourceType: 'Bundle', entry: [] })).toBe(
      'Bundle is missing "type", which FHIR R4 requires for a Bundle.',
    );
  });

  test('inside a Bundle, the faulty entry is named', () => {
    const { status: _, ...noStatus } = observation;
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: noStatus }] };
    expect(refusal(bundle)).toBe(
      'In Bundle.entry[0].resource: Observation is missing "status", which FHIR R4 requires for an Observation.',
    );
    const banana = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: observation }, { resource: { resourceType: 'Banana' } }],
    };
    expect(refusal(banana)).toMatch(
      /^Bundle\.entry\[1\]\.resource: "Banana" is not a FHIR R4 resource type\. Expected one of/,
    );
  });

  test('unknown fields, codes outside a required value set and malformed values are refused', () => {
    expect(refusal({ ...observation, colour: 'red' })).toBe(
      'Observation.colour is not a field FHIR R4 defines there.',
    );
    expect(refusal({ ...observation, status: 'done' })).toBe(
      'Observation.status: Code "done" not found in value set.',
    );
    expect(refusal({ ...observation, effectiveDateTime: 'yesterday' })).toBe(
      'Observation.effectiveDateTime: Invalid dateTime format for value "yesterday".',
    );
    expect(refusal({ ...observation, valueQuantity: { value: 'ten' } })).toMatch(
      /^Observation\.valueQuantity\.value: Number type expected but string received/,
    );
  });

  test('every resource the example data holds passes', async () => {
    const [patient] = await generateSamples(1);
    const json = patient?.records.filter((r) => r.contentType === 'application/fhir+json') ?? [];
    expect(json.length).toBeGreaterThan(3);
    for (const record of json) {
      const text = new TextDecoder().decode(record.bytes);
      expect(checkFhirJson(text), record.name).toEqual({ resourceType: record.resourceType });
    }
  });

  test('text that is not JSON is refused as such', () => {
    expect(() => checkFhirJson('%PDF-1.7 not really')).toThrow(InvalidFhirError);
    expect(() => checkFhirJson('{"resourceType": "Observation",')).toThrow(/is not JSON/);
  });

  test('the 146 concrete R4 resource types come from the library', () => {
    const types = fhirResourceTypes();
    expect(types).toHaveLength(146);
    expect(types).toEqual(expect.arrayContaining(['Observation', 'Bundle', 'DocumentReference']));
    expect(types).not.toContain('Banana');
    expect(types).not.toContain('Resource');
  });
});
