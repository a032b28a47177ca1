/**
 * The verification badge each record carries: how far its provenance was
 * checked, in the words a clinician needs — anchored on chain, only in the
 * patient's ledger, or failed (and then why, in red, never hidden).
 * @module
 */
import { html, type SafeHtml } from './html.js';
import { isObject, num, str } from './read.js';
import { safeHref } from './safe-url.js';
import type { Audience, VerificationStatus } from './types.js';
import { wordsFor } from './words.js';

/**
 * The status of a verification as the renderer trusts it: anything the
 * renderer does not recognise counts as failed, so a malformed verification
 * can never show as verified.
 *
 * @example
 * ```ts
 * verificationStatus({ status: 'anchored', detail: '' }); // 'anchored'
 * verificationStatus({ status: 'ok' }); // 'failed'
 * ```
 */
export function verificationStatus(verification: unknown): VerificationStatus {
  const status = isObject(verification) ? verification.status : undefined;
  return status === 'anchored' || status === 'in-ledger' || status === 'link' ? status : 'failed';
}

const wholeNumber = (value: unknown): number | undefined => {
  const n = num(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

function link(url: unknown, label: string): SafeHtml | undefined {
  const href = safeHref(url);
  return href
    ? html`<a class="mv-badge-link" href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`
    : undefined;
}

/**
 * Renders the badge for a record's verification.
 *
 * @example
 * ```ts
 * String(renderBadge({ status: 'anchored', detail: 'Proof checked', blockNumber: 1204, proofUrl: '/proofs/7' }));
 * // '<div class="mv-badge mv-badge-anchored" …>✓ Verified · anchored at block 1204 … proof …</div>'
 * ```
 */
export function renderBadge(verification: unknown, audience: Audience = 'clinician'): SafeHtml {
  const v = isObject(verification) ? verification : {};
  const detail = str(v.detail);
  const status = verificationStatus(v);
  if (status === 'anchored') {
    const block = wholeNumber(v.blockNumber);
    return html`<div class="mv-badge mv-badge-anchored" data-verification="anchored" title="${detail}">
<span class="mv-badge-icon" aria-hidden="true">✓</span><span class="mv-badge-text">Verified · anchored${block === undefined ? '' : ` at block ${block}`}</span>${link(v.proofUrl, 'inclusion proof')}${link(v.anchorUrl, 'anchor on chain')}</div>`;
  }
  if (status === 'link') {
    return html`<div class="mv-badge mv-badge-ledger" data-verification="link" title="${detail}">
<span class="mv-badge-icon" aria-hidden="true">◔</span><span class="mv-badge-text">From a SMART Health Link: not checked against a ledger — who wrote it is not proven</span></div>`;
  }
  if (status === 'in-ledger') {
    const seq = wholeNumber(v.entrySeq);
    return html`<div class="mv-badge mv-badge-ledger" data-verification="in-ledger" title="${detail}">
<span class="mv-badge-icon" aria-hidden="true">◔</span><span class="mv-badge-text">In ${wordsFor(audience).ledger}${seq === undefined ? '' : ` (entry #${seq})`}, not anchored yet</span>${link(v.proofUrl, 'inclusion proof')}</div>`;
  }
  return html`<div class="mv-badge mv-badge-failed" data-verification="failed" role="alert">
<span class="mv-badge-icon" aria-hidden="true">⚠</span><span class="mv-badge-text"><strong>Verification failed</strong>${detail ? ': ' : ''}${detail ?? ''}</span><span class="mv-badge-advice">Do not rely on this record until its source confirms it.</span></div>`;
}
