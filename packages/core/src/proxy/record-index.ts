/**
 * What a proxy needs from a patient's (verified) ledger: each record's
 * capsule and filters, and each grant's scope and reader, by id.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeEntry, type EntryBody, type GrantScope } from '../ledger/entry.js';

/** A record as the ledger describes it. */
export type RecordInfo = {
  cid: string;
  /** Sequence number of the record entry (its leaf in the ledger's Merkle tree). */
  seq: number;
  contentType: string;
  size: number;
  capsule: Uint8Array;
  resourceType: string | undefined;
  category: string | undefined;
  /** Time of the record entry (ms). */
  time: number;
};

/** A grant as the ledger describes it. */
export type GrantInfo = {
  grantId: string;
  grantee: Uint8Array;
  scope: GrantScope;
  expiresAt: number;
  revoked: boolean;
};

/** Records by CID and grants by hex id, from entries already verified. */
export type RecordIndex = { records: Map<string, RecordInfo>; grants: Map<string, GrantInfo> };

/**
 * Builds the index from a verified ledger's entries (the ledger's rules
 * allow one record entry per CID and per capsule), or extends `index` with entries appended since it was built.
 */
export function indexLedger(
  entries: readonly Uint8Array[],
  index: RecordIndex = { records: new Map(), grants: new Map() },
): RecordIndex {
  const { records, grants } = index;
  for (const bytes of entries) {
    const entry = decodeEntry(bytes);
    if (entry.kind === 'record') {
      const body = entry.body as EntryBody<'record'>;
      records.set(body.cid, {
        cid: body.cid,
        seq: entry.seq,
        contentType: body.contentType,
        size: body.size,
        capsule: body.capsule,
        resourceType: body.resourceType,
        category: body.category,
        time: entry.time,
      });
    } else if (entry.kind === 'grant') {
      const body = entry.body as EntryBody<'grant'>;
      const grantId = bytesToHex(body.grantId);
      grants.set(grantId, {
        grantId,
        grantee: body.grantee,
        scope: body.scope,
        expiresAt: body.expiresAt,
        revoked: false,
      });
    } else if (entry.kind === 'revoke') {
      const grant = grants.get(bytesToHex((entry.body as EntryBody<'revoke'>).grantId));
      if (grant) grant.revoked = true;
    }
  }
  return index;
}

/**
 * Whether a record is covered by a scope: every criterion the scope names
 * must hold (CID listed, resource type listed, category listed, time within
 * [from, until)). A scope that names no criterion covers nothing — sharing
 * everything is said explicitly, e.g. `{ from: 0 }`.
 */
export function recordInScope(scope: GrantScope, record: RecordInfo): boolean {
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
