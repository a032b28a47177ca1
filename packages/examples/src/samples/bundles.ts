/**
 * The two Bundle shapes the samples ship: a `collection` (a lab report's
 * results, meaning nothing beyond "these belong together") and a `document`
 * (a patient summary whose first entry is the Composition that says what
 * the document is and which entries make up each section).
 * @module
 */
import type * as fhir4 from './fhir-r4.js';
import { entryFor, HOSPITAL, meta, referenceTo } from './hospital.js';
import { SYSTEMS } from './terminology.js';

/**
 * A collection Bundle of `resources`, each with its full URL.
 *
 * @example
 * ```ts
 * collectionBundle({ id: 'labs-1', timestamp, resources: [patient, ...observations] }).type; // 'collection'
 * ```
 */
export function collectionBundle(params: {
  id: string;
  timestamp: string;
  resources: fhir4.FhirResource[];
}): fhir4.Bundle {
  return bundle('collection', params);
}

function bundle(
  type: 'collection' | 'document',
  { id, timestamp, resources }: { id: string; timestamp: string; resources: fhir4.FhirResource[] },
): fhir4.Bundle {
  return {
    resourceType: 'Bundle',
    id,
    meta: meta(timestamp),
    identifier: { system: HOSPITAL.systems.document, value: id.toUpperCase() },
    type,
    timestamp,
    entry: resources.map(entryFor),
  };
}

/** A section of a summary: its LOINC section code, title and entries. */
export type SummarySection = {
  code: string;
  display: string;
  title: string;
  entries: fhir4.FhirResource[];
};

/**
 * A document Bundle: a Composition (LOINC 60591-5, patient summary) whose
 * sections reference their entries, then the subject, author and every
 * section's resources.
 *
 * @example
 * ```ts
 * const doc = documentBundle({ id: 'sum-1', timestamp, title: 'Patient summary', patient, author, sections });
 * doc.entry?.[0]?.resource?.resourceType; // 'Composition'
 * ```
 */
export function documentBundle(params: {
  id: string;
  timestamp: string;
  title: string;
  patient: fhir4.Patient;
  author: fhir4.Organization;
  supporting?: fhir4.FhirResource[];
  sections: SummarySection[];
}): fhir4.Bundle {
  const { id, timestamp, title, patient, author, supporting = [], sections } = params;
  const composition: fhir4.Composition = {
    resourceType: 'Composition',
    id: `${id}-composition`,
    meta: meta(timestamp),
    identifier: { system: HOSPITAL.systems.document, value: `${id.toUpperCase()}-C` },
    status: 'final',
    type: {
      coding: [{ system: SYSTEMS.loinc, code: '60591-5', display: 'Patient summary Document' }],
    },
    subject: referenceTo(patient, patient.name?.[0]?.text),
    date: timestamp,
    author: [referenceTo(author, author.name)],
    title,
    custodian: referenceTo(author, author.name),
    section: sections.map((s) => ({
      title: s.title,
      code: { coding: [{ system: SYSTEMS.loinc, code: s.code, display: s.display }] },
      entry: s.entries.map((r) => referenceTo(r)),
    })),
  };
  const resources = [
    composition,
    patient,
    author,
    ...supporting,
    ...sections.flatMap((s) => s.entries),
  ];
  return bundle('document', { id, timestamp, resources });
}
