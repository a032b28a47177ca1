/**
 * Clinical stories the synthetic patients follow, so that their records hang
 * together the way real ones do: long-standing conditions and the medicines
 * for them, one hospital admission, and lab results that move with the story
 * (HbA1c improving on treatment, potassium falling under diuresis, …).
 *
 * Codes are SNOMED CT (conditions), RxNorm (medicines) and LOINC (tests,
 * in lab-tests.ts), written out with their displays; they are examples and
 * have not been checked against a terminology server.
 * @module
 */
import type { LabTestKey } from './lab-tests.js';
import { type Code, SYSTEMS } from './terminology.js';

const snomed = (code: string, display: string): Code => ({
  system: SYSTEMS.snomed,
  code,
  display,
});
const rxnorm = (code: string, display: string): Code => ({
  system: SYSTEMS.rxnorm,
  code,
  display,
});

/** A long-standing problem, present for between `sinceDays[0]` and `[1]` days. */
export type ConditionSpec = { code: Code; text: string; sinceDays: [number, number] };

/** A medicine and how it is taken; what the admission did to it. */
export type MedicationSpec = {
  code: Code;
  /** What the label says, e.g. "500 mg twice daily". */
  name: string;
  dosage: string;
  sinceDays: [number, number];
  /** At discharge: unchanged, a new dosage, or stopped. */
  discharge?: { change: 'changed'; dosage: string } | { change: 'stopped'; reason: string };
};

/** A medicine started on discharge (a prescription). */
export type DischargePrescription = { code: Code; name: string; dosage: string; quantity: number };

/** A hospital stay: why, where, how long, what happened and what next. */
export type AdmissionSpec = {
  reason: Code;
  text: string;
  ward: string;
  days: [number, number];
  presenting: string;
  course: string;
  followUp: string[];
};

/**
 * One story. `labs` gives the mean of a test at each of the four blood draws
 * (two routine, one at discharge, one follow-up); tests it leaves out are
 * drawn around the healthy typical value.
 */
export type Profile = {
  key: string;
  ageRange: [number, number];
  gender?: 'male' | 'female';
  conditions: ConditionSpec[];
  medications: MedicationSpec[];
  prescriptions: DischargePrescription[];
  admission: AdmissionSpec;
  labs: Partial<Record<LabTestKey, [number, number, number, number]>>;
  /** The result that also travels as a record of its own. */
  keyLab: LabTestKey;
};

const HYPERTENSION: ConditionSpec = {
  code: snomed('59621000', 'Essential hypertension (disorder)'),
  text: 'Essential hypertension',
  sinceDays: [900, 3200],
};
const HYPERLIPIDEMIA: ConditionSpec = {
  code: snomed('55822004', 'Hyperlipidemia (disorder)'),
  text: 'Hyperlipidaemia',
  sinceDays: [400, 2000],
};
const ATORVASTATIN: MedicationSpec = {
  code: rxnorm('617310', 'atorvastatin 20 MG Oral Tablet'),
  name: 'Atorvastatin 20 mg tablet',
  dosage: '1 tablet at night',
  sinceDays: [300, 1800],
};
const LISINOPRIL: MedicationSpec = {
  code: rxnorm('314076', 'lisinopril 10 MG Oral Tablet'),
  name: 'Lisinopril 10 mg tablet',
  dosage: '1 tablet once daily',
  sinceDays: [600, 2500],
};

/**
 * The five stories, one per sample patient.
 *
 * @example
 * ```ts
 * PROFILES.map((p) => p.key); // ['diabetes', 'ckd', 'anaemia', 'asthma', 'heart-failure']
 * ```
 */
export const PROFILES: readonly Profile[] = [
  {
    key: 'diabetes',
    ageRange: [48, 66],
    conditions: [
      {
        code: snomed('44054006', 'Diabetes mellitus type 2 (disorder)'),
        text: 'Type 2 diabetes mellitus',
        sinceDays: [1400, 3300],
      },
      HYPERTENSION,
      HYPERLIPIDEMIA,
    ],
    medications: [
      {
        code: rxnorm('861007', 'metformin hydrochloride 500 MG Oral Tablet'),
        name: 'Metformin 500 mg tablet',
        dosage: '1 tablet twice daily with meals',
        sinceDays: [1300, 3000],
        discharge: { change: 'changed', dosage: '2 tablets twice daily with meals' },
      },
      LISINOPRIL,
      ATORVASTATIN,
    ],
    prescriptions: [
      {
        code: rxnorm('309114', 'cephalexin 500 MG Oral Capsule'),
        name: 'Cephalexin 500 mg capsule',
        dosage: '1 capsule four times daily for 5 more days',
        quantity: 20,
      },
    ],
    admission: {
      reason: snomed('128045006', 'Cellulitis (disorder)'),
      text: 'Cellulitis of the left lower leg',
      ward: 'Ward 4B, General Medicine',
      days: [3, 5],
      presenting:
        'Three days of spreading redness, swelling and pain of the left lower leg with fever (38.4 °C). Capillary glucose 250-320 mg/dL on arrival.',
      course:
        'Treated with intravenous cefazolin for 48 hours with clear regression of the erythema, then switched to oral cephalexin. Glycaemic control was poor (HbA1c above target); the diabetes team reviewed and metformin was increased. Afebrile for 36 hours before discharge and mobilising independently.',
      followUp: [
        'GP review in 1 week: check the leg against the marked margin of erythema.',
        'Complete the course of cephalexin.',
        'Repeat HbA1c and renal function in 3 months.',
        'Diabetes nurse clinic for foot-care education.',
      ],
    },
    labs: {
      hba1c: [8.6, 8.2, 7.9, 7.1],
      glucose: [168, 152, 214, 131],
      ldl: [128, 112, 104, 92],
    },
    keyLab: 'hba1c',
  },
  {
    key: 'ckd',
    ageRange: [64, 79],
    conditions: [
      {
        code: snomed('433144002', 'Chronic kidney disease stage 3 (disorder)'),
        text: 'Chronic kidney disease, stage 3',
        sinceDays: [700, 2200],
      },
      HYPERTENSION,
      HYPERLIPIDEMIA,
    ],
    medications: [
      {
        code: rxnorm('197361', 'amlodipine 5 MG Oral Tablet'),
        name: 'Amlodipine 5 mg tablet',
        dosage: '1 tablet once daily',
        sinceDays: [500, 2000],
        discharge: { change: 'changed', dosage: '2 tablets (10 mg) once daily' },
      },
      {
        ...LISINOPRIL,
        discharge: { change: 'stopped', reason: 'acute kidney injury and hyperkalaemia' },
      },
      ATORVASTATIN,
    ],
    prescriptions: [],
    admission: {
      reason: snomed('14669001', 'Acute renal failure syndrome (disorder)'),
      text: 'Acute kidney injury on chronic kidney disease',
      ward: 'Ward 6A, Renal Medicine',
      days: [4, 7],
      presenting:
        'Five days of diarrhoea and vomiting with poor oral intake and dizziness on standing. Creatinine above baseline, potassium 5.8 mmol/L.',
      course:
        'Pre-renal acute kidney injury on stage 3 chronic kidney disease. Lisinopril was withheld and intravenous fluids given; hyperkalaemia treated with calcium gluconate and insulin-dextrose on day 1. Creatinine returned towards baseline. Lisinopril stays stopped until the renal clinic; amlodipine increased for blood pressure control.',
      followUp: [
        'Creatinine and potassium within 1 week (GP).',
        'Renal clinic in 4 weeks to decide on restarting lisinopril.',
        'Sick-day guidance given: pause ACE inhibitors and diuretics during vomiting or diarrhoea.',
      ],
    },
    labs: {
      creatinine: [1.62, 1.71, 2.28, 1.84],
      potassium: [4.9, 5.0, 5.6, 5.2],
      hemoglobin: [12.1, 11.8, 11.2, 11.6],
      sodium: [139, 138, 134, 138],
      ldl: [118, 104, 108, 97],
    },
    keyLab: 'egfr',
  },
  {
    key: 'anaemia',
    ageRange: [34, 51],
    gender: 'female',
    conditions: [
      {
        code: snomed('40930008', 'Hypothyroidism (disorder)'),
        text: 'Primary hypothyroidism',
        sinceDays: [1200, 3600],
      },
      {
        code: snomed('87522002', 'Iron deficiency anemia (disorder)'),
        text: 'Iron deficiency anaemia',
        sinceDays: [60, 120],
      },
    ],
    medications: [
      {
        code: rxnorm('966222', 'levothyroxine sodium 0.075 MG Oral Tablet'),
        name: 'Levothyroxine 75 microgram tablet',
        dosage: '1 tablet once daily before breakfast',
        sinceDays: [900, 3000],
      },
    ],
    prescriptions: [
      {
        code: rxnorm('310325', 'ferrous sulfate 325 MG Oral Tablet'),
        name: 'Ferrous sulfate 325 mg tablet',
        dosage: '1 tablet once daily on an empty stomach, for 3 months',
        quantity: 90,
      },
    ],
    admission: {
      reason: snomed('271594007', 'Syncope (disorder)'),
      text: 'Syncope due to symptomatic anaemia',
      ward: 'Ward 3C, Acute Medicine',
      days: [2, 4],
      presenting:
        'Collapse at home after two months of tiredness, breathlessness on exertion and heavy menstrual bleeding.',
      course:
        'Haemoglobin 7.8 g/dL with microcytic indices and low ferritin, consistent with iron deficiency. Transfused two units of red cells with symptomatic improvement; no arrhythmia on telemetry. Oral iron started. Gynaecology referral for menorrhagia. TSH mildly raised: adherence discussed, levothyroxine continued at the same dose.',
      followUp: [
        'Full blood count and ferritin in 4 weeks (GP).',
        'Gynaecology outpatient appointment (referral sent).',
        'Repeat TSH in 6-8 weeks.',
        'Return at once if breathless, in chest pain or collapsing again.',
      ],
    },
    labs: {
      hemoglobin: [11.6, 10.3, 7.8, 10.9],
      tsh: [5.9, 4.8, 4.4, 3.2],
    },
    keyLab: 'hemoglobin',
  },
  {
    key: 'asthma',
    ageRange: [27, 45],
    conditions: [
      {
        code: snomed('195967001', 'Asthma (disorder)'),
        text: 'Asthma',
        sinceDays: [3600, 9000],
      },
      HYPERLIPIDEMIA,
    ],
    medications: [
      {
        code: rxnorm('745679', '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler'),
        name: 'Albuterol 90 microgram/puff inhaler',
        dosage: '2 puffs when needed for wheeze, up to 4 times daily',
        sinceDays: [3000, 8000],
      },
      {
        code: rxnorm(
          '895994',
          '120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler',
        ),
        name: 'Fluticasone 44 microgram/puff inhaler',
        dosage: '2 puffs twice daily',
        sinceDays: [700, 3000],
      },
      ATORVASTATIN,
    ],
    prescriptions: [
      {
        code: rxnorm('308191', 'amoxicillin 500 MG Oral Capsule'),
        name: 'Amoxicillin 500 mg capsule',
        dosage: '1 capsule three times daily for 5 days',
        quantity: 15,
      },
    ],
    admission: {
      reason: snomed('385093006', 'Community acquired pneumonia (disorder)'),
      text: 'Community-acquired pneumonia, right lower lobe',
      ward: 'Ward 5A, Respiratory Medicine',
      days: [3, 6],
      presenting:
        'Four days of productive cough, fever and right-sided pleuritic chest pain; oxygen saturation 91% on air. Chest X-ray: right lower lobe consolidation.',
      course:
        'Treated with intravenous ceftriaxone and oral azithromycin, stepped down to oral amoxicillin on day 3. Oxygen weaned by day 3. Peak flow recovered to 85% of best. Inhaler technique reviewed and corrected.',
      followUp: [
        'Complete 5 days of oral amoxicillin.',
        'GP review in 1 week.',
        'Chest X-ray in 6 weeks to confirm resolution.',
        'Asthma nurse review for a personalised action plan.',
      ],
    },
    labs: {
      ldl: [168, 151, 146, 131],
      glucose: [96, 92, 121, 94],
    },
    keyLab: 'ldl',
  },
  {
    key: 'heart-failure',
    ageRange: [66, 84],
    conditions: [
      {
        code: snomed('49436004', 'Atrial fibrillation (disorder)'),
        text: 'Atrial fibrillation',
        sinceDays: [700, 2600],
      },
      {
        code: snomed('84114007', 'Heart failure (disorder)'),
        text: 'Heart failure with reduced ejection fraction',
        sinceDays: [350, 1500],
      },
      HYPERTENSION,
    ],
    medications: [
      {
        code: rxnorm('1364430', 'apixaban 5 MG Oral Tablet'),
        name: 'Apixaban 5 mg tablet',
        dosage: '1 tablet twice daily',
        sinceDays: [600, 2400],
      },
      {
        code: rxnorm('866924', 'metoprolol tartrate 25 MG Oral Tablet'),
        name: 'Metoprolol tartrate 25 mg tablet',
        dosage: '1 tablet twice daily',
        sinceDays: [600, 2400],
      },
      {
        code: rxnorm('313988', 'furosemide 40 MG Oral Tablet'),
        name: 'Furosemide 40 mg tablet',
        dosage: '1 tablet once daily in the morning',
        sinceDays: [300, 1400],
        discharge: { change: 'changed', dosage: '1 tablet twice daily (8 am and 2 pm)' },
      },
    ],
    prescriptions: [],
    admission: {
      reason: snomed('42343007', 'Congestive heart failure (disorder)'),
      text: 'Acute decompensated heart failure',
      ward: 'Ward 7, Cardiology',
      days: [5, 8],
      presenting:
        'Two weeks of increasing breathlessness, orthopnoea and ankle swelling; weight up 5 kg. Rate-controlled atrial fibrillation on ECG.',
      course:
        'Diuresed with intravenous furosemide: 4.5 kg weight loss and resolution of peripheral oedema. Potassium fell to 3.3 mmol/L and was replaced. Echocardiogram: left ventricular ejection fraction 35%. Oral furosemide increased; anticoagulation continued.',
      followUp: [
        'Daily weights: call the heart failure nurse if weight rises by more than 2 kg in 3 days.',
        'Renal function and potassium in 1 week.',
        'Heart failure clinic in 2 weeks.',
        'Cardiology review of rate control in 3 months.',
      ],
    },
    labs: {
      potassium: [4.3, 4.1, 3.3, 3.9],
      creatinine: [1.08, 1.14, 1.46, 1.24],
      sodium: [138, 137, 133, 136],
    },
    keyLab: 'potassium',
  },
];
