/**
 * `@medvault/core/provider-import` — bringing a patient's records in from
 * any provider's FHIR R4 patient-access API behind SMART on FHIR, as Apple
 * Health Records and Blue Button do: `syncFromProvider` reads through a
 * signed-in `fhirclient` client, validates and categorises each resource,
 * builds its record (the resource, its attachments and a Provenance) and
 * hands it to the caller's `land`, which seals it to the patient's key and
 * records it in her ledger. Later syncs read only what changed, from the
 * state the ledger's notes give (`importState`). Runs in browsers (the
 * wallet's background) and Node (`medvault import`).
 * Format and rules: docs/spec/provider-import.md.
 *
 * @example
 * ```ts
 * import { importState, syncFromProvider } from '@medvault/core/provider-import';
 * const report = await syncFromProvider({ client, patientId, state: importState(notes), land });
 * ```
 * @module
 */
export { DEFAULT_MAX_ATTACHMENT_BYTES } from './attachments.js';
export { categoryOf, isMentalHealth } from './categories.js';
export * from './errors.js';
export {
  checkFhirResource,
  type FhirCheck,
  type FhirCheckOptions,
  fhirResourceTypes,
} from './fhir-validation.js';
export {
  type BuiltRecord,
  type FetchedAttachment,
  IMPORT_CONTENT_TYPE,
  IMPORTED_FROM,
  type ImportNote,
  importKey,
  normalizeServerUrl,
  provenanceOf,
  type RecordProvenance,
  titleOf,
} from './record.js';
export type { ProviderClient, ProviderRequestOptions } from './requests.js';
export {
  type FhirResource,
  PROVIDER_RESOURCE_TYPES,
  type ProviderResourceType,
} from './resource.js';
export { type ImportState, importState, type ServerImportState } from './state.js';
export {
  DEFAULT_MAX_PAGE_BYTES,
  DEFAULT_MAX_PAGE_ENTRIES,
  DEFAULT_PAGE_SIZE,
  type LandRecord,
  type SyncFailure,
  type SyncFromProviderParameters,
  type SyncProgress,
  type SyncReport,
  type SyncStopReason,
  syncFromProvider,
} from './sync.js';
