/**
 * Which of the patient's categories an imported resource goes to — and so
 * which encryption key it is sealed to and which grants can cover it. One
 * fixed table, the same on every device: by resource type, refined by the
 * codes an Observation or DiagnosticReport is categorised with, and mental
 * health recognised wherever a diagnosis or reason is coded, since a
 * `psychiatry` record is kept out of wider shares and the emergency card.
 * Every answer is one of `DEFAULT_CATEGORIES`, whose keys a wallet
 * publishes from the start.
 */
import type { FhirResource } from './resource.js';

type Coding = { system?: unknown; code?: unknown };

const SYSTEMS = {
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  diagnosticService: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  icd10: ['http://hl7.org/fhir/sid/icd-10', 'http://hl7.org/fhir/sid/icd-10-cm'],
  icd9: ['http://hl7.org/fhir/sid/icd-9-cm'],
} as const;

/** Observation categories (observation-category) → the patient's category. */
const OBSERVATION_CATEGORY = new Map([
  ['laboratory', 'laboratory'],
  ['vital-signs', 'vital-signs'],
  ['imaging', 'imaging'],
  ['procedure', 'procedure'],
]);

/** DiagnosticReport categories (HL7 v2 table 0074, diagnostic service sections) → category. */
const DIAGNOSTIC_SERVICE = new Map([
  ...['LAB', 'BG', 'BLB', 'CG', 'CH', 'CP', 'HM', 'IMM', 'MB', 'MCB', 'MYC', 'OSL', 'SP', 'SR']
    .concat(['TX', 'URN', 'VR'])
    .map((c) => [c, 'laboratory'] as const),
  ...['RAD', 'CT', 'NMR', 'NMS', 'RUS', 'VUS', 'OUS', 'CUS', 'RX', 'XRC'].map(
    (c) => [c, 'imaging'] as const,
  ),
]);

/** DiagnosticReport categories as US Core codes them in LOINC (radiology, pathology). */
const DIAGNOSTIC_LOINC = new Map([
  ['LP29684-5', 'imaging'],
  ['LP7839-6', 'laboratory'],
]);

/** DocumentReference types that are summaries of care (LOINC): discharge summary, patient summary. */
const SUMMARY_DOCUMENTS = new Set(['18842-5', '60591-5']);

/**
 * SNOMED CT concepts of mental and behavioural disorders (and
 * psychotherapy, psychiatry as a practice setting): mental disorder,
 * depressive and major depressive disorder, anxiety, bipolar disorder,
 * schizophrenia, PTSD, OCD, alcohol dependence, ADHD, eating disorder,
 * anorexia nervosa.
 */
const MENTAL_HEALTH_SNOMED = new Set([
  '74732009',
  '35489007',
  '370143000',
  '197480006',
  '13746004',
  '58214004',
  '47505003',
  '191736004',
  '66590003',
  '406506008',
  '72366004',
  '56882008',
  '75516001', // psychotherapy (procedure)
  '394587001', // psychiatry (practice setting)
]);

/** LOINC codes of mental health screening instruments: PHQ-9, PHQ-2, GAD-7 (panels and totals). */
const MENTAL_HEALTH_LOINC = new Set([
  '44249-1',
  '44261-6',
  '55757-9',
  '55758-7',
  '69737-5',
  '70274-6',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The codings of a CodeableConcept, or of each in a list of them. */
function codings(concepts: unknown): Coding[] {
  return list(concepts).flatMap((c) =>
    isObject(c) ? list(c.coding).filter((x): x is Coding => isObject(x)) : [],
  );
}

/** Whether a coding is in `system` (a coding without a system counts, as servers often omit it for these tables). */
const inSystem = (coding: Coding, ...systems: readonly string[]) =>
  coding.system === undefined || systems.includes(coding.system as string);
const codeOf = (coding: Coding) => (typeof coding.code === 'string' ? coding.code : '');

/** Whether a coding names a mental or behavioural disorder, or psychiatric care. */
function isMentalHealthCoding(coding: Coding): boolean {
  const code = codeOf(coding);
  if (coding.system === SYSTEMS.snomed) return MENTAL_HEALTH_SNOMED.has(code);
  if (coding.system === SYSTEMS.loinc) return MENTAL_HEALTH_LOINC.has(code);
  // ICD-10 chapter V: F00–F99
  if ((SYSTEMS.icd10 as readonly unknown[]).includes(coding.system)) return /^F\d/i.test(code);
  // ICD-9-CM mental disorders: 290–319
  if ((SYSTEMS.icd9 as readonly unknown[]).includes(coding.system)) {
    const n = Number.parseInt(code, 10);
    return /^\d{3}/.test(code) && n >= 290 && n <= 319;
  }
  return false;
}

/** The fields of each type that code a diagnosis, a reason, or psychiatric care. */
function mentalHealthConcepts(r: Record<string, unknown>): unknown[] {
  const context = isObject(r.context) ? r.context : {};
  switch (r.resourceType) {
    case 'Condition':
      return [r.code];
    case 'Observation':
      return [r.code, r.valueCodeableConcept];
    case 'DiagnosticReport':
      return [r.code, r.conclusionCode];
    case 'DocumentReference':
      return [context.practiceSetting, r.type];
    case 'Procedure':
      return [r.code, r.reasonCode];
    case 'Encounter':
      return [r.reasonCode, r.serviceType];
    case 'MedicationRequest':
    case 'MedicationStatement':
      return [r.reasonCode];
    default:
      return [];
  }
}

/**
 * Whether the resource records mental health: a mental or behavioural
 * disorder coded as its diagnosis, reason or conclusion (SNOMED CT's
 * concepts, ICD-10 F00–F99, ICD-9-CM 290–319), a mental health screening
 * (PHQ, GAD), psychotherapy, or a document from psychiatry.
 *
 * @example
 * ```ts
 * isMentalHealth({ resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F32.9' }] } }); // true
 * ```
 */
export function isMentalHealth(resource: FhirResource): boolean {
  return mentalHealthConcepts(resource).some((concept) =>
    codings(concept).some(isMentalHealthCoding),
  );
}

/**
 * The category of an imported resource, one of `DEFAULT_CATEGORIES`:
 * `psychiatry` when it records mental health (`isMentalHealth`); else by
 * type — Patient `demographics`, AllergyIntolerance `allergy`, Condition
 * `problem-list`, MedicationRequest and MedicationStatement `medication`,
 * Immunization `immunization`, Procedure `procedure`, Encounter
 * `encounter`, DocumentReference `document` (`summary` for a discharge or
 * patient summary); an Observation by its category (laboratory, vital
 * signs, imaging, procedure; anything else `other`); a DiagnosticReport by
 * its diagnostic service section (laboratory sections, imaging ones;
 * anything else `other`).
 *
 * @example
 * ```ts
 * categoryOf({ resourceType: 'Observation', category: [{ coding: [{ code: 'vital-signs' }] }] }); // 'vital-signs'
 * categoryOf({ resourceType: 'Condition', code: { coding: [{ system: 'http://snomed.info/sct', code: '35489007' }] } }); // 'psychiatry'
 * ```
 */
export function categoryOf(resource: FhirResource): string {
  if (isMentalHealth(resource)) return 'psychiatry';
  const r = resource as Record<string, unknown>;
  switch (resource.resourceType) {
    case 'Patient':
      return 'demographics';
    case 'AllergyIntolerance':
      return 'allergy';
    case 'Condition':
      return 'problem-list';
    case 'MedicationRequest':
    case 'MedicationStatement':
      return 'medication';
    case 'Immunization':
      return 'immunization';
    case 'Procedure':
      return 'procedure';
    case 'Encounter':
      return 'encounter';
    case 'DocumentReference':
      return codings(r.type).some(
        (c) => c.system === SYSTEMS.loinc && SUMMARY_DOCUMENTS.has(codeOf(c)),
      )
        ? 'summary'
        : 'document';
    case 'Observation': {
      for (const c of codings(r.category)) {
        const category = inSystem(c, SYSTEMS.observationCategory)
          ? OBSERVATION_CATEGORY.get(codeOf(c))
          : undefined;
        if (category) return category;
      }
      return 'other';
    }
    case 'DiagnosticReport': {
      for (const c of codings(r.category)) {
        const category = inSystem(c, SYSTEMS.diagnosticService)
          ? DIAGNOSTIC_SERVICE.get(codeOf(c))
          : c.system === SYSTEMS.loinc
            ? DIAGNOSTIC_LOINC.get(codeOf(c))
            : undefined;
        if (category) return category;
      }
      return 'other';
    }
    default:
      return 'other';
  }
}
