/**
 * What every resource builder of one patient's history gets: the seeded
 * generator, the patient, their story, the admission and its timeline.
 * @module
 */
import type * as fhir4 from './fhir-r4.js';
import type { Rng } from './prng.js';
import type { Profile } from './profiles.js';
import type { Timeline } from './timeline.js';

/**
 * The shared inputs of the builders.
 *
 * @example
 * ```ts
 * const ctx: BuildContext = { rng, patient, profile, encounter, timeline };
 * buildConditions(ctx);
 * ```
 */
export type BuildContext = {
  rng: Rng;
  patient: fhir4.Patient;
  profile: Profile;
  encounter: fhir4.Encounter;
  timeline: Timeline;
};
