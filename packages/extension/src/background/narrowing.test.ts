import { expectError } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
import type { ShareRequest } from '../shared/provider-schema.js';
import { InvalidNarrowingError } from './errors.js';
import { categoriesToChoose, MIN_SHARE_MS, narrowRequest } from './narrowing.js';
import type { RecordMatch } from './sharing.js';

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;
const request: ShareRequest = {
  reader: { publicKey: `02${'ab'.repeat(32)}`, name: 'Riverside Clinic' },
  scope: { categories: ['laboratory', 'problem-list'] },
  purpose: 'Follow-up',
  expiresAt: NOW + 30 * DAY,
};
const match = (cid: string, category: string): RecordMatch => ({
  cid,
  title: cid,
  resourceType: 'Observation',
  category,
  time: NOW - DAY,
});
const matches = [
  match('lab1', 'laboratory'),
  match('lab2', 'laboratory'),
  match('p1', 'problem-list'),
];
const narrow = (edits: Parameters<typeof narrowRequest>[1]) =>
  narrowRequest(request, edits, matches, NOW);

describe('narrowing a share in the prompt', () => {
  test('no edits: the request as asked', () => {
    expect(narrow(undefined)).toBe(request);
    expect(narrow({ categories: ['laboratory', 'problem-list'] })).toEqual(request);
  });

  test('unticking a category narrows the scope to the categories left', () => {
    expect(narrow({ categories: ['laboratory'] }).scope).toEqual({ categories: ['laboratory'] });
  });

  test('unticking a record makes the share exactly the records left ticked', () => {
    expect(narrow({ cids: ['lab1', 'p1'] }).scope).toEqual({
      categories: ['laboratory', 'problem-list'],
      cids: ['lab1', 'p1'],
    });
    // all still ticked: records added later stay covered
    expect(narrow({ cids: ['lab1', 'lab2', 'p1'] }).scope).toEqual(request.scope);
    // with a category unticked, its records no longer count
    expect(narrow({ categories: ['laboratory'], cids: ['lab1', 'lab2'] }).scope).toEqual({
      categories: ['laboratory'],
    });
  });

  test('a shorter end is taken; a later one or one too soon is refused', () => {
    expect(narrow({ expiresAt: NOW + DAY }).expiresAt).toBe(NOW + DAY);
    expectError(
      () => narrow({ expiresAt: NOW + 31 * DAY }),
      InvalidNarrowingError,
      'WALLET_INVALID_NARROWING',
    );
    expectError(
      () => narrow({ expiresAt: NOW + MIN_SHARE_MS - 1 }),
      InvalidNarrowingError,
      'WALLET_INVALID_NARROWING',
    );
  });

  test('nothing the request did not cover can be ticked, and something must be left', () => {
    for (const edits of [
      { categories: ['psychiatry'] },
      { categories: [] },
      { cids: ['someone-elses'] },
      { cids: [] },
      { categories: ['laboratory'], cids: ['p1'] },
    ]) {
      expectError(() => narrow(edits), InvalidNarrowingError, 'WALLET_INVALID_NARROWING');
    }
  });

  test('a request by record type offers the categories of the records it matches', () => {
    const byType = { ...request, scope: { resourceTypes: ['Observation'] } };
    expect(categoriesToChoose(byType.scope, matches)).toEqual(['laboratory', 'problem-list']);
    expect(narrowRequest(byType, { categories: ['laboratory'] }, matches, NOW).scope).toEqual({
      resourceTypes: ['Observation'],
      categories: ['laboratory'],
    });
  });
});
