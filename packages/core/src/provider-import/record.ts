/**
 * The record one imported resource becomes (docs/spec/provider-import.md
 * §2–§3): its bytes, a FHIR `collection` Bundle holding the resource, its
 * attachments as Binary entries and a Provenance saying where and when it
 * was fetched; and the note sealed beside it (title, origin, source,
 * version, times), from which the import key and the sync cursors come.
 * One module writes and reads this format.
 */
import { base64Encode, base64urlDecode } from '../health-links/encoding.js';
import type { Note } from '../ledger/note.js';
import { categoryOf } from './categories.js';
import {
  ImportMalformedNoteError,
  ImportMalformedRecordError,
  ImportOptionsError,
} from './errors.js';
import {
  FHIR_ID,
  type FhirResource,
  type IdentifiedResource,
  isInstant,
  PROVIDER_RESOURCE_TYPES,
  type ProviderResourceType,
} from './resource.js';

/**
 * The note's `importedFrom`: how the record came in.
 *
 * @example
 * ```ts
 * const imported = notes.filter((n) => n.importedFrom === IMPORTED_FROM);
 * ```
 */
export const IMPORTED_FROM = 'smart-on-fhir';
/**
 * The content type of every imported record.
 *
 * @example
 * ```ts
 * record.contentType === IMPORT_CONTENT_TYPE; // true
 * ```
 */
export const IMPORT_CONTENT_TYPE = 'application/fhir+json';
/** The longest title a note carries (characters). */
const MAX_TITLE = 200;
/** The longest server URL an import accepts (a note field holds 1024 characters). */
const MAX_SERVER_URL = 512;

/**
 * The note sealed beside an imported record (text fields, docs/spec/ledger.md
 * §3.2): `title` for people; `origin` the FHIR server's base URL; `source`
 * `Type/id`; `version` the `meta.versionId` (or, for a server without
 * versions, the `meta.lastUpdated`); `lastUpdated` when the server gave
 * one; `fetchedAt` the instant it was read; `importedFrom` `'smart-on-fhir'`.
 *
 * @example
 * ```ts
 * const note: ImportNote = built.note;
 * note.source; // 'Observation/o1'
 * ```
 */
export type ImportNote = Note & {
  title: string;
  origin: string;
  source: string;
  version: string;
  lastUpdated?: string;
  fetchedAt: string;
  importedFrom: typeof IMPORTED_FROM;
};

/**
 * An attachment read from the server, to embed in the record.
 *
 * @example
 * ```ts
 * const pdf: FetchedAttachment = { url: 'https://fhir.example/r4/Binary/b1', contentType: 'application/pdf', bytes };
 * ```
 */
export type FetchedAttachment = { url: string; contentType: string | undefined; bytes: Uint8Array };

/**
 * One resource ready to land: the record's bytes and what its `record`
 * entry and note say. `land` seals `bytes` to the patient's current key for
 * `category`, stores the blob, and appends the entry with `note` sealed to
 * the same key.
 *
 * @example
 * ```ts
 * const land = async ({ bytes, contentType, resourceType, category, note }: BuiltRecord) => { … };
 * ```
 */
export type BuiltRecord = {
  /** The record: the Bundle's JSON as UTF-8. */
  bytes: Uint8Array;
  /** `application/fhir+json`. */
  contentType: typeof IMPORT_CONTENT_TYPE;
  /** The imported resource's type (the entry's `resourceType`). */
  resourceType: ProviderResourceType;
  /** The patient's category it is sealed to (`categoryOf`). */
  category: string;
  /** The fields to seal as the entry's note. */
  note: ImportNote;
  /** `importKey(note)`. */
  key: string;
  /** `Type/id`. */
  ref: string;
};

/**
 * What `provenanceOf` reads from an imported record.
 *
 * @example
 * ```ts
 * const { server, source, version, fetchedAt }: RecordProvenance = provenanceOf(bytes);
 * ```
 */
export type RecordProvenance = {
  /** The imported resource. */
  resource: FhirResource;
  /** The Provenance resource. */
  provenance: FhirResource;
  /** The FHIR server's base URL. */
  server: string;
  /** `Type/id`. */
  source: string;
  /** `meta.versionId`, when the server keeps versions. */
  version: string | undefined;
  /** Where it was read: `{server}/{Type}/{id}/_history/{versionId}` (without the history part when unversioned). */
  url: string;
  /** When it was read (the Provenance's `recorded`). */
  fetchedAt: string;
  /** The attachments embedded (their original URLs). */
  attachments: { url: string; contentType: string | undefined; size: number }[];
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isLoopback = (hostname: string) =>
  hostname === 'localhost' ||
  hostname === '[::1]' ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/**
 * The canonical form of a FHIR server's base URL — what the note's
 * `origin` and the import key hold: `scheme://host[:port]/path` without a
 * trailing slash. Refuses (`ImportOptionsError`) anything but an absolute
 * https URL (http only to this machine: an access token travels with every
 * request) without query, fragment or credentials.
 *
 * @example
 * ```ts
 * normalizeServerUrl('HTTPS://Fhir.Example.org/r4/'); // 'https://fhir.example.org/r4'
 * ```
 */
export function normalizeServerUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new ImportOptionsError(
      `${JSON.stringify(String(serverUrl).slice(0, 200))} is not a URL; expected the FHIR server's base URL, such as https://fhir.example.org/r4`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ImportOptionsError(
      `the FHIR server ${url.origin} is not https: the access token would travel in clear (plain http only to this machine)`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ImportOptionsError(
      'the FHIR server URL has a query, fragment or credentials; expected its base URL alone',
    );
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (base.length > MAX_SERVER_URL) {
    throw new ImportOptionsError(`the FHIR server URL is longer than ${MAX_SERVER_URL} characters`);
  }
  return base;
}

/** The text of a CodeableConcept: its text, a display, or a code. */
function conceptText(concept: unknown): string | undefined {
  if (!isObject(concept)) return undefined;
  if (typeof concept.text === 'string' && concept.text.trim()) return concept.text.trim();
  const codings = Array.isArray(concept.coding) ? concept.coding.filter(isObject) : [];
  const shown = codings.find((c) => typeof c.display === 'string' && c.display.trim());
  if (shown) return String(shown.display).trim();
  const coded = codings.find((c) => typeof c.code === 'string');
  return coded ? String(coded.code) : undefined;
}

/** A person's name as FHIR writes it (text, or given and family). */
function nameText(names: unknown): string | undefined {
  const name = Array.isArray(names) ? names.find(isObject) : undefined;
  if (!name) return undefined;
  if (typeof name.text === 'string' && name.text.trim()) return name.text.trim();
  const given = Array.isArray(name.given) ? name.given.filter((g) => typeof g === 'string') : [];
  const parts = [...given, typeof name.family === 'string' ? name.family : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** The date a resource is about (when measured, given, recorded …), as YYYY-MM-DD. */
function dateOf(r: Record<string, unknown>): string | undefined {
  const period = (p: unknown) => (isObject(p) ? p.start : undefined);
  const candidates = [
    r.effectiveDateTime,
    period(r.effectivePeriod),
    r.occurrenceDateTime,
    r.performedDateTime,
    period(r.performedPeriod),
    period(r.period),
    r.onsetDateTime,
    r.recordedDate,
    r.authoredOn,
    r.dateAsserted,
    r.issued,
    r.date,
  ];
  const found = candidates.find(
    (c): c is string => typeof c === 'string' && /^\d{4}(-\d{2}){0,2}/.test(c),
  );
  return found?.slice(0, 10);
}

/** What each type is called in a title. */
const LABEL: Record<ProviderResourceType, string> = {
  Patient: 'Patient details',
  AllergyIntolerance: 'Allergy',
  Condition: 'Condition',
  MedicationRequest: 'Prescription',
  MedicationStatement: 'Medication',
  Observation: 'Observation',
  DiagnosticReport: 'Report',
  DocumentReference: 'Document',
  Immunization: 'Immunization',
  Procedure: 'Procedure',
  Encounter: 'Visit',
};

/** The concept a title names, per type. */
function subjectOf(type: ProviderResourceType, r: Record<string, unknown>): string | undefined {
  switch (type) {
    case 'Patient':
      return nameText(r.name);
    case 'MedicationRequest':
    case 'MedicationStatement':
      return (
        conceptText(r.medicationCodeableConcept) ??
        (isObject(r.medicationReference) && typeof r.medicationReference.display === 'string'
          ? r.medicationReference.display
          : undefined)
      );
    case 'DocumentReference':
      return typeof r.description === 'string' && r.description.trim()
        ? r.description.trim()
        : conceptText(r.type);
    case 'Immunization':
      return conceptText(r.vaccineCode);
    case 'Encounter':
      return (
        conceptText(Array.isArray(r.type) ? r.type[0] : undefined) ??
        (isObject(r.class) && typeof r.class.display === 'string' ? r.class.display : undefined)
      );
    default:
      return conceptText(r.code);
  }
}

/**
 * A title for people: what the resource is, what it names, and its date —
 * `Observation: Hemoglobin A1c, 2026-03-03`. At most 200 characters.
 *
 * @example
 * ```ts
 * titleOf({ resourceType: 'Immunization', vaccineCode: { text: 'Influenza' }, occurrenceDateTime: '2025-10-01' }); // 'Immunization: Influenza, 2025-10-01'
 * ```
 */
export function titleOf(resource: FhirResource): string {
  const type = resource.resourceType as ProviderResourceType;
  const label = LABEL[type] ?? resource.resourceType;
  const subject = subjectOf(type, resource)?.replace(/\s+/g, ' ');
  const date = type === 'Patient' ? undefined : dateOf(resource);
  const title = [subject ? `${label}: ${subject}` : label, date].filter(Boolean).join(', ');
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

/** Where the resource was read: its version-specific URL when it has a version. */
function sourceUrl(server: string, identified: IdentifiedResource): string {
  const base = `${server}/${identified.ref}`;
  return identified.versionId ? `${base}/_history/${identified.versionId}` : base;
}

/** Server, `Type/id` and version in one string: none holds a space (a URL parser escapes them; ids and instants have none). */
const joinKey = (server: string, source: string, version: string) =>
  `${server} ${source} ${version}`;

/**
 * The import key of a record's note: server, `Type/id` and version, so
 * each version of each resource of each server lands once.
 * `ImportMalformedNoteError` when the note is not an imported record's.
 *
 * @example
 * ```ts
 * importKey(built.note); // 'https://fhir.example.org/r4 Observation/o1 3'
 * ```
 */
export function importKey(note: Note): string {
  if (!isObject(note) || note.importedFrom !== IMPORTED_FROM) {
    throw new ImportMalformedNoteError(`its importedFrom is not "${IMPORTED_FROM}"`);
  }
  const { origin, source, version } = note;
  if (typeof origin !== 'string' || !/^https?:\/\/\S+$/.test(origin)) {
    throw new ImportMalformedNoteError('its origin is not a server URL');
  }
  const [type, id, ...rest] = typeof source === 'string' ? source.split('/') : [];
  if (
    !(PROVIDER_RESOURCE_TYPES as readonly string[]).includes(type ?? '') ||
    !FHIR_ID.test(id ?? '') ||
    rest.length > 0
  ) {
    throw new ImportMalformedNoteError('its source is not Type/id');
  }
  if (typeof version !== 'string' || !(FHIR_ID.test(version) || isInstant(version))) {
    throw new ImportMalformedNoteError('its version is not a FHIR id or instant');
  }
  return joinKey(origin, source as string, version);
}

/**
 * The import key a checked resource will have once built (`importKey` of
 * its note), to tell before fetching attachments whether it is in already.
 *
 * @example
 * ```ts
 * if (landed.has(resourceKey(server, identified))) skip();
 * ```
 */
export function resourceKey(server: string, identified: IdentifiedResource): string {
  return joinKey(
    server,
    identified.ref,
    identified.versionId ?? (identified.lastUpdated as string),
  );
}

/**
 * Builds the record of one checked resource: the Bundle (the resource, its
 * attachments as Binary entries under their original URLs, and a
 * Provenance), its category, title and note.
 *
 * @example
 * ```ts
 * const built = buildRecord({ identified, server: 'https://fhir.example.org/r4', fetchedAt: new Date().toISOString() });
 * await land(built);
 * ```
 */
export function buildRecord(params: {
  identified: IdentifiedResource;
  /** The server's base URL, as `normalizeServerUrl` gives it. */
  server: string;
  /** When it was read (an instant). */
  fetchedAt: string;
  attachments?: readonly FetchedAttachment[];
}): BuiltRecord {
  const { identified, server, fetchedAt, attachments = [] } = params;
  const { resource, type, ref, versionId, lastUpdated } = identified;
  const url = sourceUrl(server, identified);
  const binaries = attachments.map((a) => {
    const id = new RegExp(`^${escapeRegExp(server)}/Binary/([A-Za-z0-9\\-.]{1,64})$`).exec(
      a.url,
    )?.[1];
    return {
      fullUrl: a.url,
      resource: {
        resourceType: 'Binary',
        ...(id ? { id } : {}),
        contentType: a.contentType ?? 'application/octet-stream',
        data: base64Encode(a.bytes),
      },
    };
  });
  const provenance = {
    resourceType: 'Provenance',
    target: [{ reference: versionId ? `${ref}/_history/${versionId}` : ref }],
    recorded: fetchedAt,
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'custodian',
              display: 'Custodian',
            },
          ],
        },
        who: { identifier: { system: 'urn:ietf:rfc:3986', value: server }, display: server },
      },
    ],
    entity: [
      { role: 'source', what: { reference: url } },
      ...attachments.map((a) => ({ role: 'source', what: { reference: a.url } })),
    ],
  };
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: fetchedAt,
    entry: [{ fullUrl: `${server}/${ref}`, resource }, ...binaries, { resource: provenance }],
  };
  const note: ImportNote = {
    title: titleOf(resource),
    origin: server,
    source: ref,
    version: versionId ?? (lastUpdated as string),
    ...(lastUpdated ? { lastUpdated } : {}),
    fetchedAt,
    importedFrom: IMPORTED_FROM,
  };
  return {
    bytes: new TextEncoder().encode(JSON.stringify(bundle)),
    contentType: IMPORT_CONTENT_TYPE,
    resourceType: type,
    category: categoryOf(resource),
    note,
    key: importKey(note),
    ref,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The bytes of FHIR `base64Binary` (standard base64, with padding), or
 * undefined when it is not base64.
 *
 * @example
 * ```ts
 * base64Decode('JVBERi0='); // the bytes of '%PDF-'
 * ```
 */
export function base64Decode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return base64urlDecode(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
}

/**
 * Reads the provenance of an imported record — for viewers: which server
 * it came from, which resource and version, when it was fetched, and its
 * attachments. `ImportMalformedRecordError` for anything else.
 *
 * @example
 * ```ts
 * const { server, source, fetchedAt } = provenanceOf(plaintext);
 * show(`From ${server} (${source}), fetched ${fetchedAt}`);
 * ```
 */
export function provenanceOf(record: Uint8Array | string | FhirResource): RecordProvenance {
  let bundle: unknown = record;
  if (typeof record === 'string' || record instanceof Uint8Array) {
    try {
      bundle = JSON.parse(
        typeof record === 'string'
          ? record
          : new TextDecoder('utf-8', { fatal: true }).decode(record),
      );
    } catch {
      throw new ImportMalformedRecordError('it is not UTF-8 JSON');
    }
  }
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'collection') {
    throw new ImportMalformedRecordError('expected a FHIR Bundle of type "collection"');
  }
  const entries = Array.isArray(bundle.entry) ? bundle.entry.filter(isObject) : [];
  const first = entries[0];
  const resource = first?.resource;
  if (
    !isObject(resource) ||
    typeof resource.resourceType !== 'string' ||
    typeof resource.id !== 'string'
  ) {
    throw new ImportMalformedRecordError('its first entry is not a resource with an id');
  }
  const provenances = entries.filter(
    (e) => isObject(e.resource) && e.resource.resourceType === 'Provenance',
  );
  if (provenances.length !== 1) {
    throw new ImportMalformedRecordError(`expected one Provenance, found ${provenances.length}`);
  }
  const provenance = (provenances[0] as { resource: Record<string, unknown> }).resource;
  const ref = `${resource.resourceType}/${resource.id}`;
  const meta = isObject(resource.meta) ? resource.meta : {};
  const version = typeof meta.versionId === 'string' ? meta.versionId : undefined;
  const target =
    Array.isArray(provenance.target) && isObject(provenance.target[0])
      ? provenance.target[0].reference
      : undefined;
  if (target !== (version ? `${ref}/_history/${version}` : ref)) {
    throw new ImportMalformedRecordError(`its Provenance does not target ${ref}`);
  }
  const agent =
    Array.isArray(provenance.agent) && isObject(provenance.agent[0]) ? provenance.agent[0] : {};
  const who =
    isObject(agent.who) && isObject(agent.who.identifier) ? agent.who.identifier.value : undefined;
  if (typeof who !== 'string')
    throw new ImportMalformedRecordError('its Provenance names no source server');
  const server = who;
  const entities = (Array.isArray(provenance.entity) ? provenance.entity : [])
    .filter(isObject)
    .map((e) => (isObject(e.what) ? e.what.reference : undefined));
  const url = version ? `${server}/${ref}/_history/${version}` : `${server}/${ref}`;
  if (entities[0] !== url)
    throw new ImportMalformedRecordError(`its Provenance's source is not ${url}`);
  if (!isInstant(provenance.recorded))
    throw new ImportMalformedRecordError('its Provenance has no recorded instant');
  const attachments = entries
    .filter(
      (e) =>
        isObject(e.resource) &&
        e.resource.resourceType === 'Binary' &&
        typeof e.fullUrl === 'string',
    )
    .map((e) => {
      const binary = e.resource as Record<string, unknown>;
      const data = typeof binary.data === 'string' ? base64Decode(binary.data) : undefined;
      return {
        url: e.fullUrl as string,
        contentType: typeof binary.contentType === 'string' ? binary.contentType : undefined,
        size: data?.length ?? 0,
      };
    });
  return {
    resource: resource as FhirResource,
    provenance: provenance as FhirResource,
    server,
    source: ref,
    version,
    url,
    fetchedAt: provenance.recorded,
    attachments,
  };
}
