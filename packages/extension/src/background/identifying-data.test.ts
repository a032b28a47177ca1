import { expect, test } from 'vitest';
import { identifyingKinds } from './identifying-data.js';

const enc = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const patient = {
  resourceType: 'Patient',
  name: [{ text: 'Ana Lima' }],
  birthDate: '1980-02-01',
  telecom: [
    { system: 'phone', value: '555-0100' },
    { system: 'email', value: 'a@example.org' },
  ],
  address: [{ line: ['1 Main St'] }],
  identifier: [
    { type: { coding: [{ code: 'MR', display: 'Medical record number' }] }, value: 'MRN-1' },
    { type: { text: 'Health ID' }, value: 'H-9' },
  ],
};

test('a lab Bundle with its Patient names every kind of identifying data it carries', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: patient }, { resource: { resourceType: 'Observation', status: 'final' } }],
  };
  expect(identifyingKinds('application/fhir+json', enc(bundle))).toEqual([
    'name',
    'date of birth',
    'phone number',
    'email address',
    'address',
    'medical record number',
    'health ID',
  ]);
});

test('results alone carry no identifying data; the values never appear in the kinds', () => {
  const observation = { resourceType: 'Observation', subject: { reference: 'Patient/p1' } };
  expect(identifyingKinds('application/fhir+json', enc(observation))).toEqual([]);
  const kinds = identifyingKinds('application/fhir+json', enc(patient)).join(' ');
  for (const value of ['Ana', '555-0100', 'MRN-1', '1 Main St']) expect(kinds).not.toContain(value);
});

test('a PDF may show anything; unreadable JSON names nothing rather than failing', () => {
  expect(identifyingKinds('application/pdf', new Uint8Array([37, 80, 68, 70]))).toEqual([
    'a document that may show any of your details',
  ]);
  expect(identifyingKinds('application/fhir+json', new Uint8Array([123, 0, 255]))).toEqual([]);
});

test('contained and related persons count; deep nesting does not recurse forever', () => {
  const related = { resourceType: 'RelatedPerson', telecom: [{ system: 'fax' }] };
  const withContained = { resourceType: 'Condition', contained: [related] };
  expect(identifyingKinds('application/json', enc(withContained))).toEqual(['contact details']);
  let deep: Record<string, unknown> = patient;
  for (let i = 0; i < 50; i++) deep = { resourceType: 'Bundle', entry: [{ resource: deep }] };
  expect(identifyingKinds('application/fhir+json', enc(deep))).toEqual([]);
});
