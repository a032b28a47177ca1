/**
 * What the import takes from a provider: the resource types of the patient
 * compartment it fetches, and the checks each resource passes before it can
 * land — its type, an id and a version (its import key), the patient it
 * belongs to, and FHIR R4 validity.
 */
import {
  ImportUnexpectedResourceError,
  ImportUnversionedError,
  ImportWrongPatientError,
} from './errors.js';
import { checkFhirResource } from './fhir-validation.js';

/**
 * The resource types a sync fetches, in the order it fetches them: the
 * patient first, then the patient-access API's clinical types (those Apple
 * Health Records and Blue Button read).
 *
 * @example
 * ```ts
 * PROVIDER_RESOURCE_TYPES.includes('Observation'); // true
 * ```
 */
export const PROVIDER_RESOURCE_TYPES = [
  'Patient',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'DiagnosticReport',
  'DocumentReference',
  'Immunization',
  'Procedure',
  'Encounter',
] as const;

/**
 * One of `PROVIDER_RESOURCE_TYPES`.
 *
 * @example
 * ```ts
 * const type: ProviderResourceType = 'Condition';
 * ```
 */
export type ProviderResourceType = (typeof PROVIDER_RESOURCE_TYPES)[number];

/**
 * A FHIR resource as JSON: an object with a `resourceType`.
 *
 * @example
 * ```ts
 * const patient: FhirResource = { resourceType: 'Patient', id: 'p1' };
 * ```
 */
export type FhirResource = { resourceType: string; [field: string]: unknown };

/** The field naming the patient, per type (the Patient is the patient). */
const PATIENT_FIELD: Record<ProviderResourceType, 'patient' | 'subject' | undefined> = {
  Patient: undefined,
  AllergyIntolerance: 'patient',
  Condition: 'subject',
  MedicationRequest: 'subject',
  MedicationStatement: 'subject',
  Observation: 'subject',
  DiagnosticReport: 'subject',
  DocumentReference: 'subject',
  Immunization: 'patient',
  Procedure: 'subject',
  Encounter: 'subject',
};

/**
 * A FHIR `id`: 1–64 of A–Z a–z 0–9 - . (a versionId is one too).
 *
 * @example
 * ```ts
 * FHIR_ID.test('pat-1'); // true
 * ```
 */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** A FHIR `instant`: a date and time to the second at least, with a zone. */
const INSTANT =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

/**
 * Whether `value` is a FHIR instant (`2026-03-03T09:30:00Z`, with a zone).
 *
 * @example
 * ```ts
 * isInstant('2026-03-03T09:30:00.120+01:00'); // true
 * isInstant('2026-03-03'); // false
 * ```
 */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Orders two instants by the time they name (milliseconds), then as text,
 * so the order is total and the same on every device.
 *
 * @example
 * ```ts
 * compareInstants('2026-01-01T10:00:00Z', '2026-01-01T09:00:00-02:00'); // < 0: 10:00 UTC is before 11:00 UTC
 * ```
 */
export function compareInstants(a: string, b: string): number {
  const d = Date.parse(a) - Date.parse(b);
  return d !== 0 ? Math.sign(d) : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A resource that passed `checkIdentity`: its reference, version and
 * last update, as its import key needs them.
 *
 * @example
 * ```ts
 * const { ref, version }: IdentifiedResource = checkIdentity(json, params);
 * ```
 */
export type IdentifiedResource = {
  resource: FhirResource;
  type: ProviderResourceType;
  id: string;
  /** `Type/id`. */
  ref: string;
  /** `meta.versionId`, when the server keeps versions. */
  versionId: string | undefined;
  /** `meta.lastUpdated`, when given. */
  lastUpdated: string | undefined;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `reference` of a Reference, if it has a string one. */
function referenceOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.reference === 'string' ? value.reference : undefined;
}

/**
 * Whether `reference` names `Patient/{patientId}` on the server at `base`:
 * relative, or absolute on that server, optionally version-specific.
 */
function namesPatient(reference: string, patientId: string, base: string): boolean {
  const local = reference.startsWith(`${base}/`) ? reference.slice(base.length + 1) : reference;
  const match = /^Patient\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(local);
  return match?.[1] === patientId;
}

/**
 * Checks what makes `value` importable as the patient's resource of
 * `type`, short of FHIR validity (`checkFhirResource`, run only on what
 * will land): a resource of that type, an id, a `meta.versionId` or
 * `meta.lastUpdated`, and the patient (the Patient's id, or the
 * `patient`/`subject` reference) is `patientId`. Throws
 * `ImportUnexpectedResourceError`, `ImportUnversionedError` or
 * `ImportWrongPatientError`.
 *
 * @example
 * ```ts
 * checkIdentity(observation, { type: 'Observation', patientId: 'p1', base: 'https://fhir.example/r4' }).ref; // 'Observation/o1'
 * ```
 */
export function checkIdentity(
  value: unknown,
  params: { type: ProviderResourceType; patientId: string; base: string },
): IdentifiedResource {
  const { type, patientId, base } = params;
  if (!isObject(value) || value.resourceType !== type) {
    const found = isObject(value)
      ? typeof value.resourceType === 'string'
        ? `a ${value.resourceType.slice(0, 64)}`
        : 'an object without a resourceType'
      : 'no resource';
    throw new ImportUnexpectedResourceError(type, found);
  }
  const id = value.id;
  if (typeof id !== 'string' || !FHIR_ID.test(id)) {
    throw new ImportUnversionedError(
      type,
      typeof id === 'string'
        ? `has an id that is not a FHIR id (${JSON.stringify(id.slice(0, 80))})`
        : 'has no id',
    );
  }
  const ref = `${type}/${id}`;
  const meta = isObject(value.meta) ? value.meta : {};
  const versionId = meta.versionId;
  const lastUpdated = meta.lastUpdated;
  if (versionId !== undefined && (typeof versionId !== 'string' || !FHIR_ID.test(versionId))) {
    throw new ImportUnversionedError(ref, 'has a meta.versionId that is not a FHIR id');
  }
  if (lastUpdated !== undefined && !isInstant(lastUpdated)) {
    throw new ImportUnversionedError(ref, 'has a meta.lastUpdated that is not an instant');
  }
  if (versionId === undefined && lastUpdated === undefined) {
    throw new ImportUnversionedError(ref, 'has neither meta.versionId nor meta.lastUpdated');
  }
  const field = PATIENT_FIELD[type];
  if (field === undefined) {
    if (id !== patientId) throw new ImportWrongPatientError(ref, patientId, `Patient/${id}`);
  } else {
    const reference = referenceOf(value[field]);
    if (reference === undefined || !namesPatient(reference, patientId, base)) {
      throw new ImportWrongPatientError(ref, patientId, reference);
    }
  }
  return {
    resource: value as FhirResource,
    type,
    id,
    ref,
    versionId: versionId as string | undefined,
    lastUpdated: lastUpdated as string | undefined,
  };
}

/**
 * Checks a resource as FHIR R4 (`checkFhirResource`); the error names the
 * resource by its reference.
 *
 * @example
 * ```ts
 * checkValidFhir(identified); // throws ImportInvalidFhirError: 'Observation is missing "status", …'
 * ```
 */
export function checkValidFhir(identified: IdentifiedResource): void {
  checkFhirResource(identified.resource, { what: identified.ref });
}
