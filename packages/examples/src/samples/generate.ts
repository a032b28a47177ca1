/**
 * The sample set: a handful of synthetic patients, each with the records a
 * hospital portal would seal to them.
 * @module
 */
import { formatDate, formatNumber } from '@medvault/record-view';
import { collectionBundle, documentBundle } from './bundles.js';
import { atTime } from './clock.js';
import { dischargeSummaryFor } from './discharge-letter.js';
import { renderDischargeSummaryPdf } from './discharge-pdf.js';
import { buildHistory, drawResults, type History } from './history.js';
import { HOSPITAL } from './hospital.js';
import { LAB_TESTS } from './lab-tests.js';
import { personSlug } from './people.js';
import { createRng } from './prng.js';
import { PROFILES } from './profiles.js';
import { fhirRecord, type SamplePatient, type SampleRecord } from './record.js';

async function recordsFor(history: History, slug: string): Promise<SampleRecord[]> {
  const { patient, hospital, consultant, encounter, timeline, profile } = history;
  const name = `${history.person.given} ${history.person.family}`;
  const latest = drawResults(history, 3);
  const followUpDay = timeline.draws[3].slice(0, 10);
  const summaryAt = atTime(followUpDay, 18);
  const medicines = [...history.prescriptions, ...history.statements];

  const summary = documentBundle({
    id: `${patient.id}-summary`,
    timestamp: summaryAt,
    title: 'Patient summary',
    patient,
    author: hospital,
    supporting: [consultant],
    sections: [
      {
        code: '11450-4',
        display: 'Problem list - Reported',
        title: 'Problems',
        entries: history.conditions,
      },
      {
        code: '10160-0',
        display: 'History of Medication use Narrative',
        title: 'Medications',
        entries: medicines,
      },
      {
        code: '30954-2',
        display: 'Relevant diagnostic tests/laboratory data Narrative',
        title: 'Results',
        entries: latest,
      },
      {
        code: '46240-8',
        display: 'History of Hospitalizations+Outpatient visits Narrative',
        title: 'Hospital stays',
        entries: [encounter],
      },
    ],
  });

  const keyTest = LAB_TESTS[profile.keyLab];
  const keyResult = latest.find((o) => o.code.coding?.[0]?.code === keyTest.loinc)!;
  const keyValue = formatNumber(keyResult.valueQuantity?.value ?? 0, keyTest.decimals);

  const pdf = await renderDischargeSummaryPdf(dischargeSummaryFor(history));

  return [
    fhirRecord({
      name: `${slug}-patient.fhir.json`,
      title: `Patient details: ${name}`,
      category: 'demographics',
      resource: patient,
    }),
    fhirRecord({
      name: `${slug}-summary.fhir.json`,
      title: `Patient summary, ${HOSPITAL.name}, ${formatDate(summaryAt)}`,
      category: 'summary',
      resource: summary,
    }),
    fhirRecord({
      name: `${slug}-problems.fhir.json`,
      title: `Problem list, ${formatDate(timeline.discharged)}`,
      category: 'problem-list',
      resource: collectionBundle({
        id: `${patient.id}-problems`,
        timestamp: atTime(timeline.discharged, 15),
        resources: [patient, ...history.conditions],
      }),
    }),
    fhirRecord({
      name: `${slug}-medications.fhir.json`,
      title: `Medicines on discharge, ${formatDate(timeline.discharged)}`,
      category: 'medication',
      resource: collectionBundle({
        id: `${patient.id}-medications`,
        timestamp: atTime(timeline.discharged, 15),
        resources: [patient, ...medicines],
      }),
    }),
    fhirRecord({
      name: `${slug}-labs.fhir.json`,
      title: `Lab results, ${formatDate(timeline.draws[0], 'month')} to ${formatDate(timeline.draws[3])}`,
      category: 'laboratory',
      resource: collectionBundle({
        id: `${patient.id}-labs`,
        timestamp: summaryAt,
        resources: [patient, hospital, ...history.observations],
      }),
    }),
    fhirRecord({
      name: `${slug}-${profile.keyLab}-${followUpDay}.fhir.json`,
      title: `${keyTest.short} ${keyValue} ${keyTest.unit}, ${formatDate(followUpDay)}`,
      category: 'laboratory',
      resource: keyResult,
    }),
    {
      name: `${slug}-discharge-summary.pdf`,
      title: `Discharge summary, ${HOSPITAL.name}, ${formatDate(timeline.discharged)}`,
      contentType: 'application/pdf',
      resourceType: 'DocumentReference',
      category: 'summary',
      bytes: pdf,
    },
  ];
}

/**
 * Generates the sample set for a seed: five synthetic patients (one per
 * clinical profile — the first is the type 2 diabetes story — with people,
 * dates and values the seed decides), each with seven records — demographics, a patient summary
 * document, a problem list, medicines, all lab results, the key result on
 * its own, and a discharge summary PDF. The same seed always gives the same
 * bytes.
 *
 * @example
 * ```ts
 * const patients = await generateSamples();
 * const labs = patients[0]!.records.find((r) => r.category === 'laboratory');
 * JSON.parse(new TextDecoder().decode(labs!.bytes)).resourceType; // 'Bundle'
 * ```
 */
export async function generateSamples(seed = 1): Promise<SamplePatient[]> {
  const rng = createRng(seed);
  const usedFamilies = new Set<string>();
  const patients: SamplePatient[] = [];
  // Stories in a fixed order, so patient 1 is always the HbA1c story the
  // examples show first; the seed decides the people, dates and values.
  for (const [i, profile] of PROFILES.entries()) {
    const history = buildHistory(rng, profile, usedFamilies);
    const { person } = history;
    patients.push({
      id: person.id,
      name: `${person.given} ${person.family}`,
      birthDate: person.birthDate,
      gender: person.gender,
      records: await recordsFor(history, personSlug(i + 1, person)),
    });
  }
  return patients;
}
