/**
 * The portal's data: every resource is valid FHIR R4 (FHIR.js against the
 * R4 definitions, as the hospital checks uploads), every patient's chart
 * has each type of the patient-access API, references resolve within what
 * the portal serves, and a seed always gives the same charts.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { checkFhirResource } from '../hospital/fhir-validation.js';
import { loadPortalData, type PortalData } from './patient-charts.js';
import { COMPARTMENT_TYPES, patientField } from './resource-types.js';

const FHIR_BASE = 'http://127.0.0.1:8792/fhir';
let data: PortalData;

beforeAll(async () => {
  data = await loadPortalData({ seed: 1, count: 5, fhirBase: FHIR_BASE });
});

describe('the portal data', () => {
  test('five patients, one account name each, every resource valid R4 with a version and a time', () => {
    expect(data.charts.map((c) => c.username)).toEqual(['helen', 'aisha', 'rosa', 'olivia', 'mei']);
    for (const resource of [...data.shared, ...data.charts.flatMap((c) => c.resources)]) {
      expect(
        () => checkFhirResource(resource),
        `${resource.resourceType}/${resource.id}`,
      ).not.toThrow();
      expect(resource.meta?.versionId).toBe('1');
      expect(Number.isFinite(Date.parse(resource.meta?.lastUpdated ?? ''))).toBe(true);
    }
    expect(new Set(data.shared.map((r) => r.resourceType))).toEqual(
      new Set(['Organization', 'Practitioner']),
    );
  });

  test("each chart has every type of the patient-access API, all naming the chart's patient", () => {
    for (const chart of data.charts) {
      const types = new Set(chart.resources.map((r) => r.resourceType));
      expect([...types].sort(), chart.username).toEqual([...COMPARTMENT_TYPES].sort());
      expect(chart.resources[0]).toMatchObject({ resourceType: 'Patient', id: chart.patientId });
      for (const resource of chart.resources.slice(1)) {
        const field = patientField(resource.resourceType) as string;
        expect(resource[field], `${resource.resourceType}/${resource.id}`).toMatchObject({
          reference: `Patient/${chart.patientId}`,
        });
      }
      const ids = chart.resources.map((r) => `${r.resourceType}/${r.id}`);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test('references point at what the portal serves; attachments at its Binary files', () => {
    const served = new Set([
      ...data.shared.map((r) => `${r.resourceType}/${r.id}`),
      ...data.charts.flatMap((c) => c.resources.map((r) => `${r.resourceType}/${r.id}`)),
    ]);
    const references = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.flatMap(references)
        : value && typeof value === 'object'
          ? Object.entries(value).flatMap(([k, v]) =>
              k === 'reference' && typeof v === 'string' ? [v] : references(v),
            )
          : [];
    for (const chart of data.charts) {
      for (const resource of chart.resources)
        for (const reference of references(resource))
          expect(
            served.has(reference),
            `${resource.resourceType}/${resource.id} → ${reference}`,
          ).toBe(true);
      const binaries = new Set(chart.binaries.map((b) => `${FHIR_BASE}/Binary/${b.id}`));
      const documents = chart.resources.filter((r) => r.resourceType === 'DocumentReference');
      for (const document of documents) {
        const [content] = document.content as { attachment: { url: string; size: number } }[];
        expect(binaries.has(content?.attachment.url ?? '')).toBe(true);
      }
      expect(chart.binaries[0]?.contentType).toBe('application/pdf');
    }
  });

  test('the same seed gives the same charts; another seed other patients', async () => {
    const again = await loadPortalData({ seed: 1, count: 2, fhirBase: FHIR_BASE });
    expect(again.charts).toEqual(data.charts.slice(0, 2));
    const other = await loadPortalData({ seed: 2, count: 1, fhirBase: FHIR_BASE });
    expect(other.charts[0]?.patientId).not.toBe(data.charts[0]?.patientId);
  });
});
