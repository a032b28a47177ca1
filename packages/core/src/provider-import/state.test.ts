/**
 * The sync state comes from the ledger's notes alone: the keys landed per
 * server and, per type, the newest lastUpdated (the cursor); other notes
 * are ignored.
 */
import { expect, test } from 'vitest';
import { importState } from './state.js';

const SERVER = 'https://fhir.example.org/r4';
const note = (source: string, version: string, lastUpdated?: string, origin = SERVER) => ({
  title: source,
  origin,
  source,
  version,
  ...(lastUpdated ? { lastUpdated } : {}),
  fetchedAt: '2026-04-01T10:00:00Z',
  importedFrom: 'smart-on-fhir',
});

test('keys and cursors per server and type, newest instant by time not by text', () => {
  const state = importState([
    note('Observation/o1', '1', '2026-03-01T10:00:00Z'),
    // later in time, though earlier as text (another zone)
    note('Observation/o2', '1', '2026-03-01T09:30:00-02:00'),
    note('Observation/o1', '2', '2026-02-01T00:00:00Z'),
    note('Condition/c1', '4'),
    note('Condition/c2', '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z'),
    note('Observation/o9', '1', '2026-05-01T00:00:00Z', 'http://127.0.0.1:9/fhir'),
    // not imports: ignored
    { title: 'Lipid panel', origin: 'https://hospital.example' },
    { ...note('Observation/o3', '1', '2027-01-01T00:00:00Z'), importedFrom: 'elsewhere' },
  ]);
  expect([...state.keys()]).toEqual([SERVER, 'http://127.0.0.1:9/fhir']);
  const server = state.get(SERVER);
  expect([...(server?.keys ?? [])].sort()).toEqual(
    [
      `${SERVER} Condition/c1 4`,
      `${SERVER} Condition/c2 2026-01-05T00:00:00Z`,
      `${SERVER} Observation/o1 1`,
      `${SERVER} Observation/o1 2`,
      `${SERVER} Observation/o2 1`,
    ].sort(),
  );
  expect(Object.fromEntries(server?.cursors ?? [])).toEqual({
    Observation: '2026-03-01T09:30:00-02:00',
    Condition: '2026-01-05T00:00:00Z',
  });
});

test('no notes: no state', () => {
  expect(importState([]).size).toBe(0);
});
