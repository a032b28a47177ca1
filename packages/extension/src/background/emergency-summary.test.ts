import { expect, test } from 'vitest';
import { emergencySummary } from './emergency-summary.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const json = (value: unknown) => JSON.stringify(value);
const patient = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ text: 'Ana Lima' }],
  contact: [{ name: { text: 'João Lima' }, telecom: [{ system: 'phone', value: '555-0199' }] }],
};
const active = { coding: [{ code: 'active' }] };

test('allergies, current medicines, active problems and the blood group, under IPS sections', () => {
  const records = [
    json({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', name: [{ text: 'Ana Lima' }] } },
        {
          resource: {
            resourceType: 'Observation',
            id: 'hba1c',
            code: { coding: [{ code: '4548-4' }] },
          },
        },
        {
          resource: {
            resourceType: 'Observation',
            id: 'abo',
            code: { coding: [{ code: '882-1' }] },
          },
        },
      ],
    }),
    json(patient),
    json({
      resourceType: 'AllergyIntolerance',
      id: 'pen',
      clinicalStatus: active,
      code: { text: 'Penicillin' },
    }),
    json({
      resourceType: 'Condition',
      id: 'asthma',
      clinicalStatus: active,
      code: { text: 'Asthma' },
    }),
    json({
      resourceType: 'Condition',
      id: 'old',
      clinicalStatus: { coding: [{ code: 'resolved' }] },
    }),
    json({ resourceType: 'MedicationStatement', id: 'salbutamol', status: 'active' }),
    json({ resourceType: 'MedicationStatement', id: 'stopped', status: 'stopped' }),
    'not json at all',
  ];
  const bundle = emergencySummary(records, NOW);
  expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
  const ids = bundle.entry.map(
    (e) =>
      `${(e.resource as { resourceType: string }).resourceType}/${(e.resource as { id?: string }).id ?? ''}`,
  );
  expect(ids).toEqual([
    'Composition/',
    'Patient/p1',
    'Observation/abo',
    'AllergyIntolerance/pen',
    'Condition/asthma',
    'MedicationStatement/salbutamol',
  ]);
  // the patient with emergency contacts wins over the bare one
  expect(JSON.stringify(bundle.entry[1])).toContain('555-0199');
  const sections = (
    bundle.entry[0]!.resource as { section: { title: string; entry?: unknown[] }[] }
  ).section;
  expect(sections.map((s) => [s.title, s.entry?.length ?? 0])).toEqual([
    ['Allergies and intolerances', 1],
    ['Medication summary', 1],
    ['Problem list', 1],
    ['Vital signs (blood group)', 1],
  ]);
});

test('no records: an empty summary that says so in each section, never a crash', () => {
  const bundle = emergencySummary([], NOW);
  const sections = (bundle.entry[0]!.resource as { section: { emptyReason?: unknown }[] }).section;
  expect(sections.every((s) => s.emptyReason)).toBe(true);
});
