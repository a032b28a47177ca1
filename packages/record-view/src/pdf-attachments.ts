/**
 * The PDFs among shared records, for the page to turn into blob URLs: the
 * rendered HTML only holds placeholders (`data-pdf-cid`), since markup
 * cannot carry a blob URL the page has not made yet.
 * @module
 */
import { decodeRecord } from './decode.js';
import type { PdfAttachment, SharedRecordView } from './types.js';

/**
 * The records that are PDFs (by content type and by their bytes), once per CID.
 *
 * @example
 * ```ts
 * root.innerHTML = renderRecords(records);
 * for (const { cid, bytes } of pdfAttachments(records)) {
 *   const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
 *   for (const el of root.querySelectorAll(`[data-pdf-cid="${CSS.escape(cid)}"]`)) {
 *     if (el instanceof HTMLIFrameElement) el.src = url;
 *     else if (el instanceof HTMLAnchorElement) el.href = url;
 *   }
 * }
 * ```
 */
export function pdfAttachments(records: readonly SharedRecordView[]): PdfAttachment[] {
  const seen = new Set<string>();
  const out: PdfAttachment[] = [];
  for (const record of records) {
    if (typeof record.cid !== 'string' || seen.has(record.cid)) continue;
    if (decodeRecord(record).kind !== 'pdf') continue;
    seen.add(record.cid);
    out.push({ cid: record.cid, bytes: record.body });
  }
  return out;
}
