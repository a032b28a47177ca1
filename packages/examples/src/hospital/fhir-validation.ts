/**
 * Checks that a file the records desk uploads is a FHIR R4 resource before
 * it is sealed: core's FHIR R4 check (`@medvault/core/provider-import`,
 * FHIR.js against the R4 structure definitions), its complaint in the
 * desk's words and under the desk's own error code.
 */
import { BaseError } from '@medvault/core/errors';
import {
  checkFhirResource as checkR4,
  type FhirCheck,
  fhirResourceTypes,
  ImportInvalidFhirError,
} from '@medvault/core/provider-import';

export { type FhirCheck, fhirResourceTypes };

/**
 * A file that is not a valid FHIR R4 resource: its `shortMessage` says
 * what is wrong and what was expected, in words for the records desk.
 *
 * @example
 * ```ts
 * try { checkFhirResource({ resourceType: 'Banana' }) } catch (e) {
 *   if (e instanceof InvalidFhirError) show(e.shortMessage); // '"Banana" is not a FHIR R4 resource type. …'
 * }
 * ```
 */
export class InvalidFhirError extends BaseError {
  static override readonly code = 'HOSPITAL_INVALID_FHIR';
  override readonly name = 'InvalidFhirError';
  constructor(message: string, details?: string, cause?: unknown) {
    super(message, { details, cause });
  }
}

/**
 * Checks a parsed JSON value as a FHIR R4 resource (core's
 * `checkFhirResource`, naming the value "the file"). Throws
 * `InvalidFhirError` naming the first fault and what was expected.
 *
 * @example
 * ```ts
 * checkFhirResource({ resourceType: 'Observation', status: 'final', code: { text: 'HbA1c' } }); // { resourceType: 'Observation' }
 * checkFhirResource({ resourceType: 'Banana' }); // throws InvalidFhirError: '"Banana" is not a FHIR R4 resource type. …'
 * ```
 */
export function checkFhirResource(value: unknown): FhirCheck {
  try {
    return checkR4(value, { what: 'The file' });
  } catch (error) {
    if (error instanceof ImportInvalidFhirError) {
      throw new InvalidFhirError(error.shortMessage, error.details, error);
    }
    throw error;
  }
}

/**
 * Parses FHIR JSON text and checks it (`checkFhirResource`); text that is
 * not JSON is an `InvalidFhirError` as well.
 *
 * @example
 * ```ts
 * const { resourceType } = checkFhirJson(await file.text());
 * ```
 */
export function checkFhirJson(text: string): FhirCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidFhirError(
      'The file is not JSON, so it is not a FHIR JSON resource (nor a PDF).',
      (error as Error).message,
    );
  }
  return checkFhirResource(value);
}
