/** The few words of the view that differ with who reads it. @module */
import { html, type SafeHtml } from './html.js';
import type { Audience } from './types.js';

/**
 * The words that differ with who reads: whose ledger, and what the list
 * of records is called.
 *
 * @example
 * ```ts
 * String(wordsFor('patient').ledger); // 'your ledger'
 * ```
 */
export function wordsFor(audience: Audience): {
  ledger: SafeHtml;
  list: string;
  shared: string;
} {
  return audience === 'patient'
    ? { ledger: html`your ledger`, list: 'Records shown', shared: 'shown' }
    : { ledger: html`the patient's ledger`, list: 'Shared records', shared: 'shared' };
}
