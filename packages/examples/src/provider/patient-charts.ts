/**
 * The portal's data: the synthetic patients the examples generate
 * (`generateSamples`), each unpacked from the records a hospital would
 * seal into the resources an EHR holds, with the clinical extras
 * (`clinical-extras.ts`) added; the hospital and its clinicians shared by
 * all. The same seed always gives the same charts.
 * @module
 */
import type * as fhir4 from '../samples/fhir-r4.js';
import { generateSamples } from '../samples/generate.js';
import { PROFILES } from '../samples/profiles.js';
import type { SamplePatient } from '../samples/record.js';
import { type BinaryFile, buildExtras } from './clinical-extras.js';
import { asJson, type FhirJson } from './fhir-types.js';

/**
 * One patient's chart: who signs in for it, and what it holds.
 *
 * @example
 * ```ts
 * const [chart]: PatientChart[] = (await loadPortalData({ seed: 1, count: 1, fhirBase })).charts; // chart.username === 'helen'
 * ```
 */
export type PatientChart = {
  /** The sign-in name: the given name in lower case (`helen`), numbered on a clash. */
  username: string;
  /** The patient's name, e.g. `Helen Alvarez`. */
  name: string;
  /** The id of the chart's Patient resource. */
  patientId: string;
  /** Every resource in the patient's compartment, the Patient first. */
  resources: FhirJson[];
  /** The files the chart's DocumentReferences point at. */
  binaries: BinaryFile[];
};

/**
 * Everything the portal serves.
 *
 * @example
 * ```ts
 * const { charts, shared }: PortalData = await loadPortalData({ seed: 1, count: 2, fhirBase });
 * ```
 */
export type PortalData = {
  charts: PatientChart[];
  /** Resources outside any compartment: the hospital, its clinicians. */
  shared: FhirJson[];
};

// Wrappers the sample records come in; the EHR holds what they wrap.
const WRAPPERS = new Set(['Bundle', 'Composition']);
const SHARED = new Set(['Organization', 'Practitioner']);

const decoder = new TextDecoder();

/** The resources inside a patient's JSON records, each once. */
function unpack(sample: SamplePatient): Map<string, FhirJson> {
  const found = new Map<string, FhirJson>();
  const add = (resource: FhirJson) => {
    if (resource.resourceType === 'Bundle') {
      for (const entry of (resource as unknown as fhir4.Bundle).entry ?? [])
        if (entry.resource) add(entry.resource as unknown as FhirJson);
      return;
    }
    if (WRAPPERS.has(resource.resourceType)) return;
    found.set(`${resource.resourceType}/${resource.id}`, resource);
  };
  for (const record of sample.records)
    if (record.contentType === 'application/fhir+json')
      add(JSON.parse(decoder.decode(record.bytes)) as FhirJson);
  return found;
}

const ofType = <T>(resources: Iterable<FhirJson>, type: string) =>
  [...resources].filter((r) => r.resourceType === type) as unknown as T[];

/** `helen`; a second `helen` is `helen2`. */
function usernameFor(given: string, taken: Set<string>): string {
  const base =
    given
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z]/g, '') || 'patient';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

/**
 * The portal's data for `count` sample patients (at most five, one per
 * story) of `seed`, the attachments' URLs under `fhirBase`.
 *
 * @example
 * ```ts
 * const { charts } = await loadPortalData({ seed: 1, count: 2, fhirBase: 'http://127.0.0.1:8792/fhir' });
 * charts[0]?.username; // 'helen'
 * ```
 */
export async function loadPortalData(params: {
  seed: number;
  count: number;
  fhirBase: string;
}): Promise<PortalData> {
  const samples = (await generateSamples(params.seed)).slice(0, params.count);
  const taken = new Set<string>();
  const shared = new Map<string, FhirJson>();
  const charts = samples.map((sample, i): PatientChart => {
    const unpacked = unpack(sample);
    const own = [...unpacked.entries()].filter(([key]) => !SHARED.has(key.split('/')[0] ?? ''));
    for (const [key, resource] of unpacked)
      if (SHARED.has(resource.resourceType)) shared.set(key, resource);
    const resources = own.map(([, resource]) => resource);
    const [patient] = ofType<fhir4.Patient>(resources, 'Patient');
    const [encounter] = ofType<fhir4.Encounter>(resources, 'Encounter');
    const pdf = sample.records.find((r) => r.contentType === 'application/pdf');
    const profileKey = PROFILES[i]?.key;
    if (!patient || !encounter || !pdf || !profileKey)
      throw new Error(`sample patient ${sample.id} lacks a Patient, an Encounter or a PDF`);
    const extras = buildExtras({
      profileKey,
      patient,
      encounter,
      observations: ofType<fhir4.Observation>(resources, 'Observation'),
      dischargePdf: { bytes: pdf.bytes, title: pdf.title },
      fhirBase: params.fhirBase,
    });
    return {
      username: usernameFor(patient.name?.[0]?.given?.[0] ?? '', taken),
      name: sample.name,
      patientId: sample.id,
      // the Patient first, then the samples' resources, then the extras
      resources: [
        asJson(patient),
        ...resources.filter((r) => r.resourceType !== 'Patient'),
        ...extras.resources.map(asJson),
      ],
      binaries: extras.binaries,
    };
  });
  return { charts, shared: [...shared.values()] };
}
