/**
 * The clinician's view of shared records: `renderRecords` turns opened FHIR
 * and PDF records into an HTML fragment, `renderStyles` is its stylesheet,
 * `pdfAttachments` gives the PDFs for the page to show inline.
 *
 * @example
 * ```ts
 * import { pdfAttachments, renderRecords, renderStyles } from './render/index.js';
 * root.innerHTML = renderRecords(records);
 * ```
 * @module
 */
export { escapeHtml, type HtmlValue, html, SafeHtml } from './html.js';
export { pdfAttachments } from './pdf-attachments.js';
export { renderRecords } from './render-records.js';
export { renderStyles } from './styles.js';
export type {
  PdfAttachment,
  RecordVerification,
  RenderOptions,
  SharedRecordView,
  VerificationStatus,
} from './types.js';
