/**
 * What a provider's record holds beyond the samples' records: an allergy,
 * vaccinations, the procedure of the admission, the orders that changed a
 * medicine's dose, a lab report per blood
 * draw and the discharge summary as a DocumentReference whose attachment is
 * a Binary on the portal. Each follows from the patient's story (their
 * profile) and dates, so the same samples always give the same extras.
 *
 * Codes are SNOMED CT, LOINC and CVX, written out with their displays; like
 * the samples' codes they are examples, not checked against a terminology
 * server.
 * @module
 */
import { createHash } from 'node:crypto';
import { ageOn } from '@medvault/record-view';
import { addDays, atTime, REFERENCE_DATE } from '../samples/clock.js';
import type * as fhir4 from '../samples/fhir-r4.js';
import { HOSPITAL, meta, referenceTo } from '../samples/hospital.js';
import { PROFILES } from '../samples/profiles.js';
import { type Code, concept, SYSTEMS } from '../samples/terminology.js';
import type { Immunization, Procedure } from './fhir-types.js';

const CVX = 'http://hl7.org/fhir/sid/cvx';
const snomed = (code: string, display: string): Code => ({ system: SYSTEMS.snomed, code, display });

type AllergySpec = {
  code: Code;
  text: string;
  category: 'food' | 'medication' | 'environment';
  criticality: 'low' | 'high';
  reaction: Code;
  severity: 'mild' | 'moderate' | 'severe';
  /** Recorded this many days before the reference date. */
  recordedDaysAgo: number;
};

// One allergy per story (keys of `PROFILES`), chosen to fit it: aspirin
// for the asthma story, latex before the anaemia story's gynaecology visit.
const ALLERGIES: Record<string, AllergySpec> = {
  diabetes: {
    code: snomed('418689008', 'Allergy to grass pollen (finding)'),
    text: 'Grass pollen',
    category: 'environment',
    criticality: 'low',
    reaction: snomed('61582004', 'Allergic rhinitis (disorder)'),
    severity: 'mild',
    recordedDaysAgo: 2900,
  },
  ckd: {
    code: snomed('91936005', 'Allergy to penicillin (finding)'),
    text: 'Penicillin',
    category: 'medication',
    criticality: 'high',
    reaction: snomed('126485001', 'Urticaria (disorder)'),
    severity: 'moderate',
    recordedDaysAgo: 5100,
  },
  anaemia: {
    code: snomed('300916003', 'Latex allergy (finding)'),
    text: 'Latex',
    category: 'environment',
    criticality: 'high',
    reaction: snomed('40275004', 'Contact dermatitis (disorder)'),
    severity: 'moderate',
    recordedDaysAgo: 1800,
  },
  asthma: {
    code: snomed('293586001', 'Allergy to aspirin (finding)'),
    text: 'Aspirin',
    category: 'medication',
    criticality: 'high',
    reaction: snomed('56018004', 'Wheezing (finding)'),
    severity: 'severe',
    recordedDaysAgo: 3300,
  },
  'heart-failure': {
    code: snomed('91935009', 'Allergy to peanut (finding)'),
    text: 'Peanut',
    category: 'food',
    criticality: 'high',
    reaction: snomed('39579001', 'Anaphylaxis (disorder)'),
    severity: 'severe',
    recordedDaysAgo: 7300,
  },
};

// The procedure each story's admission involved.
const PROCEDURES: Record<string, { code: Code; text: string; wholeStay: boolean }> = {
  diabetes: {
    code: snomed('281789004', 'Antibiotic therapy (procedure)'),
    text: 'Intravenous cefazolin, then oral cephalexin',
    wholeStay: true,
  },
  ckd: {
    code: snomed('29303009', 'Electrocardiographic procedure (procedure)'),
    text: '12-lead ECG for hyperkalaemia',
    wholeStay: false,
  },
  anaemia: {
    code: snomed('116863004', 'Transfusion of red blood cells (procedure)'),
    text: 'Transfusion of two units of red cells',
    wholeStay: false,
  },
  asthma: {
    code: snomed('399208008', 'Plain chest X-ray (procedure)'),
    text: 'Chest X-ray',
    wholeStay: false,
  },
  'heart-failure': {
    code: snomed('40701008', 'Echocardiography (procedure)'),
    text: 'Transthoracic echocardiogram',
    wholeStay: false,
  },
};

const VACCINES = {
  influenza: {
    system: CVX,
    code: '140',
    display: 'Influenza, seasonal, injectable, preservative free',
  },
  tdap: { system: CVX, code: '115', display: 'Tdap' },
  covid: {
    system: CVX,
    code: '208',
    display:
      'SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose',
  },
  pneumococcal: {
    system: CVX,
    code: '33',
    display: 'pneumococcal polysaccharide vaccine, 23 valent',
  },
} as const;

/**
 * What the extras of one patient are made from.
 *
 * @example
 * ```ts
 * const ctx: ExtrasContext = { profileKey: 'diabetes', patient, encounter, observations, dischargePdf: { bytes, title }, fhirBase };
 * ```
 */
export type ExtrasContext = {
  /** The patient's story (`PROFILES[i].key`). */
  profileKey: string;
  patient: fhir4.Patient;
  /** The admission. */
  encounter: fhir4.Encounter;
  /** The lab results of the four blood draws. */
  observations: fhir4.Observation[];
  /** The discharge summary PDF and its title. */
  dischargePdf: { bytes: Uint8Array; title: string };
  /** The portal's FHIR base URL (the attachment's URL points under it). */
  fhirBase: string;
};

/**
 * A file the portal serves at `Binary/{id}`.
 *
 * @example
 * ```ts
 * const pdf: BinaryFile = { id: 'pat-1-discharge-pdf', contentType: 'application/pdf', bytes };
 * ```
 */
export type BinaryFile = { id: string; contentType: string; bytes: Uint8Array };

/** A small, stable number from a text: spreads the dates of different patients. */
function spread(text: string, range: number): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % range;
}

const subjectOf = (patient: fhir4.Patient) => referenceTo(patient, patient.name?.[0]?.text);

/**
 * The patient's allergy, as their story has it.
 *
 * @example
 * ```ts
 * buildAllergy('asthma', patient).code?.text; // 'Aspirin'
 * ```
 */
export function buildAllergy(profileKey: string, patient: fhir4.Patient): fhir4.AllergyIntolerance {
  const spec = ALLERGIES[profileKey];
  if (!spec) throw new RangeError(`no allergy for the story ${profileKey}`);
  const recorded = addDays(REFERENCE_DATE, -spec.recordedDaysAgo - spread(patient.id ?? '', 60));
  return {
    resourceType: 'AllergyIntolerance',
    id: `${patient.id}-allergy-1`,
    meta: meta(atTime(recorded, 11)),
    identifier: [{ system: HOSPITAL.systems.problem, value: `${patient.id}-AL1` }],
    clinicalStatus: concept(
      'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
      'active',
      'Active',
    ),
    verificationStatus: concept(
      'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
      'confirmed',
      'Confirmed',
    ),
    type: 'allergy',
    category: [spec.category],
    criticality: spec.criticality,
    code: { coding: [spec.code], text: spec.text },
    patient: subjectOf(patient),
    recordedDate: recorded,
    reaction: [
      {
        manifestation: [{ coding: [spec.reaction], text: spec.reaction.display.split(' (')[0] }],
        severity: spec.severity,
      },
    ],
  };
}

/**
 * The patient's vaccinations: influenza the last two autumns, Tdap, a
 * COVID-19 dose, and the pneumococcal vaccine from 65.
 *
 * @example
 * ```ts
 * buildImmunizations(patient).map((i) => i.vaccineCode.coding?.[0]?.code); // ['140', '140', '115', '208', …]
 * ```
 */
export function buildImmunizations(patient: fhir4.Patient): Immunization[] {
  const id = patient.id ?? '';
  const day = spread(id, 28);
  const given: [keyof typeof VACCINES, string][] = [
    ['influenza', addDays('2024-10-01', day)],
    ['influenza', addDays('2025-10-01', day)],
    ['tdap', addDays('2021-03-01', spread(`${id}-tdap`, 300))],
    ['covid', addDays('2021-05-01', spread(`${id}-covid`, 60))],
  ];
  if ((ageOn(patient.birthDate, new Date(REFERENCE_DATE)) ?? 0) >= 65)
    given.push(['pneumococcal', addDays('2024-02-01', spread(`${id}-ppv`, 200))]);
  return given.map(([vaccine, date], i) => {
    const at = atTime(date, 10, 15);
    return {
      resourceType: 'Immunization',
      id: `${id}-imm-${i + 1}`,
      meta: meta(at),
      identifier: [{ system: HOSPITAL.systems.medication, value: `${id}-IMM${i + 1}` }],
      status: 'completed',
      vaccineCode: { coding: [VACCINES[vaccine]], text: VACCINES[vaccine].display },
      patient: subjectOf(patient),
      occurrenceDateTime: at,
      recorded: at,
      primarySource: true,
      lotNumber: `LOT-${date.replaceAll('-', '')}-${spread(`${id}-${i}`, 900) + 100}`,
      site: concept('http://terminology.hl7.org/CodeSystem/v3-ActSite', 'LA', 'left arm'),
      route: concept(
        'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration',
        'IM',
        'Injection, intramuscular',
      ),
      performer: [
        {
          actor: {
            reference: `Organization/${HOSPITAL.organizationId}`,
            display: HOSPITAL.name,
          },
        },
      ],
    };
  });
}

/**
 * The procedure of the admission, for its diagnosis, by the consultant.
 *
 * @example
 * ```ts
 * buildProcedure('heart-failure', patient, encounter).code.text; // 'Transthoracic echocardiogram'
 * ```
 */
export function buildProcedure(
  profileKey: string,
  patient: fhir4.Patient,
  encounter: fhir4.Encounter,
): Procedure {
  const spec = PROCEDURES[profileKey];
  if (!spec) throw new RangeError(`no procedure for the story ${profileKey}`);
  const start = encounter.period?.start ?? REFERENCE_DATE;
  const end = encounter.period?.end ?? start;
  // not the whole stay: the morning after admission
  const performed = spec.wholeStay
    ? { performedPeriod: { start, end } }
    : { performedDateTime: atTime(addDays(start.slice(0, 10), 1), 10, 30) };
  const consultant = encounter.participant?.[0]?.individual;
  return {
    resourceType: 'Procedure',
    id: `${patient.id}-proc-1`,
    meta: meta(end),
    identifier: [{ system: HOSPITAL.systems.encounter, value: `${patient.id}-PROC1` }],
    status: 'completed',
    code: { coding: [spec.code], text: spec.text },
    subject: subjectOf(patient),
    encounter: referenceTo(encounter),
    ...performed,
    ...(consultant ? { performer: [{ actor: consultant }] } : {}),
    reasonReference: [{ reference: `Condition/${patient.id}-cond-adm` }],
  };
}

/**
 * A prescription for each long-term medicine whose dose the admission
 * changed (the statement already carries the new dosage; the EHR also
 * holds the order that changed it), by the consultant at discharge.
 *
 * @example
 * ```ts
 * buildDoseChangeOrders('heart-failure', patient, encounter)[0]?.dosageInstruction?.[0]?.text; // '1 tablet twice daily (8 am and 2 pm)'
 * ```
 */
export function buildDoseChangeOrders(
  profileKey: string,
  patient: fhir4.Patient,
  encounter: fhir4.Encounter,
): fhir4.MedicationRequest[] {
  const profile = PROFILES.find((p) => p.key === profileKey);
  if (!profile) throw new RangeError(`no story ${profileKey}`);
  const written = atTime((encounter.period?.end ?? REFERENCE_DATE).slice(0, 10), 12, 30);
  const consultant = encounter.participant?.[0]?.individual;
  return profile.medications.flatMap((spec, i): fhir4.MedicationRequest[] =>
    spec.discharge?.change !== 'changed'
      ? []
      : [
          {
            resourceType: 'MedicationRequest',
            id: `${patient.id}-rx-change-${i + 1}`,
            meta: meta(written),
            identifier: [
              { system: HOSPITAL.systems.medication, value: `${patient.id}-RXC${i + 1}` },
            ],
            status: 'active',
            intent: 'order',
            category: [concept(SYSTEMS.medicationRequestCategory, 'discharge', 'Discharge')],
            medicationCodeableConcept: { coding: [spec.code], text: spec.name },
            subject: subjectOf(patient),
            encounter: referenceTo(encounter),
            authoredOn: written,
            ...(consultant ? { requester: consultant } : {}),
            dosageInstruction: [{ sequence: 1, text: spec.discharge.dosage }],
          },
        ],
  );
}

/**
 * One lab report per blood draw, naming that draw's results.
 *
 * @example
 * ```ts
 * buildLabReports(patient, observations).length; // 4
 * ```
 */
export function buildLabReports(
  patient: fhir4.Patient,
  observations: fhir4.Observation[],
): fhir4.DiagnosticReport[] {
  const draws = [...new Set(observations.map((o) => o.effectiveDateTime ?? ''))].sort();
  return draws.map((drawn, i) => {
    const results = observations.filter((o) => o.effectiveDateTime === drawn);
    const issued = results.map((o) => o.issued ?? drawn).sort()[results.length - 1] ?? drawn;
    // the results' identifiers are the accession number and their LOINC code
    const accession = /^LAB-\d{8}-\d{4}/.exec(results[0]?.identifier?.[0]?.value ?? '')?.[0];
    return {
      resourceType: 'DiagnosticReport',
      id: `${patient.id}-labreport-${i + 1}`,
      meta: meta(issued),
      ...(accession
        ? { identifier: [{ system: HOSPITAL.systems.labAccession, value: accession }] }
        : {}),
      status: 'final',
      category: [concept('http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB', 'Laboratory')],
      code: {
        coding: [{ system: SYSTEMS.loinc, code: '11502-2', display: 'Laboratory report' }],
        text: 'Blood tests',
      },
      subject: subjectOf(patient),
      effectiveDateTime: drawn,
      issued,
      performer: [
        {
          reference: `Organization/${HOSPITAL.organizationId}`,
          display: `${HOSPITAL.name} Laboratory`,
        },
      ],
      result: results.map((o) => referenceTo(o, o.code.text)),
    };
  });
}

/**
 * The discharge summary as a DocumentReference, and the PDF it points at
 * (`{fhirBase}/Binary/{id}`), with the attachment's size and SHA-1 hash
 * as FHIR's `Attachment` states them.
 *
 * @example
 * ```ts
 * const { document, binary } = buildDischargeDocument(ctx);
 * document.content[0]?.attachment.url; // 'http://127.0.0.1:8792/fhir/Binary/pat-…-discharge-pdf'
 * ```
 */
export function buildDischargeDocument(ctx: ExtrasContext): {
  document: fhir4.DocumentReference;
  binary: BinaryFile;
} {
  const { patient, encounter, dischargePdf, fhirBase } = ctx;
  const written = encounter.period?.end ?? REFERENCE_DATE;
  const binary: BinaryFile = {
    id: `${patient.id}-discharge-pdf`,
    contentType: 'application/pdf',
    bytes: dischargePdf.bytes,
  };
  const consultant = encounter.participant?.[0]?.individual;
  const document: fhir4.DocumentReference = {
    resourceType: 'DocumentReference',
    id: `${patient.id}-doc-discharge`,
    meta: meta(written),
    masterIdentifier: {
      system: HOSPITAL.systems.document,
      value: `${patient.id}-DISCHARGE`.toUpperCase(),
    },
    status: 'current',
    docStatus: 'final',
    type: {
      coding: [{ system: SYSTEMS.loinc, code: '18842-5', display: 'Discharge summary' }],
      text: 'Discharge summary',
    },
    category: [
      concept(
        'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
        'clinical-note',
        'Clinical Note',
      ),
    ],
    subject: subjectOf(patient),
    date: written,
    ...(consultant ? { author: [consultant] } : {}),
    custodian: { reference: `Organization/${HOSPITAL.organizationId}`, display: HOSPITAL.name },
    description: dischargePdf.title,
    content: [
      {
        attachment: {
          contentType: binary.contentType,
          url: `${fhirBase}/Binary/${binary.id}`,
          size: binary.bytes.length,
          hash: createHash('sha1').update(binary.bytes).digest('base64'),
          title: dischargePdf.title,
          creation: written,
        },
      },
    ],
    context: {
      encounter: [referenceTo(encounter)],
      ...(encounter.period ? { period: encounter.period } : {}),
    },
  };
  return { document, binary };
}

/**
 * Every extra of one patient, and the files they point at.
 *
 * @example
 * ```ts
 * const { resources, binaries } = buildExtras(ctx);
 * new Set(resources.map((r) => r.resourceType)); // AllergyIntolerance, Immunization, Procedure, MedicationRequest, DiagnosticReport, DocumentReference
 * ```
 */
export function buildExtras(ctx: ExtrasContext): {
  resources: (
    | fhir4.AllergyIntolerance
    | Immunization
    | Procedure
    | fhir4.MedicationRequest
    | fhir4.DiagnosticReport
    | fhir4.DocumentReference
  )[];
  binaries: BinaryFile[];
} {
  const { document, binary } = buildDischargeDocument(ctx);
  return {
    resources: [
      buildAllergy(ctx.profileKey, ctx.patient),
      ...buildImmunizations(ctx.patient),
      buildProcedure(ctx.profileKey, ctx.patient, ctx.encounter),
      ...buildDoseChangeOrders(ctx.profileKey, ctx.patient, ctx.encounter),
      ...buildLabReports(ctx.patient, ctx.observations),
      document,
    ],
    binaries: [binary],
  };
}
