/**
 * Guardian shares: split and combine, the text format's decoder (property
 * tests: it accepts exactly what the encoder writes, and refuses every
 * single-character change), the checks on a set of shares, and why k − 1
 * shares reveal nothing — shown exactly, without chance (see the guide's
 * last section).
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { combine, split } from 'shamir-secret-sharing';
import { describe, expect, test } from 'vitest';
import {
  DuplicateShareError,
  InconsistentSharesError,
  InvalidSplitError,
  MalformedShareError,
  MixedSplitError,
  NotEnoughSharesError,
  ShareChecksumError,
} from './errors.js';
import {
  checkShares,
  combineShares,
  decodeShare,
  encodeShare,
  type GuardianShare,
  normalizeShareText,
  splitSecret,
} from './guardian-shares.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** The error `fn` throws (or rejects with); fails the test if it does not. */
async function failure(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** Every `size`-subset of `items`, in order. */
function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, i) =>
    subsets(items.slice(i + 1), size - 1).map((rest) => [item, ...rest]),
  );
}

/** A valid share: any split id, k-of-m, index, payload (x ≠ 0). */
const shareArb: fc.Arbitrary<GuardianShare> = fc
  .record({
    splitId: fc.uint8Array({ minLength: 4, maxLength: 4 }).map(bytesToHex),
    count: fc.integer({ min: 2, max: 10 }),
    k: fc.integer({ min: 2, max: 10 }),
    i: fc.integer({ min: 1, max: 10 }),
    ys: fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
    ),
    x: fc.integer({ min: 1, max: 255 }),
  })
  .map(({ splitId, count, k, i, ys, x }) => ({
    splitId,
    threshold: Math.min(k, count),
    count,
    index: Math.min(i, count),
    payload: Uint8Array.from([...ys, x]),
  }));

const isShareError = (e: unknown) =>
  e instanceof MalformedShareError || e instanceof ShareChecksumError;

/**
 * What decoding `text` gives: a share, or a typed refusal. Any other
 * failure (a TypeError, a RangeError) fails the test.
 */
function outcome(text: string): GuardianShare | 'refused' {
  try {
    return decodeShare(text);
  } catch (error) {
    if (isShareError(error)) return 'refused';
    throw error;
  }
}

/** Characters to change a share's characters into: its alphabet, upper case, and some others. */
const ALPHABET = [...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:-_./ \né'];

describe('splitting and combining', () => {
  test('any k of m shares give the entropy back, for every k-of-m the wallet makes', async () => {
    for (let count = 2; count <= 10; count++) {
      for (let threshold = 2; threshold <= count; threshold++) {
        const entropy = random(16);
        const shares = await splitSecret(entropy, threshold, count);
        expect(shares).toHaveLength(count);
        // every k-subset for small m; for larger m, every subset would be thousands: a sample
        const chosen = subsets(shares, threshold);
        const picks = chosen.length <= 60 ? chosen : chosen.filter((_, i) => i % 17 === 0);
        for (const pick of picks) {
          expect(bytesToHex(await combineShares(pick.reverse()))).toBe(bytesToHex(entropy));
        }
        // fewer are refused, naming how many more
        const short = await failure(() => combineShares(shares.slice(0, threshold - 1)));
        expect(short).toBeInstanceOf(NotEnoughSharesError);
        expect(short.message).toBe(`${threshold} of ${count} needed: give 1 more.`);
      }
    }
  });

  test('random entropy, random k-of-m, any k shares in any order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
        ),
        fc.integer({ min: 2, max: 10 }).chain((count) =>
          fc.record({
            count: fc.constant(count),
            threshold: fc.integer({ min: 2, max: count }),
            order: fc.shuffledSubarray(
              Array.from({ length: count }, (_, i) => i),
              { minLength: count, maxLength: count },
            ),
          }),
        ),
        async (entropy, { count, threshold, order }) => {
          const shares = await splitSecret(entropy, threshold, count);
          const pick = order.slice(0, threshold).map((i) => shares[i] as string);
          expect(bytesToHex(await combineShares(pick))).toBe(bytesToHex(entropy));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a 24-word entropy (32 bytes) splits and combines too', async () => {
    const entropy = random(32);
    const shares = await splitSecret(entropy, 3, 5);
    expect(decodeShare(shares[0] as string).payload).toHaveLength(33);
    expect(bytesToHex(await combineShares([shares[4], shares[1], shares[2]] as string[]))).toBe(
      bytesToHex(entropy),
    );
  });

  test('each split has its own random id; one split’s shares are numbered 1 … m, x distinct', async () => {
    const entropy = random(16);
    const a = (await splitSecret(entropy, 2, 10)).map((t) => decodeShare(t));
    const b = (await splitSecret(entropy, 2, 10)).map((t) => decodeShare(t));
    expect(new Set(a.map((s) => s.splitId)).size).toBe(1);
    expect(a[0]?.splitId).not.toBe(b[0]?.splitId);
    expect(a.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(a.map((s) => s.payload[16])).size).toBe(10);
    expect(a.every((s) => s.threshold === 2 && s.count === 10)).toBe(true);
  });

  test('more shares than needed must agree: a forged one (checksum recomputed) is refused', async () => {
    const entropy = random(16);
    const texts = await splitSecret(entropy, 2, 4);
    expect(bytesToHex(await combineShares(texts))).toBe(bytesToHex(entropy));
    const third = decodeShare(texts[2] as string);
    const payload = Uint8Array.from(third.payload);
    payload[0] = (payload[0] as number) ^ 1;
    const forged = encodeShare({ ...third, payload });
    const error = await failure(() => combineShares([texts[0], texts[1], forged] as string[]));
    expect(error).toBeInstanceOf(InconsistentSharesError);
    expect((error as InconsistentSharesError).code).toBe('WALLET_SHARES_DISAGREE');
    // exactly k of them combine, to another secret: nothing can tell (the guide says so)
    expect(bytesToHex(await combineShares([texts[0], forged] as string[]))).not.toBe(
      bytesToHex(entropy),
    );
  });

  test('splits outside 2 ≤ k ≤ m ≤ 10, or of a secret not 16 or 32 bytes, are refused', async () => {
    for (const [k, m] of [
      [1, 3],
      [3, 2],
      [2, 11],
      [0, 0],
      [2.5, 3],
      [Number.NaN, 3],
    ] as const) {
      const error = await failure(() => splitSecret(random(16), k, m));
      expect(error).toBeInstanceOf(InvalidSplitError);
      expect((error as InvalidSplitError).code).toBe('WALLET_INVALID_SPLIT');
    }
    for (const n of [0, 15, 17, 24, 64]) {
      expect(await failure(() => splitSecret(random(n), 2, 3))).toBeInstanceOf(InvalidSplitError);
    }
  });
});

describe('k − 1 shares reveal nothing', () => {
  // Combining is Lagrange interpolation at 0, byte by byte: secret byte =
  // Σ λ_j · y_j with every λ_j ≠ 0. With k − 1 shares fixed, the secret byte
  // is λ_k · y_k + c: a bijection of the made-up k-th share's byte. So every
  // candidate secret is reached by exactly one k-th share (at that x).
  test.each([2, 3, 5])(
    'k = %i: with k − 1 real shares every candidate secret is consistent, through exactly one k-th share',
    async (k) => {
      const entropy = random(16);
      const real = (await split(entropy, k + 1, k)).slice(0, k - 1);
      const taken = new Set(real.map((s) => s[16]));
      const x = [...Array(255).keys()].map((i) => i + 1).find((v) => !taken.has(v)) as number;
      const madeUp = (bytes: Uint8Array) => Uint8Array.from([...bytes, x]);
      // made-up k-th shares whose every byte is v, for every v
      const table: Uint8Array[] = [];
      for (let v = 0; v < 256; v++) {
        table.push(await combine([...real, madeUp(new Uint8Array(16).fill(v))]));
      }
      for (let i = 0; i < 16; i++) {
        // at every position, the 256 made-up bytes give 256 different secret bytes: all of them
        expect(new Set(table.map((secret) => secret[i])).size).toBe(256);
      }
      // so for any target, the share to make up is read off the table, byte by byte
      const completing = (target: Uint8Array) =>
        madeUp(
          Uint8Array.from(target, (byte, i) => table.findIndex((secret) => secret[i] === byte)),
        );
      const other = Uint8Array.from(entropy, (b) => b ^ 0xa5);
      for (const target of [entropy, other, new Uint8Array(16), new Uint8Array(16).fill(0xff)]) {
        const secret = await combine([...real, completing(target)]);
        expect(bytesToHex(secret)).toBe(bytesToHex(target));
      }
    },
  );

  /**
   * Runs `use` with the library's randomness (node:crypto `randomBytes`, its
   * Node build) replaced by `fake`; records each request's size.
   */
  async function withRandomness(
    fake: (n: number) => Uint8Array,
    use: (sizes: number[]) => Promise<void>,
  ): Promise<void> {
    const nodeCrypto = createRequire(import.meta.url)('node:crypto') as {
      randomBytes: (n: number) => Uint8Array;
    };
    const original = nodeCrypto.randomBytes;
    const sizes: number[] = [];
    nodeCrypto.randomBytes = (n: number) => {
      sizes.push(n);
      // a Buffer over exactly these n bytes (the library reads its `.buffer`)
      return Buffer.from(Uint8Array.from(fake(n)).buffer);
    };
    syncBuiltinESMExports();
    try {
      await use(sizes);
    } finally {
      nodeCrypto.randomBytes = original;
      syncBuiltinESMExports();
    }
  }

  /** Counts one occurrence of `value` in `counts`. */
  const tally = (counts: Uint8Array | Uint16Array | undefined, value: number | undefined) => {
    if (!counts || value === undefined) throw new Error('no such count');
    counts[value] = (counts[value] ?? 0) + 1;
  };

  // The library draws, per split, 255 bytes to shuffle the x coordinates,
  // then k − 1 coefficient bytes per secret byte. Enumerating every value of
  // the coefficients shows the k − 1 shares are distributed the same for
  // every secret: exactly uniform, so they say nothing about it.
  test('k = 2: for every secret byte, over every coefficient, one share takes every value exactly once', async () => {
    const secret = Uint8Array.from({ length: 256 }, (_, i) => i); // every secret byte at once
    const seen = Array.from({ length: 256 }, () => new Uint16Array(256));
    let coefficient = 0;
    await withRandomness(
      (n) => (n === 255 ? new Uint8Array(255) : new Uint8Array(n).fill(coefficient)),
      async (sizes) => {
        for (coefficient = 0; coefficient < 256; coefficient++) {
          sizes.length = 0;
          const [first] = await split(secret, 2, 2);
          // the pattern this test relies on: the shuffle, then one coefficient per secret byte
          expect(sizes).toEqual([255, ...Array(256).fill(1)]);
          for (let s = 0; s < 256; s++) tally(seen[s], (first as Uint8Array)[s]);
        }
      },
    );
    for (let s = 0; s < 256; s++) expect([...new Set(seen[s])]).toEqual([1]);
  });

  test('k = 3: for sample secret bytes, over every coefficient pair, two shares take every pair of values exactly once', async () => {
    const secret = Uint8Array.from([0x00, 0x01, 0x7f, 0xff]);
    const seen = Array.from({ length: secret.length }, () => new Uint8Array(65_536));
    let pair = [0, 0];
    await withRandomness(
      (n) => (n === 255 ? new Uint8Array(255) : Uint8Array.from(pair)),
      async (sizes) => {
        for (let a = 0; a < 256; a++) {
          for (let b = 0; b < 256; b++) {
            pair = [a, b];
            sizes.length = 0;
            const [one, two] = (await split(secret, 3, 3)) as [Uint8Array, Uint8Array];
            if (a === 0 && b === 0) expect(sizes).toEqual([255, 2, 2, 2, 2]);
            for (let s = 0; s < secret.length; s++) {
              tally(seen[s], ((one[s] as number) << 8) | (two[s] as number));
            }
          }
        }
      },
    );
    for (const counts of seen) expect([...new Set(counts)]).toEqual([1]);
  }, 60_000);

  test('the randomness is the library’s own again after the enumeration', async () => {
    const a = await split(new Uint8Array(16), 3, 2);
    const b = await split(new Uint8Array(16), 3, 2);
    expect(bytesToHex(a[0] as Uint8Array)).not.toBe(bytesToHex(b[0] as Uint8Array));
  });
});

describe('the share text', () => {
  test('decodes to what was encoded; white space and letter case do not matter (property)', () => {
    fc.assert(
      fc.property(shareArb, fc.boolean(), (share, shout) => {
        const text = encodeShare(share);
        expect(text).toMatch(
          /^medvault-share:v1:[0-9a-f]{8}:\d+-of-\d+:\d+:([0-9a-f]{34}|[0-9a-f]{66}):[0-9a-f]{8}$/,
        );
        const typed = shout ? text.toUpperCase() : text.replace(/(.{4})/g, '$1 ');
        const decoded = decodeShare(`\n  ${typed}\t`);
        expect({ ...decoded, payload: bytesToHex(decoded.payload) }).toEqual({
          ...share,
          payload: bytesToHex(share.payload),
        });
      }),
    );
  });

  test('the decoder accepts exactly the texts the encoder writes: any string is refused with a typed error, or is one (property)', () => {
    const check = (text: string) => {
      const result = outcome(text);
      if (result !== 'refused') expect(encodeShare(result)).toBe(normalizeShareText(text));
    };
    fc.assert(fc.property(fc.string({ maxLength: 120 }), check), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), check));
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9a-z-]{0,40}$/), { maxLength: 9 }), (parts) =>
        check(parts.join(':')),
      ),
      { numRuns: 2000 },
    );
  });

  test('malformed fields are refused even under a correct checksum (property)', () => {
    // each part either valid or one of many malformed variants; the checksum
    // is computed over whatever the body is, so only the form can refuse it
    const part = (valid: fc.Arbitrary<string>, ...bad: fc.Arbitrary<string>[]) =>
      fc.oneof({ arbitrary: valid, weight: 3 }, ...bad.map((b) => ({ arbitrary: b, weight: 1 })));
    const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(bytesToHex);
    const fields = fc.tuple(
      part(fc.constant('medvault-share'), fc.constantFrom('medvault', 'medvault-shares', '')),
      part(fc.constant('v1'), fc.constantFrom('v2', 'v01', 'v', '1', 'V1x')),
      part(hex(4), hex(3), hex(5), fc.constant('0a1b2c3g')),
      part(
        fc.constantFrom('2-of-3', '3-of-5', '10-of-10', '2-of-10'),
        fc.constantFrom('1-of-3', '3-of-2', '2-of-11', '02-of-3', '2of3', '2-of-3-of-4', '-of-3'),
      ),
      part(fc.constantFrom('1', '2'), fc.constantFrom('0', '01', '11', '-1', '', 'a')),
      part(
        fc
          .tuple(hex(16), fc.integer({ min: 1, max: 255 }))
          .map(([y, x]) => `${y}${bytesToHex(Uint8Array.of(x))}`),
        hex(17).map((p) => `${p.slice(0, -2)}00`),
        hex(16),
        hex(18),
        hex(17).map((p) => p.slice(1)),
        hex(17).map((p) => `${p}g`),
      ),
    );
    fc.assert(
      fc.property(fields, fc.boolean(), (parts, badChecksumForm) => {
        const body = parts.join(':');
        const checksum = encodeShareChecksum(body);
        const text = `${body}:${badChecksumForm ? checksum.slice(1) : checksum}`;
        const valid =
          !badChecksumForm &&
          /^medvault-share:v1:[0-9a-f]{8}:(2-of-3|3-of-5|10-of-10|2-of-10):[12]:[0-9a-f]{32}(?!00)[0-9a-f]{2}$/.test(
            body,
          );
        const result = outcome(text);
        if (valid) expect(encodeShare(result as GuardianShare)).toBe(text);
        else expect(() => decodeShare(text)).toThrow(MalformedShareError);
      }),
      { numRuns: 3000 },
    );
  });

  test('every single-character change is refused, unless it only changes letter case (property)', () => {
    fc.assert(
      fc.property(
        shareArb,
        fc.nat(),
        fc.constantFrom(...ALPHABET),
        fc.constantFrom('substitute', 'delete', 'insert'),
        (share, at, char, edit) => {
          const text = encodeShare(share);
          const i = at % text.length;
          const changed =
            edit === 'substitute'
              ? text.slice(0, i) + char + text.slice(i + 1)
              : edit === 'delete'
                ? text.slice(0, i) + text.slice(i + 1)
                : text.slice(0, i) + char + text.slice(i);
          fc.pre(changed !== text);
          const result = outcome(changed);
          if (normalizeShareText(changed) === text) {
            // upper case, or white space inserted: the same share
            expect(result).not.toBe('refused');
            expect(encodeShare(result as GuardianShare)).toBe(text);
          } else {
            expect(result).toBe('refused');
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('every single-character change of one share, exhaustively: all refused, the case changes excepted', () => {
    // a fixed share (the guide's vector): the outcome is the same on every run
    const text = 'medvault-share:v1:6b228cec:2-of-3:1:ba0c570aed4b93b10696e3a7f9eb340219:33013a15';
    let refused = 0;
    for (let i = 0; i < text.length; i++) {
      const variants = [
        text.slice(0, i) + text.slice(i + 1),
        ...ALPHABET.map((c) => text.slice(0, i) + c + text.slice(i + 1)),
        ...ALPHABET.filter((c) => !/\s/.test(c)).map((c) => text.slice(0, i) + c + text.slice(i)),
      ].filter((v) => v !== text);
      for (const changed of variants) {
        if (normalizeShareText(changed) === text) {
          expect(encodeShare(decodeShare(changed))).toBe(text);
          continue;
        }
        expect(outcome(changed), `changed at ${i}`).toBe('refused');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(text.length * ALPHABET.length);
  });

  test('a changed character that keeps the form is a wrong checksum, naming the share', () => {
    const text = encodeShare({
      splitId: '0a1b2c3d',
      threshold: 2,
      count: 3,
      index: 2,
      payload: Uint8Array.from({ length: 17 }, (_, i) => i + 1),
    });
    const i = text.indexOf(':0102') + 2;
    const changed = `${text.slice(0, i)}9${text.slice(i + 1)}`;
    const error = (() => {
      try {
        decodeShare(changed, 2);
      } catch (e) {
        return e as ShareChecksumError;
      }
    })();
    expect(error).toBeInstanceOf(ShareChecksumError);
    expect(error?.code).toBe('WALLET_SHARE_CHECKSUM');
    expect(error?.position).toBe(2);
    expect(error?.message).toMatch(/^Share 2 has a wrong checksum/);
    // the error never repeats the text
    expect(error?.message).not.toContain(changed.slice(36, 50));
  });

  test('malformed texts name the share and what part is wrong, never the text', () => {
    const cases: [string, RegExp][] = [
      ['', /it is empty/],
      ['   \n', /it is empty/],
      ['hello world', /does not start with "medvault-share:"/],
      ['medvault-share:v9:aa', /version v9 is not one this wallet reads/],
      ['medvault-share:v1:0a1b2c3d:2-of-3:1:00', /has 6 parts/],
      ['medvault-share:v1:0a1b2c3d:2-of-3:1:00:11:22', /has 8 parts/],
      ['medvault-share:v1:0a1b2c3d:2of3:1:00:11223344', /fourth part/],
      ['medvault-share:v1:0a1b2c3d:1-of-3:1:00:11223344', /"1-of-3" is not a split/],
      ['medvault-share:v1:0a1b2c3d:2-of-3:4:00:11223344', /number \(fifth part\)/],
      [`medvault-share:v1:0a1b2c3d:2-of-3:1:${'ab'.repeat(16)}:11223344`, /32 hex digits/],
      [`medvault-share:v1:0a1b2c3d:2-of-3:1:${'ab'.repeat(16)}00:11223344`, /ends in 00/],
      [`medvault-share:v1:0a1b2c3d:2-of-3:1:${'ab'.repeat(17)}:1122334`, /checksum/],
      ['medvault-share:v1:0a1b2c3d:2-of-3:1:ab€:11223344', /a character a share cannot/],
      ['x'.repeat(500), /far longer/],
    ];
    for (const [text, reason] of cases) {
      let error: unknown;
      try {
        decodeShare(text, 3);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(MalformedShareError);
      const e = error as MalformedShareError;
      expect(e.code).toBe('WALLET_MALFORMED_SHARE');
      expect(e.position).toBe(3);
      expect(e.shortMessage).toMatch(/^Share 3 is not a MedVault guardian share: /);
      expect(e.shortMessage).toMatch(reason);
      if (text.length > 12) expect(e.message).not.toContain(text.slice(-12));
    }
  });
});

describe('checking a set of shares', () => {
  test('shares of two splits, the same share twice, fewer than k: each refused, naming shares', async () => {
    const entropy = random(16);
    const a = await splitSecret(entropy, 2, 3);
    const b = await splitSecret(entropy, 2, 3);
    const [a1, a2, a3] = a as [string, string, string];

    const other = await failure(() => checkShares([a1, b[1] as string]));
    expect(other).toBeInstanceOf(MixedSplitError);
    expect((other as MixedSplitError).code).toBe('WALLET_SHARE_OTHER_SPLIT');
    expect(other.message).toMatch(/^Share 2 is from another split than share 1/);

    const twice = await failure(() => checkShares([a1, a2, ` ${a1.toUpperCase()} `]));
    expect(twice).toBeInstanceOf(DuplicateShareError);
    expect((twice as DuplicateShareError).code).toBe('WALLET_SHARE_DUPLICATE');
    expect(twice.message).toMatch(/^Share 3 is the same share as share 1/);

    const few = await failure(() => checkShares([a3]));
    expect(few).toBeInstanceOf(NotEnoughSharesError);
    expect((few as NotEnoughSharesError).code).toBe('WALLET_NOT_ENOUGH_SHARES');
    expect(few.message).toBe('2 of 3 needed: give 1 more.');
    expect((few as NotEnoughSharesError).missing).toBe(1);

    const none = await failure(() => checkShares(['', '  ']));
    expect(none).toBeInstanceOf(NotEnoughSharesError);
    expect(none.message).toMatch(/^No guardian share given/);

    expect(checkShares([a3, '', a1])).toEqual({
      splitId: decodeShare(a1).splitId,
      threshold: 2,
      count: 3,
      given: 2,
    });
  });

  test('3 of 5 with one share: "give 2 more"; blank fields keep their place in the names', async () => {
    const shares = await splitSecret(random(16), 3, 5);
    expect((await failure(() => checkShares([shares[3] as string]))).message).toBe(
      '3 of 5 needed: give 2 more.',
    );
    const text = shares[1] as string;
    const at = text.split(':').slice(0, 5).join(':').length + 1; // the payload's first digit
    const garbled = `${text.slice(0, at)}${text[at] === 'a' ? 'b' : 'a'}${text.slice(at + 1)}`;
    const error = await failure(() => checkShares(['', shares[0] as string, '', garbled]));
    expect(error).toBeInstanceOf(ShareChecksumError);
    expect(error.message).toMatch(/^Share 4 has a wrong checksum/);
  });

  test('a share of the same split id but other numbers (a checksum recomputed) is from another split', async () => {
    const [first, second] = (await splitSecret(random(16), 2, 3)) as [string, string];
    const share = decodeShare(second);
    const forged = encodeShare({ ...share, threshold: 3 });
    expect(await failure(() => checkShares([first, forged]))).toBeInstanceOf(MixedSplitError);
    const same = encodeShare({ ...share, index: 1 });
    expect(await failure(() => checkShares([first, same]))).toBeInstanceOf(DuplicateShareError);
  });

  test('combining checks the same way before it combines', async () => {
    const [first] = (await splitSecret(random(16), 2, 3)) as [string];
    expect(await failure(() => combineShares([first]))).toBeInstanceOf(NotEnoughSharesError);
    expect(await failure(() => combineShares([first, first]))).toBeInstanceOf(DuplicateShareError);
  });
});

/** The checksum field for `body`, as the format defines it (independently of the module). */
function encodeShareChecksum(body: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(body)).subarray(0, 4));
}
