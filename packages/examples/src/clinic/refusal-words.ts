/**
 * Why the clinic could not read a share, in words for its staff: the
 * patient ended it, it expired, too few of the patient's proxies answered —
 * or, for anything else, a plain sentence with the code in small print.
 * The clinic's server sends what it knows of a refused read (`RefusalJson`)
 * beside the error's code; this module, which runs in the page, decides.
 */

/**
 * What the clinic's server knows of a refused read, sent as `refusal`
 * beside `error` in its answer.
 *
 * @example
 * ```ts
 * const refusal: RefusalJson = {
 *   code: 'PROXY_NOT_ENOUGH_FRAGMENTS',
 *   failures: [{ proxy: 'http://127.0.0.1:9001', code: 'PROXY_GRANT_UNKNOWN' }],
 *   threshold: 2, proxies: 3, expiresAt: 1_780_000_000_000, endedAt: 1_777_000_000_000,
 * };
 * ```
 */
export type RefusalJson = {
  /** The code of the error that refused the read (e.g. `PROXY_NOT_ENOUGH_FRAGMENTS`). */
  code: string;
  /** Each proxy's reason, when proxies refused or failed. */
  failures: { proxy: string; code: string }[];
  /** How many proxies must answer (the grant's threshold). */
  threshold: number;
  /** How many proxies the grant names. */
  proxies: number;
  /** When the grant expires (ms). */
  expiresAt: number;
  /** When the patient ended the share, as their ledger says (ms). */
  endedAt?: number;
};

/**
 * A refusal in words: `kind` for styling and tests, `text` for the staff,
 * and `detail` — the code, in small print — when the words are the general ones.
 *
 * @example
 * ```ts
 * const words: RefusalWords = { kind: 'expired', text: 'This share expired on 2 June 2026. …', code: 'PROXY_NOT_ENOUGH_FRAGMENTS' };
 * ```
 */
export type RefusalWords = {
  kind: 'ended' | 'expired' | 'unreachable' | 'other';
  text: string;
  /** The error's code. */
  code: string;
  /** Small print under the words, for the general case only: `Code: …`. */
  detail?: string;
};

/** What proxies answer for a grant that is no longer there to read. */
const ENDED_CODES = new Set([
  'PROXY_GRANT_REVOKED', // revoked
  'PROXY_GRANT_UNKNOWN', // the proxy forgot its fragment (after a revocation)
  'PROXY_GRANT_INACTIVE', // revoked, expired or unknown on chain
]);
/** Failures that say the proxy could not be reached or could not answer now. */
const UNREACHABLE_CODES = new Set([
  'PROXY_UNREACHABLE',
  'PROXY_TIMEOUT',
  'PROXY_BUSY',
  'PROXY_RATE_LIMITED',
  'PROXY_UPSTREAM_UNAVAILABLE',
  'PROXY_BAD_ANSWER',
]);

/**
 * A date as the clinic's pages say it: "3 May 2026" (in the viewer's time
 * zone unless one is given).
 *
 * @example
 * ```ts
 * dateWords(Date.UTC(2026, 4, 3), 'UTC'); // '3 May 2026'
 * ```
 */
export function dateWords(ms: number, timeZone?: string): string {
  return new Date(ms).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(timeZone ? { timeZone } : {}),
  });
}

/**
 * Words for a refused read: `error` is the answer's `{ code, message }`,
 * `refusal` what the server knew of the share (absent when the server
 * refused for another reason, e.g. a grant for another reader).
 *
 * - the patient ended the share: the ledger's revocation (with its date),
 *   a proxy saying it is revoked, or so many proxies no longer holding it
 *   that the rest cannot make up the threshold;
 * - it expired: its expiry has passed;
 * - too few proxies could be reached: "N of T needed";
 * - anything else: a general sentence, the code in small print.
 *
 * @example
 * ```ts
 * refusalWords({ code: 'PROXY_NOT_ENOUGH_FRAGMENTS' }, { ...refusal, endedAt: Date.UTC(2026, 4, 4) }, { timeZone: 'UTC' }).text;
 * // 'The patient ended this share on 4 May 2026 — records already read are not taken back, but no new reads are possible.'
 * ```
 */
export function refusalWords(
  error: { code?: string; message?: string },
  refusal?: RefusalJson,
  options: { now?: number; timeZone?: string } = {},
): RefusalWords {
  const code = error.code ?? refusal?.code ?? 'ERROR';
  const now = options.now ?? Date.now();
  const on = (ms: number) => dateWords(ms, options.timeZone);
  const ended = (date?: number): RefusalWords => ({
    kind: 'ended',
    code,
    text: `The patient ended this share${date === undefined ? '' : ` on ${on(date)}`} — records already read are not taken back, but no new reads are possible.`,
  });
  if (refusal) {
    const { failures, threshold, proxies } = refusal;
    const gone = failures.filter((f) => ENDED_CODES.has(f.code));
    if (refusal.endedAt !== undefined) return ended(refusal.endedAt);
    if (failures.some((f) => f.code === 'PROXY_GRANT_REVOKED')) return ended();
    if (refusal.expiresAt <= now) {
      return {
        kind: 'expired',
        code,
        text: `This share expired on ${on(refusal.expiresAt)}. To read more, ask the patient to share again.`,
      };
    }
    // so many proxies no longer hold the share that the others cannot make up the threshold
    if (gone.length > proxies - threshold) return ended();
    if (failures.some((f) => UNREACHABLE_CODES.has(f.code))) {
      const reached = Math.max(0, proxies - failures.length);
      return {
        kind: 'unreachable',
        code,
        text: `Not enough of the patient’s proxies could be reached (${reached} of ${threshold} needed) — try again later.`,
      };
    }
  }
  return {
    kind: 'other',
    code,
    text: 'The clinic could not read this share. Try again later; if it keeps happening, tell whoever runs the clinic’s site.',
    detail: `Code: ${code}`,
  };
}
