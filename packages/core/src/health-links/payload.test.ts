/**
 * Link payloads: round trips, every refusal with its code, and properties —
 * any text gives a payload or a typed ShlError (never another exception),
 * `shlPayloadSchema` accepts exactly what `decodeLink` accepts, and every
 * valid payload survives encodeLink → decodeLink.
 */
import { expectError } from '@medvault/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeLink,
  encodeLink,
  hasFlag,
  manifestUrl,
  newLinkId,
  newLinkKey,
  ShlError,
  ShlExpiredError,
  ShlInvalidFlagError,
  ShlInvalidKeyError,
  ShlInvalidLinkIdError,
  ShlInvalidUrlError,
  ShlLabelTooLongError,
  ShlLowEntropyUrlError,
  ShlMalformedLinkError,
  type ShlPayload,
  ShlUnknownFlagError,
  ShlUnsupportedVersionError,
  ShlUrlTooLongError,
  shlPayloadSchema,
} from './index.js';

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const ID = 'oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8';
const URL_ = `https://shl.medvault.example/m/${ID}`;
const NOW = Date.UTC(2026, 0, 1);
const b64u = (text: string) => Buffer.from(text).toString('base64url');
/** A link of any JSON, made without encodeLink's checks. */
const raw = (value: unknown) => `shlink:/${b64u(JSON.stringify(value))}`;

describe('making and reading links', () => {
  test('a minimal payload round-trips, properties in spec order, minified', () => {
    const link = encodeLink({ key: KEY, url: URL_ });
    expect(link.startsWith('shlink:/')).toBe(true);
    const json = Buffer.from(link.slice(8), 'base64url').toString();
    expect(json).toBe(`{"url":"${URL_}","key":"${KEY}"}`);
    expect(decodeLink(link)).toEqual({ url: URL_, key: KEY });
  });

  test('every field, behind a viewer (with or without its #)', () => {
    const payload: ShlPayload = {
      url: URL_,
      key: KEY,
      exp: NOW / 1000 + 3600,
      flag: 'LP',
      label: 'Emergency card — Ana Souza',
      v: 1,
    };
    const a = encodeLink(payload, { viewer: 'https://viewer.medvault.example/' });
    const b = encodeLink(payload, { viewer: 'https://viewer.medvault.example/#' });
    expect(a).toBe(b);
    expect(a.startsWith('https://viewer.medvault.example/#shlink:/')).toBe(true);
    expect(decodeLink(a, { now: NOW })).toEqual(payload);
    expect(decodeLink(`  ${a.slice(a.indexOf('#') + 1)}\n`, { now: NOW })).toEqual(payload);
  });

  test('other properties are dropped when making and ignored when reading', () => {
    const extra = { url: URL_, key: KEY, _medvault: 'x', extension: [1] } as ShlPayload;
    expect(decodeLink(encodeLink(extra))).toEqual({ url: URL_, key: KEY });
    expect(decodeLink(raw({ url: URL_, key: KEY, _x: { deep: true } }))).toEqual({
      url: URL_,
      key: KEY,
    });
  });

  test('unknown flags are refused when making, kept and ignored when reading', () => {
    expectError(
      () => encodeLink({ url: URL_, key: KEY, flag: 'LX' }),
      ShlUnknownFlagError,
      'SHL_UNKNOWN_FLAG',
    );
    const payload = decodeLink(raw({ url: URL_, key: KEY, flag: 'LPX' }));
    expect(payload.flag).toBe('LPX');
    expect(hasFlag(payload, 'P')).toBe(true);
    expect(hasFlag(payload, 'U')).toBe(false);
  });

  test('an empty flag is omitted when making and accepted when reading', () => {
    expect(decodeLink(encodeLink({ url: URL_, key: KEY, flag: '' }))).toEqual({
      url: URL_,
      key: KEY,
    });
    expect(decodeLink(raw({ url: URL_, key: KEY, flag: '' })).flag).toBe('');
  });

  test('a later version is read (label shown) but not made', () => {
    expect(decodeLink(raw({ url: URL_, key: KEY, v: 2, label: 'x' }))).toMatchObject({ v: 2 });
    expectError(
      () => encodeLink({ url: URL_, key: KEY, v: 2 }),
      ShlUnsupportedVersionError,
      'SHL_UNSUPPORTED_VERSION',
    );
    expectError(
      () => encodeLink({ url: URL_, key: KEY, v: 0 }),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    );
  });

  test('expiry: exp at or before now is refused unless allowExpired', () => {
    const link = raw({ url: URL_, key: KEY, exp: NOW / 1000 });
    expectError(() => decodeLink(link, { now: NOW }), ShlExpiredError, 'SHL_EXPIRED');
    expect(decodeLink(link, { now: NOW - 1 }).exp).toBe(NOW / 1000);
    expect(decodeLink(link, { now: NOW + 1, allowExpired: true }).exp).toBe(NOW / 1000);
    try {
      decodeLink(link, { now: NOW + 1 });
    } catch (e) {
      expect((e as ShlExpiredError).exp).toBe(NOW / 1000);
      expect((e as ShlExpiredError).shortMessage).toContain('2026-01-01T00:00:00.000Z');
    }
  });
});

describe('refusals, each with its code', () => {
  const cases: [string, () => unknown, abstract new (...a: never[]) => Error, string][] = [
    [
      'not a link',
      () => decodeLink('https://x.example/#nothing'),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'a viewer that is not http(s)',
      () => decodeLink(`javascript:x#${raw({ url: URL_, key: KEY })}`),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    ['empty payload', () => decodeLink('shlink:/'), ShlMalformedLinkError, 'SHL_MALFORMED_LINK'],
    [
      'not base64url',
      () => decodeLink('shlink:/ab+/'),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'impossible length',
      () => decodeLink('shlink:/abcde'),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'not UTF-8',
      () => decodeLink(`shlink:/${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}`),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'not JSON',
      () => decodeLink(`shlink:/${b64u('{url')}`),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    ['an array', () => decodeLink(raw([URL_, KEY])), ShlMalformedLinkError, 'SHL_MALFORMED_LINK'],
    ['null', () => decodeLink(raw(null)), ShlMalformedLinkError, 'SHL_MALFORMED_LINK'],
    [
      'too long',
      () => decodeLink(`shlink:/${'A'.repeat(20_000)}`),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    ['not a string', () => decodeLink(42 as never), ShlMalformedLinkError, 'SHL_MALFORMED_LINK'],
    [
      'exp a string',
      () => decodeLink(raw({ url: URL_, key: KEY, exp: '1' })),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'exp negative',
      () => decodeLink(raw({ url: URL_, key: KEY, exp: -5 })),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'label a number',
      () => decodeLink(raw({ url: URL_, key: KEY, label: 5 })),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'v 1.5',
      () => decodeLink(raw({ url: URL_, key: KEY, v: 1.5 })),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    ['no key', () => decodeLink(raw({ url: URL_ })), ShlInvalidKeyError, 'SHL_INVALID_KEY'],
    [
      'key 42',
      () => decodeLink(raw({ url: URL_, key: KEY.slice(1) })),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    ],
    [
      'key 44 (padding)',
      () => decodeLink(raw({ url: URL_, key: `${KEY}=` })),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    ],
    [
      'key standard base64',
      () => decodeLink(raw({ url: URL_, key: `${KEY.slice(0, 41)}+g` })),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    ],
    [
      'key not canonical',
      () => decodeLink(raw({ url: URL_, key: `${KEY.slice(0, 42)}9` })),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    ],
    ['no url', () => decodeLink(raw({ key: KEY })), ShlInvalidUrlError, 'SHL_INVALID_URL'],
    [
      'url not http',
      () => decodeLink(raw({ url: `ftp://x.example/${ID}`, key: KEY })),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    ],
    [
      'url relative',
      () => decodeLink(raw({ url: `/m/${ID}`, key: KEY })),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    ],
    [
      'url 129',
      () => decodeLink(raw({ url: `${URL_}/${'a'.repeat(128 - URL_.length)}`, key: KEY })),
      ShlUrlTooLongError,
      'SHL_URL_TOO_LONG',
    ],
    [
      'label 81',
      () => decodeLink(raw({ url: URL_, key: KEY, label: 'é'.repeat(81) })),
      ShlLabelTooLongError,
      'SHL_LABEL_TOO_LONG',
    ],
    [
      'flag unordered',
      () => decodeLink(raw({ url: URL_, key: KEY, flag: 'PL' })),
      ShlInvalidFlagError,
      'SHL_INVALID_FLAG',
    ],
    [
      'flag repeated',
      () => decodeLink(raw({ url: URL_, key: KEY, flag: 'LL' })),
      ShlInvalidFlagError,
      'SHL_INVALID_FLAG',
    ],
    [
      'flag lower case',
      () => decodeLink(raw({ url: URL_, key: KEY, flag: 'l' })),
      ShlInvalidFlagError,
      'SHL_INVALID_FLAG',
    ],
    [
      'flag a number',
      () => decodeLink(raw({ url: URL_, key: KEY, flag: 1 })),
      ShlInvalidFlagError,
      'SHL_INVALID_FLAG',
    ],
    [
      'U with P',
      () => decodeLink(raw({ url: URL_, key: KEY, flag: 'PU' })),
      ShlInvalidFlagError,
      'SHL_INVALID_FLAG',
    ],
    [
      'make: U with P',
      () => encodeLink({ url: URL_, key: KEY, flag: 'LPU' }),
      ShlInvalidFlagError,
      'SHL_INVALID_FLAG',
    ],
    [
      'make: guessable url',
      () => encodeLink({ url: 'https://shl.medvault.example/m/42', key: KEY }),
      ShlLowEntropyUrlError,
      'SHL_LOW_ENTROPY_URL',
    ],
    [
      'make: a UUID url',
      () =>
        encodeLink({ url: 'https://shl.example/m/6f1c2a4e-8d3b-4f5a-9e7c-1b2d3e4f5a6b', key: KEY }),
      ShlLowEntropyUrlError,
      'SHL_LOW_ENTROPY_URL',
    ],
    [
      'make: a repeated token',
      () => encodeLink({ url: `https://shl.example/m/${'a'.repeat(60)}`, key: KEY }),
      ShlLowEntropyUrlError,
      'SHL_LOW_ENTROPY_URL',
    ],
    [
      'make: fractional exp',
      () => encodeLink({ url: URL_, key: KEY, exp: 1.5 }),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'make: label 81',
      () => encodeLink({ url: URL_, key: KEY, label: 'x'.repeat(81) }),
      ShlLabelTooLongError,
      'SHL_LABEL_TOO_LONG',
    ],
    [
      'make: bad key',
      () => encodeLink({ url: URL_, key: 'short' }),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    ],
    [
      'make: not an object',
      () => encodeLink(null as never),
      ShlMalformedLinkError,
      'SHL_MALFORMED_LINK',
    ],
    [
      'make: viewer not http',
      () => encodeLink({ url: URL_, key: KEY }, { viewer: 'viewer' }),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    ],
    [
      'make: viewer with fragment',
      () => encodeLink({ url: URL_, key: KEY }, { viewer: 'https://v.example/#a#' }),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    ],
  ];
  test.each(cases)('%s', (_, fn, cls, code) => expectError(fn, cls, code));

  test('messages say what was expected', () => {
    const e = (() => {
      try {
        decodeLink(raw({ url: URL_, key: KEY.slice(1) }));
      } catch (error) {
        return error as ShlInvalidKeyError;
      }
    })();
    expect(e?.shortMessage).toMatch(/43 base64url characters.*32 bytes.*got 42 characters/);
    expect(e?.docsPath).toBe('spec/health-links.md');
  });

  test('a hex token of 64 digits and a base64url one in the query are enough entropy', () => {
    const hex = 'f'.repeat(0) + '0123456789abcdef'.repeat(4);
    expect(() => encodeLink({ url: `https://shl.example/m/${hex}`, key: KEY })).not.toThrow();
    expect(() => encodeLink({ url: `https://shl.example/m?id=${ID}`, key: KEY })).not.toThrow();
  });
});

describe('creator helpers', () => {
  test('newLinkKey and newLinkId: 43 canonical base64url characters, fresh each time', () => {
    const values = new Set([...Array(50)].flatMap(() => [newLinkKey(), newLinkId()]));
    expect(values.size).toBe(100);
    for (const v of values) {
      expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(v, 'base64url')).toHaveLength(32);
      expect(Buffer.from(v, 'base64url').toString('base64url')).toBe(v);
    }
  });

  test('manifestUrl joins base and id, normalizing the base', () => {
    expect(manifestUrl('https://SHL.medvault.example/m/', ID)).toBe(URL_);
    expect(manifestUrl('https://shl.medvault.example/m', ID)).toBe(URL_);
    expect(manifestUrl('http://127.0.0.1:8080', ID)).toBe(`http://127.0.0.1:8080/${ID}`);
    const link = encodeLink({
      url: manifestUrl('https://shl.medvault.example/m', newLinkId()),
      key: newLinkKey(),
    });
    expect(decodeLink(link).url).toMatch(
      /^https:\/\/shl\.medvault\.example\/m\/[A-Za-z0-9_-]{43}$/,
    );
  });

  test('manifestUrl refuses a long base, saying how long it may be', () => {
    const base = `https://shl.example/${'p'.repeat(70)}`;
    expect(base.length).toBe(90);
    expectError(() => manifestUrl(base, ID), ShlUrlTooLongError, 'SHL_URL_TOO_LONG');
    try {
      manifestUrl(base, ID);
    } catch (e) {
      expect((e as ShlUrlTooLongError).length).toBe(134);
      expect((e as ShlUrlTooLongError).shortMessage).toMatch(/at most 128.*at most 84 characters/);
    }
    expect(() => manifestUrl(`https://shl.example/${'p'.repeat(64)}`, ID)).not.toThrow();
  });

  test('manifestUrl refuses bad ids and bases', () => {
    expectError(
      () => manifestUrl('https://shl.example', 'abc'),
      ShlInvalidLinkIdError,
      'SHL_INVALID_LINK_ID',
    );
    expectError(
      () => manifestUrl('https://shl.example', `${ID.slice(0, 42)}9`),
      ShlInvalidLinkIdError,
      'SHL_INVALID_LINK_ID',
    );
    expectError(() => manifestUrl('shl.example', ID), ShlInvalidUrlError, 'SHL_INVALID_URL');
    expectError(
      () => manifestUrl('https://shl.example/?a=1', ID),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    );
    expectError(
      () => manifestUrl('https://shl.example/#x', ID),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    );
    expectError(
      () => manifestUrl('https://u:p@shl.example/', ID),
      ShlInvalidUrlError,
      'SHL_INVALID_URL',
    );
  });
});

describe('properties', () => {
  /** decodeLink's outcome: the payload, or the code of a typed error; anything else fails. */
  function outcome(text: string): ShlPayload | string {
    try {
      return decodeLink(text, { now: NOW });
    } catch (e) {
      if (e instanceof ShlError) return e.code;
      throw e;
    }
  }

  test('any text: a payload or a typed error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        outcome(text);
        outcome(`shlink:/${text}`);
        outcome(`https://v.example/#shlink:/${text}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('any base64url: a payload or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        outcome(`shlink:/${Buffer.from(bytes).toString('base64url')}`);
      }),
      { numRuns: 2000 },
    );
  });

  /** JSON values shaped like payloads, right and wrong. */
  const field = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof(
      { arbitrary: good, weight: 6 },
      { arbitrary: fc.constant(undefined), weight: 2 },
      { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
    );
  const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: odd, weight: 1 });
  const payloadLike = fc.record(
    {
      url: field(
        mostly(
          fc.constant(URL_),
          fc.oneof(
            fc.webUrl().map((u) => `${u}/${ID}`),
            fc.string({ maxLength: 140 }).map((s) => `https://x.example/${s}`),
          ),
        ),
      ),
      key: field(
        mostly(
          fc.constant(KEY),
          fc.oneof(
            fc
              .uint8Array({ minLength: 30, maxLength: 34 })
              .map((b) => Buffer.from(b).toString('base64url')),
            fc.string({ minLength: 42, maxLength: 44 }),
          ),
        ),
      ),
      exp: field(mostly(fc.integer({ min: 1 }), fc.oneof(fc.integer(), fc.double()))),
      flag: field(
        mostly(
          fc.constantFrom('', 'L', 'P', 'U', 'LP', 'LU', 'LPX'),
          fc.stringMatching(/^[A-Za-z]{0,4}$/),
        ),
      ),
      label: field(fc.string({ maxLength: 90 })),
      v: field(mostly(fc.constant(1), fc.oneof(fc.integer({ min: -2, max: 3 }), fc.double()))),
    },
    { requiredKeys: [] },
  );

  test('shlPayloadSchema accepts exactly what decodeLink accepts (expiry aside)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(payloadLike, (value) => {
        const json = JSON.stringify(value);
        const parsedBack = JSON.parse(json) as unknown; // undefined and NaN as JSON gives them
        let decoded: ShlPayload | string;
        try {
          decoded = decodeLink(`shlink:/${b64u(json)}`, { allowExpired: true });
        } catch (e) {
          if (!(e instanceof ShlError)) throw e;
          decoded = e.code;
        }
        const schema = shlPayloadSchema.safeParse(parsedBack);
        if (schema.success) accepted += 1;
        expect(schema.success).toBe(typeof decoded !== 'string');
        if (schema.success) expect(decoded).toEqual(schema.data);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(150); // both outcomes are well represented
  });

  test('every valid payload round-trips through encodeLink and decodeLink', () => {
    const valid = fc.record(
      {
        exp: fc.integer({ min: NOW / 1000 + 1, max: 2 ** 40 }),
        flag: fc.constantFrom('', 'L', 'P', 'U', 'LP', 'LU'),
        label: fc.string({ maxLength: 80 }),
        v: fc.constant(1),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(valid, (rest) => {
        const payload = {
          url: manifestUrl('https://shl.example/m', newLinkId()),
          key: newLinkKey(),
          ...rest,
        };
        const decoded = decodeLink(encodeLink(payload), { now: NOW });
        const { flag, ...expected } = payload;
        expect(decoded).toEqual(flag ? { ...expected, flag } : expected);
      }),
      { numRuns: 500 },
    );
  });
});
