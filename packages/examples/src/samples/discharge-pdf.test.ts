/**
 * The discharge summary PDF: a real file that PDF software opens, on A4,
 * one or two pages, saying what a discharge summary says.
 */
import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib';
import { beforeAll, expect, test } from 'vitest';
import { generateSamples } from './generate.js';
import type { SamplePatient } from './record.js';

// WinAnsi differs from Latin-1 in 0x80–0x9F; these are the ones the letter uses.
const WIN_ANSI: Record<string, string> = { '\x95': '•', '\x96': '–', '\x97': '—' };

/** The text a PDF draws: pdf-lib writes each line as a hex string shown by Tj. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  const lines: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const content = Buffer.from(decodePDFRawStream(object).decode()).toString('latin1');
    for (const m of content.matchAll(/<([0-9A-Fa-f]*)> Tj/g)) {
      const line = Buffer.from(m[1]!, 'hex').toString('latin1');
      lines.push(line.replace(/[\x95-\x97]/g, (c) => WIN_ANSI[c]!));
    }
  }
  return lines.join('\n');
}

let patients: SamplePatient[];
beforeAll(async () => {
  patients = await generateSamples(1);
});

const pdfOf = (p: SamplePatient) => p.records.find((r) => r.contentType === 'application/pdf')!;

test('each patient has one PDF record typed as a DocumentReference summary', () => {
  for (const p of patients) {
    const pdfs = p.records.filter((r) => r.contentType === 'application/pdf');
    expect(pdfs).toHaveLength(1);
    expect(pdfs[0]).toMatchObject({ resourceType: 'DocumentReference', category: 'summary' });
  }
});

test('it is a PDF that pdf-lib loads back: A4, one or two pages, with metadata', async () => {
  for (const p of patients) {
    const bytes = pdfOf(p).bytes;
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getPageCount()).toBeLessThanOrEqual(2);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe(`Discharge summary - ${p.name}`);
    expect(doc.getAuthor()).toMatch(/^Dr .+, St\. Mary's Hospital$/);
  }
});

test('the letter has the letterhead, the patient, the stay and every section', async () => {
  for (const p of patients) {
    const text = await pdfText(pdfOf(p).bytes);
    for (const expected of [
      "St. Mary's Hospital",
      'DISCHARGE SUMMARY',
      p.name,
      'PRESENTING COMPLAINT',
      'DIAGNOSES',
      'HOSPITAL COURSE',
      'INVESTIGATIONS',
      'MEDICATIONS ON DISCHARGE',
      'FOLLOW-UP',
      'Electronically signed by Dr',
      'not a real patient',
    ]) {
      expect(text, `${p.name}: ${expected}`).toContain(expected);
    }
    expect(text).toMatch(/Admitted\n\d{1,2} [A-Z][a-z]{2} 202\d/);
    expect(text).toMatch(/Page 1 of [12]/);
  }
});

test('its investigations and medicines match the structured records', async () => {
  const diabetic = patients.find((p) => p.records.some((r) => r.name.includes('-hba1c-')))!;
  const text = await pdfText(pdfOf(diabetic).bytes);
  expect(text).toContain('HbA1c');
  expect(text).toContain('4.0–5.6 %');
  expect(text).toContain('Metformin 500 mg tablet');
  expect(text).toContain('Changed');
  expect(text).toContain('Cephalexin 500 mg capsule');
  expect(text).toContain('New');
});
