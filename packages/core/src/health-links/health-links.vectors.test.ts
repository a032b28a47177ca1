/**
 * The test vectors of docs/spec/health-links.md § Test vectors, read from the
 * JSON block of that page: links made and read byte for byte (including the
 * HL7 specification's own example), refusals with their codes, files
 * decrypted (MedVault's, plain and compressed, and the specification's
 * example JWE), altered files refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { decodeLink, decryptFile, encodeLink, ShlError, type ShlPayload } from './index.js';

type Vectors = {
  now: number;
  links: { id: string; payload: ShlPayload; viewer?: string; link: string; decodeOnly?: boolean }[];
  badLinks: { id: string; link: string; code: string }[];
  badPayloads: { id: string; payload: ShlPayload; code: string }[];
  files: {
    id: string;
    key: string;
    jwe: string;
    contentType: string;
    compressed: boolean;
    plaintext?: string;
    plaintextLength?: number;
    plaintextSha256?: string;
  }[];
  badFiles: { id: string; key: string; jwe: string; code: string }[];
};

const page = readFileSync(
  join(import.meta.dirname, '../../../../docs/spec/health-links.md'),
  'utf8',
);
const block = page.match(
  /<!-- vectors:start -->\s*```json\n([\s\S]*?)\n```\s*<!-- vectors:end -->/,
);
const vectors = JSON.parse(block?.[1] ?? 'null') as Vectors;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ShlError ? e.code : `not typed: ${e}`;
  }
  return undefined;
}

describe('health-links vectors', () => {
  test('the page has them', () => {
    expect(vectors.links.length).toBeGreaterThanOrEqual(3);
    expect(vectors.files.length).toBeGreaterThanOrEqual(3);
  });

  test.each(vectors?.links ?? [])('link $id', ({ payload, viewer, link, decodeOnly }) => {
    if (!decodeOnly) {
      expect(encodeLink(payload, viewer === undefined ? {} : { viewer })).toBe(link);
    }
    expect(decodeLink(link, { now: vectors.now })).toEqual(payload);
  });

  test.each(vectors?.badLinks ?? [])('bad link $id: $code', ({ link, code }) => {
    expect(codeOf(() => decodeLink(link, { now: vectors.now }))).toBe(code);
  });

  test.each(vectors?.badPayloads ?? [])('bad payload $id: $code', ({ payload, code }) => {
    expect(codeOf(() => encodeLink(payload))).toBe(code);
  });

  test.each(vectors?.files ?? [])('file $id', async (v) => {
    const file = await decryptFile(v.jwe, v.key);
    expect(file.contentType).toBe(v.contentType);
    expect(file.compressed).toBe(v.compressed);
    if (v.plaintext !== undefined) expect(new TextDecoder().decode(file.bytes)).toBe(v.plaintext);
    if (v.plaintextLength !== undefined) expect(file.bytes.length).toBe(v.plaintextLength);
    if (v.plaintextSha256 !== undefined)
      expect(bytesToHex(sha256(file.bytes))).toBe(v.plaintextSha256);
  });

  test.each(vectors?.badFiles ?? [])('bad file $id: $code', async ({ jwe, key, code }) => {
    let error: unknown;
    try {
      await decryptFile(jwe, key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShlError);
    expect((error as ShlError).code).toBe(code);
  });
});
