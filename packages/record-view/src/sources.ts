/**
 * What ties a line of the merged view back to the records it came from:
 * small numbered marks linking to the record list, and the rule that an
 * item known only from records that failed verification is flagged.
 * @module
 */
import { verificationStatus } from './badge.js';
import { html, type SafeHtml } from './html.js';
import type { Audience, SharedRecordView } from './types.js';

/** What every view needs besides its resources. */
export type RenderContext = {
  now: Date;
  records: readonly SharedRecordView[];
  audience: Audience;
};

/**
 * The element id of record `index`'s card in the record list.
 *
 * @example
 * ```ts
 * recordAnchor(0); // 'mv-rec-1'
 * ```
 */
export function recordAnchor(index: number): string {
  return `mv-rec-${index + 1}`;
}

/**
 * Whether every record an item came from failed verification.
 *
 * @example
 * ```ts
 * isUnverified([2], ctx); // true when record 3 failed
 * ```
 */
export function isUnverified(sources: readonly number[], ctx: RenderContext): boolean {
  return sources.every((i) => verificationStatus(ctx.records[i]?.verification) === 'failed');
}

/**
 * The marks for an item's records: `¹ ³`, each a link to the record card,
 * with a warning mark first when the item is unverified.
 *
 * @example
 * ```ts
 * String(sourceMarks([0], ctx)); // '<span class="mv-srcs"><a class="mv-src" href="#mv-rec-1" …>1</a></span>'
 * ```
 */
export function sourceMarks(sources: readonly number[], ctx: RenderContext): SafeHtml {
  const warn = isUnverified(sources, ctx)
    ? html`<span class="mv-unverified-mark" title="Only in records that failed verification">⚠</span>`
    : '';
  const marks = sources.map((i) => {
    const title = ctx.records[i]?.title ?? `Record ${i + 1}`;
    return html`<a class="mv-src" href="#${recordAnchor(i)}" title="From: ${title}">${i + 1}</a>`;
  });
  return html`<span class="mv-srcs">${warn}${marks}</span>`;
}
