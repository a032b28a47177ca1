/**
 * What a grant's scope covers: the rule every party applies the same way
 * (the host choosing what a party may see, the proxy before it re-encrypts,
 * the reader listing what is shared).
 */
import type { GrantScope } from './entry.js';

/** What of a record a scope looks at. */
export type ScopedRecord = {
  cid: string;
  resourceType?: string | undefined;
  category?: string | undefined;
  /** Time of the record entry (ms). */
  time: number;
};

/**
 * Whether a record is covered by a scope: every criterion the scope names
 * must hold (CID listed, resource type listed, category listed, time within
 * [from, until)). A scope that names no criterion covers nothing — sharing
 * everything is said explicitly, e.g. `{ from: 0 }`.
 */
export function recordInScope(scope: GrantScope, record: ScopedRecord): boolean {
  const criteria = [scope.cids, scope.resourceTypes, scope.categories, scope.from, scope.until];
  if (criteria.every((c) => c === undefined)) return false;
  if (scope.cids && !scope.cids.includes(record.cid)) return false;
  if (
    scope.resourceTypes &&
    !(record.resourceType && scope.resourceTypes.includes(record.resourceType))
  )
    return false;
  if (scope.categories && !(record.category && scope.categories.includes(record.category)))
    return false;
  if (scope.from !== undefined && record.time < scope.from) return false;
  if (scope.until !== undefined && record.time >= scope.until) return false;
  return true;
}
