/**
 * Medicines: what the patient takes long-term (MedicationStatements, as
 * reconciled at discharge) and what was newly prescribed on discharge
 * (MedicationRequests), coded in RxNorm with the dosage a label would carry.
 * @module
 */
import type { BuildContext } from './build-context.js';
import { addDays, atTime } from './clock.js';
import type * as fhir4 from './fhir-r4.js';
import { HOSPITAL, meta, referenceTo } from './hospital.js';
import { concept, SYSTEMS } from './terminology.js';

/**
 * The long-term medicines after reconciliation at discharge: a changed dose
 * carries the new dosage, a stopped one has status `stopped` and an end date.
 *
 * @example
 * ```ts
 * buildMedicationStatements({ rng, patient, profile, encounter, timeline })[0]?.dosage?.[0]?.text;
 * ```
 */
export function buildMedicationStatements(params: BuildContext): fhir4.MedicationStatement[] {
  const { rng, patient, profile, encounter, timeline } = params;
  return profile.medications.map((spec, i): fhir4.MedicationStatement => {
    const start = addDays(timeline.admitted, -rng.int(spec.sinceDays[0], spec.sinceDays[1]));
    const stopped = spec.discharge?.change === 'stopped';
    const dosage = spec.discharge?.change === 'changed' ? spec.discharge.dosage : spec.dosage;
    return {
      resourceType: 'MedicationStatement',
      id: `${patient.id}-med-${i + 1}`,
      meta: meta(atTime(timeline.discharged, 15)),
      identifier: [{ system: HOSPITAL.systems.medication, value: `${patient.id}-M${i + 1}` }],
      status: stopped ? 'stopped' : 'active',
      category: concept(SYSTEMS.medicationStatementCategory, 'community', 'Community'),
      medicationCodeableConcept: { coding: [spec.code], text: spec.name },
      subject: referenceTo(patient, patient.name?.[0]?.text),
      context: referenceTo(encounter),
      effectivePeriod: stopped ? { start, end: timeline.discharged } : { start },
      dateAsserted: atTime(timeline.discharged, 11),
      dosage: [{ sequence: 1, text: dosage }],
    };
  });
}

/**
 * The prescriptions written on discharge, by the consultant.
 *
 * @example
 * ```ts
 * buildPrescriptions({ patient, profile, encounter, consultant, timeline })[0]?.intent; // 'order'
 * ```
 */
export function buildPrescriptions(
  params: Omit<BuildContext, 'rng'> & { consultant: fhir4.Practitioner },
): fhir4.MedicationRequest[] {
  const { patient, profile, encounter, consultant, timeline } = params;
  return profile.prescriptions.map(
    (spec, i): fhir4.MedicationRequest => ({
      resourceType: 'MedicationRequest',
      id: `${patient.id}-rx-${i + 1}`,
      meta: meta(atTime(timeline.discharged, 12)),
      identifier: [{ system: HOSPITAL.systems.medication, value: `${patient.id}-RX${i + 1}` }],
      status: 'active',
      intent: 'order',
      category: [concept(SYSTEMS.medicationRequestCategory, 'discharge', 'Discharge')],
      medicationCodeableConcept: { coding: [spec.code], text: spec.name },
      subject: referenceTo(patient, patient.name?.[0]?.text),
      encounter: referenceTo(encounter),
      authoredOn: atTime(timeline.discharged, 12),
      requester: referenceTo(consultant, consultant.name?.[0]?.text),
      dosageInstruction: [{ sequence: 1, text: spec.dosage }],
      dispenseRequest: { numberOfRepeatsAllowed: 0, quantity: { value: spec.quantity } },
    }),
  );
}
