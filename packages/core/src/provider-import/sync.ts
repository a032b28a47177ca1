/**
 * `syncFromProvider`: one sync of a patient's records from a FHIR R4
 * server (docs/spec/provider-import.md §4–§5). Page by page, in
 * `_lastUpdated` order, each resource is checked, skipped when its import
 * key is in already, given its attachments, built into a record and handed
 * to `land` — before the next page is asked for, so a sync that stops has
 * landed whole resources and the next one resumes from the newest it
 * landed. What a server sends is never trusted: a refused resource is
 * reported and skipped, a broken page ends its resource type, and an
 * expired authorisation, a server failure or an unreachable server stops
 * the sync with `complete: false`. Runs wherever `fetch` does.
 */
import { DEFAULT_MAX_ATTACHMENT_BYTES, fetchAttachments } from './attachments.js';
import {
  ImportAbortedError,
  ImportError,
  ImportInvalidFhirError,
  ImportLandFailedError,
  ImportLandRefusedError,
  ImportMalformedPageError,
  ImportNetworkError,
  ImportNotFoundError,
  ImportOptionsError,
  ImportPageTooLargeError,
  ImportPagingLoopError,
  ImportRateLimitedError,
  ImportServerError,
  ImportUnauthorizedError,
  ImportUnsortedError,
} from './errors.js';
import { type BuiltRecord, buildRecord, normalizeServerUrl, resourceKey } from './record.js';
import { onServer, type ProviderClient, type RequestContext, send } from './requests.js';
import {
  checkIdentity,
  checkValidFhir,
  compareInstants,
  FHIR_ID,
  isInstant,
  PROVIDER_RESOURCE_TYPES,
  type ProviderResourceType,
} from './resource.js';
import { addLanded, copyServerState, type ImportState } from './state.js';

/**
 * Resources asked for per page (`_count`) unless told otherwise.
 *
 * @example
 * ```ts
 * syncFromProvider({ …params, pageSize: 2 * DEFAULT_PAGE_SIZE });
 * ```
 */
export const DEFAULT_PAGE_SIZE = 50;
/**
 * The largest page read (bytes) unless told otherwise.
 *
 * @example
 * ```ts
 * syncFromProvider({ …params, maxPageBytes: DEFAULT_MAX_PAGE_BYTES / 4 });
 * ```
 */
export const DEFAULT_MAX_PAGE_BYTES = 32 * 1024 * 1024;
/**
 * The most entries a page may hold unless told otherwise.
 *
 * @example
 * ```ts
 * syncFromProvider({ …params, maxPageEntries: DEFAULT_MAX_PAGE_ENTRIES });
 * ```
 */
export const DEFAULT_MAX_PAGE_ENTRIES = 1000;

const FHIR_JSON = 'application/fhir+json';

/**
 * Adds one built record to the patient's records: seal `record.bytes` to
 * the patient's current encryption key for `record.category`, store the
 * sealed blob, and append the `record` entry (with `record.note` sealed to
 * the same key). Resolve only once the entry is in the ledger. Throw
 * `ImportLandRefusedError` to skip this one resource; any other error
 * stops the sync.
 *
 * @example
 * ```ts
 * const land: LandRecord = async (record) => {
 *   const key = currentEncryptionKey(ledger.state, record.category).key;
 *   const { cid, capsule, size } = await sealRecordInto(store, key, record.bytes, { contentType: record.contentType });
 *   await host.submit(ledgerId, 'record', { cid: cid.toString(), capsule: capsule.toBytes(), contentType: record.contentType,
 *     resourceType: record.resourceType, category: record.category, size, recipient: key.toCompressedBytes(),
 *     note: sealNote(key, record.note) }, owner);
 * };
 * ```
 */
export type LandRecord = (record: BuiltRecord) => Promise<void>;

/**
 * Where a sync is, after each page read and each resource handled.
 *
 * @example
 * ```ts
 * onProgress: ({ type, imported, unchanged, failed }) => show(`${type}: ${imported} new, ${unchanged} unchanged, ${failed} refused`)
 * ```
 */
export type SyncProgress = {
  /** The resource type being read. */
  type: ProviderResourceType;
  /** Its page being read (from 1). */
  page: number;
  imported: number;
  unchanged: number;
  failed: number;
  /** Bytes of the records landed so far. */
  bytes: number;
};

/**
 * Parameters of `syncFromProvider`.
 *
 * @example
 * ```ts
 * const params: SyncFromProviderParameters = { client, patientId: client.patient.id, state, land };
 * ```
 */
export type SyncFromProviderParameters = {
  /** The signed-in SMART on FHIR client (`fhirclient`'s `Client`). */
  client: ProviderClient;
  /** The patient whose records are read: the launch context's patient. */
  patientId: string;
  /** The FHIR server's base URL (default: the client's; when given, it must be the client's). */
  serverUrl?: string;
  /** What earlier syncs landed (`importState` of the ledger's notes); none: a first sync. */
  state?: ImportState;
  /** Adds one record to the patient's records (`LandRecord`). */
  land: LandRecord;
  /** Stops the sync between requests and resources (reported as `IMPORT_ABORTED`). */
  signal?: AbortSignal;
  /** Told where the sync is after each page read and each resource handled (its errors are ignored). */
  onProgress?: (progress: SyncProgress) => void;
  /** The largest attachment imported (bytes; default 20 MiB). */
  maxAttachmentBytes?: number;
  /** The types to read (default `PROVIDER_RESOURCE_TYPES`). */
  types?: readonly ProviderResourceType[];
  /** Read everything again, not only what changed since the cursors (duplicates are still refused). */
  full?: boolean;
  /** Read only what changed at or after this date or instant. */
  since?: string;
  /** Resources asked for per page (`_count`; default 50). */
  pageSize?: number;
  /** The largest page read (bytes; default 32 MiB). */
  maxPageBytes?: number;
  /** The most entries a page may hold (default 1000). */
  maxPageEntries?: number;
  /** The most pages read per type (default 10 000). */
  maxPages?: number;
  /** How long one request may take (ms; default 60 000). */
  requestTimeoutMs?: number;
  /** How many 429s are waited out (default 3). */
  retries?: number;
  /** The longest Retry-After waited for (ms; default 60 000). */
  maxRetryWaitMs?: number;
  /** The clock that dates `fetchedAt` (default the system's). */
  now?: () => Date;
};

/**
 * A resource (`Type/id`) or a page (`Type (page n)`) that was refused, and why.
 *
 * @example
 * ```ts
 * const { ref, error }: SyncFailure = report.failed[0];
 * ```
 */
export type SyncFailure = { ref: string; error: ImportError };

/**
 * Why a sync stopped before the end.
 *
 * @example
 * ```ts
 * const reason: SyncStopReason = report.stoppedAt?.reason ?? 'network';
 * ```
 */
export type SyncStopReason =
  | 'unauthorized'
  | 'rate-limited'
  | 'server-error'
  | 'network'
  | 'not-found'
  | 'aborted'
  | 'land-failed';

/**
 * What a sync did. `complete` is true only when every page of every type
 * was read and each resource in them landed, was in already (`unchanged`),
 * or is listed in `failed`; a sync that stopped says where (`stoppedAt`),
 * and the next one resumes from what landed.
 *
 * @example
 * ```ts
 * const { imported, unchanged, failed, complete, stoppedAt }: SyncReport = await syncFromProvider(params);
 * ```
 */
export type SyncReport = {
  /** The server's base URL (normalized: the notes' `origin`). */
  server: string;
  patientId: string;
  imported: number;
  unchanged: number;
  failed: SyncFailure[];
  /** Types the server has no search for (404): nothing to read there. */
  notOffered: ProviderResourceType[];
  stoppedAt?: { type: ProviderResourceType; reason: SyncStopReason; error: ImportError };
  complete: boolean;
};

/** A failure that ends the sync, carried out of the loops. */
class StopSync {
  constructor(readonly error: ImportError) {}
}

const STOPS: [abstract new (...args: never[]) => ImportError, SyncStopReason][] = [
  [ImportUnauthorizedError, 'unauthorized'],
  [ImportRateLimitedError, 'rate-limited'],
  [ImportServerError, 'server-error'],
  [ImportNetworkError, 'network'],
  [ImportAbortedError, 'aborted'],
  [ImportLandFailedError, 'land-failed'],
];

/** Why `error` stops the whole sync, or undefined when it does not. */
function stopReason(error: unknown): SyncStopReason | undefined {
  return STOPS.find(([Class]) => error instanceof Class)?.[1];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const positive = (value: number | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ImportOptionsError(`${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
};

/** A page's entries and its next link, checked for shape. */
type Page = { entries: unknown[]; next: string | undefined };

/** Checks a search answer: a `searchset` Bundle within the limits; its resources (not outcome or include entries) and next link. */
function parsePage(
  body: unknown,
  declaredBytes: number,
  where: string,
  limits: { maxBytes: number; maxEntries: number },
): Page {
  if (declaredBytes > limits.maxBytes) {
    throw new ImportPageTooLargeError(where, `${limits.maxBytes} bytes`);
  }
  if (!isObject(body)) {
    throw new ImportMalformedPageError(
      where,
      body === undefined || body === '' ? 'the answer is empty' : 'the answer is not a JSON object',
    );
  }
  if (body.resourceType !== 'Bundle' || body.type !== 'searchset') {
    throw new ImportMalformedPageError(where, 'expected a Bundle of type "searchset"');
  }
  if (body.entry !== undefined && !Array.isArray(body.entry)) {
    throw new ImportMalformedPageError(where, 'its entry is not a list');
  }
  if (body.link !== undefined && !Array.isArray(body.link)) {
    throw new ImportMalformedPageError(where, 'its link is not a list');
  }
  const entries = (body.entry ?? []) as unknown[];
  if (entries.length > limits.maxEntries) {
    throw new ImportPageTooLargeError(where, `${limits.maxEntries} entries`);
  }
  const resources: unknown[] = [];
  for (const entry of entries) {
    if (!isObject(entry)) throw new ImportMalformedPageError(where, 'an entry is not an object');
    const mode = isObject(entry.search) ? entry.search.mode : undefined;
    if (mode === 'outcome' || mode === 'include') continue;
    resources.push(entry.resource);
  }
  const links = (body.link ?? []) as unknown[];
  const next = links.find((l) => isObject(l) && l.relation === 'next') as
    | Record<string, unknown>
    | undefined;
  if (next !== undefined && typeof next.url !== 'string') {
    throw new ImportMalformedPageError(where, 'its next link has no url');
  }
  return { entries: resources, next: next?.url as string | undefined };
}

/** The `meta.lastUpdated` of an entry's resource, when it is an instant. */
function lastUpdatedOf(value: unknown): string | undefined {
  const meta = isObject(value) && isObject(value.meta) ? value.meta : undefined;
  return isInstant(meta?.lastUpdated) ? meta.lastUpdated : undefined;
}

/** A reference for a refused entry: `Type/id` when it has one. */
function refOf(value: unknown, type: string, where: string): string {
  return isObject(value) && typeof value.id === 'string' && FHIR_ID.test(value.id)
    ? `${typeof value.resourceType === 'string' ? value.resourceType.slice(0, 64) : type}/${value.id}`
    : `an entry of ${where}`;
}

/**
 * Brings the patient's records in from a FHIR R4 server through a signed-in
 * SMART on FHIR client: the Patient, then each type of
 * `PROVIDER_RESOURCE_TYPES`, searched for the patient in `_lastUpdated`
 * order from the cursor `state` holds (`_lastUpdated=ge…`), page by page;
 * each new resource version is validated, categorised, built into a record
 * with its provenance (`buildRecord`) and handed to `land` before the next
 * page is read. Never throws for what the server sends or for `land`'s
 * failures: they are in the report. Throws `ImportOptionsError` for
 * options that make no sync possible.
 *
 * @example
 * ```ts
 * const client = await FHIR.oauth2.ready();
 * const report = await syncFromProvider({ client, patientId: client.patient.id!, state: importState(notes), land });
 * if (!report.complete) show(report.stoppedAt?.error.shortMessage);
 * ```
 */
export async function syncFromProvider(params: SyncFromProviderParameters): Promise<SyncReport> {
  const { client, patientId, land, signal } = params;
  if (!isObject(client) || typeof client.request !== 'function' || !isObject(client.state)) {
    throw new ImportOptionsError(
      'client must be a SMART on FHIR client (fhirclient) that is signed in',
    );
  }
  if (typeof land !== 'function') throw new ImportOptionsError('land must be a function');
  const base = normalizeServerUrl(String(client.state.serverUrl));
  if (params.serverUrl !== undefined && normalizeServerUrl(params.serverUrl) !== base) {
    throw new ImportOptionsError(`the client is signed in to ${base}, not to ${params.serverUrl}`);
  }
  if (typeof patientId !== 'string' || !FHIR_ID.test(patientId)) {
    throw new ImportOptionsError(
      'patientId must be a FHIR id (1–64 of A–Z a–z 0–9 - .): the patient of the launch context',
    );
  }
  const since = params.since;
  if (since !== undefined && !(isInstant(since) || /^\d{4}-\d{2}-\d{2}$/.test(since))) {
    throw new ImportOptionsError(
      `since must be a date (YYYY-MM-DD) or an instant, not ${JSON.stringify(String(since).slice(0, 40))}`,
    );
  }
  const types = params.types ?? PROVIDER_RESOURCE_TYPES;
  const unknown = types.filter((t) => !(PROVIDER_RESOURCE_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new ImportOptionsError(`types must be among ${PROVIDER_RESOURCE_TYPES.join(', ')}`);
  const maxAttachmentBytes = positive(
    params.maxAttachmentBytes,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    'maxAttachmentBytes',
  );
  const pageSize = positive(params.pageSize, DEFAULT_PAGE_SIZE, 'pageSize');
  const maxPageBytes = positive(params.maxPageBytes, DEFAULT_MAX_PAGE_BYTES, 'maxPageBytes');
  const maxPageEntries = positive(
    params.maxPageEntries,
    DEFAULT_MAX_PAGE_ENTRIES,
    'maxPageEntries',
  );
  const maxPages = positive(params.maxPages, 10_000, 'maxPages');
  const now = params.now ?? (() => new Date());
  const ctx: RequestContext = {
    client,
    base,
    signal,
    timeoutMs: positive(params.requestTimeoutMs, 60_000, 'requestTimeoutMs'),
    retries: params.retries === 0 ? 0 : positive(params.retries, 3, 'retries'),
    maxRetryWaitMs: positive(params.maxRetryWaitMs, 60_000, 'maxRetryWaitMs'),
  };

  const landed = new Map([[base, copyServerState(params.state?.get(base))]]);
  const server = landed.get(base) as ReturnType<typeof copyServerState>;
  const report: SyncReport = {
    server: base,
    patientId,
    imported: 0,
    unchanged: 0,
    failed: [],
    notOffered: [],
    complete: false,
  };
  let bytes = 0;
  let readAll = true;
  let current: ProviderResourceType = types[0] ?? 'Patient';
  let page = 0;

  const progress = () => {
    try {
      params.onProgress?.({
        type: current,
        page,
        imported: report.imported,
        unchanged: report.unchanged,
        failed: report.failed.length,
        bytes,
      });
    } catch {
      // a progress display never breaks a sync
    }
  };
  const checkAborted = () => {
    if (signal?.aborted) throw new StopSync(new ImportAbortedError(signal.reason));
  };
  /** A request's failure: stops the sync, or is returned for the caller to report. */
  const requestFailure = (error: unknown): ImportError => {
    if (error instanceof StopSync) throw error;
    if (stopReason(error)) throw new StopSync(error as ImportError);
    if (error instanceof ImportError) return error;
    throw error;
  };

  /** Checks, builds and lands one resource of a page (or the Patient). */
  async function handle(value: unknown, type: ProviderResourceType, where: string): Promise<void> {
    checkAborted();
    let identified: ReturnType<typeof checkIdentity>;
    try {
      identified = checkIdentity(value, { type, patientId, base });
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      report.failed.push({ ref: refOf(value, type, where), error });
      return progress();
    }
    if (server.keys.has(resourceKey(base, identified))) {
      report.unchanged += 1;
      return progress();
    }
    try {
      checkValidFhir(identified);
    } catch (error) {
      const refused =
        error instanceof ImportError
          ? error
          : new ImportInvalidFhirError(
              'The FHIR R4 check could not read this resource.',
              String(error),
            );
      report.failed.push({ ref: identified.ref, error: refused });
      return progress();
    }
    let attachments: Awaited<ReturnType<typeof fetchAttachments>>;
    try {
      attachments = await fetchAttachments(ctx, identified, maxAttachmentBytes);
    } catch (error) {
      report.failed.push({ ref: identified.ref, error: requestFailure(error) });
      return progress();
    }
    const record = buildRecord({
      identified,
      server: base,
      fetchedAt: now().toISOString(),
      attachments,
    });
    checkAborted();
    try {
      await land(record);
    } catch (error) {
      if (error instanceof ImportLandRefusedError) {
        report.failed.push({ ref: record.ref, error });
        return progress();
      }
      throw new StopSync(new ImportLandFailedError(record.ref, error));
    }
    addLanded(landed, record.note);
    report.imported += 1;
    bytes += record.bytes.length;
    progress();
  }

  /** The Patient, read by id. */
  async function syncPatient(): Promise<void> {
    page = 1;
    progress();
    let body: unknown;
    try {
      ({ body } = await send(ctx, `${base}/Patient/${encodeURIComponent(patientId)}`, {
        accept: FHIR_JSON,
        maxBytes: maxPageBytes,
      }));
    } catch (error) {
      const failure = requestFailure(error);
      // no such patient: nothing else can be the patient's either
      if (failure instanceof ImportNotFoundError) throw new StopSync(failure);
      report.failed.push({ ref: `Patient/${patientId}`, error: failure });
      readAll = false;
      return;
    }
    await handle(body, 'Patient', 'the Patient');
  }

  /** Every page of one type's search, from its cursor. */
  async function syncType(type: ProviderResourceType): Promise<void> {
    const cursor = params.full ? undefined : server.cursors.get(type);
    const from =
      cursor !== undefined && since !== undefined
        ? compareInstants(cursor, since) >= 0
          ? cursor
          : since
        : (cursor ?? since);
    let url =
      `${base}/${type}?patient=${encodeURIComponent(patientId)}&_sort=_lastUpdated&_count=${pageSize}` +
      (from === undefined ? '' : `&_lastUpdated=ge${encodeURIComponent(from)}`);
    const seen = new Set<string>();
    let newest: string | undefined;
    let unsortedReported = false;
    for (page = 1; ; page++) {
      checkAborted();
      seen.add(url);
      progress();
      const where = `${type} (page ${page})`;
      let parsed: Page;
      try {
        const { body, response } = await send(ctx, url, {
          accept: FHIR_JSON,
          maxBytes: maxPageBytes,
        });
        // a page redirected off the server is not the server's answer
        if (response?.url) onServer(response.url, base, `The ${type} search, redirected,`);
        const declared = Number(response?.headers.get('content-length') ?? 0);
        parsed = parsePage(body, Number.isFinite(declared) ? declared : 0, where, {
          maxBytes: maxPageBytes,
          maxEntries: maxPageEntries,
        });
      } catch (error) {
        const failure = requestFailure(error);
        if (failure instanceof ImportNotFoundError && page === 1) {
          report.notOffered.push(type);
          return;
        }
        report.failed.push({ ref: where, error: failure });
        readAll = false;
        return;
      }
      // sorted as asked? Else a sync stopped part-way could not resume from its newest: say so, read on
      for (const value of parsed.entries) {
        // only what may land moves a cursor
        if (!isObject(value) || value.resourceType !== type) continue;
        const lastUpdated = lastUpdatedOf(value);
        if (lastUpdated === undefined) continue;
        if (newest !== undefined && compareInstants(lastUpdated, newest) < 0 && !unsortedReported) {
          report.failed.push({
            ref: where,
            error: new ImportUnsortedError(type, newest, lastUpdated),
          });
          unsortedReported = true;
        }
        if (newest === undefined || compareInstants(lastUpdated, newest) > 0) newest = lastUpdated;
      }
      for (const value of parsed.entries) await handle(value, type, where);
      if (parsed.next === undefined) return;
      let next: string;
      try {
        next = onServer(parsed.next, base, `The next link of the ${type} search`, url);
      } catch (error) {
        report.failed.push({ ref: where, error: requestFailure(error) });
        readAll = false;
        return;
      }
      if (seen.has(next) || page >= maxPages) {
        const problem = seen.has(next)
          ? 'its next link leads back to a page already read'
          : `it has more than ${maxPages} pages`;
        report.failed.push({ ref: where, error: new ImportPagingLoopError(type, problem) });
        readAll = false;
        return;
      }
      url = next;
    }
  }

  try {
    for (const type of types) {
      current = type;
      if (type === 'Patient') await syncPatient();
      else await syncType(type);
    }
  } catch (error) {
    if (!(error instanceof StopSync)) throw error;
    report.stoppedAt = {
      type: current,
      reason: stopReason(error.error) ?? 'not-found',
      error: error.error,
    };
  }
  report.complete = report.stoppedAt === undefined && readAll;
  return report;
}
