/**
 * The clinic's refusals in words: each typed code (and what the server knew
 * of the share) maps to one sentence a clinician understands, and only the
 * general case shows a code.
 */
import { describe, expect, test } from 'vitest';
import { dateWords, type RefusalJson, refusalWords } from './refusal-words.js';

const NOW = Date.UTC(2026, 4, 10, 12);
const DAY = 86_400_000;
const at = (n: number) => `http://127.0.0.1:900${n}`;

/** A read refused by the proxies of a 2-of-3 grant that has not expired. */
const refused = (codes: string[], more: Partial<RefusalJson> = {}): RefusalJson => ({
  code: 'PROXY_NOT_ENOUGH_FRAGMENTS',
  failures: codes.map((code, i) => ({ proxy: at(i + 1), code })),
  threshold: 2,
  proxies: 3,
  expiresAt: NOW + 20 * DAY,
  ...more,
});

const words = (error: { code?: string; message?: string }, refusal?: RefusalJson) =>
  refusalWords(error, refusal, { now: NOW, timeZone: 'UTC' });
const notEnough = { code: 'PROXY_NOT_ENOUGH_FRAGMENTS', message: 'Fewer than 2 proxies …' };

describe('refusalWords', () => {
  test('the ledger’s revocation: the patient ended the share, on its date', () => {
    const said = words(
      notEnough,
      refused(['PROXY_GRANT_UNKNOWN', 'PROXY_GRANT_INACTIVE'], {
        endedAt: Date.UTC(2026, 4, 4, 9),
      }),
    );
    expect(said).toEqual({
      kind: 'ended',
      code: 'PROXY_NOT_ENOUGH_FRAGMENTS',
      text: 'The patient ended this share on 4 May 2026 — records already read are not taken back, but no new reads are possible.',
    });
    expect(said.text).not.toMatch(/PROXY_/);
  });

  test('proxies that say revoked, or that forgot the share, without the ledger’s date', () => {
    const ended =
      'The patient ended this share — records already read are not taken back, but no new reads are possible.';
    expect(words(notEnough, refused(['PROXY_GRANT_REVOKED'])).text).toBe(ended);
    // two of three forgot it: the third alone cannot make up 2
    expect(words(notEnough, refused(['PROXY_GRANT_UNKNOWN', 'PROXY_GRANT_UNKNOWN'])).kind).toBe(
      'ended',
    );
    expect(words(notEnough, refused(['PROXY_GRANT_INACTIVE', 'PROXY_GRANT_UNKNOWN'])).text).toBe(
      ended,
    );
  });

  test('one proxy that forgot it while the others are down is not an ended share', () => {
    const said = words(notEnough, refused(['PROXY_GRANT_UNKNOWN', 'PROXY_UNREACHABLE']));
    expect(said.kind).toBe('unreachable');
  });

  test('past its expiry: the share expired, on its date', () => {
    const said = words(
      notEnough,
      refused(['PROXY_GRANT_INACTIVE', 'PROXY_GRANT_INACTIVE'], { expiresAt: NOW - 8 * DAY }),
    );
    expect(said).toEqual({
      kind: 'expired',
      code: 'PROXY_NOT_ENOUGH_FRAGMENTS',
      text: 'This share expired on 2 May 2026. To read more, ask the patient to share again.',
    });
  });

  test('proxies down: how many answered, of how many needed', () => {
    expect(words(notEnough, refused(['PROXY_UNREACHABLE', 'PROXY_TIMEOUT'])).text).toBe(
      'Not enough of the patient’s proxies could be reached (1 of 2 needed) — try again later.',
    );
    expect(
      words(notEnough, refused(['PROXY_BUSY', 'PROXY_UNREACHABLE', 'PROXY_RATE_LIMITED'])).text,
    ).toMatch(/\(0 of 2 needed\)/);
  });

  test('anything else: general words, the code in small print', () => {
    for (const [error, refusal] of [
      [
        { code: 'PROXY_GRANT_NOT_IN_LEDGER', message: 'Grant … is not in the patient’s ledger' },
        refused([], { code: 'PROXY_GRANT_NOT_IN_LEDGER' }),
      ],
      [{ code: 'NOT_OUR_GRANT', message: 'this grant is for another reader' }, undefined],
      [
        { code: 'PROXY_NOT_ENOUGH_FRAGMENTS' },
        refused(['PROXY_BAD_FRAGMENT', 'PROXY_OUT_OF_SCOPE']),
      ],
    ] as const) {
      const said = words(error, refusal);
      expect(said.kind).toBe('other');
      expect(said.text).toBe(
        'The clinic could not read this share. Try again later; if it keeps happening, tell whoever runs the clinic’s site.',
      );
      expect(said.detail).toBe(`Code: ${error.code}`);
    }
    expect(refusalWords({}).detail).toBe('Code: ERROR');
  });

  test('dates are said in words', () => {
    expect(dateWords(Date.UTC(2026, 11, 2, 23), 'UTC')).toBe('2 December 2026');
    expect(dateWords(Date.UTC(2026, 11, 2, 23), 'Asia/Tokyo')).toBe('3 December 2026');
  });
});
