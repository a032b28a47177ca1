/**
 * The issuing hospital and its namespaces. Every identifier system, resource
 * URL and `meta.source` lives under example.org, so nothing in the samples
 * can be mistaken for (or collide with) a real record.
 * @module
 */
import type * as fhir4 from './fhir-r4.js';

const SITE = 'https://st-marys.example.org';

/**
 * The hospital that writes the sample records.
 *
 * @example
 * ```ts
 * HOSPITAL.name; // "St. Mary's Hospital"
 * ```
 */
export const HOSPITAL = {
  name: "St. Mary's Hospital",
  organizationId: 'st-marys-hospital',
  addressLine: '1200 Example Parkway',
  city: 'Springfield',
  phone: '555-0100',
  web: 'st-marys.example.org',
  /** FHIR server base: fullUrls are `${fhirBase}/${type}/${id}`. */
  fhirBase: 'https://fhir.st-marys.example.org/r4',
  systems: {
    mrn: `${SITE}/fhir/sid/mrn`,
    healthId: 'https://health-id.example.org/fhir/sid/patient',
    organization: 'https://provider-registry.example.org/fhir/sid/organization',
    staff: `${SITE}/fhir/sid/staff`,
    encounter: `${SITE}/fhir/sid/encounter`,
    problem: `${SITE}/fhir/sid/problem`,
    medication: `${SITE}/fhir/sid/medication`,
    labAccession: `${SITE}/fhir/sid/lab-accession`,
    document: `${SITE}/fhir/sid/document`,
    origin: 'https://medvault.example.org/fhir/CodeSystem/data-origin',
  },
} as const;

/**
 * Resource metadata: version 1, written at `lastUpdated`, from the hospital's
 * server, tagged synthetic so that no reader takes it for a real patient.
 *
 * @example
 * ```ts
 * const patient: fhir4.Patient = { resourceType: 'Patient', id: 'p1', meta: meta('2026-03-12T08:30:00Z') };
 * ```
 */
export function meta(lastUpdated: string): fhir4.Meta {
  return {
    versionId: '1',
    lastUpdated,
    source: HOSPITAL.fhirBase,
    tag: [{ system: HOSPITAL.systems.origin, code: 'synthetic', display: 'Synthetic test data' }],
  };
}

/**
 * A relative reference to a resource (`Type/id`), with a display.
 *
 * @example
 * ```ts
 * referenceTo({ resourceType: 'Patient', id: 'p1' }, 'Maria Alvarez'); // { reference: 'Patient/p1', display: 'Maria Alvarez' }
 * ```
 */
export function referenceTo(
  resource: { resourceType: string; id?: string },
  display?: string,
): fhir4.Reference {
  const ref: fhir4.Reference = { reference: `${resource.resourceType}/${resource.id}` };
  if (display !== undefined) ref.display = display;
  return ref;
}

/**
 * A Bundle entry for a resource, with its full URL on the hospital's server
 * (so that the relative references inside the Bundle resolve).
 *
 * @example
 * ```ts
 * entryFor(patient).fullUrl; // 'https://fhir.st-marys.example.org/r4/Patient/p1'
 * ```
 */
export function entryFor<T extends fhir4.FhirResource>(resource: T): fhir4.BundleEntry<T> {
  return { fullUrl: `${HOSPITAL.fhirBase}/${resource.resourceType}/${resource.id}`, resource };
}
