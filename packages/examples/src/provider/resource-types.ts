/**
 * Which FHIR resource types the portal serves and how each belongs to a
 * patient: the types of the patient-access API, the field that names the
 * patient, and the shared types (the hospital, its clinicians) that belong
 * to no patient.
 * @module
 */

/**
 * The types in a patient's compartment, in the order the CapabilityStatement lists them.
 *
 * @example
 * ```ts
 * COMPARTMENT_TYPES.includes('Observation'); // true
 * ```
 */
export const COMPARTMENT_TYPES = [
  'Patient',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'DiagnosticReport',
  'DocumentReference',
  'Immunization',
  'Procedure',
  'Encounter',
] as const;

/**
 * Types outside any compartment that a signed-in patient may still read:
 * who and what the records reference.
 *
 * @example
 * ```ts
 * SHARED_TYPES.includes('Practitioner'); // true
 * ```
 */
export const SHARED_TYPES = ['Practitioner', 'Organization'] as const;

/**
 * Every type the API answers for, `Binary` (attachments) included.
 *
 * @example
 * ```ts
 * SERVED_TYPES.has('Binary'); // true
 * ```
 */
export const SERVED_TYPES: ReadonlySet<string> = new Set([
  ...COMPARTMENT_TYPES,
  ...SHARED_TYPES,
  'Binary',
]);

/**
 * The field of a compartment resource that names its patient: `patient` for
 * AllergyIntolerance and Immunization, `subject` for the others (the
 * Patient is its own).
 *
 * @example
 * ```ts
 * patientField('Immunization'); // 'patient'
 * patientField('Observation'); // 'subject'
 * ```
 */
export function patientField(type: string): 'patient' | 'subject' | undefined {
  if (type === 'Patient') return undefined;
  return type === 'AllergyIntolerance' || type === 'Immunization' ? 'patient' : 'subject';
}

/**
 * Whether `type` is one of a patient's compartment types.
 *
 * @example
 * ```ts
 * isCompartmentType('Condition'); // true
 * isCompartmentType('Organization'); // false
 * ```
 */
export function isCompartmentType(type: string): boolean {
  return (COMPARTMENT_TYPES as readonly string[]).includes(type);
}
