/**
 * The building blocks every section of the view shares: a titled section
 * and the small grey code chip ("SNOMED 44054006") beside a term.
 * @module
 */
import { type HtmlValue, html, type SafeHtml } from './html.js';
import type { CodingView } from './read.js';

const SYSTEM_LABELS: Record<string, string> = {
  'http://snomed.info/sct': 'SNOMED',
  'http://loinc.org': 'LOINC',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
};

/**
 * A chip naming a code and its system, or nothing without a code.
 *
 * @example
 * ```ts
 * String(codeChip({ system: 'http://loinc.org', code: '4548-4' })); // '<span class="mv-code" …>LOINC 4548-4</span>'
 * ```
 */
export function codeChip(coding: CodingView | undefined): SafeHtml | undefined {
  if (!coding?.code) return undefined;
  const label = coding.system ? SYSTEM_LABELS[coding.system] : undefined;
  return html`<span class="mv-code" title="${coding.system ?? ''}">${label ? `${label} ` : ''}${coding.code}</span>`;
}

/**
 * A section of the view with a heading and a count.
 *
 * @example
 * ```ts
 * section({ kind: 'conditions', title: 'Conditions', count: 3, body: html`<table>…</table>` });
 * ```
 */
export function section(params: {
  kind: string;
  title: string;
  count?: number;
  body: HtmlValue;
}): SafeHtml {
  const { kind, title, count, body } = params;
  return html`<section class="mv-section mv-section-${kind}"><h3 class="mv-section-title">${title}${count === undefined ? '' : html` <span class="mv-count">${count}</span>`}</h3>${body}</section>`;
}

/**
 * Capitalises the first letter (status codes read better as words).
 *
 * @example
 * ```ts
 * capitalise('in-progress'); // 'In progress'
 * ```
 */
export function capitalise(text: string): string {
  const words = text.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
