import { describe, expect, test } from 'vitest';
import { counted, describeExpiry, describeImported } from './describe.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('describeExpiry: relative time in correct English', () => {
  test.each([
    [70_000, 'in 1 minute'],
    [10 * MINUTE, 'in 10 minutes'],
    [59 * MINUTE, 'in 59 minutes'],
    [HOUR, 'in 1 hour'],
    [90 * MINUTE, 'in 2 hours'],
    [47 * HOUR, 'in 47 hours'],
    [2 * DAY, 'in 2 days'],
    [30 * DAY, 'in 30 days'],
    [1, 'in 1 minute'],
    [0, 'expired'],
    [-DAY, 'expired'],
  ])('%i ms ahead reads "%s"', (ahead, words) => {
    expect(describeExpiry(NOW + ahead, NOW)).toMatch(new RegExp(`\\(${words}\\)$`));
  });
});

describe('counted', () => {
  test('singular for one, plural otherwise', () => {
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(0, 'entry', 'entries')).toBe('0 entries');
    expect(counted(2, 'entry', 'entries')).toBe('2 entries');
  });
});

describe('describeImported: where an imported record came from, in one line', () => {
  test('server, resource, version and when it was fetched', () => {
    const fetchedAt = new Date(2027, 2, 12, 14, 5).toISOString();
    expect(
      describeImported({
        server: 'https://fhir.example.org/r4',
        source: 'Observation/o1',
        version: '2',
        fetchedAt,
      }),
    ).toBe(
      'Imported from https://fhir.example.org/r4 — Observation/o1, version 2, fetched 12 Mar 2027, 14:05',
    );
    // a server without versions: no version said; a time that does not read: as it is
    expect(
      describeImported({
        server: 'https://fhir.example.org/r4',
        source: 'Patient/p1',
        fetchedAt: 'soon',
      }),
    ).toBe('Imported from https://fhir.example.org/r4 — Patient/p1, fetched soon');
  });
});
