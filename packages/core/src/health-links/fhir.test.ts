/**
 * A PDF as a FHIR R4 DocumentReference: the attachment carries the exact
 * bytes (base64), size and SHA-1; non-PDFs and bad titles or dates are refused.
 */
import { createHash } from 'node:crypto';
import { expectError } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
import { pdfAsDocumentReference, ShlInvalidInputError, ShlNotPdfError } from './index.js';

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('pdfAsDocumentReference', () => {
  test('the PDF inline, with size and hash, as FHIR R4 describes an attachment', () => {
    const doc = pdfAsDocumentReference(PDF, 'Discharge letter', {
      date: '2026-01-05T10:00:00Z',
      subject: { display: 'Ana Souza' },
    });
    expect(doc).toEqual({
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { display: 'Ana Souza' },
      date: '2026-01-05T10:00:00.000Z',
      description: 'Discharge letter',
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            data: Buffer.from(PDF).toString('base64'),
            title: 'Discharge letter',
            size: PDF.length,
            hash: createHash('sha1').update(PDF).digest('base64'),
            creation: '2026-01-05T10:00:00.000Z',
          },
        },
      ],
    });
  });

  test('large PDFs are encoded exactly (chunked base64)', () => {
    const big = new Uint8Array(300_001);
    big.set(PDF.subarray(0, 5));
    for (let i = 5; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const doc = pdfAsDocumentReference(big, 'Scan') as unknown as {
      content: [{ attachment: { data: string } }];
    };
    expect(Buffer.from(doc.content[0].attachment.data, 'base64').equals(Buffer.from(big))).toBe(
      true,
    );
    expect(doc).not.toHaveProperty('date');
  });

  test('refusals', () => {
    expectError(
      () => pdfAsDocumentReference(new Uint8Array([1, 2, 3]), 'x'),
      ShlNotPdfError,
      'SHL_NOT_PDF',
    );
    expectError(
      () => pdfAsDocumentReference(new Uint8Array(0), 'x'),
      ShlNotPdfError,
      'SHL_NOT_PDF',
    );
    expectError(
      () => pdfAsDocumentReference('%PDF-' as never, 'x'),
      ShlInvalidInputError,
      'SHL_INVALID_INPUT',
    );
    expectError(() => pdfAsDocumentReference(PDF, '  '), ShlInvalidInputError, 'SHL_INVALID_INPUT');
    expectError(
      () => pdfAsDocumentReference(PDF, 'x', { date: 'yesterday' }),
      ShlInvalidInputError,
      'SHL_INVALID_INPUT',
    );
  });
});
