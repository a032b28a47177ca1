/**
 * One synthetic patient's whole history as FHIR resources: who they are,
 * their problems and medicines, one hospital stay and four blood draws.
 * Draws from the generator in a fixed order, so a seed fixes everything.
 * @module
 */
import { atTime } from './clock.js';
import { buildConditions } from './conditions.js';
import { buildAdmission } from './encounter.js';
import type * as fhir4 from './fhir-r4.js';
import { buildMedicationStatements, buildPrescriptions } from './medications.js';
import { buildLabObservations } from './observations.js';
import { buildPatient } from './patient.js';
import { drawConsultant, drawPerson, type Person } from './people.js';
import type { Rng } from './prng.js';
import type { Profile } from './profiles.js';
import { buildConsultant, buildHospital } from './providers.js';
import { drawTimeline, type Timeline } from './timeline.js';

/** Everything known about one patient. */
export type History = {
  person: Person;
  profile: Profile;
  timeline: Timeline;
  patient: fhir4.Patient;
  hospital: fhir4.Organization;
  consultant: fhir4.Practitioner;
  encounter: fhir4.Encounter;
  conditions: fhir4.Condition[];
  statements: fhir4.MedicationStatement[];
  prescriptions: fhir4.MedicationRequest[];
  observations: fhir4.Observation[];
};

/**
 * Draws a patient following `profile`.
 *
 * @example
 * ```ts
 * const history = buildHistory(createRng(1), PROFILES[0], new Set());
 * history.observations.length; // 4 draws × the profile's panel
 * ```
 */
export function buildHistory(rng: Rng, profile: Profile, usedFamilies: Set<string>): History {
  const person = drawPerson(rng, profile, usedFamilies);
  const timeline = drawTimeline(rng, profile.admission.days);
  const written = atTime(timeline.discharged, 15);
  const patient = buildPatient(person, written);
  const hospital = buildHospital(written);
  const consultant = buildConsultant(drawConsultant(rng), written);
  const encounter = buildAdmission({
    id: `${person.id}-enc-1`,
    patient,
    consultant,
    admission: profile.admission,
    timeline,
  });
  return {
    person,
    profile,
    timeline,
    patient,
    hospital,
    consultant,
    encounter,
    conditions: buildConditions({ rng, patient, profile, encounter, timeline }),
    statements: buildMedicationStatements({ rng, patient, profile, encounter, timeline }),
    prescriptions: buildPrescriptions({ patient, profile, encounter, consultant, timeline }),
    observations: buildLabObservations({ rng, patient, profile, timeline }),
  };
}

/**
 * The Observations of one draw (0 = oldest, 3 = follow-up).
 *
 * @example
 * ```ts
 * drawResults(history, 3); // the latest results
 * ```
 */
export function drawResults(history: History, draw: number): fhir4.Observation[] {
  const at = history.timeline.draws[draw];
  return history.observations.filter((o) => o.effectiveDateTime === at);
}
