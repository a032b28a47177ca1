/**
 * PDF records shown inline: a frame the page points at a blob URL of the
 * PDF, a download link, and the record's verification badge beside it —
 * a letter is read as it was written, with its provenance in view.
 * @module
 */
import { renderBadge } from './badge.js';
import { html, type SafeHtml } from './html.js';
import { section } from './layout.js';
import { type RenderContext, recordAnchor } from './sources.js';

/**
 * A file name for a download: the title reduced to safe characters.
 *
 * @example
 * ```ts
 * downloadName('Discharge summary, 3 Feb 2026'); // 'discharge-summary-3-feb-2026.pdf'
 * ```
 */
export function downloadName(title: string | undefined): string {
  const base = (title ?? 'document')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'document'}.pdf`;
}

/**
 * Renders the PDF records (by index into `ctx.records`), or nothing.
 *
 * @example
 * ```ts
 * renderDocuments([3], ctx); // <figure> with <iframe data-pdf-cid="…"> and a download link
 * ```
 */
export function renderDocuments(indexes: number[], ctx: RenderContext): SafeHtml | undefined {
  if (indexes.length === 0) return undefined;
  const figures = indexes.map((i) => {
    const record = ctx.records[i]!;
    const title = typeof record.title === 'string' && record.title ? record.title : 'PDF document';
    return html`<figure class="mv-pdf">
<figcaption class="mv-pdf-caption"><div class="mv-pdf-title"><a class="mv-src" href="#${recordAnchor(i)}" title="Record ${i + 1}">${i + 1}</a> ${title}</div>${renderBadge(record.verification, ctx.audience)}
<a class="mv-pdf-download" data-pdf-cid="${record.cid}" download="${downloadName(title)}">Download PDF</a></figcaption>
<iframe class="mv-pdf-frame" data-pdf-cid="${record.cid}" title="${title}" loading="lazy"></iframe></figure>`;
  });
  return section({ kind: 'documents', title: 'Documents', count: indexes.length, body: figures });
}
