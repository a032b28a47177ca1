/**
 * The problem list: active problems first (what the clinician manages now),
 * then inactive and resolved ones, newest onset first within each.
 * @module
 */
import { dateOrder, formatDate } from './dates.js';
import type { Sourced } from './group.js';
import { html, type SafeHtml } from './html.js';
import { capitalise, codeChip, section } from './layout.js';
import { codeIn, conceptText, isObject, str } from './read.js';
import { isUnverified, type RenderContext, sourceMarks } from './sources.js';

const ACTIVE = new Set(['active', 'recurrence', 'relapse']);
const RANK: Record<string, number> = { resolved: 3, inactive: 2, remission: 2 };

function clinicalStatus(resource: Record<string, unknown>): string | undefined {
  return codeIn(resource.clinicalStatus)?.code ?? conceptText(resource.clinicalStatus);
}

function onset(r: Record<string, unknown>): string | undefined {
  return (
    str(r.onsetDateTime) ??
    (isObject(r.onsetPeriod) ? str(r.onsetPeriod.start) : undefined) ??
    str(r.recordedDate)
  );
}

/**
 * Renders the Conditions, or nothing when there are none.
 *
 * @example
 * ```ts
 * renderConditions(group.resources.filter((r) => r.resource.resourceType === 'Condition'), ctx);
 * ```
 */
export function renderConditions(items: Sourced[], ctx: RenderContext): SafeHtml | undefined {
  const shown = items.filter(
    ({ resource }) => codeIn(resource.verificationStatus)?.code !== 'entered-in-error',
  );
  if (shown.length === 0) return undefined;
  const rank = (r: Record<string, unknown>) => {
    const status = clinicalStatus(r);
    return status && ACTIVE.has(status) ? 0 : (RANK[status ?? ''] ?? 1);
  };
  shown.sort(
    (a, b) =>
      rank(a.resource) - rank(b.resource) ||
      dateOrder(onset(b.resource)) - dateOrder(onset(a.resource)),
  );
  const rows = shown.map(({ resource: r, sources }) => {
    const status = clinicalStatus(r);
    const active = status !== undefined && ACTIVE.has(status);
    const verification = codeIn(r.verificationStatus)?.code;
    const since = formatDate(onset(r));
    const abated = formatDate(r.abatementDateTime);
    return html`<tr class="${active ? 'mv-active' : 'mv-inactive'}${isUnverified(sources, ctx) ? ' mv-unverified' : ''}">
<td class="mv-term-cell"><span class="mv-term">${conceptText(r.code) ?? 'Unnamed condition'}</span>${codeChip(codeIn(r.code, 'http://snomed.info/sct') ?? codeIn(r.code))}</td>
<td><span class="mv-status mv-status-${active ? 'active' : 'inactive'}">${status ? capitalise(status) : 'Status unknown'}</span>${verification && verification !== 'confirmed' ? html` <span class="mv-muted">${verification}</span>` : ''}</td>
<td class="mv-date">${since ? `since ${since}` : ''}${abated ? html`<br><span class="mv-muted">resolved ${abated}</span>` : ''}</td>
<td class="mv-src-cell">${sourceMarks(sources, ctx)}</td></tr>`;
  });
  return section({
    kind: 'conditions',
    title: 'Conditions',
    count: shown.length,
    body: html`<table class="mv-table"><thead><tr><th>Condition</th><th>Status</th><th>Onset</th><th class="mv-src-cell">Src</th></tr></thead><tbody>${rows}</tbody></table>`,
  });
}
