/**
 * Categorisation is one fixed table: each type and category code lands in
 * the same category on every device, mental health is recognised wherever a
 * diagnosis or reason is coded, and every answer is a default category.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CATEGORIES } from '../keys/index.js';
import { categoryOf, isMentalHealth } from './categories.js';
import { PROVIDER_RESOURCE_TYPES } from './resource.js';

const concept = (system: string | undefined, code: string) => ({
  coding: [system === undefined ? { code } : { system, code }],
});
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

describe('categoryOf', () => {
  test.each([
    [{ resourceType: 'Patient' }, 'demographics'],
    [{ resourceType: 'AllergyIntolerance' }, 'allergy'],
    [{ resourceType: 'Condition', code: concept(SNOMED, '44054006') }, 'problem-list'],
    [{ resourceType: 'MedicationRequest' }, 'medication'],
    [{ resourceType: 'MedicationStatement' }, 'medication'],
    [{ resourceType: 'Immunization' }, 'immunization'],
    [{ resourceType: 'Procedure', code: concept(SNOMED, '80146002') }, 'procedure'],
    [{ resourceType: 'Encounter' }, 'encounter'],
    [{ resourceType: 'DocumentReference' }, 'document'],
    [{ resourceType: 'DocumentReference', type: concept(LOINC, '18842-5') }, 'summary'],
    [{ resourceType: 'Observation', category: [concept(OBS_CAT, 'laboratory')] }, 'laboratory'],
    [{ resourceType: 'Observation', category: [concept(undefined, 'laboratory')] }, 'laboratory'],
    [{ resourceType: 'Observation', category: [concept(OBS_CAT, 'vital-signs')] }, 'vital-signs'],
    [{ resourceType: 'Observation', category: [concept(OBS_CAT, 'imaging')] }, 'imaging'],
    [{ resourceType: 'Observation', category: [concept(OBS_CAT, 'social-history')] }, 'other'],
    [{ resourceType: 'Observation' }, 'other'],
    // a code of another system is not the observation category
    [{ resourceType: 'Observation', category: [concept('urn:x', 'laboratory')] }, 'other'],
    [{ resourceType: 'DiagnosticReport', category: [concept(V2_0074, 'LAB')] }, 'laboratory'],
    [{ resourceType: 'DiagnosticReport', category: [concept(V2_0074, 'HM')] }, 'laboratory'],
    [{ resourceType: 'DiagnosticReport', category: [concept(V2_0074, 'RAD')] }, 'imaging'],
    [{ resourceType: 'DiagnosticReport', category: [concept(LOINC, 'LP29684-5')] }, 'imaging'],
    [{ resourceType: 'DiagnosticReport', category: [concept(V2_0074, 'EC')] }, 'other'],
    // the first category that maps wins, in the order the resource lists them
    [
      {
        resourceType: 'Observation',
        category: [concept(OBS_CAT, 'survey'), concept(OBS_CAT, 'vital-signs')],
      },
      'vital-signs',
    ],
    // keys of Object.prototype are codes like any other: no category
    [{ resourceType: 'Observation', category: [concept(OBS_CAT, 'constructor')] }, 'other'],
    [{ resourceType: 'DiagnosticReport', category: [concept(V2_0074, '__proto__')] }, 'other'],
  ])('%j → %s', (resource, category) => {
    expect(categoryOf(resource)).toBe(category);
  });

  test('mental health goes to psychiatry wherever a diagnosis or reason is coded', () => {
    const icd10 = 'http://hl7.org/fhir/sid/icd-10-cm';
    const cases = [
      { resourceType: 'Condition', code: concept(icd10, 'F32.9') },
      { resourceType: 'Condition', code: concept('http://hl7.org/fhir/sid/icd-10', 'F20') },
      { resourceType: 'Condition', code: concept('http://hl7.org/fhir/sid/icd-9-cm', '296.20') },
      { resourceType: 'Condition', code: concept(SNOMED, '35489007') },
      {
        resourceType: 'Observation',
        code: concept(LOINC, '44261-6'),
        category: [concept(OBS_CAT, 'survey')],
      },
      { resourceType: 'Procedure', code: concept(SNOMED, '75516001') },
      { resourceType: 'Encounter', reasonCode: [concept(SNOMED, '47505003')] },
      { resourceType: 'MedicationRequest', reasonCode: [concept(icd10, 'F41.1')] },
      {
        resourceType: 'DocumentReference',
        context: { practiceSetting: concept(SNOMED, '394587001') },
      },
      { resourceType: 'DiagnosticReport', conclusionCode: [concept(SNOMED, '13746004')] },
    ];
    for (const resource of cases) {
      expect(isMentalHealth(resource), JSON.stringify(resource)).toBe(true);
      expect(categoryOf(resource)).toBe('psychiatry');
    }
    // not mental health: another chapter, a code in a field that is no diagnosis
    expect(categoryOf({ resourceType: 'Condition', code: concept(icd10, 'E11.9') })).toBe(
      'problem-list',
    );
    expect(
      categoryOf({
        resourceType: 'Condition',
        code: concept('http://hl7.org/fhir/sid/icd-9-cm', '250.00'),
      }),
    ).toBe('problem-list');
    expect(categoryOf({ resourceType: 'Patient', code: concept(icd10, 'F32.9') })).toBe(
      'demographics',
    );
  });

  test('any resource, however odd, gets a default category, the same every time', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const resource = fc.record({
      resourceType: fc.constantFrom(...PROVIDER_RESOURCE_TYPES, 'Banana'),
      category: fc.oneof(
        json,
        fc.array(fc.record({ coding: fc.array(fc.record({ system: json, code: json })) })),
      ),
      code: json,
      reasonCode: json,
      type: json,
      context: json,
    });
    fc.assert(
      fc.property(resource, (r) => {
        const category = categoryOf(r as never);
        expect(DEFAULT_CATEGORIES).toContain(category);
        expect(categoryOf(structuredClone(r) as never)).toBe(category);
      }),
      { numRuns: 500 },
    );
  });
});
