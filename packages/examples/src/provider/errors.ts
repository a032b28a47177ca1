/**
 * What the portal's in-process API throws: bad options at start, and test
 * controls aimed at something the portal does not hold. (Over HTTP, the
 * FHIR API answers OperationOutcomes and the authorisation server OAuth
 * errors; neither is one of these.)
 */
import { BaseError } from '@medvault/core/errors';

const DOCS = 'guides/provider-portal.md';

/**
 * An option of `startProviderPortal` or of a test control (`failNext`) that
 * cannot work: `shortMessage` names the option and what was expected.
 *
 * @example
 * ```ts
 * try { await startProviderPortal({ accessTokenTtlSeconds: 0 }) } catch (e) {
 *   if (e instanceof ProviderOptionsError) console.error(e.shortMessage);
 * }
 * ```
 */
export class ProviderOptionsError extends BaseError {
  static override readonly code = 'PROVIDER_BAD_OPTIONS';
  override readonly name = 'ProviderOptionsError';
  constructor(message: string, details?: string) {
    super(message, { details, docsPath: `${DOCS}#options` });
  }
}

/**
 * A test control named a patient account the portal does not have.
 *
 * @example
 * ```ts
 * portal.addResource('nobody', allergy); // throws UnknownAccountError
 * ```
 */
export class UnknownAccountError extends BaseError {
  static override readonly code = 'PROVIDER_UNKNOWN_ACCOUNT';
  override readonly name = 'UnknownAccountError';
  constructor(username: string, known: readonly string[]) {
    super(`The portal has no patient account "${username}".`, {
      details: `accounts: ${known.join(', ')}`,
      docsPath: `${DOCS}#test-accounts`,
    });
  }
}

/**
 * A test control named a resource the portal does not hold.
 *
 * @example
 * ```ts
 * portal.updateResource('Observation', 'no-such-id', () => {}); // throws UnknownResourceError
 * ```
 */
export class UnknownResourceError extends BaseError {
  static override readonly code = 'PROVIDER_UNKNOWN_RESOURCE';
  override readonly name = 'UnknownResourceError';
  constructor(type: string, id: string) {
    super(`The portal holds no ${type}/${id}.`, { docsPath: `${DOCS}#test-controls` });
  }
}

/**
 * A resource handed to a test control that the portal cannot serve as
 * given: an id already taken, a type it does not serve, a change of id or
 * type, another patient named as its subject.
 *
 * @example
 * ```ts
 * portal.addResource('helen', { resourceType: 'Observation', id: existingId, … }); // throws ResourceRejectedError
 * ```
 */
export class ResourceRejectedError extends BaseError {
  static override readonly code = 'PROVIDER_RESOURCE_REJECTED';
  override readonly name = 'ResourceRejectedError';
  constructor(message: string, details?: string) {
    super(message, { details, docsPath: `${DOCS}#test-controls` });
  }
}
