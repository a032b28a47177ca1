/**
 * The small pure helpers the view is built on: dates, numbers and ranges,
 * flags and link targets.
 */
import { describe, expect, test } from 'vitest';
import { ageOn, dateOrder, formatDate } from './dates.js';
import { flagFromRange } from './flag.js';
import { decimalsOf, formatNumber, formatRange } from './numbers.js';
import { safeHref } from './safe-url.js';

describe('dates', () => {
  test('formatDate keeps the precision it is given and never shifts a day', () => {
    expect(formatDate('2026-03-12')).toBe('12 Mar 2026');
    expect(formatDate('2026-03-12T23:30:00-10:00')).toBe('12 Mar 2026');
    expect(formatDate('2019-04')).toBe('Apr 2019');
    expect(formatDate('2019')).toBe('2019');
    expect(formatDate('2026-03-12', 'month')).toBe('Mar 2026');
  });

  test('formatDate gives nothing for what is not a FHIR date', () => {
    for (const bad of ['', 'yesterday', '2026-13-01', '2026-02-40', 42, null, undefined, {}]) {
      expect(formatDate(bad)).toBe('');
    }
  });

  test('ageOn counts whole years, birthday included', () => {
    const on = new Date('2026-03-20T12:00:00Z');
    expect(ageOn('1967-03-20', on)).toBe(59);
    expect(ageOn('1967-03-21', on)).toBe(58);
    expect(ageOn('1967', on)).toBe(59);
    expect(ageOn('2030-01-01', on)).toBeUndefined();
    expect(ageOn('not a date', on)).toBeUndefined();
  });

  test('dateOrder sorts undated items last when newest comes first', () => {
    const dates = ['2025-09-01', 'garbage', '2026-03-12T08:00:00Z', undefined];
    expect(dates.sort((a, b) => dateOrder(b) - dateOrder(a))).toEqual([
      '2026-03-12T08:00:00Z',
      '2025-09-01',
      'garbage',
      undefined,
    ]);
  });
});

describe('numbers', () => {
  test('ranges print at the precision of their finer bound, results at least at that', () => {
    expect(formatRange({ low: 4, high: 5.6 })).toBe('4.0–5.6');
    expect(formatRange({ low: 0.59, high: 1.04 })).toBe('0.59–1.04');
    expect(formatRange({ low: 60 })).toBe('≥ 60');
    expect(formatRange({ high: 100 })).toBe('≤ 100');
    expect(formatRange({})).toBe('');
    expect(formatNumber(7, 1)).toBe('7.0');
    expect(formatNumber(1.45, 1)).toBe('1.45');
    expect(formatNumber(120)).toBe('120');
  });

  test('odd numbers stay readable', () => {
    expect(decimalsOf(1e-7)).toBe(6);
    expect(decimalsOf(Number.NaN)).toBe(0);
    expect(formatNumber(1e21)).toBe('1e+21');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

test('flagFromRange: inclusive bounds, one-sided ranges, no range no flag', () => {
  expect(flagFromRange(5.6, { low: 4, high: 5.6 })).toBe('N');
  expect(flagFromRange(5.7, { low: 4, high: 5.6 })).toBe('H');
  expect(flagFromRange(3.9, { low: 4, high: 5.6 })).toBe('L');
  expect(flagFromRange(42, { low: 60 })).toBe('L');
  expect(flagFromRange(140, { high: 100 })).toBe('H');
  expect(flagFromRange(1, {})).toBeUndefined();
});

test('safeHref links only absolute http(s) URLs and site paths', () => {
  expect(safeHref('https://explorer.example.org/tx/0xab')).toBe(
    'https://explorer.example.org/tx/0xab',
  );
  expect(safeHref('/proofs/42')).toBe('/proofs/42');
  for (const bad of [
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>',
    'vbscript:x',
    'proofs/42',
    '<script>alert(1)</script>',
    '',
    undefined,
    42,
  ]) {
    expect(safeHref(bad), String(bad)).toBeUndefined();
  }
});
