/**
 * Medicines: what the patient takes (MedicationStatement) and what was
 * prescribed (MedicationRequest), current ones first, each with its dosage
 * as written — the instruction a clinician reconciles against.
 * @module
 */
import { dateOrder, formatDate } from './dates.js';
import type { Sourced } from './group.js';
import { html, type SafeHtml } from './html.js';
import { capitalise, codeChip, section } from './layout.js';
import { formatNumber } from './numbers.js';
import { codeIn, conceptText, isObject, type Json, objects, quantity, str } from './read.js';
import { isUnverified, type RenderContext, sourceMarks } from './sources.js';

const CURRENT = new Set(['active', 'intended', 'on-hold', 'draft']);
const MEDICATION_TYPES = new Set(['MedicationStatement', 'MedicationRequest']);

/**
 * Whether a resource is one this view shows.
 *
 * @example
 * ```ts
 * isMedication({ resourceType: 'MedicationRequest' }); // true
 * ```
 */
export function isMedication(resource: { resourceType: string }): boolean {
  return MEDICATION_TYPES.has(resource.resourceType);
}

function dosageText(dosage: Json): string | undefined {
  const text = str(dosage.text) ?? str(dosage.patientInstruction);
  if (text) return text;
  // Structured only: dose and frequency, as far as they are given.
  const dose = objects(dosage.doseAndRate)
    .map((d) => quantity(d.doseQuantity))
    .find(Boolean);
  const repeat =
    isObject(dosage.timing) && isObject(dosage.timing.repeat) ? dosage.timing.repeat : {};
  const parts = [
    dose ? `${formatNumber(dose.value)} ${dose.unit ?? ''}`.trim() : undefined,
    typeof repeat.frequency === 'number' && typeof repeat.periodUnit === 'string'
      ? `${repeat.frequency}× per ${typeof repeat.period === 'number' ? `${repeat.period} ` : ''}${repeat.periodUnit}`
      : undefined,
    conceptText(dosage.route),
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

function since(r: Json): string | undefined {
  if (isObject(r.effectivePeriod)) return str(r.effectivePeriod.start);
  return str(r.effectiveDateTime) ?? str(r.authoredOn) ?? str(r.dateAsserted);
}

/**
 * Renders the medicines, or nothing when there are none.
 *
 * @example
 * ```ts
 * renderMedications(group.resources.filter((r) => isMedication(r.resource)), ctx);
 * ```
 */
export function renderMedications(items: Sourced[], ctx: RenderContext): SafeHtml | undefined {
  const shown = items.filter(({ resource }) => resource.status !== 'entered-in-error');
  if (shown.length === 0) return undefined;
  const current = (r: Json) => (typeof r.status === 'string' && CURRENT.has(r.status) ? 0 : 1);
  shown.sort(
    (a, b) =>
      current(a.resource) - current(b.resource) ||
      dateOrder(since(b.resource)) - dateOrder(since(a.resource)),
  );
  const rows = shown.map(({ resource: r, sources }) => {
    const concept = r.medicationCodeableConcept;
    const name =
      conceptText(concept) ??
      (isObject(r.medicationReference) ? str(r.medicationReference.display) : undefined) ??
      'Unnamed medicine';
    const dosages = objects(r.resourceType === 'MedicationRequest' ? r.dosageInstruction : r.dosage)
      .map(dosageText)
      .filter((d): d is string => d !== undefined);
    const status = str(r.status);
    const isCurrent = current(r) === 0;
    const start = formatDate(since(r));
    const end = isObject(r.effectivePeriod) ? formatDate(r.effectivePeriod.end) : '';
    const prescribed = r.resourceType === 'MedicationRequest';
    return html`<tr class="${isCurrent ? 'mv-active' : 'mv-inactive'}${isUnverified(sources, ctx) ? ' mv-unverified' : ''}">
<td class="mv-term-cell"><span class="mv-term">${name}</span>${codeChip(codeIn(concept, 'http://www.nlm.nih.gov/research/umls/rxnorm') ?? codeIn(concept))}</td>
<td>${dosages.length ? dosages.join('; ') : html`<span class="mv-muted">No dosage given</span>`}</td>
<td><span class="mv-status mv-status-${isCurrent ? 'active' : 'inactive'}">${status ? capitalise(status) : 'Status unknown'}</span>${prescribed ? html` <span class="mv-tag">prescribed</span>` : ''}</td>
<td class="mv-date">${start ? `${prescribed ? '' : 'since '}${start}` : ''}${end ? html`<br><span class="mv-muted">until ${end}</span>` : ''}</td>
<td class="mv-src-cell">${sourceMarks(sources, ctx)}</td></tr>`;
  });
  return section({
    kind: 'medications',
    title: 'Medications',
    count: shown.length,
    body: html`<table class="mv-table"><thead><tr><th>Medicine</th><th>Dosage</th><th>Status</th><th>Date</th><th class="mv-src-cell">Src</th></tr></thead><tbody>${rows}</tbody></table>`,
  });
}
