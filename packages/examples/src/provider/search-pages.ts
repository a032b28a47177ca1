/**
 * Paging a search as FHIR servers do (HAPI's `_getpages`): the first page
 * fixes which resources match and in what order; the next-page link names
 * that result set by a random id and an offset, so a resource updated
 * between two pages is neither skipped nor served twice. Result sets are
 * kept for 30 minutes (or until 500 newer ones exist), each bound to the
 * patient whose token ran the search. Nothing runs in the background:
 * stale sets are dropped when new ones are made.
 * @module
 */
import { randomBytes } from 'node:crypto';

/**
 * A search's result set.
 *
 * @example
 * ```ts
 * const set: ResultSet = { type: 'Observation', keys: ['Observation/o1'], patientId: 'pat-1', self, createdAt: Date.now() };
 * ```
 */
export type ResultSet = {
  /** The resource type searched. */
  type: string;
  /** `Type/id` of each match, in order. */
  keys: string[];
  /** The patient whose token ran the search. */
  patientId: string;
  /** The first page's self link. */
  self: string;
  createdAt: number;
};

const KEEP_MS = 30 * 60_000;
const MAX_SETS = 500;

/**
 * Result sets by id.
 *
 * @example
 * ```ts
 * const pages = new SearchPages();
 * const id = pages.keep({ keys, patientId, self, createdAt: Date.now() });
 * pages.get(id)?.keys.length;
 * ```
 */
export class SearchPages {
  readonly #sets = new Map<string, ResultSet>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Keeps a result set; its id goes into the next-page links. */
  keep(set: ResultSet): string {
    const now = this.#now();
    for (const [id, old] of this.#sets) {
      // insertion order is age order: stop at the first fresh one under the cap
      if (old.createdAt > now - KEEP_MS && this.#sets.size < MAX_SETS) break;
      this.#sets.delete(id);
    }
    const id = randomBytes(12).toString('base64url');
    this.#sets.set(id, set);
    return id;
  }

  /** The result set `id`, unless it expired. */
  get(id: string): ResultSet | undefined {
    const set = this.#sets.get(id);
    if (set && set.createdAt <= this.#now() - KEEP_MS) {
      this.#sets.delete(id);
      return undefined;
    }
    return set;
  }
}
