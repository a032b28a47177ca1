/**
 * Checks that a value is a FHIR R4 resource, with FHIR.js (the `fhir`
 * package), which validates against the R4 structure definitions it ships:
 * the resource types, each field's type and cardinality (so a required
 * field that is missing), the codes of required value sets, and unknown
 * fields. This module only turns the library's first complaint into a
 * sentence saying what was expected. Shared by the provider import and the
 * example hospital's records desk.
 */
import { Fhir } from 'fhir';
import { ImportInvalidFhirError } from './errors.js';

/**
 * What a valid resource is.
 *
 * @example
 * ```ts
 * const { resourceType }: FhirCheck = checkFhirResource(json); // 'Observation'
 * ```
 */
export type FhirCheck = { resourceType: string };

/**
 * Options of `checkFhirResource`.
 *
 * @example
 * ```ts
 * checkFhirResource(upload, { what: 'The file' }); // 'The file has no "resourceType": …'
 * ```
 */
export type FhirCheckOptions = {
  /** How a message names the value checked (default `'The resource'`). */
  what?: string;
};

/** The abstract bases the library also lists: no resource is one of them. */
const ABSTRACT = new Set(['Resource', 'DomainResource']);
/** Resources nested deeper than this (entries of entries of …) are refused. */
const MAX_DEPTH = 64;
const EXAMPLES = ['Observation', 'Bundle', 'Patient', 'Condition', 'DiagnosticReport'];

let library: { fhir: Fhir; types: Set<string> } | undefined;

function fhirJs() {
  if (!library) {
    const fhir = new Fhir(); // R4 (4.0), its definitions loaded once
    const definitions = fhir.parser.parsedStructureDefinitions as Record<
      string,
      { _kind?: string }
    >;
    const types = Object.entries(definitions)
      .filter(([name, d]) => d._kind === 'resource' && !ABSTRACT.has(name))
      .map(([name]) => name);
    library = { fhir, types: new Set(types.sort()) };
  }
  return library;
}

/**
 * Every FHIR R4 resource type (146), as the library's definitions name them.
 *
 * @example
 * ```ts
 * fhirResourceTypes().includes('Observation'); // true
 * ```
 */
export function fhirResourceTypes(): string[] {
  return [...fhirJs().types];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const quote = (value: unknown) => JSON.stringify(value);
const article = (word: string) => (/^[AEIOU]/.test(word) ? 'an' : 'a');

/** Why `type` (at `at`, or the value itself, called `what`) is not a resource type, or '' when it is one. */
function typeFault(type: unknown, at: string | undefined, what: string): string {
  if (type === undefined) {
    return `${at ?? what} has no "resourceType": a FHIR resource names its type, such as "Observation" or "Bundle".`;
  }
  const { types } = fhirJs();
  if (typeof type === 'string' && types.has(type)) return '';
  const hint = [...types].find(
    (t) => typeof type === 'string' && t.toLowerCase() === type.toLowerCase(),
  );
  return `${at ? `${at}: ` : ''}${quote(type)} is not a FHIR R4 resource type${hint ? ` (did you mean ${quote(hint)}? Types are case-sensitive)` : ''}. Expected one of the ${types.size} R4 types, such as ${EXAMPLES.join(', ')}.`;
}

/**
 * The first resource type that is not R4's, in `value` or anything nested in
 * it (a Bundle's entries, contained ones), or ''. Notes where each nested
 * resource with an id sits in `paths` (the library names them by id).
 */
function firstTypeFault(
  value: unknown,
  path: string,
  depth: number,
  paths: Map<string, string>,
  what: string,
  isRoot = false,
): string {
  if (depth > MAX_DEPTH) return `${what} nests more than ${MAX_DEPTH} levels deep.`;
  if (isObject(value) && (isRoot || 'resourceType' in value)) {
    const fault = typeFault(value.resourceType, isRoot ? undefined : path, what);
    if (fault) return fault;
    if (!isRoot && typeof value.id === 'string' && !paths.has(value.id)) paths.set(value.id, path);
  }
  const children = Array.isArray(value)
    ? value.map((v, i) => [`${path}[${i}]`, v] as const)
    : isObject(value)
      ? Object.entries(value).map(([k, v]) => [`${path}.${k}`, v] as const)
      : [];
  for (const [at, child] of children) {
    const fault = firstTypeFault(child, at, depth + 1, paths, what);
    if (fault) return fault;
  }
  return '';
}

/** One sentence for the library's complaint about `location` (e.g. `Observation.status`), `inside` a nested resource or not. */
function explain(message: string, location: string, inside: string | undefined): string {
  const prefix = inside ? `In ${inside}: ` : '';
  const [, type = '', field = ''] = /^([A-Za-z]+)\.?(.*)$/.exec(location) ?? [];
  if (message === 'Missing property') {
    const last = field.split('.').pop() ?? field;
    const holder = field.includes('.') ? `${type}.${field.slice(0, field.lastIndexOf('.'))}` : type;
    return `${prefix}${holder} is missing ${quote(last)}, which FHIR R4 requires ${field.includes('.') ? 'there' : `for ${article(type)} ${type}`}.`;
  }
  if (message === 'Unexpected property') {
    return `${prefix}${location} is not a field FHIR R4 defines there.`;
  }
  return `${prefix}${location || type}: ${message.replace(/\.$/, '')}.`;
}

/**
 * Checks a parsed JSON value as a FHIR R4 resource: a real resource type
 * (and the same for every resource inside it), the fields R4 requires,
 * no fields it does not define, codes from required value sets, values of
 * the right type. Throws `ImportInvalidFhirError` naming the first fault
 * and what was expected.
 *
 * @example
 * ```ts
 * checkFhirResource({ resourceType: 'Observation', status: 'final', code: { text: 'HbA1c' } }); // { resourceType: 'Observation' }
 * checkFhirResource({ resourceType: 'Banana' }); // throws ImportInvalidFhirError: '"Banana" is not a FHIR R4 resource type. …'
 * ```
 */
export function checkFhirResource(value: unknown, options: FhirCheckOptions = {}): FhirCheck {
  const what = options.what ?? 'The resource';
  if (!isObject(value)) {
    throw new ImportInvalidFhirError(
      `A FHIR resource is a JSON object such as {"resourceType": "Observation", …}, not ${Array.isArray(value) ? 'a list' : quote(value)}.`,
    );
  }
  const paths = new Map<string, string>();
  const typeProblem = firstTypeFault(value, String(value.resourceType), 0, paths, what, true);
  if (typeProblem) throw new ImportInvalidFhirError(typeProblem);
  const { messages } = fhirJs().fhir.validate(value, { errorOnUnexpected: true });
  const fault = messages.find((m) => m.severity === 'error' || m.severity === 'fatal');
  if (fault) {
    // the library names a resource by its id, else by its path ('#initial': the value itself)
    const id = fault.resourceId ?? '#initial';
    const inside = id === '#initial' || id === value.id ? undefined : (paths.get(id) ?? id);
    throw new ImportInvalidFhirError(
      explain(fault.message ?? 'not valid', fault.location ?? '', inside),
      `${messages.filter((m) => m.severity === 'error' || m.severity === 'fatal').length} error(s); first at ${fault.resourceId} ${fault.location}: ${fault.message}`,
    );
  }
  return { resourceType: value.resourceType as string };
}
