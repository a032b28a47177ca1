/**
 * The portal's resources, in memory: every resource with the patient whose
 * compartment it is in (none for shared ones), every attachment file, and
 * a clock that only moves forward so that each write's `meta.lastUpdated`
 * is later than every earlier one — what `_lastUpdated` syncs rely on.
 * Callers get copies; only `add` and `update` change what is stored, each
 * write a new `meta.versionId`.
 * @module
 */
import { checkFhirResource } from '../hospital/fhir-validation.js';
import { ResourceRejectedError, UnknownResourceError } from './errors.js';
import type { FhirJson } from './fhir-types.js';
import type { StreamedFile } from './huge-attachment.js';
import { isCompartmentType, patientField } from './resource-types.js';

/**
 * A resource as stored: the resource and the patient it belongs to.
 *
 * @example
 * ```ts
 * const { resource, patientId }: StoredResource = store.get('Observation', id)!;
 * ```
 */
export type StoredResource = {
  resource: FhirJson;
  /** The compartment's patient id; undefined for a shared resource. */
  patientId: string | undefined;
};

/**
 * An attachment as stored.
 *
 * @example
 * ```ts
 * const file: StoredFile | undefined = store.file('pat-1-discharge-pdf'); // file?.size, file?.chunks()
 * ```
 */
export type StoredFile = StreamedFile & {
  patientId: string;
  versionId: string;
  lastUpdated: string;
};

/**
 * A FHIR id: 1–64 of letters, digits, `-` and `.`.
 *
 * @example
 * ```ts
 * FHIR_ID.test('pat-f49b6f7726'); // true
 * ```
 */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

const key = (type: string, id: string) => `${type}/${id}`;
const instantOf = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/**
 * The resources and files the portal serves.
 *
 * @example
 * ```ts
 * const store = new FhirStore();
 * store.put(patient, patient.id);
 * store.update('Patient', patient.id, (p) => { p.active = false; }).meta?.versionId; // '2'
 * ```
 */
export class FhirStore {
  readonly #resources = new Map<string, StoredResource>();
  readonly #files = new Map<string, StoredFile>();
  readonly #now: () => number;
  #last = 0;

  /** `now`: the clock, ms (tests may pass their own). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** An instant later than every one this store handed out before (ms precision). */
  stamp(): string {
    this.#last = Math.max(this.#now(), this.#last + 1);
    return new Date(this.#last).toISOString();
  }

  /**
   * Loads a resource as the EHR held it before the portal started: its own
   * `meta.lastUpdated` when that is in the past, else now.
   */
  put(resource: FhirJson, patientId: string | undefined): void {
    const now = this.#now();
    const at = instantOf(resource.meta?.lastUpdated);
    const lastUpdated =
      Number.isFinite(at) && at <= now ? (resource.meta?.lastUpdated as string) : this.stamp();
    const stored = structuredClone(resource);
    stored.meta = { ...stored.meta, versionId: stored.meta?.versionId ?? '1', lastUpdated };
    this.#resources.set(key(resource.resourceType, resource.id ?? ''), {
      resource: stored,
      patientId,
    });
  }

  /** Loads an attachment of a patient's, served at `Binary/{file.id}`. */
  putFile(file: StreamedFile, patientId: string): void {
    this.#files.set(file.id, { ...file, patientId, versionId: '1', lastUpdated: this.stamp() });
  }

  /** A copy of the stored resource, or undefined. */
  get(type: string, id: string): StoredResource | undefined {
    const stored = this.#resources.get(key(type, id));
    return stored && { resource: structuredClone(stored.resource), patientId: stored.patientId };
  }

  /** The attachment `Binary/{id}`, or undefined. */
  file(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }

  /** Copies of every stored resource of `type`. */
  all(type: string): StoredResource[] {
    const found: StoredResource[] = [];
    for (const stored of this.#resources.values())
      if (stored.resource.resourceType === type)
        found.push({ resource: structuredClone(stored.resource), patientId: stored.patientId });
    return found;
  }

  /**
   * Changes a resource as the EHR would: `mutate` edits a copy (or returns
   * a replacement), which must stay a valid R4 resource of the same type,
   * id and patient; it is stored with the next `versionId` and a new
   * `lastUpdated`. Returns a copy of what was stored.
   */
  update(
    type: string,
    id: string,
    mutate: ((resource: FhirJson) => void) | ((resource: FhirJson) => FhirJson),
  ): FhirJson {
    const current = this.#resources.get(key(type, id));
    if (!current) throw new UnknownResourceError(type, id);
    const draft = structuredClone(current.resource);
    const next = mutate(draft) ?? draft;
    if (next.resourceType !== type || next.id !== id)
      throw new ResourceRejectedError(
        `An update must keep the resource's type and id (${type}/${id}).`,
        `got ${next.resourceType}/${next.id}`,
      );
    if (current.patientId !== undefined) this.#checkPatient(next, current.patientId);
    const version = Number(current.resource.meta?.versionId ?? '1');
    next.meta = {
      ...next.meta,
      versionId: String(Number.isFinite(version) ? version + 1 : 2),
      lastUpdated: this.stamp(),
    };
    checkFhirResource(next);
    this.#resources.set(key(type, id), {
      resource: structuredClone(next),
      patientId: current.patientId,
    });
    return next;
  }

  /**
   * Adds a resource to a patient's compartment, as version 1 written now.
   * Without an id it gets one; its patient field (`subject` or `patient`),
   * when missing, is set to the patient. Returns a copy of what was stored.
   */
  add(patientId: string, patientName: string, resource: FhirJson): FhirJson {
    const type = resource.resourceType;
    if (!isCompartmentType(type) || type === 'Patient')
      throw new ResourceRejectedError(
        `The portal adds resources of a patient's records, not ${type}.`,
        'add AllergyIntolerance, Condition, MedicationRequest, MedicationStatement, Observation, DiagnosticReport, DocumentReference, Immunization, Procedure or Encounter',
      );
    const draft = structuredClone(resource);
    if (draft.id === undefined) {
      let n = 1;
      while (this.#resources.has(key(type, `${patientId}-${type.toLowerCase()}-added-${n}`))) n++;
      draft.id = `${patientId}-${type.toLowerCase()}-added-${n}`;
    }
    if (typeof draft.id !== 'string' || !FHIR_ID.test(draft.id))
      throw new ResourceRejectedError(
        'A resource id is 1–64 letters, digits, "-" or ".".',
        `got ${JSON.stringify(draft.id)}`,
      );
    if (this.#resources.has(key(type, draft.id)))
      throw new ResourceRejectedError(`The portal already holds ${type}/${draft.id}.`);
    const field = patientField(type) as string;
    draft[field] ??= { reference: `Patient/${patientId}`, display: patientName };
    this.#checkPatient(draft, patientId);
    draft.meta = { ...draft.meta, versionId: '1', lastUpdated: this.stamp() };
    checkFhirResource(draft);
    this.#resources.set(key(type, draft.id), { resource: structuredClone(draft), patientId });
    return draft;
  }

  #checkPatient(resource: FhirJson, patientId: string): void {
    const field = patientField(resource.resourceType);
    if (field === undefined) return;
    const reference = (resource[field] as { reference?: unknown } | undefined)?.reference;
    if (reference !== `Patient/${patientId}`)
      throw new ResourceRejectedError(
        `A resource in Patient/${patientId}'s records must name that patient as its ${field}.`,
        `${field}.reference is ${JSON.stringify(reference)}`,
      );
  }
}
