/**
 * A visual check of the clinician's view: renders the first sample patient's
 * records (one of them only in the ledger, optionally one failed) into a
 * standalone page, `tsx src/samples/preview.ts [OUT.html] [--failed] [--patient N]`
 * (default /tmp/preview.html, patient 1), then e.g.
 * `chromium --headless --screenshot=/tmp/preview.png file:///tmp/preview.html`.
 *
 * @example
 * ```sh
 * npx tsx packages/examples/src/samples/preview.ts /tmp/preview.html --failed
 * ```
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { pdfAttachments, renderRecords, renderStyles } from '@medvault/record-view';
import { REFERENCE_DATE } from './clock.js';
import { generateSamples } from './generate.js';
import { anchored, sampleViews } from './views.js';

const args = process.argv.slice(2);
const patientAt = args.indexOf('--patient');
const which = patientAt >= 0 ? Number(args[patientAt + 1]) : 1;
const out =
  args.find((a, i) => !a.startsWith('--') && (patientAt < 0 || i !== patientAt + 1)) ??
  '/tmp/preview.html';
const withFailure = args.includes('--failed');

const patient = (await generateSamples(1))[which - 1];
if (!patient) throw new Error(`no sample patient ${which}`);
const views = sampleViews(patient.records, (i) => {
  if (i === 5)
    return { status: 'in-ledger', detail: 'Entry signature and hash chain checked', entrySeq: 14 };
  if (withFailure && i === 3)
    return { status: 'failed', detail: 'Entry signature does not match the hospital key' };
  return anchored(i);
});
const fragment = renderRecords(views, { now: new Date(`${REFERENCE_DATE}T12:00:00Z`) });
// The page's part, as the clinic does it: blob URLs for the PDF placeholders.
const pdfs = pdfAttachments(views).map(({ cid, bytes }) => ({
  cid,
  base64: Buffer.from(bytes).toString('base64'),
}));
const script = `
for (const { cid, base64 } of ${JSON.stringify(pdfs).replace(/</g, '\\u003c')}) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  for (const el of document.querySelectorAll('[data-pdf-cid="' + CSS.escape(cid) + '"]')) {
    if (el instanceof HTMLIFrameElement) el.src = url; else if (el instanceof HTMLAnchorElement) el.href = url;
  }
}`;
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shared records — preview</title>
<style>
body { margin: 0; background: #eef2f5; font-family: system-ui, sans-serif; }
.bar { background: #0b3a53; color: #fff; padding: 12px 24px; font-weight: 600; }
.bar span { font-weight: 400; opacity: 0.8; margin-left: 12px; }
main { max-width: 1180px; margin: 20px auto; padding: 0 16px; }
</style>
<style>${renderStyles()}</style></head>
<body><div class="bar">Riverside Clinic<span>Records shared by the patient</span></div>
<main>${fragment}</main><script>${script}</script></body></html>
`;
await writeFile(out, page);
console.log(`wrote ${out} (${views.length} records of ${patient.name})`);
