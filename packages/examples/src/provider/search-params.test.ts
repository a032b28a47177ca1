/**
 * Search parameters as FHIR defines them: `_lastUpdated` prefixes over the
 * precision of the value given, references in their three spellings,
 * `_count` capped, lenient and strict handling of the unknown.
 */
import { describe, expect, test } from 'vitest';
import { FhirProblem } from './fhir-response.js';
import { instantRange, matchesInstant, parseSearch } from './search-params.js';

const FHIR_BASE = 'http://127.0.0.1:8792/fhir';
const parse = (query: string, type = 'Observation', strict = false) =>
  parseSearch(type, new URLSearchParams(query), { fhirBase: FHIR_BASE, strict });
const at = (instant: string) => Date.parse(instant);

describe('_lastUpdated', () => {
  test('a value covers the range of its precision', () => {
    expect(instantRange('2026')).toEqual({
      start: at('2026-01-01T00:00:00Z'),
      end: at('2027-01-01T00:00:00Z'),
    });
    expect(instantRange('2026-02')).toEqual({
      start: at('2026-02-01T00:00:00Z'),
      end: at('2026-03-01T00:00:00Z'),
    });
    expect(instantRange('2026-03-11')).toEqual({
      start: at('2026-03-11T00:00:00Z'),
      end: at('2026-03-12T00:00:00Z'),
    });
    expect(instantRange('2026-03-11T10:10Z')?.end).toBe(at('2026-03-11T10:11:00Z'));
    expect(instantRange('2026-03-11T10:10:00+01:00')).toEqual({
      start: at('2026-03-11T09:10:00Z'),
      end: at('2026-03-11T09:10:01Z'),
    });
    expect(instantRange('2026-03-11T10:10:00.123Z')?.end).toBe(at('2026-03-11T10:10:00.124Z'));
    for (const bad of ['yesterday', '2026-13', '2026-02-30', '2026-03-11T10:10:00', '26-03-11'])
      expect(instantRange(bad), bad).toBeUndefined();
  });

  test('prefixes compare an instant with that range', () => {
    const cases: [string, string, boolean][] = [
      ['gt2026-03-11', '2026-03-11T23:59:59Z', false],
      ['gt2026-03-11', '2026-03-12T00:00:00Z', true],
      ['ge2026-03-11', '2026-03-11T00:00:00Z', true],
      ['lt2026-03-11', '2026-03-10T23:59:59.999Z', true],
      ['lt2026-03-11', '2026-03-11T00:00:00Z', false],
      ['le2026-03-11', '2026-03-11T23:59:59Z', true],
      ['2026-03-11', '2026-03-11T12:00:00Z', true],
      ['eq2026-03-11', '2026-03-12T00:00:00Z', false],
      ['ne2026-03-11', '2026-03-12T00:00:00Z', true],
      ['gt2026-03-11T10:10:00.123Z', '2026-03-11T10:10:00.124Z', true],
      ['gt2026-03-11T10:10:00.123Z', '2026-03-11T10:10:00.123Z', false],
      ['sa2026-03-11', '2026-03-12T00:00:00Z', true],
      ['eb2026-03-11', '2026-03-10T00:00:00Z', true],
    ];
    for (const [value, instant, expected] of cases) {
      const [condition] = parse(`_lastUpdated=${encodeURIComponent(value)}`).lastUpdated;
      expect(matchesInstant(at(instant), condition as never), `${value} vs ${instant}`).toBe(
        expected,
      );
    }
    expect(parse('_lastUpdated=ge2026-01&_lastUpdated=lt2026-02').lastUpdated).toHaveLength(2);
  });

  test('a value that is not a date, or the ap prefix, is a 400', () => {
    for (const query of ['_lastUpdated=yesterday', '_lastUpdated=ap2026-03-11']) {
      const error = (() => {
        try {
          parse(query);
        } catch (e) {
          return e;
        }
      })();
      expect(error, query).toBeInstanceOf(FhirProblem);
      expect((error as FhirProblem).status).toBe(400);
    }
  });
});

describe('other parameters', () => {
  test('patient and subject in every spelling; _id lists', () => {
    expect(
      parse(`patient=pat-1&subject=Patient/pat-2&patient=${FHIR_BASE}/Patient/pat-3,pat-4`)
        .patients,
    ).toEqual(['pat-1', 'pat-2', 'pat-3', 'pat-4']);
    // Immunization names its patient `patient`, so `subject` is not one of its parameters
    expect(parse('subject=pat-1', 'Immunization').patients).toEqual([]);
    expect([...(parse('_id=a,b&_id=c').ids ?? [])]).toEqual(['a', 'b', 'c']);
    expect(() => parse('patient=Practitioner/x')).toThrow(FhirProblem);
  });

  test('_count: default 50, capped at 500, 0 for the total only; _sort by _lastUpdated or _id', () => {
    expect(parse('').count).toBe(50);
    expect(parse('_count=10').count).toBe(10);
    expect(parse('_count=100000').count).toBe(500);
    expect(parse('_count=0').totalOnly).toBe(true);
    expect(parse('_summary=count').totalOnly).toBe(true);
    expect(() => parse('_count=-1')).toThrow(FhirProblem);
    expect(parse('_sort=-_lastUpdated').sort).toEqual({ field: '_lastUpdated', descending: true });
    expect(parse('_sort=_id').sort).toEqual({ field: '_id', descending: false });
  });

  test('unknown parameters are left out of the self link, or refused when strict', () => {
    expect(parse('category=laboratory&_count=5&_sort=code').applied.toString()).toBe('_count=5');
    expect(() => parse('category=laboratory', 'Observation', true)).toThrow(
      /cannot be searched by category/,
    );
    expect(() => parse('_sort=code', 'Observation', true)).toThrow(FhirProblem);
  });
});
