/**
 * The hospital's charts: the synthetic patients and their records that the
 * records desk can send (generated, never real patient data).
 */
import { generateSamples } from '../samples/index.js';

/** A record as the desk lists it (no bytes). */
export type RecordSummary = {
  name: string;
  title: string;
  contentType: string;
  resourceType?: string | undefined;
  category?: string | undefined;
};

/** A chart as the desk lists it. */
export type ChartSummary = {
  id: string;
  name: string;
  birthDate: string;
  records: RecordSummary[];
};

/** The charts, with a lookup of each record's bytes. */
export async function loadCharts(seed = 1) {
  const patients = await generateSamples(seed);
  const summaries: ChartSummary[] = patients.map((p) => ({
    id: p.id,
    name: p.name,
    birthDate: p.birthDate,
    records: p.records.map(({ name, title, contentType, resourceType, category }) => ({
      name,
      title,
      contentType,
      resourceType,
      category,
    })),
  }));
  const bytesOf = (patientId: string, name: string) =>
    patients.find((p) => p.id === patientId)?.records.find((r) => r.name === name);
  return { summaries, bytesOf };
}
