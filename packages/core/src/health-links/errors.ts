/**
 * Errors of SMART Health Links (docs/spec/health-links.md § Errors). Every
 * class extends `ShlError`, carries a stable `SHL_` code and says in its
 * message what was expected.
 */
import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

const DOCS = 'spec/health-links.md';

/**
 * Base of every SMART Health Link error: catch it to handle any of them.
 *
 * @example
 * ```ts
 * try { decodeLink(text) } catch (e) {
 *   if (e instanceof ShlError) show(e.shortMessage); else throw e;
 * }
 * ```
 */
export abstract class ShlError extends BaseError {
  override readonly name: string = 'ShlError';
  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    super(shortMessage, { docsPath: DOCS, ...params });
  }
}

/**
 * The text is not a SMART Health Link: no `shlink:/` prefix, the payload is
 * not base64url, not UTF-8 JSON, not an object, or a field has the wrong type.
 *
 * @example
 * ```ts
 * decodeLink('shlink:/not-json'); // throws ShlMalformedLinkError (SHL_MALFORMED_LINK)
 * ```
 */
export class ShlMalformedLinkError extends ShlError {
  static override readonly code = 'SHL_MALFORMED_LINK';
  override readonly name = 'ShlMalformedLinkError';
  constructor(problem: string, params: BaseErrorParameters = {}) {
    super(`Not a SMART Health Link: ${problem}.`, params);
  }
}

/**
 * The payload's `key` is not 43 base64url characters encoding 32 bytes.
 *
 * @example
 * ```ts
 * decryptFile(jwe, 'short'); // rejects with ShlInvalidKeyError (SHL_INVALID_KEY)
 * ```
 */
export class ShlInvalidKeyError extends ShlError {
  static override readonly code = 'SHL_INVALID_KEY';
  override readonly name = 'ShlInvalidKeyError';
  constructor(problem: string) {
    super(
      `The link key must be 43 base64url characters (A-Z a-z 0-9 - _) encoding 32 bytes, with no padding: ${problem}.`,
    );
  }
}

/**
 * A URL (the manifest `url`, a viewer, a host base, a file `location`) is not
 * an absolute http(s) URL of the form expected.
 *
 * @example
 * ```ts
 * manifestUrl('ftp://shl.example.org', newLinkId()); // throws ShlInvalidUrlError (SHL_INVALID_URL)
 * ```
 */
export class ShlInvalidUrlError extends ShlError {
  static override readonly code = 'SHL_INVALID_URL';
  override readonly name = 'ShlInvalidUrlError';
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}.`);
  }
}

/**
 * The manifest `url` is longer than the 128 characters the specification allows.
 *
 * @example
 * ```ts
 * manifestUrl(`https://shl.example.org/${'x'.repeat(90)}`, newLinkId()); // ShlUrlTooLongError
 * ```
 */
export class ShlUrlTooLongError extends ShlError {
  static override readonly code = 'SHL_URL_TOO_LONG';
  override readonly name = 'ShlUrlTooLongError';
  /** The length of the URL refused, in characters. */
  readonly length: number;
  constructor(length: number, hint = '') {
    super(
      `The manifest url is ${length} characters; a SMART Health Link allows at most 128.${hint ? ` ${hint}` : ''}`,
    );
    this.length = length;
  }
}

/**
 * The manifest `url` of a link being made carries no random token of at
 * least 256 bits (43 base64url or 64 hex characters in its path or query),
 * so it could be guessed.
 *
 * @example
 * ```ts
 * encodeLink({ url: 'https://shl.example.org/links/42', key: newLinkKey() }); // ShlLowEntropyUrlError
 * ```
 */
export class ShlLowEntropyUrlError extends ShlError {
  static override readonly code = 'SHL_LOW_ENTROPY_URL';
  override readonly name = 'ShlLowEntropyUrlError';
  constructor(url: string) {
    super(
      `The manifest url ${JSON.stringify(url)} has no random token of 256 bits: expected a path segment or query value of at least 43 base64url characters (32 random bytes, e.g. newLinkId()) or 64 hex digits.`,
    );
  }
}

/**
 * A link id given to `manifestUrl` is not 43 base64url characters (32 bytes).
 *
 * @example
 * ```ts
 * manifestUrl('https://shl.example.org', 'abc'); // throws ShlInvalidLinkIdError (SHL_INVALID_LINK_ID)
 * ```
 */
export class ShlInvalidLinkIdError extends ShlError {
  static override readonly code = 'SHL_INVALID_LINK_ID';
  override readonly name = 'ShlInvalidLinkIdError';
  constructor(problem: string) {
    super(
      `A link id must be 43 base64url characters encoding 32 random bytes (use newLinkId()): ${problem}.`,
    );
  }
}

/**
 * The payload's `label` is longer than 80 characters.
 *
 * @example
 * ```ts
 * encodeLink({ url, key, label: 'x'.repeat(81) }); // throws ShlLabelTooLongError (SHL_LABEL_TOO_LONG)
 * ```
 */
export class ShlLabelTooLongError extends ShlError {
  static override readonly code = 'SHL_LABEL_TOO_LONG';
  override readonly name = 'ShlLabelTooLongError';
  /** The label's length, in UTF-16 code units as JavaScript counts them. */
  readonly length: number;
  constructor(length: number) {
    super(`The label is ${length} characters; a SMART Health Link label has at most 80.`);
    this.length = length;
  }
}

/**
 * The payload's `flag` is not single upper-case letters in alphabetical
 * order without repeats, or combines `U` with `P` (which the specification
 * forbids).
 *
 * @example
 * ```ts
 * encodeLink({ url, key, flag: 'PU' }); // throws ShlInvalidFlagError (SHL_INVALID_FLAG)
 * ```
 */
export class ShlInvalidFlagError extends ShlError {
  static override readonly code = 'SHL_INVALID_FLAG';
  override readonly name = 'ShlInvalidFlagError';
  constructor(flag: string, problem: string) {
    super(`flag ${JSON.stringify(flag)}: ${problem}.`);
  }
}

/**
 * A link being made names a flag other than `L`, `P` and `U`. (Reading a
 * link, unknown flags are ignored, as the specification requires.)
 *
 * @example
 * ```ts
 * encodeLink({ url, key, flag: 'LX' }); // throws ShlUnknownFlagError (SHL_UNKNOWN_FLAG)
 * ```
 */
export class ShlUnknownFlagError extends ShlError {
  static override readonly code = 'SHL_UNKNOWN_FLAG';
  override readonly name = 'ShlUnknownFlagError';
  constructor(letters: string) {
    super(`Unknown flag ${JSON.stringify(letters)}: expected only L, P and U.`);
  }
}

/**
 * The link's `exp` has passed.
 *
 * @example
 * ```ts
 * decodeLink(link, { now: Date.now() }); // throws ShlExpiredError (SHL_EXPIRED) once exp is past
 * ```
 */
export class ShlExpiredError extends ShlError {
  static override readonly code = 'SHL_EXPIRED';
  override readonly name = 'ShlExpiredError';
  /** The link's expiry, seconds since the epoch. */
  readonly exp: number;
  constructor(exp: number, nowMs: number) {
    super(
      `The link expired at ${isoOrNumber(exp * 1000)} (it is now ${isoOrNumber(nowMs)}): ask its sender for a new one.`,
    );
    this.exp = exp;
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isoOrNumber(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms / 1000} s` : date.toISOString();
}

/**
 * The link has a protocol version (`v`) this library does not speak, or a
 * link being made has `v` other than 1.
 *
 * @example
 * ```ts
 * await resolveLink(linkWithV2, { recipient: 'Dr. Who' }); // ShlUnsupportedVersionError
 * ```
 */
export class ShlUnsupportedVersionError extends ShlError {
  static override readonly code = 'SHL_UNSUPPORTED_VERSION';
  override readonly name = 'ShlUnsupportedVersionError';
  /** The version found. */
  readonly version: number;
  constructor(version: number) {
    super(
      `The link is SMART Health Links version ${version}; this library supports version 1 only.`,
    );
    this.version = version;
  }
}

/**
 * A content type is not a plain media type (`type/subtype`, no parameters).
 *
 * @example
 * ```ts
 * await encryptFile(bytes, key, { contentType: 'json' }); // ShlInvalidContentTypeError
 * ```
 */
export class ShlInvalidContentTypeError extends ShlError {
  static override readonly code = 'SHL_INVALID_CONTENT_TYPE';
  override readonly name = 'ShlInvalidContentTypeError';
  constructor(contentType: unknown) {
    super(
      `Content type ${JSON.stringify(contentType)} is not a media type: expected type/subtype, e.g. application/fhir+json.`,
    );
  }
}

/**
 * What was given to encrypt, or to wrap as a PDF, is not of the type expected.
 *
 * @example
 * ```ts
 * await encryptFile(42 as never, key, { contentType: 'application/fhir+json' }); // ShlInvalidInputError
 * ```
 */
export class ShlInvalidInputError extends ShlError {
  static override readonly code = 'SHL_INVALID_INPUT';
  override readonly name = 'ShlInvalidInputError';
  constructor(problem: string) {
    super(`${problem}.`);
  }
}

/**
 * The text is not a compact JWE as SMART Health Links use: five base64url
 * parts, a JSON header with `alg: "dir"`, `enc: "A256GCM"`, a `cty`, and
 * `zip` absent or `"DEF"`.
 *
 * @example
 * ```ts
 * await decryptFile('a.b.c', key); // rejects with ShlMalformedJweError (SHL_MALFORMED_JWE)
 * ```
 */
export class ShlMalformedJweError extends ShlError {
  static override readonly code = 'SHL_MALFORMED_JWE';
  override readonly name = 'ShlMalformedJweError';
  constructor(problem: string, params: BaseErrorParameters = {}) {
    super(
      `Not a SMART Health Link file: expected a compact JWE with alg "dir", enc "A256GCM" and a cty header; ${problem}.`,
      params,
    );
  }
}

/**
 * The JWE does not decrypt under the link's key: the key is another link's,
 * or the ciphertext, header, IV or tag were altered.
 *
 * @example
 * ```ts
 * await decryptFile(jwe, otherKey); // rejects with ShlDecryptionError (SHL_DECRYPTION_FAILED)
 * ```
 */
export class ShlDecryptionError extends ShlError {
  static override readonly code = 'SHL_DECRYPTION_FAILED';
  override readonly name = 'ShlDecryptionError';
  constructor(params: BaseErrorParameters = {}) {
    super(
      'The file does not decrypt with the link key: it was encrypted for another link or altered on the way.',
      params,
    );
  }
}

/**
 * A file (or the manifest, or a direct-file answer) is larger than the limit set.
 *
 * @example
 * ```ts
 * await decryptFile(jwe, key, { maxBytes: 1024 }); // ShlFileTooLargeError for a larger file
 * ```
 */
export class ShlFileTooLargeError extends ShlError {
  static override readonly code = 'SHL_FILE_TOO_LARGE';
  override readonly name = 'ShlFileTooLargeError';
  /** The limit, in bytes. */
  readonly limit: number;
  constructor(what: string, limit: number) {
    super(
      `${capitalized(what)} is larger than the limit of ${limit} bytes: raise maxFileBytes if it is expected.`,
    );
    this.limit = limit;
  }
}

/**
 * The files of one link together are larger than the limit set.
 *
 * @example
 * ```ts
 * await resolveLink(link, { recipient, maxTotalBytes: 1e6 }); // ShlTotalTooLargeError past 1 MB
 * ```
 */
export class ShlTotalTooLargeError extends ShlError {
  static override readonly code = 'SHL_TOTAL_TOO_LARGE';
  override readonly name = 'ShlTotalTooLargeError';
  /** The limit, in bytes. */
  readonly limit: number;
  constructor(limit: number) {
    super(
      `The link's files together are larger than the limit of ${limit} bytes: raise maxTotalBytes if it is expected.`,
    );
    this.limit = limit;
  }
}

/**
 * A manifest request (the JSON body POSTed to a manifest url) is not
 * `{recipient, passcode?, embeddedLengthMax?}` as specified.
 *
 * @example
 * ```ts
 * parseManifestRequest({ passcode: '1234' }); // throws ShlInvalidManifestRequestError
 * ```
 */
export class ShlInvalidManifestRequestError extends ShlError {
  static override readonly code = 'SHL_INVALID_MANIFEST_REQUEST';
  override readonly name = 'ShlInvalidManifestRequestError';
  constructor(problem: string) {
    super(
      `Invalid manifest request: ${problem}; expected {"recipient": 1-256 characters, "passcode"?: string, "embeddedLengthMax"?: integer >= 0}.`,
    );
  }
}

/**
 * The link is flagged `P` and no passcode was given: nothing was sent, so
 * no attempt was spent.
 *
 * @example
 * ```ts
 * await resolveLink(passcodeLink, { recipient: 'Dr. Who' }); // ShlPasscodeRequiredError
 * ```
 */
export class ShlPasscodeRequiredError extends ShlError {
  static override readonly code = 'SHL_PASSCODE_REQUIRED';
  override readonly name = 'ShlPasscodeRequiredError';
  constructor() {
    super('This link needs a passcode (flag P): ask its sender for it and pass it as `passcode`.');
  }
}

/**
 * The host refused the passcode (HTTP 401). `remainingAttempts` is how many
 * more wrong passcodes the host accepts before it disables the link, when
 * it says.
 *
 * @example
 * ```ts
 * try { await resolveLink(link, { recipient, passcode }) } catch (e) {
 *   if (e instanceof ShlPasscodeError) warn(`${e.remainingAttempts} attempts left`);
 * }
 * ```
 */
export class ShlPasscodeError extends ShlError {
  static override readonly code = 'SHL_PASSCODE_REJECTED';
  override readonly name = 'ShlPasscodeError';
  /** Wrong passcodes the host still accepts before disabling the link, if it said. */
  readonly remainingAttempts: number | undefined;
  constructor(remainingAttempts?: number) {
    super(
      remainingAttempts === undefined
        ? 'The host refused the passcode.'
        : `The host refused the passcode: ${remainingAttempts} attempt${remainingAttempts === 1 ? '' : 's'} left before the link is disabled.`,
    );
    this.remainingAttempts = remainingAttempts;
  }
}

/**
 * The host does not know the link, or no longer serves it (HTTP 404): it
 * expired, was revoked, or was disabled after too many wrong passcodes.
 *
 * @example
 * ```ts
 * await resolveLink(revokedLink, { recipient }); // rejects with ShlNotFoundError (SHL_NOT_FOUND)
 * ```
 */
export class ShlNotFoundError extends ShlError {
  static override readonly code = 'SHL_NOT_FOUND';
  override readonly name = 'ShlNotFoundError';
  constructor() {
    super(
      'The host no longer serves this link (404): it expired, was revoked or was disabled after too many wrong passcodes. Ask its sender for a new one.',
    );
  }
}

/**
 * The host answered 429: too many requests for this link.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ShlRateLimitedError) retryIn(e.retryAfterSeconds ?? 60) }
 * ```
 */
export class ShlRateLimitedError extends ShlError {
  static override readonly code = 'SHL_RATE_LIMITED';
  override readonly name = 'ShlRateLimitedError';
  /** The host's `Retry-After`, in seconds, when it gave one as a number. */
  readonly retryAfterSeconds: number | undefined;
  constructor(retryAfterSeconds?: number) {
    super(
      `The host is refusing requests for this link for now (429)${retryAfterSeconds === undefined ? '' : `: retry after ${retryAfterSeconds} s`}.`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The host answered with an HTTP status the protocol does not expect there.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ShlHostError) log(e.status) }
 * ```
 */
export class ShlHostError extends ShlError {
  static override readonly code = 'SHL_HOST_ERROR';
  override readonly name = 'ShlHostError';
  /** The HTTP status received. */
  readonly status: number;
  constructor(what: string, status: number) {
    super(`${capitalized(what)} answered HTTP ${status}; expected 200.`);
    this.status = status;
  }
}

/**
 * The host could not be reached (network failure, DNS, TLS, a redirect of
 * the manifest request, or the request was aborted).
 *
 * @example
 * ```ts
 * await resolveLink(link, { recipient, signal: AbortSignal.timeout(10_000) }); // ShlUnreachableError on timeout
 * ```
 */
export class ShlUnreachableError extends ShlError {
  static override readonly code = 'SHL_UNREACHABLE';
  override readonly name = 'ShlUnreachableError';
  constructor(what: string, cause: unknown) {
    super(`Could not reach ${what}.`, {
      cause,
      details: cause instanceof Error ? cause.message : String(cause),
    });
  }
}

/**
 * The manifest is not JSON of the form `{files: [{contentType, embedded | location}]}`.
 *
 * @example
 * ```ts
 * parseManifest({ files: [{ contentType: 'application/fhir+json' }] }); // ShlMalformedManifestError
 * ```
 */
export class ShlMalformedManifestError extends ShlError {
  static override readonly code = 'SHL_MALFORMED_MANIFEST';
  override readonly name = 'ShlMalformedManifestError';
  constructor(problem: string) {
    super(
      `The manifest is malformed: ${problem}; expected {"files": [{"contentType": ..., "embedded" or "location": ...}]}.`,
    );
  }
}

/**
 * A manifest points a file `location` at another origin than the manifest
 * url's (refused unless `allowForeignLocations`), or a file was redirected
 * there.
 *
 * @example
 * ```ts
 * await resolveLink(link, { recipient, allowForeignLocations: true }); // to accept such links
 * ```
 */
export class ShlForeignLocationError extends ShlError {
  static override readonly code = 'SHL_FOREIGN_LOCATION';
  override readonly name = 'ShlForeignLocationError';
  constructor(location: string, expectedOrigin: string) {
    super(
      `The manifest sends a file to ${location}, outside the link's host ${expectedOrigin}: refused (pass allowForeignLocations: true to accept files from other hosts).`,
    );
  }
}

/**
 * A URL to be contacted is plain http on a host other than this machine
 * (refused unless `allowInsecureHttp`): the passcode and files would travel
 * in the clear.
 *
 * @example
 * ```ts
 * await resolveLink(httpLink, { recipient, allowInsecureHttp: true }); // only for test networks
 * ```
 */
export class ShlInsecureUrlError extends ShlError {
  static override readonly code = 'SHL_INSECURE_URL';
  override readonly name = 'ShlInsecureUrlError';
  constructor(url: string) {
    super(
      `${url} is plain http to another machine: expected https (http is accepted only for localhost, 127.0.0.0/8 and [::1], or with allowInsecureHttp).`,
    );
  }
}

/**
 * A file's JWE `cty` differs from the content type the manifest gives it.
 *
 * @example
 * ```ts
 * await resolveLink(link, { recipient }); // ShlContentTypeMismatchError if the two disagree
 * ```
 */
export class ShlContentTypeMismatchError extends ShlError {
  static override readonly code = 'SHL_CONTENT_TYPE_MISMATCH';
  override readonly name = 'ShlContentTypeMismatchError';
  constructor(manifest: string, cty: string) {
    super(
      `The manifest says the file is ${manifest} but its JWE cty says ${cty}: expected the same content type.`,
    );
  }
}

/**
 * A decrypted file is not what its content type says: `application/fhir+json`
 * must be a JSON object with a `resourceType`, `application/smart-health-card`
 * a JSON object with a `verifiableCredential` array of JWS strings.
 *
 * @example
 * ```ts
 * await resolveLink(link, { recipient }); // ShlMalformedContentError for a broken FHIR file
 * ```
 */
export class ShlMalformedContentError extends ShlError {
  static override readonly code = 'SHL_MALFORMED_CONTENT';
  override readonly name = 'ShlMalformedContentError';
  constructor(contentType: string, problem: string) {
    super(`A ${contentType} file is malformed: ${problem}.`);
  }
}

/**
 * The bytes given as a PDF do not start with `%PDF-`.
 *
 * @example
 * ```ts
 * pdfAsDocumentReference(new Uint8Array([1, 2, 3]), 'Scan'); // throws ShlNotPdfError (SHL_NOT_PDF)
 * ```
 */
export class ShlNotPdfError extends ShlError {
  static override readonly code = 'SHL_NOT_PDF';
  override readonly name = 'ShlNotPdfError';
  constructor() {
    super('The bytes are not a PDF: expected a file starting with %PDF-.');
  }
}
