/**
 * Guardian shares: the recovery phrase's entropy split k-of-m with Shamir's
 * secret sharing (the audited `shamir-secret-sharing` library, GF(2^8)), and
 * the one text format each share is printed and typed in. Any k shares give
 * the entropy back; fewer give no information about it. The byte format,
 * with a vector, is in docs/guides/guardian-recovery.md ("For developers").
 *
 * ```
 * medvault-share:v1:<splitId>:<k>-of-<m>:<index>:<payload>:<checksum>
 * ```
 *
 * - `splitId`: 4 random bytes, lowercase hex, the same in every share of one split;
 * - `k`, `m`: how many are needed, of how many (2 ≤ k ≤ m ≤ 10), decimal;
 * - `index`: this share's number, 1 … m, decimal;
 * - `payload`: the library's share, lowercase hex: one byte per entropy byte
 *   (the polynomials' values), then the share's x coordinate (1 … 255);
 *   17 bytes for a 12-word phrase, 33 for a 24-word one;
 * - `checksum`: the first 4 bytes of SHA-256 over the ASCII text before
 *   the last `:`, lowercase hex.
 *
 * Readers ignore white space and letter case; everything else must be
 * exactly as written. Splitting and combining run in the background only
 * (`IdentityVault`); the wallet's pages see share texts, never the entropy.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { combine, split } from 'shamir-secret-sharing';
import {
  DuplicateShareError,
  InconsistentSharesError,
  InvalidSplitError,
  MalformedShareError,
  MixedSplitError,
  NotEnoughSharesError,
  ShareChecksumError,
} from './errors.js';

/**
 * The text every guardian share starts with, before its version.
 *
 * @example
 * ```ts
 * text.startsWith(`${SHARE_PREFIX}:`); // looks like a guardian share
 * ```
 */
export const SHARE_PREFIX = 'medvault-share';
/**
 * The format version this module writes and reads.
 *
 * @example
 * ```ts
 * text.split(':')[1] === SHARE_VERSION; // 'v1'
 * ```
 */
export const SHARE_VERSION = 'v1';
/**
 * The fewest guardians a split may have, and the fewest shares it may need.
 *
 * @example
 * ```ts
 * const threshold = Math.max(MIN_GUARDIANS, wanted);
 * ```
 */
export const MIN_GUARDIANS = 2;
/**
 * The most guardians a split may have.
 *
 * @example
 * ```ts
 * const count = Math.min(MAX_GUARDIANS, wanted);
 * ```
 */
export const MAX_GUARDIANS = 10;
/** Entropy lengths that can be split: 12- and 24-word phrases. */
const ENTROPY_BYTES = [16, 32];

/**
 * One guardian share, decoded.
 *
 * @example
 * ```ts
 * const share: GuardianShare = decodeShare(text);
 * console.log(`share ${share.index} of ${share.count}, any ${share.threshold} restore`);
 * ```
 */
export type GuardianShare = {
  /** 8 lowercase hex digits, the same in every share of one split. */
  splitId: string;
  /** How many shares restore the entropy (k). */
  threshold: number;
  /** How many shares the split made (m). */
  count: number;
  /** This share's number, 1 … count. */
  index: number;
  /** The library's share: the polynomials' values, then the x coordinate. */
  payload: Uint8Array;
};

/**
 * What a set of shares is, once they check out (without combining them).
 *
 * @example
 * ```ts
 * const { threshold, count, given } = checkShares(texts); // e.g. 2, 3, 2
 * ```
 */
export type SharesSummary = { splitId: string; threshold: number; count: number; given: number };

const DECIMAL = /^(?:[1-9][0-9]?)$/;
const HEX = /^[0-9a-f]*$/;

/**
 * Throws `InvalidSplitError` unless 2 ≤ threshold ≤ count ≤ 10.
 *
 * @example
 * ```ts
 * assertSplit(2, 3); // fine
 * assertSplit(4, 3); // throws InvalidSplitError
 * ```
 */
export function assertSplit(threshold: number, count: number): void {
  const whole = (n: number) => Number.isInteger(n) && n >= MIN_GUARDIANS && n <= MAX_GUARDIANS;
  if (!whole(threshold) || !whole(count) || threshold > count) {
    throw new InvalidSplitError(`${threshold} of ${count}`);
  }
}

/**
 * A share's text without white space, in lower case: the form the checksum
 * covers.
 *
 * @example
 * ```ts
 * normalizeShareText(' MEDVAULT-SHARE:v1:… \n'); // 'medvault-share:v1:…'
 * ```
 */
export function normalizeShareText(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/** The checksum field of a share's text before the last `:`. */
function checksumOf(body: string): string {
  return bytesToHex(sha256(utf8ToBytes(body)).subarray(0, 4));
}

/**
 * A share's text (lowercase, one line).
 *
 * @example
 * ```ts
 * encodeShare({ splitId: '0a1b2c3d', threshold: 2, count: 3, index: 1, payload });
 * // 'medvault-share:v1:0a1b2c3d:2-of-3:1:<34 hex digits>:<8 hex digits>'
 * ```
 */
export function encodeShare(share: GuardianShare): string {
  assertSplit(share.threshold, share.count);
  if (!/^[0-9a-f]{8}$/.test(share.splitId)) throw new RangeError('splitId: 8 lowercase hex digits');
  if (!Number.isInteger(share.index) || share.index < 1 || share.index > share.count) {
    throw new RangeError(`index: 1 … ${share.count}`);
  }
  const { payload } = share;
  if (!ENTROPY_BYTES.includes(payload.length - 1) || payload[payload.length - 1] === 0) {
    throw new RangeError('payload: 17 or 33 bytes, the last one not 0');
  }
  const body = [
    SHARE_PREFIX,
    SHARE_VERSION,
    share.splitId,
    `${share.threshold}-of-${share.count}`,
    String(share.index),
    bytesToHex(payload),
  ].join(':');
  return `${body}:${checksumOf(body)}`;
}

/**
 * Reads one share's text. `position` names it in errors ("Share 2 …"): its
 * place, from 1, in what the patient gave. Accepts exactly the texts
 * `encodeShare` writes, up to white space and letter case; anything else is
 * `MalformedShareError` (the form is wrong) or `ShareChecksumError` (the form
 * is right, a character is not). Errors never repeat the text.
 *
 * @example
 * ```ts
 * const share = decodeShare(typed, 2);
 * share.threshold; // e.g. 2
 * ```
 */
export function decodeShare(text: string, position = 1): GuardianShare {
  const bad = (details: string) => new MalformedShareError(position, details);
  const normal = normalizeShareText(text);
  if (!normal) throw bad('it is empty');
  if (normal.length > 200) throw bad('it is far longer than a share');
  if (!/^[0-9a-z:-]+$/.test(normal)) {
    throw bad('it holds a character a share cannot (only letters, digits, "-" and ":")');
  }
  const fields = normal.split(':');
  if (fields[0] !== SHARE_PREFIX) throw bad(`it does not start with "${SHARE_PREFIX}:"`);
  if (fields.length > 1 && /^v[0-9]+$/.test(fields[1] ?? '') && fields[1] !== SHARE_VERSION) {
    throw bad(`its version ${fields[1]} is not one this wallet reads (${SHARE_VERSION})`);
  }
  if (fields.length !== 7) throw bad(`it has ${fields.length} parts separated by ":", not 7`);
  const [, version, splitId, kOfM, indexText, payloadHex, checksum] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== SHARE_VERSION) throw bad(`its version is not "${SHARE_VERSION}"`);
  if (splitId.length !== 8 || !HEX.test(splitId)) {
    throw bad('its split id (third part) is not 8 hex digits');
  }
  const [kText = '', mText = '', ...rest] = kOfM.split('-of-');
  if (rest.length || !DECIMAL.test(kText) || !DECIMAL.test(mText)) {
    throw bad('its fourth part is not "<needed>-of-<guardians>", e.g. 2-of-3');
  }
  const threshold = Number(kText);
  const count = Number(mText);
  if (threshold < MIN_GUARDIANS || count > MAX_GUARDIANS || threshold > count) {
    throw bad(`"${threshold}-of-${count}" is not a split the wallet makes`);
  }
  if (!DECIMAL.test(indexText) || Number(indexText) > count) {
    throw bad(`its number (fifth part) is not one of 1 … ${count}`);
  }
  if (!HEX.test(payloadHex) || payloadHex.length % 2) {
    throw bad('its share part (sixth) is not hex digits (0–9, a–f)');
  }
  if (!ENTROPY_BYTES.includes(payloadHex.length / 2 - 1)) {
    throw bad(
      `its share part (sixth) has ${payloadHex.length} hex digits, not ${ENTROPY_BYTES.map((n) => 2 * n + 2).join(' or ')}`,
    );
  }
  if (payloadHex.endsWith('00')) throw bad('its share part (sixth) ends in 00');
  if (checksum.length !== 8 || !HEX.test(checksum)) {
    throw bad('its checksum (last part) is not 8 hex digits');
  }
  if (checksumOf(normal.slice(0, normal.lastIndexOf(':'))) !== checksum) {
    throw new ShareChecksumError(position);
  }
  return {
    splitId,
    threshold,
    count,
    index: Number(indexText),
    payload: hexToBytes(payloadHex),
  };
}

/**
 * Splits `secret` (a phrase's entropy: 16 or 32 bytes) into `count` share
 * texts, any `threshold` of which give it back. The split id and the
 * polynomials come from WebCrypto's `getRandomValues` (the library's, in a
 * browser). Returns secrets: give each to a different guardian.
 *
 * @example
 * ```ts
 * const shares = await splitSecret(mnemonicEntropy(phrase), 2, 3); // 3 texts, any 2 restore
 * ```
 */
export async function splitSecret(
  secret: Uint8Array,
  threshold: number,
  count: number,
): Promise<string[]> {
  assertSplit(threshold, count);
  if (!ENTROPY_BYTES.includes(secret.length)) {
    throw new InvalidSplitError(`a secret of ${secret.length} bytes, not 16 or 32`);
  }
  const splitId = bytesToHex(crypto.getRandomValues(new Uint8Array(4)));
  // the library checks `constructor === Uint8Array`: hand it a plain copy
  const copy = Uint8Array.from(secret);
  const parts = await split(copy, count, threshold).finally(() => copy.fill(0));
  try {
    return parts.map((payload, i) =>
      encodeShare({ splitId, threshold, count, index: i + 1, payload }),
    );
  } finally {
    for (const part of parts) part.fill(0);
  }
}

/** Decodes `texts` (blank ones skipped, positions kept) and checks they can combine. */
function readShares(texts: readonly string[]): GuardianShare[] {
  const read: { share: GuardianShare; position: number }[] = [];
  texts.forEach((text, i) => {
    if (normalizeShareText(text)) read.push({ share: decodeShare(text, i + 1), position: i + 1 });
  });
  const first = read[0];
  if (!first) throw new NotEnoughSharesError(MIN_GUARDIANS, MIN_GUARDIANS, 0);
  const x = (s: GuardianShare) => s.payload[s.payload.length - 1];
  for (const [n, { share, position }] of read.entries()) {
    if (
      share.splitId !== first.share.splitId ||
      share.threshold !== first.share.threshold ||
      share.count !== first.share.count ||
      share.payload.length !== first.share.payload.length
    ) {
      throw new MixedSplitError(position, first.position);
    }
    const earlier = read
      .slice(0, n)
      .find((r) => r.share.index === share.index || x(r.share) === x(share));
    if (earlier) throw new DuplicateShareError(position, earlier.position);
  }
  const { threshold, count } = first.share;
  if (read.length < threshold) throw new NotEnoughSharesError(threshold, count, read.length);
  return read.map((r) => r.share);
}

/**
 * Checks share texts as `combineShares` would — each one's form and
 * checksum, one split, no share twice, at least k — without combining them.
 * Blank texts are skipped; errors name a share by its place in `texts`.
 *
 * @example
 * ```ts
 * checkShares([shareA]); // throws NotEnoughSharesError "2 of 3 needed: give 1 more."
 * checkShares([shareA, shareC]); // { splitId, threshold: 2, count: 3, given: 2 }
 * ```
 */
export function checkShares(texts: readonly string[]): SharesSummary {
  const shares = readShares(texts);
  const { splitId, threshold, count } = shares[0] as GuardianShare;
  for (const share of shares) share.payload.fill(0);
  return { splitId, threshold, count, given: shares.length };
}

/**
 * The secret back from k or more share texts (blank ones skipped). More
 * than k must all agree (`InconsistentSharesError` otherwise). Returns a
 * secret: the caller zeroes it after use.
 *
 * @example
 * ```ts
 * const entropy = await combineShares([shares[0], shares[2]]);
 * const phrase = entropyMnemonic(entropy);
 * ```
 */
export async function combineShares(texts: readonly string[]): Promise<Uint8Array> {
  const shares = readShares(texts);
  const payloads = shares.map((s) => s.payload);
  const threshold = (shares[0] as GuardianShare).threshold;
  try {
    const secret = await combine(payloads.slice(0, threshold));
    if (payloads.length > threshold) {
      const all = await combine(payloads);
      const agree = all.every((byte, i) => byte === secret[i]);
      all.fill(0);
      if (!agree) {
        secret.fill(0);
        throw new InconsistentSharesError();
      }
    }
    return secret;
  } finally {
    for (const payload of payloads) payload.fill(0);
  }
}
