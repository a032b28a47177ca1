/**
 * The laboratory tests the samples report: LOINC code and name, the UCUM
 * unit, adult reference ranges (sex-specific where labs usually make them
 * so) and the precision a lab would print.
 * @module
 */

/** Inclusive bounds; one side may be open (eGFR has only a lower bound). */
export type Range = { low?: number; high?: number };

/** One test as a lab's catalogue describes it. */
export type LabTest = {
  loinc: string;
  /** LOINC long common name. */
  display: string;
  /** What the report prints. */
  short: string;
  /** UCUM code. */
  ucum: string;
  /** The unit as people write it. */
  unit: string;
  decimals: number;
  range: Range;
  femaleRange?: Range;
  /** Typical value in health, for patients whose profile says nothing about this test. */
  typical: number;
  femaleTypical?: number;
  /** Visit-to-visit spread. */
  sd: number;
};

/**
 * The catalogue, by short key.
 *
 * @example
 * ```ts
 * LAB_TESTS.hba1c.loinc; // '4548-4'
 * rangeFor(LAB_TESTS.hemoglobin, 'female'); // { low: 12.0, high: 15.5 }
 * ```
 */
export const LAB_TESTS = {
  hba1c: {
    loinc: '4548-4',
    display: 'Hemoglobin A1c/Hemoglobin.total in Blood',
    short: 'HbA1c',
    ucum: '%',
    unit: '%',
    decimals: 1,
    range: { low: 4.0, high: 5.6 },
    typical: 5.3,
    sd: 0.15,
  },
  glucose: {
    loinc: '2345-7',
    display: 'Glucose [Mass/volume] in Serum or Plasma',
    short: 'Glucose',
    ucum: 'mg/dL',
    unit: 'mg/dL',
    decimals: 0,
    range: { low: 70, high: 99 },
    typical: 88,
    sd: 5,
  },
  creatinine: {
    loinc: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    short: 'Creatinine',
    ucum: 'mg/dL',
    unit: 'mg/dL',
    decimals: 2,
    range: { low: 0.74, high: 1.35 },
    femaleRange: { low: 0.59, high: 1.04 },
    typical: 0.98,
    femaleTypical: 0.78,
    sd: 0.05,
  },
  egfr: {
    loinc: '33914-3',
    display:
      'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)',
    short: 'eGFR (MDRD)',
    ucum: 'mL/min/{1.73_m2}',
    unit: 'mL/min/1.73 m²',
    decimals: 0,
    range: { low: 60 },
    // Derived from creatinine, age and sex (see observations.ts), never drawn.
    typical: 90,
    sd: 0,
  },
  ldl: {
    loinc: '18262-6',
    display: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay',
    short: 'LDL cholesterol',
    ucum: 'mg/dL',
    unit: 'mg/dL',
    decimals: 0,
    range: { high: 100 },
    typical: 92,
    sd: 6,
  },
  potassium: {
    loinc: '2823-3',
    display: 'Potassium [Moles/volume] in Serum or Plasma',
    short: 'Potassium',
    ucum: 'mmol/L',
    unit: 'mmol/L',
    decimals: 1,
    range: { low: 3.5, high: 5.1 },
    typical: 4.3,
    sd: 0.15,
  },
  sodium: {
    loinc: '2951-2',
    display: 'Sodium [Moles/volume] in Serum or Plasma',
    short: 'Sodium',
    ucum: 'mmol/L',
    unit: 'mmol/L',
    decimals: 0,
    range: { low: 136, high: 145 },
    typical: 140,
    sd: 1,
  },
  hemoglobin: {
    loinc: '718-7',
    display: 'Hemoglobin [Mass/volume] in Blood',
    short: 'Hemoglobin',
    ucum: 'g/dL',
    unit: 'g/dL',
    decimals: 1,
    range: { low: 13.5, high: 17.5 },
    femaleRange: { low: 12.0, high: 15.5 },
    typical: 14.8,
    femaleTypical: 13.4,
    sd: 0.3,
  },
  tsh: {
    loinc: '3016-3',
    display: 'Thyrotropin [Units/volume] in Serum or Plasma',
    short: 'TSH',
    ucum: 'm[IU]/L',
    unit: 'mIU/L',
    decimals: 2,
    range: { low: 0.4, high: 4.0 },
    typical: 1.8,
    sd: 0.2,
  },
} as const satisfies Record<string, LabTest>;

/** A test's key in the catalogue. */
export type LabTestKey = keyof typeof LAB_TESTS;

/**
 * Every patient's routine panel; profiles add tests to it.
 *
 * @example
 * ```ts
 * BASE_PANEL.includes('creatinine'); // true
 * ```
 */
export const BASE_PANEL: readonly LabTestKey[] = [
  'glucose',
  'creatinine',
  'egfr',
  'sodium',
  'potassium',
  'hemoglobin',
];

/**
 * The reference range that applies to a patient of the given sex.
 *
 * @example
 * ```ts
 * rangeFor(LAB_TESTS.creatinine, 'male'); // { low: 0.74, high: 1.35 }
 * ```
 */
export function rangeFor(test: LabTest, gender: 'male' | 'female'): Range {
  return gender === 'female' && test.femaleRange ? test.femaleRange : test.range;
}

/**
 * The value a healthy patient of that sex typically has.
 *
 * @example
 * ```ts
 * typicalFor(LAB_TESTS.hemoglobin, 'female'); // 13.4
 * ```
 */
export function typicalFor(test: LabTest, gender: 'male' | 'female'): number {
  return gender === 'female' && test.femaleTypical !== undefined
    ? test.femaleTypical
    : test.typical;
}
