import { PublicKey, SecretKey } from '@medvault/core/pre';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  isProviderMethod,
  methodParams,
  type ProviderMethod,
  providerRequestSchema,
  receiveRecordSchema,
  revokeRequestSchema,
  type ShareRequest,
  shareRequestProblem,
  shareRequestSchema,
} from './provider-schema.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 12);
const keyOf = (byte: number) =>
  bytesToHex(SecretKey.fromBEBytes(new Uint8Array(32).fill(byte)).publicKey().toCompressedBytes());
const KEY = keyOf(1);
const OTHER_KEY = keyOf(2);
/** 02 ‖ x for the smallest x with no point on the curve: well-formed hex, not a key. */
const OFF_CURVE = (() => {
  for (let x = 1; ; x++) {
    const hex = `02${x.toString(16).padStart(64, '0')}`;
    try {
      PublicKey.fromCompressedBytes(hexToBytes(hex));
    } catch {
      return hex;
    }
  }
})();
const METHODS = Object.keys(methodParams) as ProviderMethod[];

const share = (): ShareRequest => ({
  reader: { publicKey: KEY, name: 'Riverside Clinic — Dr. Okafor' },
  scope: { categories: ['laboratory'] },
  purpose: 'Diabetes follow-up',
  expiresAt: NOW + 30 * DAY,
});
const record = () => ({
  cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  capsule: 'ab'.repeat(98),
  contentType: 'application/fhir+json',
  resourceType: 'Observation',
  category: 'laboratory',
  size: 1234,
  title: 'HbA1c 6.1 %, St. Mary’s Hospital',
});
const revoke = () => ({ grantId: 'cd'.repeat(32) });

/** The paths of the issues `schema` finds in `value` (it must refuse it). */
function refusedAt(schema: z.ZodType, value: unknown): (string | number)[][] {
  const parsed = schema.safeParse(value);
  expect(parsed.success, `accepted ${JSON.stringify(value)}`).toBe(false);
  return (parsed.error?.issues ?? []).map((issue) =>
    issue.code === 'unrecognized_keys'
      ? [...issue.path, ...issue.keys].map((k) => k as string | number)
      : issue.path.map((k) => k as string | number),
  );
}

describe('provider request schemas: what parses', () => {
  test('a share request, with and without its own proxies; names are trimmed', () => {
    expect(methodParams.medvault_requestShare.parse([share()])).toEqual([share()]);
    const own = {
      ...share(),
      reader: { publicKey: KEY, name: '  Dr. Okafor  ' },
      scope: { cids: ['bafy1'], from: 0, until: NOW },
      proxies: [
        { url: 'https://proxy-a.example', publicKey: KEY },
        { url: 'http://127.0.0.1:9002', publicKey: OTHER_KEY },
      ],
      threshold: 2,
    };
    const [parsed] = methodParams.medvault_requestShare.parse([own]);
    expect(parsed.reader.name).toBe('Dr. Okafor');
    expect(parsed.proxies).toEqual(own.proxies);
    expect(shareRequestProblem(parsed, NOW)).toBeUndefined();
  });

  test('a record handed over, with and without its optional fields; a revoke', () => {
    expect(methodParams.medvault_receiveRecord.parse([record()])).toEqual([record()]);
    const { resourceType: _r, category: _c, ...bare } = record();
    expect(receiveRecordSchema.parse(bare)).toEqual(bare);
    expect(methodParams.medvault_revoke.parse([revoke()])).toEqual([revoke()]);
  });

  test('methods without params take none: absent or [], nothing else', () => {
    for (const method of [
      'medvault_connect',
      'medvault_getPublicKey',
      'medvault_listGrants',
    ] as const) {
      expect(methodParams[method].safeParse(undefined).success).toBe(true);
      expect(methodParams[method].safeParse([]).success).toBe(true);
      for (const bad of [['x'], [{}], {}, null, 'x', 0]) {
        expect(methodParams[method].safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      }
    }
  });

  test('the envelope: an id and a method; a field the page adds (an origin) is refused', () => {
    expect(providerRequestSchema.parse({ id: '1', method: 'medvault_connect' })).toEqual({
      id: '1',
      method: 'medvault_connect',
    });
    for (const bad of [
      { method: 'medvault_connect' },
      { id: '', method: 'medvault_connect' },
      { id: 'x'.repeat(65), method: 'medvault_connect' },
      { id: '1', method: '' },
      { id: '1', method: 'm'.repeat(65) },
      { id: 1, method: 'medvault_connect' },
      { id: '1', method: 'medvault_connect', origin: 'https://clinic.example' },
      null,
      'medvault_connect',
    ]) {
      expect(providerRequestSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  test('only the provider’s own methods are methods, not what objects inherit', () => {
    for (const method of METHODS) expect(isProviderMethod(method)).toBe(true);
    for (const name of [
      'toString',
      'constructor',
      '__proto__',
      'hasOwnProperty',
      'eth_requestAccounts',
      'backup/reveal',
      'medvault_Connect',
      '',
    ]) {
      expect(isProviderMethod(name), name).toBe(false);
    }
  });
});

describe('provider request schemas: each malformed field is refused, by name', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: [string, (r: ShareRequest) => unknown, (string | number)[]][] = [
    [
      'uppercase key',
      (r) => ({ ...r, reader: { ...r.reader, publicKey: KEY.toUpperCase() } }),
      ['reader', 'publicKey'],
    ],
    [
      'short key',
      (r) => ({ ...r, reader: { ...r.reader, publicKey: KEY.slice(0, 64) } }),
      ['reader', 'publicKey'],
    ],
    [
      '0x key',
      (r) => ({ ...r, reader: { ...r.reader, publicKey: `0x${KEY}` } }),
      ['reader', 'publicKey'],
    ],
    ['blank name', (r) => ({ ...r, reader: { ...r.reader, name: '   ' } }), ['reader', 'name']],
    ['long name', (r) => ({ ...r, reader: { ...r.reader, name: long(121) } }), ['reader', 'name']],
    [
      'extra reader field',
      (r) => ({ ...r, reader: { ...r.reader, verified: true } }),
      ['reader', 'verified'],
    ],
    ['no reader', ({ reader: _, ...r }) => r, ['reader']],
    [
      'scope list as a string',
      (r) => ({ ...r, scope: { categories: 'laboratory' } }),
      ['scope', 'categories'],
    ],
    ['empty cid', (r) => ({ ...r, scope: { cids: [''] } }), ['scope', 'cids', 0]],
    ['negative from', (r) => ({ ...r, scope: { from: -1 } }), ['scope', 'from']],
    [
      'unknown scope field',
      (r) => ({ ...r, scope: { everything: true } }),
      ['scope', 'everything'],
    ],
    ['blank purpose', (r) => ({ ...r, purpose: ' ' }), ['purpose']],
    ['long purpose', (r) => ({ ...r, purpose: long(501) }), ['purpose']],
    ['fractional expiry', (r) => ({ ...r, expiresAt: NOW + 0.5 }), ['expiresAt']],
    ['expiry as a date string', (r) => ({ ...r, expiresAt: '2027-01-01' }), ['expiresAt']],
    ['NaN expiry', (r) => ({ ...r, expiresAt: Number.NaN }), ['expiresAt']],
    ['no proxies listed', (r) => ({ ...r, proxies: [], threshold: 1 }), ['proxies']],
    [
      '17 proxies',
      (r) => ({
        ...r,
        proxies: Array.from({ length: 17 }, () => ({ url: 'https://p.example', publicKey: KEY })),
        threshold: 1,
      }),
      ['proxies'],
    ],
    [
      'ftp proxy',
      (r) => ({ ...r, proxies: [{ url: 'ftp://p.example', publicKey: KEY }], threshold: 1 }),
      ['proxies', 0, 'url'],
    ],
    [
      'javascript: proxy',
      (r) => ({ ...r, proxies: [{ url: 'javascript:alert(1)', publicKey: KEY }], threshold: 1 }),
      ['proxies', 0, 'url'],
    ],
    [
      'proxy key not hex',
      (r) => ({ ...r, proxies: [{ url: 'https://p.example', publicKey: 'key' }], threshold: 1 }),
      ['proxies', 0, 'publicKey'],
    ],
    [
      'extra proxy field',
      (r) => ({
        ...r,
        proxies: [{ url: 'https://p.example', publicKey: KEY, trusted: true }],
        threshold: 1,
      }),
      ['proxies', 0, 'trusted'],
    ],
    ['threshold 0', (r) => ({ ...r, threshold: 0 }), ['threshold']],
    ['threshold 17', (r) => ({ ...r, threshold: 17 }), ['threshold']],
    ['threshold as text', (r) => ({ ...r, threshold: '2' }), ['threshold']],
    [
      'unknown top-level field',
      (r) => ({ ...r, callbackUrl: 'https://evil.example' }),
      ['callbackUrl'],
    ],
  ];
  test.each(cases)('share request: %s', (_name, mutate, path) => {
    expect(refusedAt(methodParams.medvault_requestShare, [mutate(share())])).toContainEqual([
      0,
      ...path,
    ]);
  });

  type Record = ReturnType<typeof record>;
  const recordCases: [string, (r: Record) => unknown, (string | number)[]][] = [
    ['empty cid', (r) => ({ ...r, cid: '' }), ['cid']],
    ['long cid', (r) => ({ ...r, cid: long(257) }), ['cid']],
    ['uppercase capsule', (r) => ({ ...r, capsule: r.capsule.toUpperCase() }), ['capsule']],
    ['odd capsule hex', (r) => ({ ...r, capsule: 'abc' }), ['capsule']],
    ['empty capsule', (r) => ({ ...r, capsule: '' }), ['capsule']],
    ['capsule over 1024 bytes', (r) => ({ ...r, capsule: 'ab'.repeat(1025) }), ['capsule']],
    ['empty content type', (r) => ({ ...r, contentType: '' }), ['contentType']],
    ['empty resource type', (r) => ({ ...r, resourceType: '' }), ['resourceType']],
    ['long category', (r) => ({ ...r, category: long(65) }), ['category']],
    ['negative size', (r) => ({ ...r, size: -1 }), ['size']],
    ['fractional size', (r) => ({ ...r, size: 1.5 }), ['size']],
    ['unsafe size', (r) => ({ ...r, size: 2 ** 53 }), ['size']],
    ['blank title', (r) => ({ ...r, title: '  ' }), ['title']],
    ['long title', (r) => ({ ...r, title: long(201) }), ['title']],
    ['extra field', (r) => ({ ...r, patient: KEY }), ['patient']],
  ];
  test.each(recordCases)('record handed over: %s', (_name, mutate, path) => {
    expect(refusedAt(methodParams.medvault_receiveRecord, [mutate(record())])).toContainEqual([
      0,
      ...path,
    ]);
  });

  test('revoke: a grant id is 32 bytes of lowercase hex, alone', () => {
    for (const bad of [
      { grantId: 'cd'.repeat(31) },
      { grantId: 'CD'.repeat(32) },
      { grantId: `0x${'cd'.repeat(31)}` },
      { grantId: 7 },
      {},
    ]) {
      expect(refusedAt(methodParams.medvault_revoke, [bad])).toContainEqual([0, 'grantId']);
    }
    expect(refusedAt(revokeRequestSchema, { ...revoke(), all: true })).toContainEqual(['all']);
  });

  test('one request per call: a second element or a bare object is refused', () => {
    expect(methodParams.medvault_requestShare.safeParse([share(), share()]).success).toBe(false);
    expect(methodParams.medvault_requestShare.safeParse(share()).success).toBe(false);
    expect(methodParams.medvault_revoke.safeParse([]).success).toBe(false);
  });
});

describe('shareRequestProblem: what depends on the clock or on several fields', () => {
  const problem = (patch: Partial<ShareRequest>) =>
    shareRequestProblem({ ...share(), ...patch }, NOW);

  test('a well-formed request has none', () => {
    expect(problem({})).toBeUndefined();
  });

  test('a reader or proxy key that is not on the curve is refused before any prompt', () => {
    expect(problem({ reader: { publicKey: OFF_CURVE, name: 'Clinic' } })).toMatch(
      /reader\.publicKey is not a secp256k1 public key/,
    );
    expect(
      problem({
        proxies: [
          { url: 'https://a.example', publicKey: KEY },
          { url: 'https://b.example', publicKey: OFF_CURVE },
        ],
        threshold: 2,
      }),
    ).toMatch(/proxies\.1\.publicKey is not a secp256k1 public key/);
  });

  test('expiry from a minute to ten years from now, both ends included', () => {
    expect(problem({ expiresAt: NOW - 1 })).toMatch(/at least a minute from now/);
    expect(problem({ expiresAt: NOW + 59_999 })).toMatch(/at least a minute from now/);
    expect(problem({ expiresAt: NOW + 60_000 })).toBeUndefined();
    expect(problem({ expiresAt: NOW + 3650 * DAY })).toBeUndefined();
    expect(problem({ expiresAt: NOW + 3650 * DAY + 1 })).toMatch(/within 10 years/);
  });

  test('a scope must name something; { from: 0 } is everything; an empty list is refused', () => {
    expect(problem({ scope: {} })).toMatch(/scope must name/);
    expect(problem({ scope: { cids: undefined } })).toMatch(/scope must name/);
    expect(problem({ scope: { from: 0 } })).toBeUndefined();
    // the prompt would describe these as "All your records"; they match none
    expect(problem({ scope: { cids: [] } })).toMatch(/scope\.cids must not be empty/);
    expect(problem({ scope: { categories: [], from: 0 } })).toMatch(/scope\.categories/);
    expect(problem({ scope: { resourceTypes: [] } })).toMatch(/scope\.resourceTypes/);
  });

  test('a time range must not run backwards', () => {
    expect(problem({ scope: { from: NOW, until: NOW - 1 } })).toMatch(
      /scope\.from must not be after scope\.until/,
    );
    expect(problem({ scope: { from: NOW - DAY, until: NOW } })).toBeUndefined();
  });

  test('proxies and threshold come together, the threshold within the proxies, each proxy once', () => {
    const two = [
      { url: 'https://a.example', publicKey: KEY },
      { url: 'https://b.example', publicKey: OTHER_KEY },
    ];
    expect(problem({ proxies: two })).toMatch(/proxies and threshold together/);
    expect(problem({ threshold: 2 })).toMatch(/proxies and threshold together/);
    expect(problem({ proxies: two, threshold: 3 })).toMatch(
      /must not exceed the number of proxies/,
    );
    expect(problem({ proxies: two, threshold: 2 })).toBeUndefined();
    // one proxy named twice would hold two fragments of a 2-of-2 grant
    const [a] = two as [(typeof two)[0]];
    expect(problem({ proxies: [a, { ...a, url: 'https://a.example/' }], threshold: 2 })).toMatch(
      /distinct/,
    );
    expect(problem({ proxies: [a, { ...a, url: 'https://c.example' }], threshold: 2 })).toMatch(
      /distinct/,
    );
  });
});

describe('provider request schemas under arbitrary input (fast-check)', () => {
  /** A refusal is a zod error whose every issue says where and what. */
  function expectNamedRefusal(error: unknown) {
    expect(error).toBeInstanceOf(z.ZodError);
    const { issues } = error as z.ZodError;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(Array.isArray(issue.path)).toBe(true);
      expect(issue.message.length).toBeGreaterThan(0);
    }
  }

  test('arbitrary JSON params never throw for any method, and a refusal is a zod error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), fc.jsonValue(), (method, params) => {
        const parsed = methodParams[method].safeParse(params);
        if (!parsed.success) expectNamedRefusal(parsed.error);
      }),
      { numRuns: 2000 },
    );
  });

  test('arbitrary JSON in each field of a request: the refusal names a field of it', () => {
    const shaped = (schema: z.ZodObject) =>
      fc.record(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, fc.jsonValue()])), {
        requiredKeys: [],
      });
    const requests = [
      ['medvault_requestShare', shareRequestSchema],
      ['medvault_receiveRecord', receiveRecordSchema],
      ['medvault_revoke', revokeRequestSchema],
    ] as const;
    for (const [method, schema] of requests) {
      const fields = Object.keys(schema.shape);
      fc.assert(
        fc.property(shaped(schema), (request) => {
          const parsed = methodParams[method].safeParse([request]);
          if (parsed.success) return;
          expectNamedRefusal(parsed.error);
          for (const issue of parsed.error.issues) {
            expect(issue.path[0]).toBe(0);
            expect(fields).toContain(issue.path[1]);
          }
        }),
        { numRuns: 500 },
      );
    }
  });

  test('a share request with arbitrary (well-typed) values: the cross-field check never throws', () => {
    const anyShare = fc.record(
      {
        reader: fc.constant({ publicKey: KEY, name: 'Dr. Okafor' }),
        scope: fc.record(
          {
            cids: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
            categories: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
            from: fc.nat(),
            until: fc.nat(),
          },
          { requiredKeys: [] },
        ),
        purpose: fc.constant('follow-up'),
        expiresAt: fc.integer({ min: NOW - 100 * DAY, max: NOW + 4000 * DAY }),
        proxies: fc.array(
          fc.record({
            url: fc.constantFrom('https://a.example', 'https://b.example', 'http://127.0.0.1:9001'),
            publicKey: fc.constantFrom(KEY, OTHER_KEY),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        threshold: fc.integer({ min: 1, max: 16 }),
      },
      { requiredKeys: ['reader', 'scope', 'purpose', 'expiresAt'] },
    );
    fc.assert(
      fc.property(anyShare, (raw) => {
        const request = shareRequestSchema.parse(raw);
        const found = shareRequestProblem(request, NOW);
        expect(found === undefined || typeof found === 'string').toBe(true);
        // accepted requests honour every rule the function states
        if (found === undefined) {
          expect(request.expiresAt).toBeGreaterThanOrEqual(NOW + 60_000);
          expect(request.proxies === undefined).toBe(request.threshold === undefined);
          if (request.proxies) {
            expect(request.threshold).toBeLessThanOrEqual(request.proxies.length);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
