import { caught, expectError } from '@medvault/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SecretKey } from '../pre/keys.js';
import { InvalidGrantJsonError } from './errors.js';
import type { Grant } from './grant.js';
import { grantFromJson, grantToJson } from './grant-json.js';

const key = () => SecretKey.random().publicKey();
const grant: Grant = {
  grantId: 'ab'.repeat(32),
  ledgerId: 'cd'.repeat(32),
  patient: key(),
  verifyingKey: key(),
  reader: key(),
  scope: { categories: ['laboratory'], from: 0 },
  purpose: 'follow-up',
  expiresAt: 1_800_000_000_000,
  proxies: [
    { url: 'http://127.0.0.1:9001', publicKey: key() },
    { url: 'https://proxy-b.example', publicKey: key() },
  ],
  threshold: 2,
  ledgerHost: 'http://127.0.0.1:8787',
  salt: '5a'.repeat(32),
  categories: ['laboratory'],
};

describe('grant JSON', () => {
  test('round-trips through JSON text', () => {
    const back = grantFromJson(JSON.parse(JSON.stringify(grantToJson(grant))));
    expect(grantToJson(back)).toEqual(grantToJson(grant));
    expect(back.reader.equals(grant.reader)).toBe(true);
  });

  test('names the field that is wrong', () => {
    const json = grantToJson(grant);
    const cases: [unknown, RegExp][] = [
      [{ ...json, grantId: 'xyz' }, /grantId/],
      [{ ...json, reader: `02${'00'.repeat(32)}` }, /reader is not a point/],
      [{ ...json, threshold: 3 }, /threshold 3 is more than the 2 proxies/],
      [{ ...json, proxies: [{ url: 'ftp://x', publicKey: json.patient }] }, /proxies/],
      [{ ...json, extra: 1 }, /grant/],
      [null, /grant/],
    ];
    for (const [value, message] of cases) {
      expectError(() => grantFromJson(value), InvalidGrantJsonError, 'PROXY_INVALID_GRANT_JSON');
      expect((caught(() => grantFromJson(value)) as Error).message).toMatch(message);
    }
  });

  test('anything else is refused with the typed error, never another exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        return caught(() => grantFromJson(value)) instanceof InvalidGrantJsonError;
      }),
    );
  });
});
