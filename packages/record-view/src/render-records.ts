/**
 * The clinician's view of shared records: for each patient, a header, then
 * conditions, medications and results as a clinician reads them, other
 * resources briefly, PDFs inline, and the list of records with how each was
 * verified. Returns an HTML fragment in which every value from a record is
 * escaped; a record that cannot be shown becomes an error card, and the
 * function itself never throws.
 * @module
 */
import { verificationStatus } from './badge.js';
import { renderConditions } from './conditions.js';
import { type DecodedRecord, decodeRecord } from './decode.js';
import { renderDocuments } from './documents.js';
import { renderFallback } from './fallback.js';
import { groupByPatient, type PatientGroup } from './group.js';
import { html, type SafeHtml } from './html.js';
import { clinicalResources, importedFrom } from './imported.js';
import { isMedication, renderMedications } from './medications.js';
import { isLaboratory, renderObservations } from './observations.js';
import { renderPatientHeader } from './patient-header.js';
import { renderRecordList } from './record-list.js';
import type { RenderContext } from './sources.js';
import type { RenderOptions, SharedRecordView, VerificationStatus } from './types.js';
import { wordsFor } from './words.js';

const RANK: Record<VerificationStatus, number> = {
  anchored: 0,
  'in-ledger': 1,
  link: 2,
  failed: 3,
};

function decodeSafely(record: SharedRecordView): DecodedRecord {
  try {
    return decodeRecord(record);
  } catch {
    return { kind: 'error', message: 'This record could not be read.' };
  }
}

function renderGroup(group: PatientGroup, ctx: RenderContext): SafeHtml {
  const of = (type: string) => group.resources.filter((r) => r.resource.resourceType === type);
  const observations = of('Observation');
  const handled = new Set(['Condition', 'Observation', 'MedicationStatement', 'MedicationRequest']);
  return html`<article class="mv-patient">${renderPatientHeader(group, ctx)}
${renderConditions(of('Condition'), ctx)}
${renderMedications(
  group.resources.filter((r) => isMedication(r.resource)),
  ctx,
)}
${renderObservations(
  observations.filter((o) => isLaboratory(o.resource)),
  ctx,
  { kind: 'labs', title: 'Laboratory results' },
)}
${renderObservations(
  observations.filter((o) => !isLaboratory(o.resource)),
  ctx,
  { kind: 'observations', title: 'Other observations' },
)}
${renderFallback(
  group.resources.filter((r) => !handled.has(r.resource.resourceType)),
  ctx,
)}</article>`;
}

function provenance(ctx: RenderContext, decoded: DecodedRecord[]): SafeHtml {
  const count = { anchored: 0, 'in-ledger': 0, link: 0, failed: 0 };
  for (const r of ctx.records) count[verificationStatus(r.verification)]++;
  const unreadable = decoded.filter((d) => d.kind === 'error').length;
  const imported = decoded.filter(
    (d) => d.kind === 'fhir' && importedFrom(d.resources).length > 0,
  ).length;
  const n = ctx.records.length;
  const parts = [
    count.anchored
      ? html`<span class="mv-prov-anchored">${count.anchored} anchored on chain</span>`
      : '',
    count['in-ledger']
      ? html`<span class="mv-prov-ledger">${count['in-ledger']} in ${wordsFor(ctx.audience).ledger} only</span>`
      : '',
    count.link
      ? html`<span class="mv-prov-ledger">${count.link} from a link, not checked against a ledger</span>`
      : '',
    count.failed
      ? html`<span class="mv-prov-failed">${count.failed} failed verification</span>`
      : '',
    imported
      ? html`<span class="mv-prov-imported">${imported} imported from a provider’s FHIR server</span>`
      : '',
  ];
  return html`<div class="mv-provenance"><span class="mv-prov-total">${n} record${n === 1 ? '' : 's'} ${wordsFor(ctx.audience).shared}</span>${parts}</div>
${count.failed ? html`<div class="mv-alert" role="alert"><strong>⚠ ${count.failed === 1 ? 'One record' : `${count.failed} records`} failed verification.</strong> Items found only there are marked ⚠ — do not rely on them until the source confirms.</div>` : ''}
${unreadable ? html`<div class="mv-alert mv-alert-soft">${unreadable === 1 ? 'One record' : `${unreadable} records`} could not be displayed — see ${wordsFor(ctx.audience).list} below.</div>` : ''}`;
}

/**
 * Renders shared records as an HTML fragment (insert it into an element;
 * style it with `renderStyles()`; fill its PDF placeholders from
 * `pdfAttachments(records)`).
 *
 * @example
 * ```ts
 * root.innerHTML = renderRecords(records);
 * // <div class="mv-view">… patient header, Conditions, Medications, Laboratory results … Shared records</div>
 * ```
 */
export function renderRecords(records: SharedRecordView[], options: RenderOptions = {}): string {
  const list = Array.isArray(records) ? records : [];
  const ctx: RenderContext = {
    now: options.now ?? new Date(),
    records: list,
    audience: options.audience ?? 'clinician',
  };
  if (list.length === 0) {
    return String(
      html`<div class="mv-view"><p class="mv-empty">No records have been shared.</p></div>`,
    );
  }
  try {
    const decoded = list.map(decodeSafely);
    const groups = groupByPatient(
      decoded.flatMap((d, index) =>
        d.kind === 'fhir'
          ? [
              {
                index,
                rank: RANK[verificationStatus(list[index]!.verification)],
                // an imported record's Provenance is shown beside it, not as a finding
                resources: clinicalResources(d.resources),
              },
            ]
          : [],
      ),
    );
    const patients = groups.map((group) => {
      try {
        return renderGroup(group, ctx);
      } catch {
        return html`<div class="mv-error-card" role="alert"><strong>These records could not be displayed.</strong> Their content is malformed in a way this view does not handle.</div>`;
      }
    });
    const pdfs = decoded.flatMap((d, i) => (d.kind === 'pdf' ? [i] : []));
    return String(
      html`<div class="mv-view">${provenance(ctx, decoded)}${patients}${renderDocuments(pdfs, ctx)}${renderRecordList(ctx, decoded)}</div>`,
    );
  } catch {
    return String(
      html`<div class="mv-view"><div class="mv-error-card" role="alert"><strong>The shared records could not be displayed.</strong></div></div>`,
    );
  }
}
