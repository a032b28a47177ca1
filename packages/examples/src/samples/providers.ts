/**
 * The hospital and its clinicians as FHIR resources, referenced as author,
 * performer and requester from the rest of the record.
 * @module
 */
import type * as fhir4 from './fhir-r4.js';
import { HOSPITAL, meta } from './hospital.js';

/**
 * The hospital as an Organization.
 *
 * @example
 * ```ts
 * buildHospital('2026-03-12T08:30:00Z').name; // "St. Mary's Hospital"
 * ```
 */
export function buildHospital(lastUpdated: string): fhir4.Organization {
  return {
    resourceType: 'Organization',
    id: HOSPITAL.organizationId,
    meta: meta(lastUpdated),
    identifier: [{ system: HOSPITAL.systems.organization, value: 'ORG-SMH-0001' }],
    active: true,
    type: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/organization-type',
            code: 'prov',
            display: 'Healthcare Provider',
          },
        ],
      },
    ],
    name: HOSPITAL.name,
    telecom: [{ system: 'phone', value: HOSPITAL.phone, use: 'work' }],
    address: [{ line: [HOSPITAL.addressLine], city: HOSPITAL.city, country: 'US' }],
  };
}

/**
 * A consultant physician as a Practitioner.
 *
 * @example
 * ```ts
 * buildConsultant({ id: 'prac-menon', given: 'Rajesh', family: 'Menon' }, now).name?.[0]?.text; // 'Dr Rajesh Menon'
 * ```
 */
export function buildConsultant(
  person: { id: string; given: string; family: string },
  lastUpdated: string,
): fhir4.Practitioner {
  return {
    resourceType: 'Practitioner',
    id: person.id,
    meta: meta(lastUpdated),
    identifier: [{ system: HOSPITAL.systems.staff, value: person.id.toUpperCase() }],
    active: true,
    name: [
      {
        use: 'official',
        text: `Dr ${person.given} ${person.family}`,
        family: person.family,
        given: [person.given],
        prefix: ['Dr'],
      },
    ],
  };
}
