/**
 * Just enough text layout for a clinical letter on A4 with pdf-lib: word
 * wrapping, a cursor that moves down the page and starts a new one when the
 * next block would not fit, and table rows whose cells wrap independently.
 * @module
 */
import { type Color, type PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';

/**
 * A4 in PDF points.
 *
 * @example
 * ```ts
 * doc.addPage(A4);
 * ```
 */
export const A4: [number, number] = [595.28, 841.89];

/** The fonts a letter uses. */
export type Fonts = { regular: PDFFont; bold: PDFFont; italic: PDFFont };

/**
 * Colours of the letter.
 *
 * @example
 * ```ts
 * page.drawText('DIAGNOSES', { x, y, color: INK.accent });
 * ```
 */
export const INK = {
  text: rgb(0.13, 0.15, 0.18),
  muted: rgb(0.4, 0.43, 0.48),
  accent: rgb(0.05, 0.3, 0.45),
  rule: rgb(0.75, 0.8, 0.84),
  shade: rgb(0.94, 0.96, 0.97),
  alert: rgb(0.7, 0.12, 0.1),
} as const;

// The standard fonts only encode WinAnsi: map what the samples may contain
// and replace anything else, rather than let pdf-lib throw mid-document.
const REPLACEMENTS: Record<string, string> = { '≥': '>=', '≤': '<=', '−': '-', '→': '->' };
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/**
 * Text the standard fonts can encode.
 *
 * @example
 * ```ts
 * winAnsi('eGFR ≥ 60'); // 'eGFR >= 60'
 * ```
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else if (ch === '\n' || ch === '\t') out += ' ';
    else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff)) out += ch;
    else if (WIN_ANSI_EXTRA.includes(ch)) out += ch;
    else out += '?';
  }
  return out;
}

/**
 * Splits text into lines no wider than `width` at `size`.
 *
 * @example
 * ```ts
 * wrapText('a long sentence …', fonts.regular, 10, 200); // ['a long', …]
 * ```
 */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of winAnsi(text).split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** How one run of text is set. */
export type TextStyle = { size?: number; font?: PDFFont; color?: Color; indent?: number };

/** A cell of a table row: its text, its width, and how it is set. */
export type Cell = { text: string; width: number } & TextStyle;

/**
 * A cursor over the pages of a document. `startPage` draws what every page
 * carries (letterhead, running header) and returns where content begins.
 *
 * @example
 * ```ts
 * const flow = new PageFlow(doc, fonts, { margin: 50, bottom: 60, startPage: () => 780 });
 * flow.heading('Diagnoses');
 * flow.paragraph('Type 2 diabetes mellitus');
 * ```
 */
export class PageFlow {
  page!: PDFPage;
  y = 0;
  readonly left: number;
  readonly width: number;

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: Fonts,
    private readonly layout: {
      margin: number;
      bottom: number;
      startPage: (page: PDFPage, index: number) => number;
    },
  ) {
    this.left = layout.margin;
    this.width = A4[0] - 2 * layout.margin;
    this.newPage();
  }

  /** Starts a page and moves the cursor to its top. */
  newPage(): void {
    const index = this.doc.getPageCount();
    this.page = this.doc.addPage(A4);
    this.y = this.layout.startPage(this.page, index);
  }

  /** Starts a new page unless `height` points still fit above the footer. */
  ensure(height: number): void {
    if (this.y - height < this.layout.bottom) this.newPage();
  }

  /** How far `paragraph`/`bullet` would move down for `text` (to keep blocks together). */
  heightOf(text: string, style: TextStyle & { bullet?: boolean } = {}): number {
    const size = style.size ?? 9.5;
    const width = this.width - (style.indent ?? 0) - (style.bullet ? 16 : 0) - 6;
    return wrapText(text, style.font ?? this.fonts.regular, size, width).length * size * 1.35 + 2;
  }

  /** Moves down by `points`. */
  gap(points: number): void {
    this.y -= points;
  }

  /** A section heading, kept on the page of what follows it. */
  heading(text: string): void {
    this.ensure(40);
    this.gap(8);
    this.page.drawText(winAnsi(text.toUpperCase()), {
      x: this.left,
      y: this.y - 10,
      size: 9.5,
      font: this.fonts.bold,
      color: INK.accent,
    });
    this.y -= 14;
    this.page.drawLine({
      start: { x: this.left, y: this.y },
      end: { x: this.left + this.width, y: this.y },
      thickness: 0.6,
      color: INK.rule,
    });
    this.gap(6);
  }

  /** Wrapped text across the content width (less the indent). */
  paragraph(text: string, style: TextStyle = {}): void {
    this.row([{ text, width: this.width - (style.indent ?? 0), ...style }], style.indent ?? 0);
  }

  /** A bulleted item. */
  bullet(text: string): void {
    const size = 9.5;
    this.ensure(size * 1.4);
    this.page.drawText('•', { x: this.left + 4, y: this.y - size, size, font: this.fonts.regular });
    this.row([{ text, width: this.width - 16, size }], 16);
  }

  /** One row of cells side by side, each wrapped in its own width. */
  row(cells: Cell[], indent = 0): void {
    const laid = cells.map((cell) => {
      const size = cell.size ?? 9.5;
      const font = cell.font ?? this.fonts.regular;
      return { cell, size, font, lines: wrapText(cell.text, font, size, cell.width - 6) };
    });
    const height = Math.max(...laid.map((l) => l.lines.length * l.size * 1.35));
    this.ensure(height);
    let x = this.left + indent;
    for (const { cell, size, font, lines } of laid) {
      lines.forEach((line, i) => {
        this.page.drawText(line, {
          x: x + (cell.indent ?? 0),
          y: this.y - size - i * size * 1.35,
          size,
          font,
          color: cell.color ?? INK.text,
        });
      });
      x += cell.width;
    }
    this.y -= height + 2;
  }
}
