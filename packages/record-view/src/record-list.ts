/**
 * The list of shared records — what the patient shared, how each was
 * verified, and for any record that cannot be shown, why. Every mark in the
 * merged view links here.
 * @module
 */
import { renderBadge } from './badge.js';
import type { DecodedRecord } from './decode.js';
import { html, type SafeHtml } from './html.js';
import { importedFrom, renderImportedFrom } from './imported.js';
import { type RenderContext, recordAnchor } from './sources.js';
import { wordsFor } from './words.js';

function describe(record: RenderContext['records'][number], decoded: DecodedRecord): string {
  const parts: string[] = [];
  if (decoded.kind === 'fhir') {
    parts.push(decoded.root === 'Bundle' ? 'FHIR Bundle' : `FHIR ${decoded.root}`);
    if (decoded.root === 'Bundle')
      parts.push(
        `${decoded.resources.length} resource${decoded.resources.length === 1 ? '' : 's'}`,
      );
  } else if (decoded.kind === 'pdf') {
    parts.push(`PDF, ${Math.max(1, Math.round(record.body.length / 1024))} KB`);
  } else {
    parts.push(typeof record.contentType === 'string' ? record.contentType : 'unknown type');
  }
  if (typeof record.category === 'string' && record.category) parts.push(record.category);
  return parts.join(' · ');
}

const shortCid = (cid: string) => (cid.length > 20 ? `${cid.slice(0, 10)}…${cid.slice(-6)}` : cid);

/**
 * Renders the record list.
 *
 * @example
 * ```ts
 * renderRecordList(ctx, records.map(decodeRecord));
 * ```
 */
export function renderRecordList(ctx: RenderContext, decoded: DecodedRecord[]): SafeHtml {
  const items = ctx.records.map((record, i) => {
    const d = decoded[i]!;
    const cid = typeof record.cid === 'string' ? record.cid : '';
    const title =
      typeof record.title === 'string' && record.title ? record.title : `Record ${i + 1}`;
    const skipped =
      d.kind === 'fhir' && d.skipped > 0
        ? html`<div class="mv-note">${d.skipped} Bundle entr${d.skipped === 1 ? 'y has' : 'ies have'} no resource and ${d.skipped === 1 ? 'was' : 'were'} skipped.</div>`
        : '';
    const error =
      d.kind === 'error'
        ? html`<div class="mv-error-card" role="alert"><strong>Cannot display this record.</strong> ${d.message}</div>`
        : '';
    return html`<li class="mv-record${d.kind === 'error' ? ' mv-record-error' : ''}" id="${recordAnchor(i)}">
<span class="mv-record-num">${i + 1}</span><div class="mv-record-main">
<div class="mv-record-title">${title}</div>
<div class="mv-record-meta">${describe(record, d)} · <code class="mv-cid" title="${cid}">${shortCid(cid)}</code></div>
${d.kind === 'fhir' ? renderImportedFrom(importedFrom(d.resources)) : ''}${renderBadge(record.verification, ctx.audience)}${skipped}${error}</div></li>`;
  });
  return html`<section class="mv-section mv-records" aria-label="${wordsFor(ctx.audience).list}"><h3 class="mv-section-title">${wordsFor(ctx.audience).list} <span class="mv-count">${ctx.records.length}</span></h3><ol class="mv-record-list">${items}</ol></section>`;
}
