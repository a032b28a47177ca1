/**
 * Code system URLs of the terminologies the samples code in (canonical FHIR
 * URLs; these name the code systems, they are not fetched).
 *
 * @example
 * ```ts
 * const hba1c = { system: SYSTEMS.loinc, code: '4548-4' };
 * ```
 * @module
 */
export const SYSTEMS = {
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ucum: 'http://unitsofmeasure.org',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  participantType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
  medicationStatementCategory:
    'http://terminology.hl7.org/CodeSystem/medication-statement-category',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
} as const;

/** A code in one of the systems above, with the display its system gives it. */
export type Code = { system: string; code: string; display: string };

/**
 * A CodeableConcept of one coding.
 *
 * @example
 * ```ts
 * concept(SYSTEMS.conditionClinical, 'active', 'Active'); // { coding: [{ system, code: 'active', display: 'Active' }] }
 * ```
 */
export function concept(system: string, code: string, display: string): { coding: Code[] } {
  return { coding: [{ system, code, display }] };
}
