/**
 * The clinician's view of records: `renderRecords` turns opened FHIR and PDF
 * records into an HTML fragment, `renderStyles` is its stylesheet,
 * `pdfAttachments` gives the PDFs for the page to show inline. The example
 * clinic shows shared records with it, the wallet the patient's own. The
 * date, number and range formatters are exported so that documents made
 * elsewhere (the example samples) print values the way the view does.
 *
 * @example
 * ```ts
 * import { pdfAttachments, renderRecords, renderStyles } from '@medvault/record-view';
 * root.innerHTML = renderRecords(records);
 * ```
 * @module
 */
export { ageOn, dateOrder, formatDate } from './dates.js';
export { flagFromRange } from './flag.js';
export { escapeHtml, type HtmlValue, html, SafeHtml } from './html.js';
export { formatNumber, formatRange } from './numbers.js';
export { pdfAttachments } from './pdf-attachments.js';
export { renderRecords } from './render-records.js';
export { renderStyles } from './styles.js';
export type {
  Audience,
  PdfAttachment,
  RecordVerification,
  RenderOptions,
  SharedRecordView,
  VerificationStatus,
} from './types.js';
