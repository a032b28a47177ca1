/**
 * FHIR content of SMART Health Link files (docs/spec/health-links.md §
 * Records as SHL files): receivers expect FHIR, so a PDF travels as a FHIR R4
 * DocumentReference with the PDF inline as its attachment.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { base64Encode } from './encoding.js';
import { ShlInvalidInputError, ShlNotPdfError } from './errors.js';

/**
 * A FHIR resource as JSON: an object with a `resourceType`.
 *
 * @example
 * ```ts
 * const patient: FhirResource = { resourceType: 'Patient', id: 'p1' };
 * ```
 */
export type FhirResource = { resourceType: string; [property: string]: unknown };

/**
 * Options of `pdfAsDocumentReference`.
 *
 * @example
 * ```ts
 * const options: PdfDocumentOptions = { date: new Date(), subject: { display: 'Ana Souza' } };
 * ```
 */
export type PdfDocumentOptions = {
  /** When the document was made (`DocumentReference.date`, an instant). */
  date?: Date | string;
  /** Whom it is about (`DocumentReference.subject`). */
  subject?: { reference?: string; display?: string };
};

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/**
 * A PDF as a FHIR R4 DocumentReference: `status: "current"`, `description`
 * the title, and one `content.attachment` with `contentType:
 * "application/pdf"`, the bytes in base64 (`data`), `title`, `size` and
 * `hash` (base64 SHA-1, as FHIR defines it). Encrypt it as
 * `application/fhir+json`.
 *
 * @example
 * ```ts
 * const doc = pdfAsDocumentReference(pdfBytes, 'Discharge letter', { date: '2026-01-05T10:00:00Z' });
 * const jwe = await encryptFile(JSON.stringify(doc), key, { contentType: 'application/fhir+json' });
 * ```
 */
export function pdfAsDocumentReference(
  bytes: Uint8Array,
  title: string,
  options: PdfDocumentOptions = {},
): FhirResource {
  if (!(bytes instanceof Uint8Array))
    throw new ShlInvalidInputError('Expected the PDF as a Uint8Array');
  if (!PDF_MAGIC.every((b, i) => bytes[i] === b)) throw new ShlNotPdfError();
  if (typeof title !== 'string' || title.trim() === '') {
    throw new ShlInvalidInputError('Expected a non-empty title for the PDF');
  }
  let date: string | undefined;
  if (options.date !== undefined) {
    const d = new Date(options.date);
    if (Number.isNaN(d.getTime())) {
      throw new ShlInvalidInputError(
        `Expected date as a Date or an ISO 8601 instant, got ${typeof options.date === 'string' ? JSON.stringify(options.date) : 'an invalid Date'}`,
      );
    }
    date = d.toISOString();
  }
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    ...(options.subject ? { subject: options.subject } : {}),
    ...(date ? { date } : {}),
    description: title,
    content: [
      {
        attachment: {
          contentType: 'application/pdf',
          data: base64Encode(bytes),
          title,
          size: bytes.length,
          hash: base64Encode(sha1(bytes)),
          ...(date ? { creation: date } : {}),
        },
      },
    ],
  };
}
