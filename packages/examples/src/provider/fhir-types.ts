/**
 * The FHIR R4 shapes the portal adds to the samples' slice
 * (`../samples/fhir-r4.ts`, which describes what the generators build):
 * Immunization and Procedure for the clinical extras, and the generic JSON
 * resource the store and the API hand around.
 * @module
 */
import type * as fhir4 from '../samples/fhir-r4.js';

/**
 * Any FHIR resource as JSON: what the store keeps and the API serves.
 *
 * @example
 * ```ts
 * const resource: FhirJson = { resourceType: 'Observation', id: 'obs-1', meta: { versionId: '1' } };
 * ```
 */
export type FhirJson = {
  resourceType: string;
  id?: string;
  meta?: fhir4.Meta;
  [field: string]: unknown;
};

/**
 * A vaccine given (R4 `Immunization`, the fields the portal uses).
 *
 * @example
 * ```ts
 * const flu: Immunization = { resourceType: 'Immunization', status: 'completed', vaccineCode, patient, occurrenceDateTime: '2025-10-14' };
 * ```
 */
export interface Immunization extends fhir4.DomainResource {
  resourceType: 'Immunization';
  identifier?: fhir4.Identifier[];
  status: 'completed' | 'entered-in-error' | 'not-done';
  vaccineCode: fhir4.CodeableConcept;
  patient: fhir4.Reference;
  occurrenceDateTime: fhir4.dateTime;
  recorded?: fhir4.dateTime;
  primarySource?: boolean;
  lotNumber?: string;
  site?: fhir4.CodeableConcept;
  route?: fhir4.CodeableConcept;
  performer?: { actor: fhir4.Reference }[];
}

/**
 * Something done to the patient (R4 `Procedure`, the fields the portal uses).
 *
 * @example
 * ```ts
 * const echo: Procedure = { resourceType: 'Procedure', status: 'completed', code, subject, performedDateTime: '2026-01-20T10:00:00Z' };
 * ```
 */
export interface Procedure extends fhir4.DomainResource {
  resourceType: 'Procedure';
  identifier?: fhir4.Identifier[];
  status: 'preparation' | 'in-progress' | 'not-done' | 'on-hold' | 'stopped' | 'completed';
  category?: fhir4.CodeableConcept;
  code: fhir4.CodeableConcept;
  subject: fhir4.Reference;
  encounter?: fhir4.Reference;
  performedDateTime?: fhir4.dateTime;
  performedPeriod?: fhir4.Period;
  performer?: { actor: fhir4.Reference }[];
  reasonReference?: fhir4.Reference[];
  note?: fhir4.Annotation[];
}

/**
 * A typed resource as the generic JSON the store keeps.
 *
 * @example
 * ```ts
 * store.put(asJson(patient), patient.id);
 * ```
 */
export function asJson(resource: fhir4.FhirResource | Immunization | Procedure): FhirJson {
  return resource as unknown as FhirJson;
}
