/**
 * The discharge summary's content, taken from the patient's FHIR history so
 * that the letter and the structured records say the same thing.
 * @module
 */
import { formatDate, formatNumber, formatRange } from '@medvault/record-view';
import { atTime } from './clock.js';
import type { DischargeSummary } from './discharge-pdf.js';
import type * as fhir4 from './fhir-r4.js';
import { drawResults, type History } from './history.js';
import { LAB_TESTS, type LabTest } from './lab-tests.js';

const testByLoinc = new Map<string, LabTest>(Object.values(LAB_TESTS).map((t) => [t.loinc, t]));

function result(obs: fhir4.Observation | undefined): string {
  const q = obs?.valueQuantity;
  if (q?.value === undefined) return '-';
  const test = testByLoinc.get(obs?.code.coding?.[0]?.code ?? '');
  return `${formatNumber(q.value, test?.decimals ?? 0)} ${q.unit ?? ''}`.trim();
}

/**
 * The letter for a history.
 *
 * @example
 * ```ts
 * const bytes = await renderDischargeSummaryPdf(dischargeSummaryFor(history));
 * ```
 */
export function dischargeSummaryFor(history: History): DischargeSummary {
  const { person, profile, timeline, encounter, consultant } = history;
  const earlier = drawResults(history, 1);
  const atDischarge = drawResults(history, 2);
  const loincOf = (o: fhir4.Observation) => o.code.coding?.[0]?.code;
  const medications: DischargeSummary['medications'] = history.statements.map((s, i) => {
    const spec = profile.medications[i]!;
    const base = { name: spec.name, dosage: s.dosage?.[0]?.text ?? '' };
    if (spec.discharge?.change === 'stopped')
      return { ...base, status: 'Stopped', note: spec.discharge.reason };
    if (spec.discharge?.change === 'changed')
      return { ...base, status: 'Changed', note: `was ${spec.dosage}` };
    return { ...base, status: 'Continued' };
  });
  for (const rx of history.prescriptions) {
    medications.unshift({
      name: rx.medicationCodeableConcept?.text ?? '',
      dosage: rx.dosageInstruction?.[0]?.text ?? '',
      status: 'New',
    });
  }
  return {
    documentId: encounter.identifier?.[0]?.value ?? encounter.id ?? '',
    patient: {
      name: `${person.given} ${person.family}`,
      birthDate: person.birthDate,
      gender: person.gender === 'female' ? 'Female' : 'Male',
      mrn: person.mrn,
      address: `${person.addressLine}, ${history.hospital.address?.[0]?.city ?? ''}`,
    },
    admitted: timeline.admitted,
    discharged: timeline.discharged,
    ward: profile.admission.ward,
    consultant: consultant.name?.[0]?.text ?? '',
    presenting: profile.admission.presenting,
    principalDiagnosis: profile.admission.text,
    secondaryDiagnoses: profile.conditions.map((c) => c.text),
    course: profile.admission.course,
    investigations: atDischarge.map((obs) => {
      const test = testByLoinc.get(loincOf(obs) ?? '');
      const range = obs.referenceRange?.[0];
      return {
        test: test?.short ?? obs.code.text ?? '',
        earlier: `${result(earlier.find((e) => loincOf(e) === loincOf(obs)))}`,
        atDischarge: result(obs),
        range:
          `${formatRange({ low: range?.low?.value, high: range?.high?.value })} ${test?.unit ?? ''}`.trim(),
        flag: obs.interpretation?.[0]?.coding?.[0]?.code ?? '',
      };
    }),
    earlierDate: formatDate(timeline.draws[1]),
    medications,
    followUp: profile.admission.followUp,
    signedAt: atTime(timeline.discharged, 16, 30),
  };
}
