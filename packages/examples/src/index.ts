/**
 * `@medvault/examples` — the example sites and their data, for the local
 * stack (`@medvault/stack`): the hospital portal, the clinic, a provider's
 * patient portal (FHIR R4 behind SMART on FHIR sign-in), and synthetic FHIR
 * R4 patients.
 * @module
 */

export type { ReadingJson } from './clinic/reading-json.js';
export { type ClinicSite, type ClinicSiteOptions, startClinicSite } from './clinic/server.js';
export type { StaffCredentials } from './clinic/staff-account.js';
export type { ChartSummary } from './hospital/charts.js';
export { type HospitalSiteOptions, startHospitalSite } from './hospital/server.js';
export {
  authorizeAtPortal,
  completeSignIn,
  DEFAULT_PATIENT_PASSWORD,
  DEFAULT_PROVIDER_CLIENTS,
  type FaultSpec,
  type FhirJson,
  type LoggedRequest,
  type PatientAccount,
  type PatientAnswers,
  type PortalSignIn,
  type ProviderClient,
  ProviderOptionsError,
  type ProviderPortal,
  type ProviderPortalOptions,
  ResourceRejectedError,
  type SmartTokenResponse,
  signInForTokens,
  startProviderPortal,
  UnknownAccountError,
  UnknownResourceError,
} from './provider/index.js';
export { generateSamples, type SamplePatient, type SampleRecord } from './samples/index.js';
export type { RunningSite } from './sites/site-server.js';
