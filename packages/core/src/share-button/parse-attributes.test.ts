/**
 * The share button's attribute parsers, in Node: vectors for each
 * attribute, then properties — any text gives a value or an
 * InvalidAttributeError naming the attribute, never a throw; the scope
 * check agrees with the ledger's scopeSchema plus the wallet's rules; the
 * key check agrees with @noble/curves.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scopeSchema } from '../ledger/entry.js';
import { isCompressedSecp256k1Point } from './curve-point.js';
import { InvalidAttributeError, type Parsed, type ShareButtonAttribute } from './errors.js';
import {
  checkScope,
  DEFAULT_LABEL,
  isoInstant,
  parseExpiry,
  parseInstallUrl,
  parseLabel,
  parsePurpose,
  parseReaderKey,
  parseReaderName,
  parseScope,
  parseShareRequest,
} from './parse-attributes.js';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const G = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

function problem<T>(parsed: Parsed<T>): { attribute: string; message: string } {
  if (parsed.ok) throw new Error(`expected a problem, got ${JSON.stringify(parsed.value)}`);
  return { attribute: parsed.error.attribute, message: parsed.error.shortMessage };
}

/** The result is a value or a typed error about `attribute` whose message starts with its name. */
function expectWellFormed<T>(parsed: Parsed<T>, attributes: ShareButtonAttribute[]): void {
  if (parsed.ok) return;
  expect(parsed.error).toBeInstanceOf(InvalidAttributeError);
  expect(parsed.error.code).toBe('SHARE_INVALID_ATTRIBUTE');
  expect(attributes).toContain(parsed.error.attribute);
  expect(parsed.error.shortMessage.startsWith(`${parsed.error.attribute}: `)).toBe(true);
}

describe('reader-key', () => {
  test('a compressed point, in any case, with or without 0x', () => {
    expect(parseReaderKey(G)).toEqual({ ok: true, value: G });
    expect(parseReaderKey(` 0x${G.toUpperCase()} `)).toEqual({ ok: true, value: G });
  });

  test('missing, wrong shape and off-curve keys are refused, saying which', () => {
    expect(problem(parseReaderKey(null)).message).toMatch(/^reader-key: is required/);
    expect(problem(parseReaderKey('  ')).message).toMatch(/^reader-key: is required/);
    expect(problem(parseReaderKey(G.slice(0, 64))).message).toMatch(/got 64 characters/);
    expect(problem(parseReaderKey(`04${G.slice(2)}`)).message).toMatch(/starting 02 or 03/);
    expect(problem(parseReaderKey(`02${'00'.repeat(32)}`)).message).toMatch(
      /not a point on secp256k1/,
    );
    expect(problem(parseReaderKey(`02${'ff'.repeat(32)}`)).message).toMatch(/not a point/);
  });

  test('the point check agrees with @noble/curves', () => {
    const hex = fc.oneof(
      fc
        .tuple(fc.constantFrom('02', '03'), fc.uint8Array({ minLength: 32, maxLength: 32 }))
        .map(([prefix, x]) => prefix + bytesToHex(x)),
      // x at and just below/above the field prime
      fc.constantFrom(
        `02${'ff'.repeat(28)}fffffc2f`,
        `02${'ff'.repeat(28)}fffffc2e`,
        `02${'ff'.repeat(28)}fffffc30`,
      ),
    );
    fc.assert(
      fc.property(hex, (h) => {
        let noble: boolean;
        try {
          secp256k1.Point.fromHex(h).assertValidity();
          noble = true;
        } catch {
          noble = false;
        }
        expect(isCompressedSecp256k1Point(h)).toBe(noble);
      }),
      { numRuns: 400 },
    );
  });
});

describe('reader-name and purpose', () => {
  test('trimmed, required, bounded as the wallet bounds them', () => {
    expect(parseReaderName('  Riverside Clinic  ')).toEqual({
      ok: true,
      value: 'Riverside Clinic',
    });
    expect(problem(parseReaderName(null)).attribute).toBe('reader-name');
    expect(parseReaderName('x'.repeat(120)).ok).toBe(true);
    expect(problem(parseReaderName('x'.repeat(121))).message).toMatch(/at most 120/);
    expect(parsePurpose('Diabetes follow-up')).toEqual({ ok: true, value: 'Diabetes follow-up' });
    expect(problem(parsePurpose(' ')).attribute).toBe('purpose');
    expect(problem(parsePurpose('x'.repeat(501))).message).toMatch(/^purpose: .*at most 500/);
  });
});

describe('scope', () => {
  test('JSON of the scope object', () => {
    expect(parseScope('{"categories":["laboratory"]}')).toEqual({
      ok: true,
      value: { categories: ['laboratory'] },
    });
    expect(parseScope('{"from":0}')).toEqual({ ok: true, value: { from: 0 } });
    expect(
      parseScope('{"cids":["bafy1"],"resourceTypes":["Observation"],"from":1,"until":2}').ok,
    ).toBe(true);
  });

  test('what it refuses, and why', () => {
    expect(problem(parseScope(null)).message).toMatch(/^scope: is required/);
    expect(problem(parseScope('categories=laboratory')).message).toMatch(/^scope: expected JSON/);
    expect(problem(parseScope('["laboratory"]')).message).toMatch(/expected a JSON object/);
    expect(problem(parseScope('{}')).message).toMatch(/names nothing/);
    expect(problem(parseScope('{"categories":"laboratory"}')).message).toMatch(
      /categories must be a list/,
    );
    expect(problem(parseScope('{"cids":[]}')).message).toMatch(/cids must be a list of 1/);
    expect(problem(parseScope('{"category":["laboratory"]}')).message).toMatch(
      /unknown key "category"/,
    );
    expect(problem(parseScope('{"__proto__":{"from":0}}')).message).toMatch(/unknown key/);
    expect(problem(parseScope('{"from":-1}')).message).toMatch(/from must be a time/);
    expect(problem(parseScope('{"from":1.5}')).message).toMatch(/from must be a time/);
    expect(problem(parseScope('{"from":2,"until":1}')).message).toMatch(/not be after/);
  });

  test('agrees with the ledger’s scopeSchema and the wallet’s rules (plus: no empty lists)', () => {
    // mostly valid parts, so both answers come up often; each invalid kind now and then
    const often = <T>(valid: fc.Arbitrary<T>, ...rare: fc.Arbitrary<unknown>[]) =>
      fc.oneof(
        { arbitrary: valid, weight: 6 * rare.length },
        ...rare.map((arbitrary) => ({ arbitrary, weight: 1 })),
      );
    const text = often(
      fc.string({ minLength: 1, maxLength: 4 }),
      fc.constant(''),
      fc.constant('x'.repeat(1024)),
      fc.constant('x'.repeat(1025)),
    );
    const list = often(
      fc.array(text, { minLength: 1, maxLength: 3 }),
      fc.constant([]),
      fc.constant(Array.from({ length: 100 }, () => 'a')),
      fc.constant(Array.from({ length: 101 }, () => 'a')),
      fc.array(fc.oneof(fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 2 }),
      fc.string(),
    );
    const time = often(
      fc.nat(),
      fc.integer(),
      fc.double(),
      fc.constant(Number.MAX_SAFE_INTEGER),
      fc.constant(Number.MAX_SAFE_INTEGER + 2),
      fc.constant(null),
      fc.string({ maxLength: 3 }),
    );
    const scopeLike = fc
      .tuple(
        fc.record(
          { cids: list, resourceTypes: list, categories: list, from: time, until: time },
          { requiredKeys: [] },
        ),
        // now and then a key the schema does not know
        often(
          fc.constant(null),
          fc.tuple(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
        ),
      )
      .map(([scope, extra]) =>
        Array.isArray(extra) ? { ...scope, [extra[0] as string]: extra[1] } : scope,
      );
    const value = fc.oneof(scopeLike, scopeLike, fc.jsonValue({ maxDepth: 2 }));
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(value, (v) => {
        // what the attribute would hold: the value as JSON
        const json = JSON.stringify(v);
        const roundTripped = JSON.parse(json);
        const schema = scopeSchema.safeParse(roundTripped);
        const s = schema.success ? schema.data : undefined;
        const expected =
          s !== undefined &&
          Object.values(s).some((x) => x !== undefined) &&
          [s.cids, s.resourceTypes, s.categories].every((l) => l === undefined || l.length > 0) &&
          !(s.from !== undefined && s.until !== undefined && s.from > s.until);
        const parsed = parseScope(json);
        expectWellFormed(parsed, ['scope']);
        expect(parsed.ok).toBe(expected);
        if (parsed.ok) expect(parsed.value).toEqual(s);
        expect(checkScope(roundTripped).ok).toBe(expected);
        seen[expected ? 'accepted' : 'refused']++;
      }),
      { numRuns: 2000 },
    );
    // both sides of the agreement were exercised
    expect(seen.accepted).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
  });
});

describe('expiry', () => {
  test('expires-in-days: a positive number of days from now', () => {
    expect(parseExpiry('30', null, NOW)).toEqual({ ok: true, value: NOW + 30 * DAY });
    expect(parseExpiry(' 0.5 ', null, NOW)).toEqual({ ok: true, value: NOW + DAY / 2 });
    expect(parseExpiry('3650', null, NOW).ok).toBe(true);
    for (const bad of ['0', '-1', 'abc', '1e3', '0x10', '3651', 'Infinity', '30 days']) {
      expect(problem(parseExpiry(bad, null, NOW)).attribute).toBe('expires-in-days');
    }
    expect(problem(parseExpiry('0.0001', null, NOW)).message).toMatch(/at least a minute/);
  });

  test('expires-at: an ISO 8601 date or date-time, a minute to ten years ahead', () => {
    expect(parseExpiry(null, '2030-01-01T00:00:00Z', NOW)).toEqual({
      ok: true,
      value: Date.UTC(2030, 0, 1),
    });
    expect(parseExpiry(null, '2030-01-01', NOW)).toEqual({ ok: true, value: Date.UTC(2030, 0, 1) });
    expect(parseExpiry(null, '2026-06-01T09:30+02:00', NOW)).toEqual({
      ok: true,
      value: Date.UTC(2026, 5, 1, 7, 30),
    });
    for (const bad of ['2030-02-30', '2030-13-01', '2030-01-01T24:00Z', 'next week', '1/2/2030']) {
      expect(problem(parseExpiry(null, bad, NOW)).message).toMatch(/^expires-at: expected an ISO/);
    }
    expect(problem(parseExpiry(null, '2025-12-31', NOW)).message).toMatch(/a minute ahead/);
    expect(problem(parseExpiry(null, '2036-01-03', NOW)).message).toMatch(/within ten years/);
    expect(isoInstant('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
    expect(isoInstant('2027-02-29')).toBeUndefined();
  });

  test('exactly one of the two', () => {
    expect(problem(parseExpiry(null, null, NOW)).message).toMatch(
      /^expires-in-days: is required \(or expires-at\)/,
    );
    expect(problem(parseExpiry('30', '2030-01-01', NOW)).message).toMatch(/not both/);
    expect(parseExpiry('', '2030-01-01', NOW).ok).toBe(true);
  });
});

describe('install-url and label', () => {
  test('install-url: http(s) only, resolved against the page; absent, no link at all', () => {
    expect(parseInstallUrl(null, 'https://clinic.example/a')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(parseInstallUrl('/get', 'https://clinic.example/a/b')).toEqual({
      ok: true,
      value: 'https://clinic.example/get',
    });
    expect(problem(parseInstallUrl('javascript:alert(1)', 'https://clinic.example/')).message).toBe(
      'install-url: expected an http or https URL',
    );
    expect(problem(parseInstallUrl('http://[', 'about:blank')).attribute).toBe('install-url');
  });

  test('label: trimmed, blank means the default', () => {
    expect(parseLabel(' Share my lab results ')).toBe('Share my lab results');
    expect(parseLabel('')).toBe(DEFAULT_LABEL);
    expect(parseLabel(null)).toBe('Share my records');
  });
});

describe('any attribute text', () => {
  const attributeText = fc.option(
    fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.json(),
      fc.constantFrom(G, '30', '2030-01-01', '{"from":0}', 'javascript:x', '\u0000', '  '),
    ),
  );

  test('gives a value or a typed error naming the attribute, never a throw', () => {
    fc.assert(
      fc.property(attributeText, attributeText, (a, b) => {
        expectWellFormed(parseReaderKey(a), ['reader-key']);
        expectWellFormed(parseReaderName(a), ['reader-name']);
        expectWellFormed(parseScope(a), ['scope']);
        expectWellFormed(parsePurpose(a), ['purpose']);
        expectWellFormed(parseExpiry(a, b, NOW), ['expires-in-days', 'expires-at']);
        expectWellFormed(parseInstallUrl(a, 'https://clinic.example/'), ['install-url']);
        expect(typeof parseLabel(a)).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });

  test('a whole request: the first problem in attribute order, or the params the wallet takes', () => {
    const names: ShareButtonAttribute[] = [
      'reader-key',
      'reader-name',
      'scope',
      'purpose',
      'expires-in-days',
      'expires-at',
    ];
    const good: Record<string, string | null> = {
      'reader-key': G,
      'reader-name': 'Riverside Clinic',
      scope: '{"categories":["laboratory"]}',
      purpose: 'Diabetes follow-up',
      'expires-in-days': '30',
      'expires-at': null,
    };
    expect(parseShareRequest((n) => good[n] ?? null, NOW)).toEqual({
      ok: true,
      value: {
        reader: { publicKey: G, name: 'Riverside Clinic' },
        scope: { categories: ['laboratory'] },
        purpose: 'Diabetes follow-up',
        expiresAt: NOW + 30 * DAY,
      },
    });
    expect(
      problem(parseShareRequest((n) => (n === 'scope' ? '{' : (good[n] ?? null)), NOW)).attribute,
    ).toBe('scope');
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), attributeText), (attrs) => {
        const read = (n: ShareButtonAttribute) =>
          n in attrs ? (attrs[n] ?? null) : (good[n] ?? null);
        expectWellFormed(parseShareRequest(read, NOW), names);
      }),
      { numRuns: 500 },
    );
  });
});
