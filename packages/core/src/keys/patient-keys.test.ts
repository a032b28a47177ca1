/**
 * The key hierarchy: one seed gives the same keys every time, a different
 * key for every label (identity index, category and epoch), and refuses bad
 * seeds, categories and epochs with its typed errors. The category rule is
 * the ledger's: a name the keys accept is one an `encryption-keys` entry
 * accepts, and no other.
 */
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bodySchemas } from '../ledger/entry.js';
import { SecretKey } from '../pre/index.js';
import {
  checkCategory,
  InvalidCategoryError,
  InvalidSeedError,
  MAX_CATEGORY_BYTES,
  MAX_EPOCH,
  PatientKeys,
} from './index.js';

const seed = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
const hexOf = (key: SecretKey) => bytesToHex(key.toBEBytes());
const expectError = (
  fn: () => unknown,
  Class: typeof InvalidSeedError | typeof InvalidCategoryError,
) => {
  expect(fn).toThrow(Class);
  expect(fn).toThrow(expect.objectContaining({ code: Class.code, docsPath: 'spec/keys.md' }));
};

/** A category name as keys.md defines it. */
const category = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/);
const epoch = fc.integer({ min: 0, max: MAX_EPOCH });
/** Whether the ledger accepts `name` as the category of a published key. */
const ledgerAccepts = (name: string) =>
  bodySchemas['encryption-keys'].safeParse({
    keys: [{ category: name, epoch: 0, key: SecretKey.random().publicKey().toCompressedBytes() }],
  }).success;

describe('PatientKeys', () => {
  test('one seed gives the same keys every time; another seed gives others', () => {
    const a = PatientKeys.fromSeed(seed);
    const b = PatientKeys.fromSeed(Uint8Array.from(seed));
    expect(hexOf(a.identity())).toBe(hexOf(b.identity(0)));
    expect(hexOf(a.encryptionKey('laboratory', 3))).toBe(hexOf(b.encryptionKey('laboratory', 3)));
    expect(bytesToHex(a.ledgerId())).toBe(bytesToHex(b.ledgerId()));
    const other = PatientKeys.fromSeed(randomBytes(64));
    expect(hexOf(other.identity())).not.toBe(hexOf(a.identity()));
    expect(hexOf(other.encryptionKey('laboratory', 0))).not.toBe(
      hexOf(a.encryptionKey('laboratory', 0)),
    );
    expect(bytesToHex(other.ledgerId())).not.toBe(bytesToHex(a.ledgerId()));
  });

  test('keeps its own copy of the seed: overwriting the caller’s changes nothing', () => {
    const mine = Uint8Array.from(seed);
    const keys = PatientKeys.fromSeed(mine);
    const before = hexOf(keys.identity());
    mine.fill(7);
    expect(hexOf(keys.identity())).toBe(before);
  });

  test('accepts seeds of 32 to 64 bytes (a BIP39 seed is 64)', () => {
    for (const length of [32, 48, 64]) {
      expect(() => PatientKeys.fromSeed(randomBytes(length)).identity()).not.toThrow();
    }
  });

  test('the ledger id is 32 bytes and no key', () => {
    const keys = PatientKeys.fromSeed(seed);
    const id = bytesToHex(keys.ledgerId());
    expect(id).toHaveLength(64);
    expect(id).not.toBe(hexOf(keys.identity()));
  });

  test('the first and last epoch and identity index derive', () => {
    const keys = PatientKeys.fromSeed(seed);
    expect(hexOf(keys.encryptionKey('a', 0))).not.toBe(hexOf(keys.encryptionKey('a', MAX_EPOCH)));
    expect(hexOf(keys.identity(0))).not.toBe(hexOf(keys.identity(MAX_EPOCH)));
    const longest = 'a'.repeat(MAX_CATEGORY_BYTES);
    expect(() => keys.encryptionKey(longest, 0)).not.toThrow();
  });

  test('property: every distinct (category, epoch) and identity index gives a distinct key', () => {
    const keys = PatientKeys.fromSeed(seed);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(category, epoch), {
          minLength: 2,
          maxLength: 6,
          selector: ([c, e]) => `${c}/${e}`,
        }),
        fc.uniqueArray(fc.integer({ min: 0, max: MAX_EPOCH }), { minLength: 1, maxLength: 3 }),
        (labels, indices) => {
          const derived = [
            ...labels.map(([c, e]) => hexOf(keys.encryptionKey(c, e))),
            ...indices.map((i) => hexOf(keys.identity(i))),
          ];
          expect(new Set(derived).size).toBe(derived.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('property: near labels differ — a category and its extension, neighbouring epochs', () => {
    const keys = PatientKeys.fromSeed(seed);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/),
        fc.stringMatching(/^[a-z0-9._-]{1,30}$/),
        fc.integer({ min: 0, max: MAX_EPOCH - 1 }),
        (name, suffix, e) => {
          const k = hexOf(keys.encryptionKey(name, e));
          expect(hexOf(keys.encryptionKey(`${name}${suffix}`, e))).not.toBe(k);
          expect(hexOf(keys.encryptionKey(name, e + 1))).not.toBe(k);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('bad input', () => {
  test.each([
    ['empty', new Uint8Array(0)],
    ['31 bytes', randomBytes(31)],
    ['65 bytes', randomBytes(65)],
    ['not bytes', Array.from(seed) as unknown as Uint8Array],
  ])('a seed %s: InvalidSeedError (KEYS_INVALID_SEED)', (_, bad) => {
    expectError(() => PatientKeys.fromSeed(bad), InvalidSeedError);
  });

  test('an all-zero seed is refused at once; a destroyed one derives nothing, not even the ledger id', () => {
    expectError(() => PatientKeys.fromSeed(new Uint8Array(64)), InvalidSeedError);
    const keys = PatientKeys.fromSeed(new Uint8Array(64).fill(7));
    keys.destroy();
    expectError(() => keys.identity(), InvalidSeedError);
    expectError(() => keys.encryptionKey('laboratory', 0), InvalidSeedError);
    expectError(() => keys.ledgerId(), InvalidSeedError);
    expectError(() => keys.notesKey(), InvalidSeedError);
  });

  test.each([
    '',
    'Laboratory',
    '-lab',
    '.lab',
    '_lab',
    'lab/chemistry',
    'lab results',
    'radiología',
    'lab\n',
    'a'.repeat(MAX_CATEGORY_BYTES + 1),
  ])('category %j: InvalidCategoryError (KEYS_INVALID_CATEGORY)', (bad) => {
    const keys = PatientKeys.fromSeed(seed);
    expectError(() => checkCategory(bad), InvalidCategoryError);
    expectError(() => keys.encryptionKey(bad, 0), InvalidCategoryError);
  });

  test.each([-1, 1.5, MAX_EPOCH + 1, Number.NaN, Number.POSITIVE_INFINITY])(
    'epoch or identity index %d: InvalidCategoryError (KEYS_INVALID_CATEGORY)',
    (bad) => {
      const keys = PatientKeys.fromSeed(seed);
      expectError(() => keys.encryptionKey('laboratory', bad), InvalidCategoryError);
      expectError(() => keys.identity(bad), InvalidCategoryError);
    },
  );

  test('property: checkCategory accepts exactly the names the ledger accepts in an encryption-keys entry', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          category,
          fc.string({ maxLength: 70 }),
          fc.string({ unit: 'binary', maxLength: 8 }),
        ),
        (name) => {
          let accepted = true;
          try {
            checkCategory(name);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidCategoryError);
            expect((error as InvalidCategoryError).code).toBe('KEYS_INVALID_CATEGORY');
            accepted = false;
          }
          expect(accepted).toBe(ledgerAccepts(name));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('destroy()', () => {
  test('overwrites the seed: the keys derive nothing afterwards; keys derived before stay usable', () => {
    const keys = PatientKeys.fromSeed(seed);
    const identity = keys.identity();
    const before = hexOf(identity);
    keys.destroy();
    expectError(() => keys.identity(), InvalidSeedError);
    expectError(() => keys.identity(1), InvalidSeedError);
    expectError(() => keys.encryptionKey('laboratory', 0), InvalidSeedError);
    expect(hexOf(identity)).toBe(before);
    // another object from the same seed is unaffected
    expect(hexOf(PatientKeys.fromSeed(seed).identity())).toBe(before);
  });
});
