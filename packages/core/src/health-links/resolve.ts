/**
 * The receiving side of a SMART Health Link (docs/spec/health-links.md §
 * Resolving a link): from the link text to its decrypted files, over
 * `fetch`, in browsers and Node alike.
 */
import {
  ShlContentTypeMismatchError,
  ShlFileTooLargeError,
  ShlForeignLocationError,
  ShlHostError,
  ShlInsecureUrlError,
  ShlInvalidInputError,
  ShlMalformedContentError,
  ShlMalformedManifestError,
  ShlNotFoundError,
  ShlPasscodeError,
  ShlPasscodeRequiredError,
  ShlRateLimitedError,
  ShlTotalTooLargeError,
  ShlUnreachableError,
  ShlUnsupportedVersionError,
} from './errors.js';
import type { FhirResource } from './fhir.js';
import { decryptFile, maxJweLength, SHL_DEFAULT_MAX_FILE_BYTES } from './jwe.js';
import {
  type ManifestRequest,
  parseManifest,
  parseManifestRequest,
  passcodeRejectionSchema,
  type ShlManifest,
} from './manifest.js';
import { decodeLink, hasFlag } from './payload.js';

/**
 * The default limit of all files of one link together: 200 MiB.
 *
 * @example
 * ```ts
 * await resolveLink(link, { recipient, maxTotalBytes: 4 * SHL_DEFAULT_MAX_TOTAL_BYTES });
 * ```
 */
export const SHL_DEFAULT_MAX_TOTAL_BYTES = 200 * 1024 * 1024;

/**
 * Options of `resolveLink`.
 *
 * @example
 * ```ts
 * const options: ResolveLinkOptions = {
 *   recipient: 'Dr. Rivera, Springfield Clinic',
 *   passcode: '7291',
 *   signal: AbortSignal.timeout(30_000),
 * };
 * ```
 */
export type ResolveLinkOptions = {
  /** Who receives, as the patient will see it in the access log (1–256 characters). */
  recipient: string;
  /** The passcode, for a link flagged P (sent only then). */
  passcode?: string;
  /** Ask the host to embed only files whose JWE is at most this long. */
  embeddedLengthMax?: number;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** The current time in milliseconds since the epoch, for `exp` (default `Date.now()`). */
  now?: number;
  /** The largest decrypted file accepted, in bytes (default 50 MiB). */
  maxFileBytes?: number;
  /** The largest total of decrypted files accepted, in bytes (default 200 MiB). */
  maxTotalBytes?: number;
  /** Accept file locations on other origins than the manifest url's (default false). */
  allowForeignLocations?: boolean;
  /** Accept plain http to hosts other than this machine (default false; test networks only). */
  allowInsecureHttp?: boolean;
  /** Aborts every request (e.g. `AbortSignal.timeout(30_000)`). */
  signal?: AbortSignal;
};

/**
 * One decrypted file of a link.
 *
 * @example
 * ```ts
 * for (const file of resolved.files) if (file.resource) render(file.resource);
 * ```
 */
export type ShlResolvedFile = {
  /** The file's content type (manifest and JWE `cty` agree). */
  contentType: string;
  /** The decrypted bytes. */
  bytes: Uint8Array;
  /** For `application/fhir+json`: the parsed resource. */
  resource?: FhirResource;
  /** For `application/smart-health-card`: the JWS strings, NOT verified. */
  verifiableCredential?: string[];
  /** For `application/smart-api-access`: the parsed token response. */
  json?: Record<string, unknown>;
  /** The manifest's `lastUpdated` of the file, if given. */
  lastUpdated?: string;
  /** The manifest's `status` of the file, if given. */
  status?: string;
  /** The manifest's `fhirVersion` of the file, if given. */
  fhirVersion?: string;
};

/**
 * What a link resolved to.
 *
 * @example
 * ```ts
 * const { label, exp, files } = await resolveLink(link, { recipient: 'Dr. Rivera' });
 * ```
 */
export type ShlResolved = {
  /** The link's label. */
  label?: string;
  /** The link's expiry, seconds since the epoch. */
  exp?: number;
  /** The link's flags. */
  flag?: string;
  /** The manifest's `status`, if given. */
  status?: string;
  /** The manifest's FHIR `list`, if given. */
  list?: Record<string, unknown>;
  /** The files, in manifest order. */
  files: ShlResolvedFile[];
};

/** Whether `url` points at this machine (localhost, 127.0.0.0/8, [::1]). */
function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** `url` with its path hidden: manifest and file URLs are capabilities, kept out of messages. */
function shown(url: URL): string {
  return `${url.origin}/…`;
}

function checkTransport(url: URL, allowInsecureHttp: boolean): void {
  if (url.protocol === 'http:' && !isLoopback(url) && !allowInsecureHttp) {
    throw new ShlInsecureUrlError(shown(url));
  }
}

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ShlInvalidInputError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Drops a response body we will not read, so its connection is freed. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/** The body of `response`, refusing more than `limit` bytes as it arrives. */
async function readLimited(
  response: Response,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await discard(response);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

/**
 * Fails with the typed error of a non-2xx answer; a 401 to the manifest
 * request is a refused passcode, with its count.
 */
async function failFor(response: Response, what: string, manifest = false): Promise<never> {
  if (response.status === 401 && manifest) {
    let remaining: number | undefined;
    try {
      const body = await readLimited(response, 65_536, () => new Error('too large'));
      const parsed = passcodeRejectionSchema.safeParse(JSON.parse(utf8(body)));
      if (parsed.success) remaining = parsed.data.remainingAttempts;
    } catch {
      // a 401 without the count is still a refused passcode
    }
    throw new ShlPasscodeError(remaining);
  }
  await discard(response);
  if (response.status === 404 || response.status === 410) throw new ShlNotFoundError();
  if (response.status === 429) {
    const retry = Number(response.headers.get('retry-after'));
    throw new ShlRateLimitedError(Number.isInteger(retry) && retry >= 0 ? retry : undefined);
  }
  throw new ShlHostError(what, response.status);
}

/** Parses a decrypted file by its content type. */
function interpret(contentType: string, bytes: Uint8Array): Partial<ShlResolvedFile> {
  const known =
    contentType === 'application/fhir+json' ||
    contentType === 'application/smart-health-card' ||
    contentType === 'application/smart-api-access';
  if (!known) return {};
  let value: unknown;
  try {
    value = JSON.parse(utf8(bytes));
  } catch (cause) {
    throw new ShlMalformedContentError(contentType, `not UTF-8 JSON (${(cause as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShlMalformedContentError(contentType, 'expected a JSON object');
  }
  const o = value as Record<string, unknown>;
  if (contentType === 'application/fhir+json') {
    if (typeof o.resourceType !== 'string' || !/^[A-Z][A-Za-z]*$/.test(o.resourceType)) {
      throw new ShlMalformedContentError(contentType, 'expected a resourceType such as "Bundle"');
    }
    return { resource: o as FhirResource };
  }
  if (contentType === 'application/smart-health-card') {
    const vc = o.verifiableCredential;
    const jws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
    if (!Array.isArray(vc) || !vc.every((s) => typeof s === 'string' && jws.test(s))) {
      throw new ShlMalformedContentError(
        contentType,
        'expected verifiableCredential: an array of compact JWS strings',
      );
    }
    return { verifiableCredential: vc as string[] };
  }
  return { json: o };
}

/**
 * Resolves a SMART Health Link to its decrypted files, as a receiver:
 *
 * 1. decodes the link (`decodeLink`: malformed, expired — typed errors), refuses
 *    `v` above 1, and plain http to another machine unless `allowInsecureHttp`;
 * 2. flag U: GETs `url?recipient=…` for the one encrypted file; otherwise
 *    POSTs `{recipient, passcode?, embeddedLengthMax?}` to `url` (a redirect
 *    is refused: the passcode goes to the link's host only). 401 is
 *    `ShlPasscodeError` with `remainingAttempts`, 404 `ShlNotFoundError`,
 *    429 `ShlRateLimitedError`;
 * 3. checks the manifest, and fetches each `location` without credentials —
 *    refusing one on another origin than `url`'s unless `allowForeignLocations`;
 * 4. decrypts each file (`decryptFile`), refusing one over `maxFileBytes` or a
 *    total over `maxTotalBytes` as the bytes arrive, and a `cty` that differs
 *    from the manifest's content type;
 * 5. parses `application/fhir+json` (a resource), `application/smart-health-card`
 *    (its JWS strings, not verified) and `application/smart-api-access` (JSON).
 *
 * @example
 * ```ts
 * const resolved = await resolveLink(text, { recipient: 'Dr. Rivera, Springfield Clinic', passcode });
 * for (const file of resolved.files) if (file.resource?.resourceType === 'Bundle') show(file.resource);
 * ```
 */
export async function resolveLink(link: string, options: ResolveLinkOptions): Promise<ShlResolved> {
  const payload = decodeLink(link, options.now === undefined ? {} : { now: options.now });
  if (payload.v !== undefined && payload.v !== 1) throw new ShlUnsupportedVersionError(payload.v);
  const maxFileBytes = positiveLimit(
    'maxFileBytes',
    options.maxFileBytes,
    SHL_DEFAULT_MAX_FILE_BYTES,
  );
  const maxTotalBytes = positiveLimit(
    'maxTotalBytes',
    options.maxTotalBytes,
    SHL_DEFAULT_MAX_TOTAL_BYTES,
  );
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  const allowForeign = options.allowForeignLocations ?? false;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const manifestUrl = new URL(payload.url);
  checkTransport(manifestUrl, allowInsecureHttp);

  const usesPasscode = hasFlag(payload, 'P');
  if (usesPasscode && (options.passcode === undefined || options.passcode === '')) {
    throw new ShlPasscodeRequiredError();
  }
  const request: ManifestRequest = parseManifestRequest({
    recipient: options.recipient,
    ...(usesPasscode ? { passcode: options.passcode } : {}),
    ...(options.embeddedLengthMax === undefined
      ? {}
      : { embeddedLengthMax: options.embeddedLengthMax }),
  });

  const result: ShlResolved = { files: [] };
  if (payload.label !== undefined) result.label = payload.label;
  if (payload.exp !== undefined) result.exp = payload.exp;
  if (payload.flag !== undefined) result.flag = payload.flag;
  let total = 0;

  /** GETs one encrypted file (a location, or the direct file of a U link). */
  const getJwe = async (url: URL, what: string): Promise<string> => {
    checkTransport(url, allowInsecureHttp);
    if (!allowForeign && url.origin !== manifestUrl.origin) {
      throw new ShlForeignLocationError(shown(url), manifestUrl.origin);
    }
    let response: Response;
    try {
      response = await fetchFn(url.href, {
        method: 'GET',
        credentials: 'omit',
        redirect: 'follow',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (cause) {
      throw new ShlUnreachableError(what, cause);
    }
    const landed = response.url ? new URL(response.url) : url;
    if (!allowForeign && landed.origin !== manifestUrl.origin) {
      await discard(response);
      throw new ShlForeignLocationError(shown(landed), manifestUrl.origin);
    }
    if (!response.ok) await failFor(response, what);
    const body = await readLimited(
      response,
      maxJweLength(maxFileBytes),
      () => new ShlFileTooLargeError(`${what}'s JWE`, maxFileBytes),
    );
    try {
      return utf8(body);
    } catch {
      return ''; // decryptFile refuses it as malformed
    }
  };

  /** Decrypts, checks sizes and content type, parses. */
  const addFile = async (jwe: string, declared: string | undefined, meta: object) => {
    const file = await decryptFile(jwe, payload.key, { maxBytes: maxFileBytes });
    if (declared !== undefined && declared !== file.contentType) {
      throw new ShlContentTypeMismatchError(declared, file.contentType);
    }
    total += file.bytes.length;
    if (total > maxTotalBytes) throw new ShlTotalTooLargeError(maxTotalBytes);
    result.files.push({
      contentType: file.contentType,
      bytes: file.bytes,
      ...interpret(file.contentType, file.bytes),
      ...meta,
    });
  };

  if (hasFlag(payload, 'U')) {
    const direct = new URL(payload.url);
    direct.searchParams.set('recipient', request.recipient);
    await addFile(await getJwe(direct, 'the direct file url'), undefined, {});
    return result;
  }

  let response: Response;
  try {
    response = await fetchFn(payload.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      credentials: 'omit',
      redirect: 'error',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    throw new ShlUnreachableError('the link host', cause);
  }
  if (!response.ok) await failFor(response, 'the manifest url', true);
  const manifestBytes = await readLimited(
    response,
    maxJweLength(maxTotalBytes) + 1_048_576,
    () => new ShlTotalTooLargeError(maxTotalBytes),
  );
  let manifest: ShlManifest;
  try {
    manifest = parseManifest(JSON.parse(utf8(manifestBytes)));
  } catch (cause) {
    if (cause instanceof ShlMalformedManifestError) throw cause;
    throw new ShlMalformedManifestError('the answer is not UTF-8 JSON');
  }
  if (manifest.status !== undefined) result.status = manifest.status;
  if (manifest.list !== undefined) result.list = manifest.list;

  for (const [index, entry] of manifest.files.entries()) {
    const meta = {
      ...(entry.lastUpdated === undefined ? {} : { lastUpdated: entry.lastUpdated }),
      ...(entry.status === undefined ? {} : { status: entry.status }),
      ...(entry.fhirVersion === undefined ? {} : { fhirVersion: entry.fhirVersion }),
    };
    const jwe =
      entry.embedded ?? (await getJwe(new URL(entry.location!), `file ${index} of the manifest`));
    await addFile(jwe, entry.contentType, meta);
  }
  return result;
}
