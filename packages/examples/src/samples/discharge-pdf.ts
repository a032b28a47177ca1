/**
 * A discharge summary as a real, readable PDF letter (A4, one or two pages):
 * the hospital's letterhead, the patient and the stay, diagnoses, the
 * hospital course, investigations, medicines on discharge and follow-up.
 * Deterministic: pdf-lib's own time stamps are switched off and the
 * document's dates are the letter's.
 * @module
 */

import { formatDate } from '@medvault/record-view';
import { PDFDocument, type PDFPage, StandardFonts } from 'pdf-lib';
import { HOSPITAL } from './hospital.js';
import { A4, type Fonts, INK, PageFlow, winAnsi } from './pdf-layout.js';

/** What a discharge summary says, already in words. */
export type DischargeSummary = {
  documentId: string;
  patient: { name: string; birthDate: string; gender: string; mrn: string; address: string };
  admitted: string;
  discharged: string;
  ward: string;
  consultant: string;
  presenting: string;
  principalDiagnosis: string;
  secondaryDiagnoses: string[];
  course: string;
  investigations: {
    test: string;
    earlier: string;
    atDischarge: string;
    range: string;
    flag: string;
  }[];
  /** When the "earlier" results were drawn, as printed. */
  earlierDate: string;
  medications: {
    name: string;
    dosage: string;
    status: 'New' | 'Changed' | 'Continued' | 'Stopped';
    note?: string;
  }[];
  followUp: string[];
  /** When the letter was signed (dateTime). */
  signedAt: string;
};

const MARGIN = 50;
const BOTTOM = 64;

function letterhead(page: PDFPage, fonts: Fonts, summary: DischargeSummary, index: number): number {
  const [width, height] = A4;
  const top = height - 48;
  page.drawRectangle({ x: 0, y: height - 10, width, height: 10, color: INK.accent });
  if (index > 0) {
    // Continuation pages: a slim running header, so a loose page is still attributable.
    page.drawText(winAnsi(`${HOSPITAL.name} - Discharge summary (continued)`), {
      x: MARGIN,
      y: top + 8,
      size: 9,
      font: fonts.bold,
      color: INK.accent,
    });
    const who = winAnsi(`${summary.patient.name} - MRN ${summary.patient.mrn}`);
    page.drawText(who, {
      x: width - MARGIN - fonts.regular.widthOfTextAtSize(who, 9),
      y: top + 8,
      size: 9,
      font: fonts.regular,
      color: INK.muted,
    });
    return top - 8;
  }
  page.drawText(winAnsi(HOSPITAL.name), {
    x: MARGIN,
    y: top - 8,
    size: 22,
    font: fonts.bold,
    color: INK.accent,
  });
  page.drawText('A synthetic teaching hospital', {
    x: MARGIN,
    y: top - 24,
    size: 9,
    font: fonts.italic,
    color: INK.muted,
  });
  const contact = [HOSPITAL.addressLine, `${HOSPITAL.city}`, `Tel ${HOSPITAL.phone}`, HOSPITAL.web];
  contact.forEach((line, i) => {
    const text = winAnsi(line);
    page.drawText(text, {
      x: width - MARGIN - fonts.regular.widthOfTextAtSize(text, 8.5),
      y: top - 2 - i * 11,
      size: 8.5,
      font: fonts.regular,
      color: INK.muted,
    });
  });
  page.drawLine({
    start: { x: MARGIN, y: top - 44 },
    end: { x: width - MARGIN, y: top - 44 },
    thickness: 1.2,
    color: INK.accent,
  });
  page.drawText('DISCHARGE SUMMARY', {
    x: MARGIN,
    y: top - 66,
    size: 14,
    font: fonts.bold,
    color: INK.text,
  });
  return top - 78;
}

function patientPanel(flow: PageFlow, summary: DischargeSummary): void {
  const { bold, regular } = flow.fonts;
  const p = summary.patient;
  const rows: [string, string, string, string][] = [
    ['Patient', p.name, 'Admitted', formatDate(summary.admitted)],
    ['Date of birth', formatDate(p.birthDate), 'Discharged', formatDate(summary.discharged)],
    ['Sex', p.gender, 'Ward', summary.ward],
    ['MRN', p.mrn, 'Consultant', summary.consultant],
    ['Address', p.address, 'Document', summary.documentId],
  ];
  // Matches what flow.row advances per single-line row (size 9.5), plus padding.
  const rowHeight = 9.5 * 1.35 + 2 + 1.5;
  const height = rows.length * rowHeight + 12;
  flow.page.drawRectangle({
    x: flow.left,
    y: flow.y - height,
    width: flow.width,
    height,
    color: INK.shade,
    borderColor: INK.rule,
    borderWidth: 0.5,
  });
  flow.gap(6);
  const half = flow.width / 2;
  for (const [k1, v1, k2, v2] of rows) {
    flow.row(
      [
        { text: k1, width: 80, font: regular, color: INK.muted, indent: 8 },
        { text: v1, width: half - 80, font: bold },
        { text: k2, width: 80, font: regular, color: INK.muted },
        { text: v2, width: half - 80, font: bold },
      ],
      0,
    );
    flow.gap(1.5);
  }
  flow.gap(8);
}

function tableHeader(flow: PageFlow, cells: [string, number][]): void {
  flow.row(
    cells.map(([text, width]) => ({
      text,
      width,
      font: flow.fonts.bold,
      size: 8.5,
      color: INK.muted,
    })),
  );
}

/**
 * Lays out and saves the letter.
 *
 * @example
 * ```ts
 * const bytes = await renderDischargeSummaryPdf(summary);
 * new TextDecoder().decode(bytes.slice(0, 5)); // '%PDF-'
 * ```
 */
export async function renderDischargeSummaryPdf(summary: DischargeSummary): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const signed = new Date(summary.signedAt);
  doc.setTitle(winAnsi(`Discharge summary - ${summary.patient.name}`), {
    showInWindowTitleBar: true,
  });
  doc.setAuthor(winAnsi(`${summary.consultant}, ${HOSPITAL.name}`));
  doc.setSubject('Discharge summary (synthetic test data)');
  doc.setKeywords(['discharge summary', 'synthetic', 'MedVault example']);
  doc.setProducer('MedVault examples (pdf-lib)');
  doc.setCreator('MedVault sample generator');
  doc.setCreationDate(signed);
  doc.setModificationDate(signed);
  doc.setLanguage('en-US');
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    italic: await doc.embedFont(StandardFonts.HelveticaOblique),
  };
  const flow = new PageFlow(doc, fonts, {
    margin: MARGIN,
    bottom: BOTTOM,
    startPage: (page, index) => letterhead(page, fonts, summary, index),
  });

  patientPanel(flow, summary);

  flow.heading('Presenting complaint');
  flow.paragraph(summary.presenting);

  flow.heading('Diagnoses');
  flow.row([
    { text: 'Principal', width: 80, color: INK.muted },
    { text: summary.principalDiagnosis, width: flow.width - 80, font: fonts.bold },
  ]);
  flow.row([
    { text: 'Other', width: 80, color: INK.muted },
    { text: summary.secondaryDiagnoses.join('; ') || 'None', width: flow.width - 80 },
  ]);

  flow.heading('Hospital course');
  flow.paragraph(summary.course);

  flow.heading('Investigations');
  const cols: [string, number][] = [
    ['Test', 115],
    [`Earlier (${summary.earlierDate})`, 110],
    ['On discharge', 110],
    ['Reference range', 125],
    ['Flag', flow.width - 460],
  ];
  tableHeader(flow, cols);
  for (const r of summary.investigations) {
    const abnormal = r.flag === 'H' || r.flag === 'L';
    flow.row([
      { text: r.test, width: cols[0]![1] },
      { text: r.earlier, width: cols[1]![1], color: INK.muted },
      { text: r.atDischarge, width: cols[2]![1], font: abnormal ? fonts.bold : fonts.regular },
      { text: r.range, width: cols[3]![1], color: INK.muted },
      {
        text: r.flag === 'N' ? '' : r.flag,
        width: cols[4]![1],
        font: fonts.bold,
        color: INK.alert,
      },
    ]);
  }

  flow.heading('Medications on discharge');
  const medCols: [string, number][] = [
    ['Medicine', 170],
    ['Dose and instructions', 215],
    ['Status', flow.width - 385],
  ];
  tableHeader(flow, medCols);
  for (const m of summary.medications) {
    flow.row([
      { text: m.name, width: medCols[0]![1], font: fonts.bold },
      { text: m.note ? `${m.dosage} (${m.note})` : m.dosage, width: medCols[1]![1] },
      {
        text: m.status,
        width: medCols[2]![1],
        color: m.status === 'Continued' ? INK.muted : INK.accent,
        font: m.status === 'Continued' ? fonts.regular : fonts.bold,
      },
    ]);
  }

  const signature = `Electronically signed by ${summary.consultant}, Consultant Physician, on ${formatDate(summary.signedAt)}.`;
  // Follow-up and signature go over together: a signature alone on a page
  // reads as if the letter had been cut.
  flow.ensure(
    40 +
      summary.followUp.reduce((h, item) => h + flow.heightOf(item, { bullet: true }), 0) +
      10 +
      flow.heightOf(signature, { font: fonts.italic }) +
      flow.heightOf('Copy to', { size: 8.5 }),
  );
  flow.heading('Follow-up');
  for (const item of summary.followUp) flow.bullet(item);

  flow.gap(10);
  flow.paragraph(signature, { font: fonts.italic });
  flow.paragraph(`Copy to: the patient; general practitioner.`, { color: INK.muted, size: 8.5 });

  const pages = doc.getPages();
  pages.forEach((page, i) => {
    page.drawLine({
      start: { x: MARGIN, y: BOTTOM - 20 },
      end: { x: A4[0] - MARGIN, y: BOTTOM - 20 },
      thickness: 0.5,
      color: INK.rule,
    });
    page.drawText('Synthetic record generated for the MedVault examples - not a real patient.', {
      x: MARGIN,
      y: BOTTOM - 34,
      size: 7.5,
      font: fonts.italic,
      color: INK.muted,
    });
    const label = `Page ${i + 1} of ${pages.length}`;
    page.drawText(label, {
      x: A4[0] - MARGIN - fonts.regular.widthOfTextAtSize(label, 7.5),
      y: BOTTOM - 34,
      size: 7.5,
      font: fonts.regular,
      color: INK.muted,
    });
  });

  return doc.save();
}
