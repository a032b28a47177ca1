/**
 * A provider's patient portal: a FHIR R4 patient-access API behind a real
 * SMART on FHIR / OAuth 2 authorisation server, serving the synthetic
 * patients, with in-process test controls — the server an importer and the
 * wallet's "Add records from my provider" are tested against
 * (docs/guides/provider-portal.md).
 *
 * @example
 * ```ts
 * import { signInForTokens, startProviderPortal } from './provider/index.js';
 * const portal = await startProviderPortal({ port: 0 });
 * const tokens = await signInForTokens({
 *   fhirBaseUrl: portal.fhirBaseUrl,
 *   clientId: 'medvault-cli',
 *   redirectUri: 'http://127.0.0.1/callback',
 *   username: 'helen',
 *   password: 'medvault-patient',
 * });
 * ```
 * @module
 */
export type { ProviderClient } from './authorization-server.js';
export {
  ProviderOptionsError,
  ResourceRejectedError,
  UnknownAccountError,
  UnknownResourceError,
} from './errors.js';
export type { FhirJson } from './fhir-types.js';
export {
  DEFAULT_PATIENT_PASSWORD,
  DEFAULT_PROVIDER_CLIENTS,
  type ProviderPortalOptions,
} from './options.js';
export type { PatientAccount } from './patient-accounts.js';
export { type ProviderPortal, startProviderPortal } from './server.js';
export {
  authorizeAtPortal,
  completeSignIn,
  type PatientAnswers,
  type PortalSignIn,
  type SmartTokenResponse,
  signInForTokens,
} from './sign-in.js';
export type { FaultSpec, LoggedRequest } from './test-controls.js';
