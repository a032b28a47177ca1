/**
 * The hospital stay as an inpatient Encounter.
 * @module
 */
import { atTime } from './clock.js';
import type * as fhir4 from './fhir-r4.js';
import { HOSPITAL, meta, referenceTo } from './hospital.js';
import type { AdmissionSpec } from './profiles.js';
import { SYSTEMS } from './terminology.js';
import type { Timeline } from './timeline.js';

/**
 * The admission, from `timeline.admitted` to `timeline.discharged`, for the
 * profile's reason, under the consultant.
 *
 * @example
 * ```ts
 * buildAdmission({ id: 'enc-1', patient, consultant, admission, timeline }).class.code; // 'IMP'
 * ```
 */
export function buildAdmission(params: {
  id: string;
  patient: fhir4.Patient;
  consultant: fhir4.Practitioner;
  admission: AdmissionSpec;
  timeline: Timeline;
}): fhir4.Encounter {
  const { id, patient, consultant, admission, timeline } = params;
  return {
    resourceType: 'Encounter',
    id,
    meta: meta(atTime(timeline.discharged, 16)),
    identifier: [{ system: HOSPITAL.systems.encounter, value: id.toUpperCase() }],
    status: 'finished',
    class: { system: SYSTEMS.actCode, code: 'IMP', display: 'inpatient encounter' },
    type: [
      {
        coding: [
          { system: SYSTEMS.snomed, code: '32485007', display: 'Hospital admission (procedure)' },
        ],
        text: `Emergency admission, ${admission.ward}`,
      },
    ],
    subject: referenceTo(patient, patient.name?.[0]?.text),
    participant: [
      {
        type: [
          {
            coding: [{ system: SYSTEMS.participantType, code: 'ATND', display: 'attender' }],
          },
        ],
        individual: referenceTo(consultant, consultant.name?.[0]?.text),
      },
    ],
    period: {
      start: atTime(timeline.admitted, 14, 20),
      end: atTime(timeline.discharged, 15, 0),
    },
    reasonCode: [{ coding: [admission.reason], text: admission.text }],
    hospitalization: {
      dischargeDisposition: {
        coding: [{ system: SYSTEMS.dischargeDisposition, code: 'home', display: 'Home' }],
      },
    },
    serviceProvider: {
      reference: `Organization/${HOSPITAL.organizationId}`,
      display: HOSPITAL.name,
    },
  };
}
