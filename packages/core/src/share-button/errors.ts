/**
 * The one error the share button's attribute parsers produce. It is
 * returned, never thrown: a misconfigured button shows it and tells the
 * site through a `medvault-error` event instead of breaking the page.
 */
import { BaseError } from '../errors/base-error.js';

/** The attributes `<medvault-share-button>` reads. */
export type ShareButtonAttribute =
  | 'reader-key'
  | 'reader-name'
  | 'scope'
  | 'purpose'
  | 'expires-in-days'
  | 'expires-at'
  | 'install-url'
  | 'label';

/**
 * An attribute of the share button is missing or not in its format. The
 * message starts with the attribute's name so a site developer sees at once
 * which one to fix.
 *
 * @example
 * ```ts
 * const parsed = parseScope('{"categories":"laboratory"}');
 * if (!parsed.ok) console.warn(parsed.error.attribute, parsed.error.shortMessage);
 * // scope  scope.categories: expected an array of strings
 * ```
 */
export class InvalidAttributeError extends BaseError {
  static override readonly code = 'SHARE_INVALID_ATTRIBUTE';
  override readonly name = 'InvalidAttributeError';
  /** The attribute to fix. */
  readonly attribute: ShareButtonAttribute;
  constructor(attribute: ShareButtonAttribute, problem: string) {
    super(`${attribute}: ${problem}`);
    this.attribute = attribute;
  }
}

/** A parsed attribute, or why it could not be parsed. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: InvalidAttributeError };
