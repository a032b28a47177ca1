/**
 * The records desk's upload check, over HTTP against the hospital's server
 * on 127.0.0.1 (a free port): a category is required and must be one the
 * desk offers; the file must be a PDF or a valid FHIR R4 resource. Each
 * refusal is a 422 naming the field it concerns, for the page to show the
 * message beside it; the page offers no default category.
 */

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningSite } from '../sites/site-server.js';
import { startHospitalSite } from './server.js';

let site: RunningSite;
beforeAll(async () => {
  site = await startHospitalSite({ blobService: 'http://127.0.0.1:9', port: 0, log: () => {} });
}, 60_000);
afterAll(() => site?.close());

const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '1989-3' }], text: 'Vitamin D' },
  valueQuantity: { value: 31, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
};

async function check(category: string | undefined, body: string | Uint8Array<ArrayBuffer>) {
  const query = category === undefined ? '' : `?category=${encodeURIComponent(category)}`;
  const response = await fetch(`${site.url}/api/uploads/check${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as {
      error?: { code: string; message: string };
      field?: string;
    } & Record<string, unknown>,
  };
}

describe('POST /api/uploads/check', () => {
  test('a valid FHIR resource or a PDF, in a category the desk offers: how to seal it', async () => {
    expect(await check('laboratory', JSON.stringify(observation))).toEqual({
      status: 200,
      json: {
        category: 'laboratory',
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
      },
    });
    const pdf = new TextEncoder().encode('%PDF-1.7\n% a letter\n');
    expect((await check('summary', pdf)).json).toEqual({
      category: 'summary',
      contentType: 'application/pdf',
      resourceType: 'DocumentReference',
    });
  });

  test('{"resourceType":"Banana"} is refused beside the file field, naming what was expected', async () => {
    const answer = await check('laboratory', '{"resourceType":"Banana"}');
    expect(answer.status).toBe(422);
    expect(answer.json.field).toBe('file');
    expect(answer.json.error?.code).toBe('HOSPITAL_INVALID_FHIR');
    expect(answer.json.error?.message).toMatch(
      /^"Banana" is not a FHIR R4 resource type\. Expected one of the 146 R4 types, such as Observation, Bundle/,
    );
    const { code: _, ...noCode } = observation;
    const missing = await check('laboratory', JSON.stringify(noCode));
    expect(missing.json.error?.message).toBe(
      'Observation is missing "code", which FHIR R4 requires for an Observation.',
    );
    const neither = await check('laboratory', new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
    expect(neither.json).toMatchObject({ field: 'file', error: { code: 'HOSPITAL_INVALID_FHIR' } });
    expect(neither.json.error?.message).toMatch(/neither a PDF nor FHIR JSON/);
    const empty = await check('laboratory', '');
    expect(empty.json).toMatchObject({ field: 'file', error: { code: 'HOSPITAL_EMPTY_FILE' } });
  });

  test('without a category, or with one the desk does not offer, it is refused beside the category', async () => {
    for (const category of [undefined, '']) {
      const answer = await check(category, JSON.stringify(observation));
      expect(answer.status).toBe(422);
      expect(answer.json.field).toBe('category');
      expect(answer.json.error?.code).toBe('HOSPITAL_NO_CATEGORY');
      expect(answer.json.error?.message).toMatch(/^Choose a category\./);
    }
    const other = await check('toString', JSON.stringify(observation));
    expect(other.json).toMatchObject({
      field: 'category',
      error: { code: 'HOSPITAL_UNKNOWN_CATEGORY' },
    });
  });

  test('the page’s category has no default, and each field a place for its error', async () => {
    const html = await (await fetch(site.url)).text();
    const select = /<select id="upload-category"[^>]*>([\s\S]*?)<\/select>/.exec(html);
    expect(select?.[0]).toMatch(/aria-describedby="upload-category-error"/);
    expect(select?.[1]).toMatch(/^\s*<option value="" selected>Choose a category…<\/option>/);
    expect(select?.[1]?.match(/ selected/g)).toHaveLength(1);
    expect(html).toMatch(/<p id="upload-category-error" class="field-error" role="alert">/);
    expect(html).toMatch(/<input type="file" id="file"[^>]*aria-describedby="file-error"/);
  });
});
