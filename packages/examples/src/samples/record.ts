/**
 * What the generator hands to a portal: records ready to seal, each with
 * the metadata a ledger `record` entry carries (content type, FHIR resource
 * type, category) and a title for people.
 * @module
 */
import type * as fhir4 from './fhir-r4.js';

/**
 * Categories a grant can name; the ledger stores them as free text.
 *
 * @example
 * ```ts
 * const labsOnly: SampleCategory[] = ['laboratory'];
 * ```
 */
export type SampleCategory =
  | 'demographics'
  | 'laboratory'
  | 'problem-list'
  | 'medication'
  | 'summary'
  | 'imaging';

/**
 * One record to seal: its bytes and how to describe it.
 *
 * @example
 * ```ts
 * const labs: SampleRecord = {
 *   name: 'p1-helen-alvarez-labs.fhir.json',
 *   title: 'Lab results, Aug 2025 to 11 Mar 2026',
 *   contentType: 'application/fhir+json',
 *   resourceType: 'Bundle',
 *   category: 'laboratory',
 *   bytes,
 * };
 * ```
 */
export type SampleRecord = {
  /** A file name, unique within a sample set, e.g. `p1-maria-alvarez-labs.fhir.json`. */
  name: string;
  /** What the patient sees in a list, e.g. "HbA1c 7.1 %, 12 Mar 2026". */
  title: string;
  contentType: 'application/fhir+json' | 'application/pdf';
  resourceType?: string;
  category?: SampleCategory;
  bytes: Uint8Array;
};

/**
 * A synthetic patient and their records.
 *
 * @example
 * ```ts
 * const [patient] = await generateSamples();
 * patient.records.length; // 7
 * ```
 */
export type SamplePatient = {
  id: string;
  name: string;
  birthDate: string;
  gender: 'male' | 'female';
  records: SampleRecord[];
};

/**
 * A FHIR resource as a record: pretty-printed JSON (a reader may open the
 * file), typed `application/fhir+json`.
 *
 * @example
 * ```ts
 * fhirRecord({ name: 'p1-patient.fhir.json', title: 'Patient details', category: 'demographics', resource: patient });
 * ```
 */
export function fhirRecord(params: {
  name: string;
  title: string;
  category?: SampleCategory;
  resource: fhir4.FhirResource;
}): SampleRecord {
  const { name, title, category, resource } = params;
  const record: SampleRecord = {
    name,
    title,
    contentType: 'application/fhir+json',
    resourceType: resource.resourceType,
    bytes: new TextEncoder().encode(`${JSON.stringify(resource, null, 2)}\n`),
  };
  if (category !== undefined) record.category = category;
  return record;
}
