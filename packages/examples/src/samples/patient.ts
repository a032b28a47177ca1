/**
 * A synthetic person as a FHIR Patient.
 * @module
 */
import type * as fhir4 from './fhir-r4.js';
import { HOSPITAL, meta } from './hospital.js';
import type { Person } from './people.js';
import { SYSTEMS } from './terminology.js';

/**
 * The Patient resource, with the hospital MRN and a health-service id.
 *
 * @example
 * ```ts
 * const patient = buildPatient(person, '2026-03-12T08:30:00Z');
 * patient.identifier?.[0]?.system; // 'https://st-marys.example.org/fhir/sid/mrn'
 * ```
 */
export function buildPatient(person: Person, lastUpdated: string): fhir4.Patient {
  return {
    resourceType: 'Patient',
    id: person.id,
    meta: meta(lastUpdated),
    identifier: [
      {
        use: 'usual',
        type: {
          coding: [
            { system: SYSTEMS.identifierType, code: 'MR', display: 'Medical record number' },
          ],
          text: 'MRN',
        },
        system: HOSPITAL.systems.mrn,
        value: person.mrn,
        assigner: { reference: `Organization/${HOSPITAL.organizationId}`, display: HOSPITAL.name },
      },
      {
        use: 'official',
        type: { text: 'Health ID' },
        system: HOSPITAL.systems.healthId,
        value: person.healthId,
      },
    ],
    active: true,
    name: [
      {
        use: 'official',
        text: `${person.given} ${person.family}`,
        family: person.family,
        given: [person.given],
      },
    ],
    telecom: [{ system: 'phone', value: person.phone, use: 'home' }],
    gender: person.gender,
    birthDate: person.birthDate,
    address: [{ use: 'home', line: [person.addressLine], city: HOSPITAL.city, country: 'US' }],
    managingOrganization: { reference: `Organization/${HOSPITAL.organizationId}` },
  };
}

/**
 * The name a clinician calls the patient by.
 *
 * @example
 * ```ts
 * patientName(patient); // 'Maria Alvarez'
 * ```
 */
export function patientName(patient: fhir4.Patient): string {
  return patient.name?.[0]?.text ?? patient.id ?? 'Unknown patient';
}
