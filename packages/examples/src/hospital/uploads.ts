/**
 * What the records desk may upload, checked on the hospital's server before
 * the page seals anything: a category the desk offers (there is no default:
 * a letter filed under lab results would reach whoever the patient shares
 * lab results with), and a PDF or a valid FHIR R4 resource.
 */
import { HttpError } from '@medvault/node/http';
import { checkFhirJson, InvalidFhirError } from './fhir-validation.js';

/**
 * The categories the desk's upload form offers, by value, with the words it shows.
 *
 * @example
 * ```ts
 * UPLOAD_CATEGORIES.laboratory; // 'Lab results'
 * ```
 */
export const UPLOAD_CATEGORIES: Readonly<Record<string, string>> = {
  laboratory: 'Lab results',
  'problem-list': 'Conditions',
  medication: 'Medications',
  summary: 'Summaries and letters',
  imaging: 'Imaging',
};

/**
 * The largest file the desk uploads, bytes (the whole file goes to the check).
 *
 * @example
 * ```ts
 * if (file.size > MAX_UPLOAD_BYTES) refuse('too large');
 * ```
 */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/**
 * What the page seals an upload as, once it passed the check.
 *
 * @example
 * ```ts
 * const checked = (await (await fetch('/api/uploads/check?category=laboratory', { method: 'POST', body: file })).json()) as CheckedUpload;
 * // { category: 'laboratory', contentType: 'application/fhir+json', resourceType: 'Observation' }
 * ```
 */
export type CheckedUpload = {
  category: string;
  contentType: 'application/pdf' | 'application/fhir+json';
  resourceType: string;
};

/**
 * The form field an upload refusal concerns, beside `error` in its answer,
 * so that the page shows the message next to that field.
 *
 * @example
 * ```ts
 * const { field } = (await response.json()) as { field?: UploadField };
 * ```
 */
export type UploadField = 'category' | 'file';

const refuse = (code: string, field: UploadField, message: string) =>
  new HttpError(422, code, message, { extra: { field } });

const isPdf = (bytes: Uint8Array) =>
  bytes.length >= 5 && new TextDecoder().decode(bytes.subarray(0, 5)) === '%PDF-';

/**
 * Checks an upload: throws the `HttpError` (422) the page shows beside the
 * field — `HOSPITAL_NO_CATEGORY` and `HOSPITAL_UNKNOWN_CATEGORY` (field
 * `category`), `HOSPITAL_EMPTY_FILE` and `HOSPITAL_INVALID_FHIR` (field
 * `file`) — or says how to seal it.
 *
 * @example
 * ```ts
 * checkUpload('laboratory', bytes); // { category: 'laboratory', contentType: 'application/fhir+json', resourceType: 'Bundle' }
 * checkUpload('', bytes); // throws HttpError 422 HOSPITAL_NO_CATEGORY
 * ```
 */
export function checkUpload(category: string, bytes: Uint8Array): CheckedUpload {
  if (category === '') {
    throw refuse(
      'HOSPITAL_NO_CATEGORY',
      'category',
      'Choose a category. It decides which of the patient’s shares include this record: a letter filed under lab results would reach everyone the patient shares lab results with.',
    );
  }
  if (!Object.hasOwn(UPLOAD_CATEGORIES, category)) {
    throw refuse(
      'HOSPITAL_UNKNOWN_CATEGORY',
      'category',
      `${JSON.stringify(category.slice(0, 64))} is not a category this desk sends: choose ${Object.values(UPLOAD_CATEGORIES).join(', ')}.`,
    );
  }
  if (bytes.length === 0) {
    throw refuse('HOSPITAL_EMPTY_FILE', 'file', 'Choose a file: a FHIR JSON resource or a PDF.');
  }
  if (isPdf(bytes))
    return { category, contentType: 'application/pdf', resourceType: 'DocumentReference' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuse(
      InvalidFhirError.code,
      'file',
      'That file is neither a PDF nor FHIR JSON text: send a FHIR R4 resource as JSON, or a PDF.',
    );
  }
  try {
    const { resourceType } = checkFhirJson(text);
    return { category, contentType: 'application/fhir+json', resourceType };
  } catch (error) {
    if (error instanceof InvalidFhirError) throw refuse(error.code, 'file', error.shortMessage);
    throw error;
  }
}
