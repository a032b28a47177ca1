/**
 * Errors of the provider import (docs/spec/provider-import.md § Errors).
 * Every class extends `ImportError`, carries a stable `IMPORT_` code and says
 * in plain words what was expected. A sync never throws them at its caller
 * for what a server sent: they are recorded in its report (`failed`,
 * `stoppedAt`); only options that make no sync possible are thrown.
 */
import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

const DOCS = 'spec/provider-import.md';

/**
 * Base of every provider-import error: catch it to handle any of them.
 *
 * @example
 * ```ts
 * for (const { ref, error } of report.failed) {
 *   if (error instanceof ImportError) show(`${ref}: ${error.shortMessage}`);
 * }
 * ```
 */
export abstract class ImportError extends BaseError {
  override readonly name: string = 'ImportError';
  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    super(shortMessage, { docsPath: DOCS, ...params });
  }
}

/**
 * Options that make no sync possible: a server URL that is not an absolute
 * http(s) URL (plain http only to this machine), a patient id that is not a
 * FHIR id, a limit that is not a positive integer, a client for another server.
 *
 * @example
 * ```ts
 * await syncFromProvider({ client, patientId: '../etc', land }); // throws ImportOptionsError (IMPORT_INVALID_OPTIONS)
 * ```
 */
export class ImportOptionsError extends ImportError {
  static override readonly code = 'IMPORT_INVALID_OPTIONS';
  override readonly name = 'ImportOptionsError';
  constructor(problem: string) {
    super(`Cannot import: ${problem}.`);
  }
}

/**
 * A resource that is not valid FHIR R4: an unknown resource type, a field
 * R4 does not define, a required field missing, a code outside a required
 * value set, a value of the wrong type.
 *
 * @example
 * ```ts
 * checkFhirResource({ resourceType: 'Banana' }); // throws ImportInvalidFhirError (IMPORT_INVALID_FHIR)
 * ```
 */
export class ImportInvalidFhirError extends ImportError {
  static override readonly code = 'IMPORT_INVALID_FHIR';
  override readonly name = 'ImportInvalidFhirError';
  constructor(message: string, details?: string) {
    super(message, { details });
  }
}

/**
 * A resource without what makes its import key: an `id` (a FHIR id, 1–64
 * of A–Z a–z 0–9 - .) and a `meta.versionId` or a `meta.lastUpdated`
 * instant. Without them a later sync could not tell a new version from the
 * one already imported.
 *
 * @example
 * ```ts
 * // { resourceType: 'Observation', id: 'o1', status: 'final', … } without meta
 * report.failed[0].error.code; // 'IMPORT_UNVERSIONED'
 * ```
 */
export class ImportUnversionedError extends ImportError {
  static override readonly code = 'IMPORT_UNVERSIONED';
  override readonly name = 'ImportUnversionedError';
  constructor(ref: string, problem: string) {
    super(
      `${ref} ${problem}: an imported resource needs an id and a meta.versionId or meta.lastUpdated, so that a later sync can tell a new version from this one.`,
    );
  }
}

/**
 * A resource that is not the signed-in patient's: its patient or subject
 * reference names another patient, or none. A server answering a patient's
 * search with someone else's records is refused record by record.
 *
 * @example
 * ```ts
 * report.failed.find((f) => f.error.code === 'IMPORT_WRONG_PATIENT')?.ref; // 'Observation/o9'
 * ```
 */
export class ImportWrongPatientError extends ImportError {
  static override readonly code = 'IMPORT_WRONG_PATIENT';
  override readonly name = 'ImportWrongPatientError';
  constructor(ref: string, expected: string, found: string | undefined) {
    super(
      `${ref} is not this patient's: expected its ${found === undefined ? 'patient reference' : 'reference'} to name Patient/${expected}, found ${found === undefined ? 'none' : JSON.stringify(found.slice(0, 200))}.`,
    );
  }
}

/**
 * A search page entry that is not a resource of the type searched for (an
 * entry without a resource, a Patient in an Observation search).
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_UNEXPECTED_RESOURCE'
 * ```
 */
export class ImportUnexpectedResourceError extends ImportError {
  static override readonly code = 'IMPORT_UNEXPECTED_RESOURCE';
  override readonly name = 'ImportUnexpectedResourceError';
  constructor(expected: string, found: string) {
    super(`Expected a ${expected} resource, found ${found}.`);
  }
}

/**
 * A page that is not a FHIR search result: not JSON, not a Bundle of type
 * `searchset`, entries or links of the wrong shape. The rest of that
 * resource type is left for the next sync.
 *
 * @example
 * ```ts
 * report.failed.find((f) => f.error instanceof ImportMalformedPageError); // { ref: 'Observation (page 2)', … }
 * ```
 */
export class ImportMalformedPageError extends ImportError {
  static override readonly code = 'IMPORT_MALFORMED_PAGE';
  override readonly name = 'ImportMalformedPageError';
  constructor(what: string, problem: string, cause?: unknown) {
    super(`${what} is not a FHIR search result: ${problem}.`, { cause });
  }
}

/**
 * A page or resource larger than the sync accepts (`maxPageBytes`, or more
 * entries than `maxPageEntries`).
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_PAGE_TOO_LARGE'
 * ```
 */
export class ImportPageTooLargeError extends ImportError {
  static override readonly code = 'IMPORT_PAGE_TOO_LARGE';
  override readonly name = 'ImportPageTooLargeError';
  constructor(what: string, limit: string) {
    super(`${what} is larger than an import accepts: at most ${limit}.`);
  }
}

/**
 * A `next` link or an attachment URL on another origin than the FHIR
 * server's: following it would send the patient's access token elsewhere.
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_FOREIGN_URL'
 * ```
 */
export class ImportForeignUrlError extends ImportError {
  static override readonly code = 'IMPORT_FOREIGN_URL';
  override readonly name = 'ImportForeignUrlError';
  constructor(what: string, url: string, origin: string) {
    super(
      `${what} points to ${JSON.stringify(url.slice(0, 200))}, outside the FHIR server (${origin}): it is not followed, so the access token never leaves the server.`,
    );
  }
}

/**
 * Paging that does not end: a `next` link to a page already read, or more
 * pages than `maxPages`.
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_PAGING_LOOP'
 * ```
 */
export class ImportPagingLoopError extends ImportError {
  static override readonly code = 'IMPORT_PAGING_LOOP';
  override readonly name = 'ImportPagingLoopError';
  constructor(type: string, problem: string) {
    super(`The ${type} search does not end: ${problem}.`);
  }
}

/**
 * A search result not sorted by `_lastUpdated` though the sync asked for
 * it: a sync that stopped part-way could then not resume from the newest
 * resource it landed. The rest of that type is not imported.
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_UNSORTED'
 * ```
 */
export class ImportUnsortedError extends ImportError {
  static override readonly code = 'IMPORT_UNSORTED';
  override readonly name = 'ImportUnsortedError';
  constructor(type: string, earlier: string, later: string) {
    super(
      `The server returned ${type} resources out of _lastUpdated order (${later} after ${earlier}): the import needs a server that honours _sort=_lastUpdated to resume safely.`,
    );
  }
}

/**
 * An attachment over the size cap (`maxAttachmentBytes`, 20 MiB by
 * default): its DocumentReference is not imported at all.
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_ATTACHMENT_TOO_LARGE'
 * ```
 */
export class ImportAttachmentTooLargeError extends ImportError {
  static override readonly code = 'IMPORT_ATTACHMENT_TOO_LARGE';
  override readonly name = 'ImportAttachmentTooLargeError';
  /** The cap, in bytes. */
  readonly limit: number;
  constructor(ref: string, url: string, limit: number, size?: number) {
    super(
      `${ref} has an attachment (${url.slice(0, 200)}) ${size === undefined ? 'larger than' : `of ${size} bytes, over`} the ${limit}-byte cap: the record is not imported.`,
    );
    this.limit = limit;
  }
}

/**
 * An attachment whose bytes do not match what its DocumentReference says
 * (`attachment.size`, the SHA-1 `attachment.hash`), or whose server answer
 * is not its content.
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_ATTACHMENT_MISMATCH'
 * ```
 */
export class ImportAttachmentMismatchError extends ImportError {
  static override readonly code = 'IMPORT_ATTACHMENT_MISMATCH';
  override readonly name = 'ImportAttachmentMismatchError';
  constructor(ref: string, url: string, problem: string) {
    super(`${ref}: the attachment ${url.slice(0, 200)} ${problem}.`);
  }
}

/**
 * The FHIR server answered 401: the authorisation expired or was revoked
 * (or refreshing it failed). The sync stops; sign in at the provider again.
 *
 * @example
 * ```ts
 * report.stoppedAt?.error.code; // 'IMPORT_UNAUTHORIZED'
 * ```
 */
export class ImportUnauthorizedError extends ImportError {
  static override readonly code = 'IMPORT_UNAUTHORIZED';
  override readonly name = 'ImportUnauthorizedError';
  constructor(url: string, cause?: unknown) {
    super(
      'The provider refused the authorisation (it expired or was revoked): sign in at the provider again, then sync again to continue.',
      { details: url, cause },
    );
  }
}

/**
 * The FHIR server answered 403: the authorisation does not cover this
 * (say, no read scope for the resource type). That type is skipped.
 *
 * @example
 * ```ts
 * report.failed[0].error.code; // 'IMPORT_FORBIDDEN'
 * ```
 */
export class ImportForbiddenError extends ImportError {
  static override readonly code = 'IMPORT_FORBIDDEN';
  override readonly name = 'ImportForbiddenError';
  constructor(url: string, cause?: unknown) {
    super(
      'The provider does not let this authorisation read this: sign in again and allow reading these records.',
      { details: url, cause },
    );
  }
}

/**
 * The FHIR server answered 404 or 410: no such resource (the patient, an
 * attachment), or no search for this resource type.
 *
 * @example
 * ```ts
 * report.stoppedAt?.error.code; // 'IMPORT_NOT_FOUND' (no such patient)
 * ```
 */
export class ImportNotFoundError extends ImportError {
  static override readonly code = 'IMPORT_NOT_FOUND';
  override readonly name = 'ImportNotFoundError';
  constructor(url: string, cause?: unknown) {
    super(`The provider has nothing at ${url.slice(0, 200)}.`, { cause });
  }
}

/**
 * The FHIR server answered 429 more often than the sync waits for (or
 * asked to wait longer than it does). The sync stops; sync again later.
 *
 * @example
 * ```ts
 * const wait = (report.stoppedAt?.error as ImportRateLimitedError).retryAfterSeconds;
 * ```
 */
export class ImportRateLimitedError extends ImportError {
  static override readonly code = 'IMPORT_RATE_LIMITED';
  override readonly name = 'ImportRateLimitedError';
  /** What the server's Retry-After asked for, in seconds, when it said. */
  readonly retryAfterSeconds: number | undefined;
  constructor(url: string, retryAfterSeconds?: number, cause?: unknown) {
    super(
      `The provider is limiting requests${retryAfterSeconds === undefined ? '' : ` (it asks to wait ${retryAfterSeconds} s)`}: sync again later to continue where this one stopped.`,
      { details: url, cause },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The FHIR server answered 5xx. The sync stops; what it landed stays, and
 * the next sync continues from there.
 *
 * @example
 * ```ts
 * (report.stoppedAt?.error as ImportServerError).status; // 503
 * ```
 */
export class ImportServerError extends ImportError {
  static override readonly code = 'IMPORT_SERVER_ERROR';
  override readonly name = 'ImportServerError';
  /** The HTTP status. */
  readonly status: number;
  constructor(url: string, status: number, cause?: unknown) {
    super(
      `The provider's server failed (HTTP ${status}): sync again later to continue where this one stopped.`,
      { details: url, cause },
    );
    this.status = status;
  }
}

/**
 * Any other refusal by the FHIR server (a 400 to a search, say).
 *
 * @example
 * ```ts
 * (report.failed[0].error as ImportHttpError).status; // 400
 * ```
 */
export class ImportHttpError extends ImportError {
  static override readonly code = 'IMPORT_HTTP_ERROR';
  override readonly name = 'ImportHttpError';
  /** The HTTP status. */
  readonly status: number;
  constructor(url: string, status: number, cause?: unknown) {
    super(`The provider refused the request (HTTP ${status}).`, { details: url, cause });
    this.status = status;
  }
}

/**
 * No answer: the server is unreachable, the connection broke, or a request
 * took longer than `requestTimeoutMs`. The sync stops.
 *
 * @example
 * ```ts
 * report.stoppedAt?.error.code; // 'IMPORT_NETWORK'
 * ```
 */
export class ImportNetworkError extends ImportError {
  static override readonly code = 'IMPORT_NETWORK';
  override readonly name = 'ImportNetworkError';
  constructor(url: string, cause?: unknown) {
    super(
      "The provider's server could not be reached or did not answer in time: check the connection, then sync again to continue.",
      { details: url, cause },
    );
  }
}

/**
 * The caller aborted the sync (its `signal`). What was landed stays.
 *
 * @example
 * ```ts
 * controller.abort(); // the report: stoppedAt.error.code === 'IMPORT_ABORTED'
 * ```
 */
export class ImportAbortedError extends ImportError {
  static override readonly code = 'IMPORT_ABORTED';
  override readonly name = 'ImportAbortedError';
  constructor(cause?: unknown) {
    super('The sync was stopped before it finished; the next sync continues from here.', {
      cause,
    });
  }
}

/**
 * Thrown by a `land` callback to refuse one resource (say, its category has
 * no key to seal to): it is reported among the failures and the sync goes on.
 *
 * @example
 * ```ts
 * const land = async (record) => {
 *   if (!keys.has(record.category)) throw new ImportLandRefusedError(record.ref, `no key for "${record.category}"`);
 * };
 * ```
 */
export class ImportLandRefusedError extends ImportError {
  static override readonly code = 'IMPORT_LAND_REFUSED';
  override readonly name = 'ImportLandRefusedError';
  constructor(ref: string, reason: string, cause?: unknown) {
    super(`${ref} was not added to the records: ${reason}.`, { cause });
  }
}

/**
 * The `land` callback failed (storage or ledger host unreachable, a refused
 * entry): the sync stops at once, since what was landed is no longer known
 * for sure. Its `cause` is the callback's error.
 *
 * @example
 * ```ts
 * report.stoppedAt?.error.walk(); // the ledger host's error
 * ```
 */
export class ImportLandFailedError extends ImportError {
  static override readonly code = 'IMPORT_LAND_FAILED';
  override readonly name = 'ImportLandFailedError';
  constructor(ref: string, cause: unknown) {
    const reason = cause instanceof Error ? (cause.message.split('\n')[0] ?? '') : String(cause);
    super(
      `${ref} could not be added to the records (${reason.slice(0, 300)}): the sync stopped; sync again to continue.`,
      { cause },
    );
  }
}

/**
 * Bytes given to `provenanceOf` that are not an imported record: not a
 * FHIR `collection` Bundle holding one resource and a Provenance that
 * targets it with its source.
 *
 * @example
 * ```ts
 * provenanceOf(new TextEncoder().encode('{}')); // throws ImportMalformedRecordError (IMPORT_MALFORMED_RECORD)
 * ```
 */
export class ImportMalformedRecordError extends ImportError {
  static override readonly code = 'IMPORT_MALFORMED_RECORD';
  override readonly name = 'ImportMalformedRecordError';
  constructor(problem: string) {
    super(`Not an imported record: ${problem}.`);
  }
}

/**
 * A note given to `importKey` that is not an imported record's note (no
 * `importedFrom: 'smart-on-fhir'`, or an `origin`, `source` or `version`
 * missing or malformed).
 *
 * @example
 * ```ts
 * importKey({ title: 'Lipid panel', origin: 'https://hospital.example' }); // throws ImportMalformedNoteError
 * ```
 */
export class ImportMalformedNoteError extends ImportError {
  static override readonly code = 'IMPORT_MALFORMED_NOTE';
  override readonly name = 'ImportMalformedNoteError';
  constructor(problem: string) {
    super(`Not an imported record's note: ${problem}.`);
  }
}

/**
 * The error for an HTTP status from the FHIR server: one place maps them.
 *
 * @example
 * ```ts
 * errorForStatus(503, url).code; // 'IMPORT_SERVER_ERROR'
 * ```
 */
export function errorForStatus(
  status: number,
  url: string,
  retryAfterSeconds?: number,
  cause?: unknown,
): ImportError {
  switch (true) {
    case status === 401:
      return new ImportUnauthorizedError(url, cause);
    case status === 403:
      return new ImportForbiddenError(url, cause);
    case status === 404 || status === 410:
      return new ImportNotFoundError(url, cause);
    case status === 429:
      return new ImportRateLimitedError(url, retryAfterSeconds, cause);
    case status >= 500:
      return new ImportServerError(url, status, cause);
    default:
      return new ImportHttpError(url, status, cause);
  }
}
