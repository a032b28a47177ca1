/**
 * The guardian-share vector of docs/guides/guardian-recovery.md ("Test
 * vector"), read from the guide itself so the two cannot drift: its shares
 * decode to the fields listed, their checksums are SHA-256 of their bodies,
 * any two give the entropy and the phrase's identity back, and each refused
 * set raises its code and message. The guide's error table names exactly
 * the guardian errors' codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import * as errors from './errors.js';
import { combineShares, decodeShare, encodeShare } from './guardian-shares.js';
import { deriveIdentity, entropyMnemonic } from './identity.js';

const GUIDE = join(import.meta.dirname, '../../../../docs/guides/guardian-recovery.md');
const guide = readFileSync(GUIDE, 'utf8');

type Vector = {
  entropy: string;
  phrase: string;
  publicKey: string;
  shares: string[];
  first: {
    body: string;
    sha256: string;
    splitId: string;
    threshold: number;
    count: number;
    index: number;
    payload: string;
    x: number;
    checksum: string;
  };
  refused: { shares: string[]; code: string; message: string }[];
};

const block = guide.match(/<!-- guardian-share-vector -->\s*```json\n([\s\S]*?)\n```/);
const vector = JSON.parse(block?.[1] ?? 'null') as Vector;

describe('the guide’s guardian-share vector', () => {
  test('the first share’s fields, body and checksum', () => {
    const { first } = vector;
    const share = decodeShare(vector.shares[0] as string);
    expect({ ...share, payload: bytesToHex(share.payload) }).toEqual({
      splitId: first.splitId,
      threshold: first.threshold,
      count: first.count,
      index: first.index,
      payload: first.payload,
    });
    expect(share.payload.at(-1)).toBe(first.x);
    expect(bytesToHex(sha256(utf8ToBytes(first.body)))).toBe(first.sha256);
    expect(first.checksum).toBe(first.sha256.slice(0, 8));
    expect(vector.shares[0]).toBe(`${first.body}:${first.checksum}`);
    // the writer writes exactly these texts
    for (const text of vector.shares) expect(encodeShare(decodeShare(text))).toBe(text);
  });

  test('any two shares give the entropy, the phrase and its identity back', async () => {
    const [a, b, c] = vector.shares as [string, string, string];
    for (const pair of [
      [a, b],
      [b, c],
      [c, a],
    ]) {
      const entropy = await combineShares(pair);
      expect(bytesToHex(entropy)).toBe(vector.entropy);
      expect(entropyMnemonic(entropy)).toBe(vector.phrase);
    }
    expect(bytesToHex(await combineShares([a, b, c]))).toBe(vector.entropy);
    const identity = await deriveIdentity(vector.phrase);
    expect(bytesToHex(identity.secretKey.publicKey().toCompressedBytes())).toBe(vector.publicKey);
  });

  test('each refused set raises its code and message', async () => {
    expect(vector.refused.length).toBeGreaterThanOrEqual(5);
    for (const { shares, code, message } of vector.refused) {
      const error = await combineShares(shares).then(
        () => undefined,
        (e: errors.MalformedShareError) => e,
      );
      expect(error?.code, code).toBe(code);
      expect(error?.shortMessage).toBe(message);
    }
  });

  test('the guide’s error table names exactly the guardian errors’ codes', () => {
    const guardian = [
      errors.MalformedShareError,
      errors.ShareChecksumError,
      errors.MixedSplitError,
      errors.DuplicateShareError,
      errors.NotEnoughSharesError,
      errors.InconsistentSharesError,
      errors.InvalidSplitError,
    ];
    const section = guide.slice(guide.indexOf('### Errors'), guide.indexOf('### Test vector'));
    const rows = [...section.matchAll(/^\| `(WALLET_[A-Z_]+)` \| `(\w+)` \|/gm)].map(
      ([, code, name]) => `${code} ${name}`,
    );
    expect(rows.sort()).toEqual(guardian.map((E) => `${E.code} ${E.name}`).sort());
  });
});
