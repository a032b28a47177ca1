/**
 * Laboratory results: each blood draw reports the routine panel plus the
 * profile's own tests, as R4 Observations with LOINC codes, UCUM quantities,
 * the sex-specific reference range and an interpretation computed from it.
 * @module
 */
import { ageOn, flagFromRange } from '@medvault/record-view';
import type { BuildContext } from './build-context.js';
import type * as fhir4 from './fhir-r4.js';
import { HOSPITAL, meta, referenceTo } from './hospital.js';
import {
  BASE_PANEL,
  LAB_TESTS,
  type LabTest,
  type LabTestKey,
  rangeFor,
  typicalFor,
} from './lab-tests.js';
import type { Profile } from './profiles.js';
import { concept, SYSTEMS } from './terminology.js';

const INTERPRETATION = {
  H: 'High',
  L: 'Low',
  N: 'Normal',
} as const;

const LABORATORY: fhir4.CodeableConcept = {
  ...concept(SYSTEMS.observationCategory, 'laboratory', 'Laboratory'),
  text: 'Laboratory',
};

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/**
 * eGFR by the 4-variable MDRD equation (creatinine in mg/dL), the formula
 * LOINC 33914-3 names — computed, not drawn, so that it always agrees with
 * the creatinine it is reported beside.
 *
 * @example
 * ```ts
 * Math.round(mdrdEgfr(1.6, 70, 'male')); // 43
 * ```
 */
export function mdrdEgfr(creatinine: number, age: number, gender: 'male' | 'female'): number {
  return 175 * creatinine ** -1.154 * age ** -0.203 * (gender === 'female' ? 0.742 : 1);
}

/**
 * The tests reported for a profile: its own tests first (what the clinician
 * follows), then the routine panel.
 *
 * @example
 * ```ts
 * panelFor(diabetesProfile); // ['hba1c', 'ldl', 'glucose', 'creatinine', …]
 * ```
 */
export function panelFor(profile: Profile): LabTestKey[] {
  const extra = (Object.keys(profile.labs) as LabTestKey[]).filter((k) => !BASE_PANEL.includes(k));
  return [...extra, ...BASE_PANEL];
}

const quantity = (value: number, test: LabTest): fhir4.Quantity => ({
  value,
  unit: test.unit,
  system: SYSTEMS.ucum,
  code: test.ucum,
});

/**
 * Every lab Observation of the patient's four draws, oldest draw first.
 *
 * @example
 * ```ts
 * const obs = buildLabObservations({ rng, patient, profile, timeline });
 * obs[0]?.code.coding?.[0]?.system; // 'http://loinc.org'
 * ```
 */
export function buildLabObservations(params: Omit<BuildContext, 'encounter'>): fhir4.Observation[] {
  const { rng, patient, profile, timeline } = params;
  const gender = patient.gender === 'female' ? 'female' : 'male';
  const subject = referenceTo(patient, patient.name?.[0]?.text);
  const observations: fhir4.Observation[] = [];
  timeline.draws.forEach((drawn, draw) => {
    const accession = `LAB-${drawn.slice(0, 10).replaceAll('-', '')}-${rng.int(1000, 9999)}`;
    const issued = new Date(Date.parse(drawn) + rng.int(2, 5) * 3_600_000)
      .toISOString()
      .replace('.000Z', 'Z');
    const values = new Map<LabTestKey, number>();
    for (const key of panelFor(profile)) {
      const test: LabTest = LAB_TESTS[key];
      let value: number;
      if (key === 'egfr') {
        const creatinine = values.get('creatinine') ?? typicalFor(LAB_TESTS.creatinine, gender);
        value = mdrdEgfr(creatinine, ageOn(patient.birthDate, new Date(drawn)) ?? 50, gender);
      } else {
        const anchor = profile.labs[key]?.[draw];
        // A profile's anchor is already the story's value: keep the noise small.
        const mean = anchor ?? typicalFor(test, gender);
        value = rng.normal(mean, anchor === undefined ? test.sd : test.sd / 3);
      }
      value = round(Math.max(value, 10 ** -test.decimals), test.decimals);
      values.set(key, value);
      const range = rangeFor(test, gender);
      const flag = flagFromRange(value, range) ?? 'N';
      const referenceRange: fhir4.ObservationReferenceRange = {};
      if (range.low !== undefined) referenceRange.low = quantity(range.low, test);
      if (range.high !== undefined) referenceRange.high = quantity(range.high, test);
      observations.push({
        resourceType: 'Observation',
        id: `${patient.id}-lab-${draw + 1}-${test.loinc}`,
        meta: meta(issued),
        identifier: [
          { system: HOSPITAL.systems.labAccession, value: `${accession}-${test.loinc}` },
        ],
        status: 'final',
        category: [LABORATORY],
        code: {
          coding: [{ system: SYSTEMS.loinc, code: test.loinc, display: test.display }],
          text: test.short,
        },
        subject,
        effectiveDateTime: drawn,
        issued,
        performer: [
          {
            reference: `Organization/${HOSPITAL.organizationId}`,
            display: `${HOSPITAL.name} Laboratory`,
          },
        ],
        valueQuantity: quantity(value, test),
        interpretation: [
          {
            coding: [{ system: SYSTEMS.interpretation, code: flag, display: INTERPRETATION[flag] }],
            text: INTERPRETATION[flag],
          },
        ],
        referenceRange: [referenceRange],
      });
    }
  });
  return observations;
}
