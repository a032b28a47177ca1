/**
 * Where a record came from when the patient's wallet imported it from a
 * provider's FHIR server: its Bundle carries a FHIR Provenance naming the
 * server (the custodian), the resource and version it targets, and when it
 * was recorded (fetched). This reads any Provenance in a record — never
 * throwing, whatever the record holds — renders it as one line beside the
 * record, and keeps the Provenance and the attachments it names as sources
 * out of the clinical view, where they would read as findings.
 * @module
 */
import { formatDate } from './dates.js';
import type { DecodedResource } from './decode.js';
import { html, type SafeHtml } from './html.js';
import { isObject, objects, str } from './read.js';

/**
 * What a record's Provenance says about where it came from.
 *
 * @example
 * ```ts
 * const from: ImportedFrom = { server: 'https://fhir.example.org/r4', source: 'Observation/o1', version: '2', fetchedAt: '2026-03-12T08:30:00.000Z', attachments: 0 };
 * ```
 */
export type ImportedFrom = {
  /** The server it was fetched from (the custodian agent). */
  server: string;
  /** The resource, `Type/id`. */
  source?: string;
  /** The resource's version, when the reference names one. */
  version?: string;
  /** When it was fetched (the Provenance's `recorded`). */
  fetchedAt?: string;
  /** How many attachments it names as sources besides the resource. */
  attachments: number;
};

const TARGET =
  /(?:^|\/)([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const MAX_TEXT = 300;

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/** The server a Provenance names: its custodian agent's identifier (a URI), else the agent's display. */
function serverOf(provenance: Record<string, unknown>): string | undefined {
  const agents = objects(provenance.agent);
  const custodian =
    agents.find((a) =>
      objects(isObject(a.type) ? a.type.coding : undefined).some((c) => c.code === 'custodian'),
    ) ?? agents[0];
  const who = isObject(custodian?.who) ? custodian.who : undefined;
  const identifier = isObject(who?.identifier) ? str(who.identifier.value) : undefined;
  return identifier ?? str(who?.display);
}

/**
 * The provenance of one record: each Provenance among its resources that
 * names a server, with the resource and version it targets, when it was
 * recorded, and how many attachments it names. Anything malformed is left
 * out, never thrown.
 *
 * @example
 * ```ts
 * const decoded = decodeRecord(view);
 * if (decoded.kind === 'fhir') importedFrom(decoded.resources)[0]?.server; // 'https://fhir.example.org/r4'
 * ```
 */
export function importedFrom(resources: readonly DecodedResource[]): ImportedFrom[] {
  const out: ImportedFrom[] = [];
  for (const { resource } of resources) {
    if (resource.resourceType !== 'Provenance') continue;
    const server = serverOf(resource);
    if (!server) continue;
    const target = str(objects(resource.target)[0]?.reference);
    const match = target ? TARGET.exec(target) : null;
    const sources = objects(resource.entity).filter((e) => e.role === 'source');
    const fetchedAt = str(resource.recorded);
    out.push({
      server: clip(server),
      ...(match?.[1] ? { source: match[1] } : {}),
      ...(match?.[2] ? { version: match[2] } : {}),
      ...(fetchedAt ? { fetchedAt } : {}),
      attachments: Math.max(0, sources.length - 1),
    });
  }
  return out;
}

/**
 * The resources of a record that belong in the clinical view: all but its
 * Provenance and the attachments a Provenance names as sources (embedded
 * files, shown as their document).
 *
 * @example
 * ```ts
 * clinicalResources(decoded.resources).map((r) => r.resource.resourceType); // ['Observation']
 * ```
 */
export function clinicalResources(resources: readonly DecodedResource[]): DecodedResource[] {
  const sourced = new Set<string>();
  for (const { resource } of resources) {
    if (resource.resourceType !== 'Provenance') continue;
    for (const entity of objects(resource.entity)) {
      const ref = isObject(entity.what) ? str(entity.what.reference) : undefined;
      if (ref) sourced.add(ref);
    }
  }
  return resources.filter(
    (r) =>
      r.resource.resourceType !== 'Provenance' &&
      !(r.resource.resourceType === 'Binary' && r.fullUrl && sourced.has(r.fullUrl)),
  );
}

/** An instant as "12 Mar 2026, 08:30 UTC" (the day and time it names, in UTC). */
function when(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return clip(instant);
  const at = new Date(ms);
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  return `${formatDate(at.toISOString())}, ${hh}:${mm} UTC`;
}

/**
 * The line a record list shows for each provenance of a record:
 * "Imported from {server} — {Type/id}, version {v}, fetched {when}".
 *
 * @example
 * ```ts
 * String(renderImportedFrom([{ server: 'https://fhir.example.org/r4', source: 'Observation/o1', version: '2', fetchedAt: '2026-03-12T08:30:00Z', attachments: 0 }]));
 * // '<div class="mv-imported" …>Imported from https://fhir.example.org/r4 — Observation/o1, version 2, fetched 12 Mar 2026, 08:30 UTC …</div>'
 * ```
 */
export function renderImportedFrom(from: readonly ImportedFrom[]): SafeHtml[] {
  return from.map((f) => {
    const parts = [
      f.source,
      f.version ? `version ${f.version}` : undefined,
      f.fetchedAt ? `fetched ${when(f.fetchedAt)}` : undefined,
      f.attachments
        ? `with ${f.attachments} attached file${f.attachments === 1 ? '' : 's'}`
        : undefined,
    ].filter(Boolean);
    return html`<div class="mv-imported" data-imported-from="${f.server}"><span class="mv-imported-icon" aria-hidden="true">⇣</span> <span class="mv-imported-text">Imported from ${f.server}${parts.length ? ` — ${parts.join(', ')}` : ''}</span> <span class="mv-imported-note">The provider’s record, as its server sent it.</span></div>`;
  });
}
