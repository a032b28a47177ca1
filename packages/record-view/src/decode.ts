/**
 * Turning a record's bytes into what the views show: the FHIR resources it
 * holds (a Bundle is unpacked into its entries), a PDF, or a reason it
 * cannot be shown. Never throws: a record that cannot be read becomes an
 * error card, not a broken page.
 * @module
 */
import { isObject, type Json, str } from './read.js';
import type { SharedRecordView } from './types.js';

/** A resource from a record, with the URL its Bundle entry gave it. */
export type DecodedResource = { resource: Json & { resourceType: string }; fullUrl?: string };

/** What a record turned out to hold. */
export type DecodedRecord =
  | { kind: 'fhir'; root: string; resources: DecodedResource[]; skipped: number }
  | { kind: 'pdf' }
  | { kind: 'error'; message: string };

const FHIR_TYPES = new Set(['application/fhir+json', 'application/json+fhir', 'application/json']);
// Bundles inside Bundles are legal but rare; a bound keeps hostile nesting cheap.
const MAX_DEPTH = 4;

/**
 * The media type without parameters, lower-cased.
 *
 * @example
 * ```ts
 * mediaType('application/fhir+json; fhirVersion=4.0'); // 'application/fhir+json'
 * ```
 */
export function mediaType(contentType: unknown): string {
  return typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : '';
}

/**
 * Whether the bytes start like a PDF file.
 *
 * @example
 * ```ts
 * isPdf(new TextEncoder().encode('%PDF-1.7\n…')); // true
 * ```
 */
export function isPdf(bytes: Uint8Array): boolean {
  const magic = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

function isResource(value: unknown): value is Json & { resourceType: string } {
  return isObject(value) && str(value.resourceType) !== undefined;
}

function unpack(
  resource: Json & { resourceType: string },
  fullUrl: string | undefined,
  depth: number,
  out: { resources: DecodedResource[]; skipped: number },
): void {
  if (resource.resourceType !== 'Bundle' || depth >= MAX_DEPTH) {
    out.resources.push(fullUrl ? { resource, fullUrl } : { resource });
    return;
  }
  const entries = Array.isArray(resource.entry) ? resource.entry : [];
  for (const entry of entries) {
    if (isObject(entry) && isResource(entry.resource)) {
      unpack(entry.resource, str(entry.fullUrl), depth + 1, out);
    } else {
      out.skipped++;
    }
  }
}

/**
 * Decodes one record.
 *
 * @example
 * ```ts
 * const decoded = decodeRecord(view);
 * if (decoded.kind === 'fhir') decoded.resources.map((r) => r.resource.resourceType);
 * ```
 */
export function decodeRecord(
  record: Pick<SharedRecordView, 'contentType' | 'body'>,
): DecodedRecord {
  const type = mediaType(record.contentType);
  const body = record.body instanceof Uint8Array ? record.body : new Uint8Array();
  if (type === 'application/pdf') {
    return isPdf(body)
      ? { kind: 'pdf' }
      : { kind: 'error', message: 'Labelled as a PDF, but the content is not a PDF file.' };
  }
  if (!FHIR_TYPES.has(type)) {
    return {
      kind: 'error',
      message: `Records of type ${type || '(none)'} cannot be displayed here.`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { kind: 'error', message: 'The content is not UTF-8 text, so it cannot be FHIR JSON.' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the input; a short excerpt is enough to diagnose.
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 120);
    return { kind: 'error', message: `The content is not valid JSON (${reason}).` };
  }
  if (!isResource(json)) {
    return {
      kind: 'error',
      message: 'The content is JSON but not a FHIR resource (it has no resourceType).',
    };
  }
  const out = { resources: [] as DecodedResource[], skipped: 0 };
  unpack(json, undefined, 0, out);
  return { kind: 'fhir', root: json.resourceType, ...out };
}
