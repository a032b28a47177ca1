/**
 * When things happen in one patient's history: four blood draws about three
 * months apart, the third on the morning of discharge from a hospital stay,
 * the last a follow-up shortly before the reference date.
 * @module
 */
import { addDays, atTime, REFERENCE_DATE } from './clock.js';
import type { Rng } from './prng.js';

/** Dates (YYYY-MM-DD) of the stay and dateTimes of the draws, oldest first. */
export type Timeline = {
  admitted: string;
  discharged: string;
  draws: [string, string, string, string];
};

/**
 * Draws a timeline for a stay of `stayDays` (a range).
 *
 * @example
 * ```ts
 * const t = drawTimeline(createRng(1), [3, 5]);
 * t.draws[2].startsWith(t.discharged); // true: bloods on the morning of discharge
 * ```
 */
export function drawTimeline(rng: Rng, stayDays: [number, number]): Timeline {
  const followUp = addDays(REFERENCE_DATE, -rng.int(2, 12));
  const discharged = addDays(followUp, -rng.int(28, 45));
  const admitted = addDays(discharged, -rng.int(stayDays[0], stayDays[1]));
  const second = addDays(admitted, -rng.int(70, 100));
  const first = addDays(second, -rng.int(80, 100));
  // Outpatient bloods in the morning clinic; inpatient ones on the early round.
  const clinic = (date: string) => atTime(date, rng.int(8, 11), rng.pick([0, 10, 20, 30, 40, 50]));
  return {
    admitted,
    discharged,
    draws: [
      clinic(first),
      clinic(second),
      atTime(discharged, 6, rng.pick([0, 15, 30])),
      clinic(followUp),
    ],
  };
}
