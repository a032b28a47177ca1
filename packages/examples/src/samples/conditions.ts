/**
 * The problem list: long-standing conditions (active) and the admission's
 * diagnosis (resolved by follow-up), as R4 Conditions coded in SNOMED CT.
 * @module
 */
import type { BuildContext } from './build-context.js';
import { addDays, atTime } from './clock.js';
import type * as fhir4 from './fhir-r4.js';
import { HOSPITAL, meta, referenceTo } from './hospital.js';
import { concept, SYSTEMS } from './terminology.js';

const CONFIRMED = concept(SYSTEMS.conditionVerification, 'confirmed', 'Confirmed');
const PROBLEM = concept(SYSTEMS.conditionCategory, 'problem-list-item', 'Problem List Item');
const DIAGNOSIS = concept(SYSTEMS.conditionCategory, 'encounter-diagnosis', 'Encounter Diagnosis');

/**
 * The patient's Conditions: one per profile condition, onset drawn from its
 * range, then the admission diagnosis, resolved at discharge.
 *
 * @example
 * ```ts
 * const conditions = buildConditions({ rng, patient, profile, encounter, timeline });
 * conditions.at(-1)?.clinicalStatus?.coding?.[0]?.code; // 'resolved'
 * ```
 */
export function buildConditions(params: BuildContext): fhir4.Condition[] {
  const { rng, patient, profile, encounter, timeline } = params;
  const subject = referenceTo(patient, patient.name?.[0]?.text);
  const chronic = profile.conditions.map((spec, i): fhir4.Condition => {
    const onset = addDays(timeline.discharged, -rng.int(spec.sinceDays[0], spec.sinceDays[1]));
    return {
      resourceType: 'Condition',
      id: `${patient.id}-cond-${i + 1}`,
      meta: meta(atTime(timeline.discharged, 15)),
      identifier: [{ system: HOSPITAL.systems.problem, value: `${patient.id}-P${i + 1}` }],
      clinicalStatus: concept(SYSTEMS.conditionClinical, 'active', 'Active'),
      verificationStatus: CONFIRMED,
      category: [PROBLEM],
      code: { coding: [spec.code], text: spec.text },
      subject,
      onsetDateTime: onset,
      recordedDate: onset,
    };
  });
  const { admission } = profile;
  const diagnosis: fhir4.Condition = {
    resourceType: 'Condition',
    id: `${patient.id}-cond-adm`,
    meta: meta(atTime(timeline.discharged, 15)),
    identifier: [{ system: HOSPITAL.systems.problem, value: `${patient.id}-ADM` }],
    clinicalStatus: concept(SYSTEMS.conditionClinical, 'resolved', 'Resolved'),
    verificationStatus: CONFIRMED,
    category: [DIAGNOSIS],
    code: { coding: [admission.reason], text: admission.text },
    subject,
    encounter: referenceTo(encounter),
    onsetDateTime: timeline.admitted,
    abatementDateTime: timeline.discharged,
    recordedDate: timeline.admitted,
  };
  return [...chronic, diagnosis];
}
