/**
 * The clinician's view of the generated samples: the values, units and
 * ranges a clinician reads, flags where results are out of range, problems
 * and medicines, PDFs inline, provenance on every record, and error cards
 * for what cannot be shown.
 */

import {
  pdfAttachments,
  renderRecords,
  renderStyles,
  type SharedRecordView,
} from '@medvault/record-view';
import { beforeAll, describe, expect, test } from 'vitest';
import { REFERENCE_DATE } from './clock.js';
import { generateSamples } from './generate.js';
import type { SamplePatient } from './record.js';
import { anchored, sampleViews } from './views.js';

const now = new Date(`${REFERENCE_DATE}T12:00:00Z`);
const enc = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** The table row of a result, by LOINC code. */
function row(out: string, loinc: string): string {
  const start = out.indexOf(`data-code="${loinc}"`);
  expect(start, `row for ${loinc}`).toBeGreaterThan(0);
  return out.slice(out.lastIndexOf('<tr', start), out.indexOf('</tr>', start));
}

let patients: SamplePatient[];
let diabetic: SamplePatient;
let views: SharedRecordView[];
let out: string;
beforeAll(async () => {
  patients = await generateSamples(1);
  diabetic = patients.find((p) => p.records.some((r) => r.name.includes('-hba1c-')))!;
  views = sampleViews(diabetic.records);
  out = renderRecords(views, { now });
});

describe('the samples as a clinician reads them', () => {
  test('a patient header with name, age, sex, date of birth and identifiers', () => {
    const header = out.slice(out.indexOf('mv-patient-header'), out.indexOf('</header>'));
    expect(header).toContain(diabetic.name.replace("'", '&#39;'));
    const age = Math.floor(
      (now.getTime() - Date.parse(diabetic.birthDate)) / (365.2425 * 86_400_000),
    );
    expect(header).toContain(`${age} y`);
    expect(header).toContain(diabetic.gender === 'female' ? 'Female' : 'Male');
    expect(header).toMatch(/Born \d{1,2} [A-Z][a-z]{2} \d{4}/);
    expect(header).toMatch(
      /<span class="mv-id-type">MRN<\/span><span class="mv-id-value">SMH-\d{3}-\d{4}<\/span>/,
    );
    expect(header).toContain('Health ID');
  });

  test('the HbA1c row: latest value, "%", range 4.0–5.6, flagged high, earlier values as a trend', () => {
    const hba1c = row(out, '4548-4');
    expect(hba1c).toContain('mv-result-high');
    expect(hba1c).toMatch(/<td class="mv-value mv-num">\d\.\d<\/td>/);
    expect(hba1c).toContain('<td class="mv-unit">%</td>');
    expect(hba1c).toContain('4.0–5.6');
    expect(hba1c).toMatch(/<span class="mv-flag mv-flag-high" title="High">H<\/span>/);
    expect(hba1c).toContain('<svg class="mv-spark"');
    expect(hba1c.match(/<li>/g)).toHaveLength(3);
    expect(hba1c).toContain('LOINC 4548-4');
  });

  test('other results carry their units and ranges; one-sided ranges read as such', () => {
    expect(row(out, '2160-0')).toContain('<td class="mv-unit">mg/dL</td>');
    expect(row(out, '2823-3')).toContain('<td class="mv-unit">mmol/L</td>');
    expect(row(out, '2823-3')).toContain('3.5–5.1');
    expect(row(out, '33914-3')).toContain('≥ 60');
    expect(row(out, '33914-3')).toContain('mL/min/1.73 m²');
    expect(row(out, '18262-6')).toContain('≤ 100');
    expect(out).toMatch(/\d of \d+ latest results outside the reference range/);
  });

  test('a result repeated across records is one row citing all of them', () => {
    // Summary (2), lab results (5) and the HbA1c record (6) all carry the latest HbA1c.
    const marks = [...row(out, '4548-4').matchAll(/href="#mv-rec-(\d+)"/g)].map((m) => m[1]);
    expect(marks).toEqual(['2', '5', '6']);
  });

  test('conditions, active first with onset, then the resolved admission diagnosis', () => {
    const conditions = out.slice(
      out.indexOf('mv-section-conditions'),
      out.indexOf('mv-section-medications'),
    );
    expect(conditions).toContain('Type 2 diabetes mellitus');
    expect(conditions).toContain('SNOMED 44054006');
    expect(conditions).toMatch(/since \d{1,2} [A-Z][a-z]{2} \d{4}/);
    expect(conditions.indexOf('Type 2 diabetes mellitus')).toBeLessThan(
      conditions.indexOf('Cellulitis of the left lower leg'),
    );
    expect(conditions).toMatch(/Resolved<\/span>[\s\S]*resolved \d{1,2} [A-Z][a-z]{2} 2026/);
  });

  test('medicines with their dosage; the discharge prescription marked as prescribed', () => {
    const meds = out.slice(out.indexOf('mv-section-medications'), out.indexOf('mv-section-labs'));
    expect(meds).toContain('Metformin 500 mg tablet');
    expect(meds).toContain('2 tablets twice daily with meals');
    expect(meds).toContain('RxNorm 861007');
    expect(meds).toMatch(
      /Cephalexin 500 mg capsule[\s\S]*1 capsule four times daily[\s\S]*prescribed/,
    );
  });

  test('other resources as readable cards, their JSON only behind a disclosure', () => {
    const other = out.slice(out.indexOf('mv-section-other'), out.indexOf('mv-section-documents'));
    expect(other).toContain('<span class="mv-other-type">Encounter</span>');
    expect(other).toContain('Cellulitis of the left lower leg');
    expect(other).toMatch(
      /<dt>When<\/dt><dd>\d{1,2} [A-Z][a-z]{2} 2026 – \d{1,2} [A-Z][a-z]{2} 2026<\/dd>/,
    );
    expect(other).toContain('<summary>FHIR JSON</summary>');
  });

  test('the discharge summary PDF is a placeholder frame and a download link, and pdfAttachments gives its bytes', () => {
    const pdf = views.find((v) => v.contentType === 'application/pdf')!;
    expect(out).toContain(`<iframe class="mv-pdf-frame" data-pdf-cid="${pdf.cid}"`);
    expect(out).toMatch(
      new RegExp(
        `<a class="mv-pdf-download" data-pdf-cid="${pdf.cid}" download="discharge-summary-st-mary-s-hospital-[\\w-]+\\.pdf">`,
      ),
    );
    expect(pdfAttachments(views)).toEqual([{ cid: pdf.cid, bytes: pdf.body }]);
  });

  test('every record is listed with its badge; no error cards', () => {
    for (const [i, view] of views.entries()) {
      expect(out).toContain(`id="mv-rec-${i + 1}"`);
      expect(out).toContain(`Verified · anchored at block ${anchored(i).blockNumber}`);
      expect(out).toContain(view.cid.slice(0, 10));
    }
    expect(out).toContain('7 records shared');
    expect(out).not.toContain('mv-error-card');
    expect(out).not.toContain('mv-unverified');
  });

  test('every sample patient renders with their own name and no errors', () => {
    for (const p of patients) {
      const html = renderRecords(sampleViews(p.records), { now });
      expect(html).toContain(`<div class="mv-patient-name">${p.name.replace("'", '&#39;')}`);
      expect(html).not.toContain('mv-error-card');
      expect(html).toContain('mv-section-labs');
    }
  });
});

describe('provenance', () => {
  test('in-ledger and failed records: badges, a top-level alert, and unverified items marked', () => {
    const mixed = sampleViews(diabetic.records, (i) =>
      i === 3
        ? { status: 'failed', detail: 'Entry signature does not match the hospital key' }
        : i === 5
          ? { status: 'in-ledger', detail: 'Hash chain checked', entrySeq: 14 }
          : anchored(i),
    );
    // Record 4 (medicines) failed; the summary (2) also carries them, so only
    // what record 4 alone holds would be flagged. Drop the summary to see the flags.
    const onlyFailed = [mixed[0]!, mixed[3]!, mixed[5]!];
    const html = renderRecords(onlyFailed, { now });
    expect(html).toContain('1 failed verification');
    expect(html).toContain('One record failed verification.');
    expect(html).toContain('Entry signature does not match the hospital key');
    expect(html).toContain("In the patient's ledger (entry #14), not anchored yet");
    const meds = html.slice(
      html.indexOf('mv-section-medications'),
      html.indexOf('mv-section-labs'),
    );
    expect(meds.match(/class="mv-active mv-unverified"/g)?.length).toBeGreaterThan(0);
    expect(meds).toContain('mv-unverified-mark');
    // The lab value from the in-ledger record is not flagged as unverified.
    expect(html.slice(html.indexOf('mv-section-labs'))).not.toContain(
      'mv-result-high mv-unverified',
    );

    const all = renderRecords(mixed, { now });
    const allMeds = all.slice(
      all.indexOf('mv-section-medications'),
      all.indexOf('mv-section-labs'),
    );
    expect(allMeds).not.toContain('mv-unverified');
  });
});

describe('records that cannot be shown', () => {
  const verification = { status: 'anchored', detail: 'ok', blockNumber: 1 } as const;
  const view = (body: Uint8Array, contentType: string, title: string): SharedRecordView => ({
    cid: `bafkrei${title.replace(/\W/g, '').toLowerCase()}`,
    contentType,
    title,
    body,
    verification,
  });

  test('each becomes an error card saying why, while the others still render', () => {
    const records = [
      view(
        enc('{"resourceType": "Observation", "status": '),
        'application/fhir+json',
        'Broken JSON',
      ),
      view(enc({ patient: 'no resourceType' }), 'application/fhir+json', 'Not FHIR'),
      view(new Uint8Array([0xc3, 0x28, 0xa0]), 'application/fhir+json', 'Binary'),
      view(enc('not a pdf'), 'application/pdf', 'Fake PDF'),
      view(enc('DICM'), 'application/dicom', 'Scan'),
      ...sampleViews(diabetic.records.slice(0, 1)),
    ];
    const html = renderRecords(records, { now });
    expect(html.match(/class="mv-error-card"/g)).toHaveLength(5);
    expect(html).toContain('not valid JSON');
    expect(html).toContain('not a FHIR resource');
    expect(html).toContain('not UTF-8');
    expect(html).toContain('not a PDF file');
    expect(html).toContain('application/dicom cannot be displayed');
    expect(html).toContain('5 records could not be displayed');
    expect(html).toContain(diabetic.name.replace("'", '&#39;'));
    expect(pdfAttachments(records)).toEqual([]);
  });

  test('a lone result without its patient still shows, under a header that says so', () => {
    const key = diabetic.records.find((r) => r.name.includes('-hba1c-'))!;
    const html = renderRecords(sampleViews([key]), { now });
    expect(html).toContain('Patient details not shared');
    expect(html).toContain(`Records refer to Patient/${diabetic.id}`);
    expect(row(html, '4548-4')).toContain('4.0–5.6');
  });

  test('an unknown resource type gets the readable fallback', () => {
    const procedure = {
      resourceType: 'Procedure',
      id: 'proc-1',
      status: 'completed',
      code: { text: 'Appendicectomy' },
      subject: { reference: 'Patient/x' },
      performedDateTime: '2019-05-02',
      occurrenceDateTime: '2019-05-02',
    };
    const html = renderRecords([view(enc(procedure), 'application/fhir+json', 'Op note')], { now });
    expect(html).toContain('<span class="mv-other-type">Procedure</span>');
    expect(html).toContain('Appendicectomy');
    expect(html).toContain('<dt>Status</dt><dd>completed</dd>');
    expect(html).toContain('2 May 2019');
  });

  test('nothing shared says so', () => {
    expect(renderRecords([])).toContain('No records have been shared.');
  });
});

test('renderStyles is scoped to the view and has flags, tabular numbers and a print layout', () => {
  const css = renderStyles();
  expect(css).toContain('.mv-view');
  expect(css).toContain('.mv-view .mv-flag-high');
  expect(css).toContain('tabular-nums');
  expect(css).toContain('@media print');
  // Every rule is scoped: no selector outside .mv-view.
  for (const selector of css.replace(/@media print \{/, '').match(/^[^@\s}][^{]*(?=\{)/gm) ?? []) {
    for (const part of selector.split(',')) expect(part.trim()).toMatch(/^\.mv-view\b/);
  }
});
