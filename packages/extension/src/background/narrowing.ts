/**
 * The patient's edits to a share request, made in the prompt like an
 * editable allowance: untick categories or single records, or end it
 * sooner. An edit may only narrow what the site asked for — never widen it:
 * the background checks each against the request and the records it
 * matched, whatever the prompt page sent.
 */
import type { ShareRequest } from '../shared/provider-schema.js';
import { InvalidNarrowingError } from './errors.js';
import type { RecordMatch } from './sharing.js';

/** The shortest share the patient can choose (ms). */
export const MIN_SHARE_MS = 5 * 60_000;

/**
 * What the patient changed in the prompt. Absent fields are left as asked.
 *
 * @example
 * ```ts
 * const narrowing: Narrowing = { categories: ['laboratory'], expiresAt: Date.now() + 86_400_000 };
 * ```
 */
export type Narrowing = {
  /** The categories left ticked. */
  categories?: string[];
  /** The records left ticked (CIDs); fewer than matched makes the share a fixed set. */
  cids?: string[];
  /** An earlier end than asked. */
  expiresAt?: number;
};

/**
 * The categories the patient can untick in the prompt: the request's own,
 * or — for a request by record or resource type — those of the records it
 * matches today.
 *
 * @example
 * ```ts
 * categoriesToChoose({ categories: ['laboratory', 'problem-list'] }, matches); // ['laboratory', 'problem-list']
 * ```
 */
export function categoriesToChoose(
  scope: ShareRequest['scope'],
  matches: readonly RecordMatch[],
): string[] {
  if (scope.categories) return [...new Set(scope.categories)];
  return [...new Set(matches.flatMap((m) => (m.category ? [m.category] : [])))];
}

/**
 * The request as the patient narrowed it. `InvalidNarrowingError` when an
 * edit would widen it (a category or record it did not cover, a later end),
 * leaves nothing, or ends it in less than {@link MIN_SHARE_MS}.
 *
 * Unticking a category narrows `scope.categories`; unticking records turns
 * the share into exactly the records left ticked (records added later are
 * not shared), which the prompt says before the patient confirms.
 *
 * @example
 * ```ts
 * const narrowed = narrowRequest(request, { categories: ['laboratory'] }, matches, Date.now());
 * narrowed.scope.categories; // ['laboratory']
 * ```
 */
export function narrowRequest(
  request: ShareRequest,
  narrowing: Narrowing | undefined,
  matches: readonly RecordMatch[],
  now: number,
): ShareRequest {
  if (!narrowing) return request;
  const scope = { ...request.scope };
  let expiresAt = request.expiresAt;
  if (narrowing.categories) {
    const allowed = categoriesToChoose(request.scope, matches);
    const chosen = [...new Set(narrowing.categories)];
    const outside = chosen.filter((c) => !allowed.includes(c));
    if (outside.length) {
      throw new InvalidNarrowingError(
        `the request does not cover ${outside.map((c) => `“${c}”`).join(', ')}`,
      );
    }
    if (chosen.length === 0) throw new InvalidNarrowingError('no category is left ticked');
    if (chosen.length < allowed.length || !request.scope.categories) scope.categories = chosen;
  }
  if (narrowing.cids) {
    const covered = matches.filter(
      (m) =>
        !scope.categories || (m.category !== undefined && scope.categories.includes(m.category)),
    );
    const coveredCids = new Set(covered.map((m) => m.cid));
    const chosen = [...new Set(narrowing.cids)];
    const outside = chosen.filter((cid) => !coveredCids.has(cid));
    if (outside.length) {
      throw new InvalidNarrowingError(
        `${outside.length === 1 ? 'a record' : `${outside.length} records`} ticked that the request does not cover`,
      );
    }
    if (chosen.length === 0) throw new InvalidNarrowingError('no record is left ticked');
    if (chosen.length < coveredCids.size) scope.cids = chosen;
  }
  if (narrowing.expiresAt !== undefined) {
    if (narrowing.expiresAt > request.expiresAt) {
      throw new InvalidNarrowingError('the end chosen is later than the site asked for');
    }
    if (narrowing.expiresAt < now + MIN_SHARE_MS) {
      throw new InvalidNarrowingError('a share must last at least 5 minutes');
    }
    expiresAt = narrowing.expiresAt;
  }
  return { ...request, scope, expiresAt };
}
