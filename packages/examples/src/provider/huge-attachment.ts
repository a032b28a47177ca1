/**
 * A very large attachment, for testing what an importer does with a file
 * over its size limit: a PDF-shaped file of any size, made on the fly in
 * 64 KiB chunks (never held whole), and the DocumentReference pointing at
 * it.
 * @module
 */
import { createHash } from 'node:crypto';
import { atTime, REFERENCE_DATE } from '../samples/clock.js';
import type * as fhir4 from '../samples/fhir-r4.js';
import { HOSPITAL, meta } from '../samples/hospital.js';
import { SYSTEMS } from '../samples/terminology.js';

/**
 * A file the portal streams: its size is known up front, its bytes come in chunks.
 *
 * @example
 * ```ts
 * const file: StreamedFile = { id: 'x', contentType: 'application/pdf', size: bytes.length, chunks: () => [bytes] };
 * ```
 */
export type StreamedFile = {
  id: string;
  contentType: string;
  size: number;
  /** The bytes, a fresh pass on every call. */
  chunks(): Iterable<Uint8Array>;
};

const CHUNK = 64 * 1024;
const HEAD = new TextEncoder().encode(
  '%PDF-1.4\n% MedVault test attachment, padded to test size limits\n',
);
const TAIL = new TextEncoder().encode('\n%%EOF\n');
const FILLER = new TextEncoder().encode(
  '% filler line of the large attachment; an importer should refuse it whole\n'.repeat(
    Math.ceil(CHUNK / 72),
  ),
);

/**
 * The default size: over the 20 MiB a wallet is expected to refuse.
 *
 * @example
 * ```ts
 * hugeFile('scan', HUGE_ATTACHMENT_BYTES).size; // 25165824
 * ```
 */
export const HUGE_ATTACHMENT_BYTES = 24 * 1024 * 1024;

/**
 * A file of exactly `size` bytes (at least 1 KiB), generated chunk by chunk.
 *
 * @example
 * ```ts
 * const file = hugeFile('scan-1', 24 * 1024 * 1024);
 * let total = 0;
 * for (const chunk of file.chunks()) total += chunk.length; // 25165824
 * ```
 */
export function hugeFile(id: string, size: number): StreamedFile {
  return {
    id,
    contentType: 'application/pdf',
    size,
    *chunks() {
      yield HEAD;
      let left = size - HEAD.length - TAIL.length;
      while (left > 0) {
        const n = Math.min(left, CHUNK);
        yield FILLER.subarray(0, n);
        left -= n;
      }
      yield TAIL;
    },
  };
}

/**
 * The DocumentReference of a large scanned document for a patient, its
 * attachment at `{fhirBase}/Binary/{file.id}`, with size and SHA-1 hash.
 *
 * @example
 * ```ts
 * const file = hugeFile(`${patient.id}-large-scan`, HUGE_ATTACHMENT_BYTES);
 * const document = hugeDocument(patient, file, 'http://127.0.0.1:8792/fhir');
 * ```
 */
export function hugeDocument(
  patient: { id: string; name: string },
  file: StreamedFile,
  fhirBase: string,
): fhir4.DocumentReference {
  const hash = createHash('sha1');
  for (const chunk of file.chunks()) hash.update(chunk);
  const written = atTime(REFERENCE_DATE, 9);
  const title = 'Scanned outpatient notes (large file)';
  return {
    resourceType: 'DocumentReference',
    id: `${patient.id}-doc-large-scan`,
    meta: meta(written),
    status: 'current',
    docStatus: 'final',
    type: {
      coding: [{ system: SYSTEMS.loinc, code: '11506-3', display: 'Progress note' }],
      text: 'Scanned notes',
    },
    subject: { reference: `Patient/${patient.id}`, display: patient.name },
    date: written,
    custodian: { reference: `Organization/${HOSPITAL.organizationId}`, display: HOSPITAL.name },
    description: title,
    content: [
      {
        attachment: {
          contentType: file.contentType,
          url: `${fhirBase}/Binary/${file.id}`,
          size: file.size,
          hash: hash.digest('base64'),
          title,
          creation: written,
        },
      },
    ],
  };
}
