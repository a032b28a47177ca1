/**
 * Synthetic FHIR R4 sample data for the example sites: patients with
 * problem lists, medicines, lab results and discharge summary PDFs.
 *
 * @example
 * ```ts
 * import { generateSamples } from './samples/index.js';
 * for (const patient of await generateSamples(1)) console.log(patient.name, patient.records.length);
 * ```
 * @module
 */
export type * as fhir4 from './fhir-r4.js';
export { generateSamples } from './generate.js';
export type { SampleCategory, SamplePatient, SampleRecord } from './record.js';
