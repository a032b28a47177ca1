/**
 * The shares the clinic holds, as its page lists them to signed-in staff:
 * whose (the patient's key fingerprint), why and what, when and by whom it
 * was received, until when, and whether it still stands — newest first.
 */

import type { GrantScope } from '@medvault/core/ledger';
import { keyFingerprint } from '@medvault/core/pre';
import type { HeldGrant } from './grant-book.js';
import { categoryName } from './reading-json.js';

/**
 * One share as the page lists it.
 *
 * @example
 * ```ts
 * const share: ShareJson = {
 *   grantId: 'ab…', patient: '1A2B 3C4D 5E6F 7A8B 9C0D', purpose: 'Diabetes follow-up', covers: 'Lab results',
 *   expiresAt: 1_780_000_000_000, receivedAt: 1_777_400_000_000, receivedBy: 'okafor', status: 'active',
 * };
 * ```
 */
export type ShareJson = {
  grantId: string;
  /** The patient's key fingerprint: the clinic is told no name. */
  patient: string;
  /** Why the clinic asked, as the patient approved it. */
  purpose: string;
  /** What the share covers, in words ("Lab results", "Everything"). */
  covers: string;
  expiresAt: number;
  /** When the clinic received it (ms), when known. */
  receivedAt?: number;
  /** The staff account that was signed in when it arrived, when known. */
  receivedBy?: string;
  /** When the patient ended it (ms), once a read found out. */
  endedAt?: number;
  status: 'active' | 'expired' | 'ended';
};

/** What a share covers, in words. */
function coversOf(scope: GrantScope): string {
  if (scope.categories?.length) return scope.categories.map(categoryName).join(', ');
  if (scope.resourceTypes?.length) return scope.resourceTypes.join(', ');
  if (scope.cids?.length)
    return `${scope.cids.length} chosen record${scope.cids.length === 1 ? '' : 's'}`;
  return 'Everything';
}

/**
 * The shares held, newest first (those received before receipts were kept last).
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'GET', path: '/api/shares', handler: staffOnly((_ctx, deps) => ({ json: shareList(deps.grants.held()) })) }];
 * ```
 */
export function shareList(held: readonly HeldGrant[], now = Date.now()): ShareJson[] {
  return held
    .map(
      ({ grant, receivedAt, receivedBy, endedAt }): ShareJson => ({
        grantId: grant.grantId,
        patient: keyFingerprint(grant.patient),
        purpose: grant.purpose,
        covers: coversOf(grant.scope),
        expiresAt: grant.expiresAt,
        ...(receivedAt === undefined ? {} : { receivedAt }),
        ...(receivedBy === undefined ? {} : { receivedBy }),
        ...(endedAt === undefined ? {} : { endedAt }),
        status: endedAt !== undefined ? 'ended' : grant.expiresAt <= now ? 'expired' : 'active',
      }),
    )
    .sort((a, b) => (b.receivedAt ?? 0) - (a.receivedAt ?? 0) || b.expiresAt - a.expiresAt);
}
