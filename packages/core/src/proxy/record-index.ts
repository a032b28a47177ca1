/**
 * What a proxy needs from a patient's (verified) ledger: each record's
 * capsule and filters, and each grant's scope and reader, by id.
 *
 * Only the patient decides what a record is: a record counts when the
 * ledger's owner signed it, or when the owner endorsed another author's
 * proposal. Proposals awaiting a decision are kept apart (`proposals`) and
 * never enter a scope, whatever any other key signed.
 */
import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  type AnyEntry,
  decodeAnyEntry,
  type Entry,
  type EntryBody,
  type GrantScope,
  hashEntry,
  isStub,
} from '../ledger/entry.js';

/** A record as the ledger describes it. */
export type RecordInfo = {
  cid: string;
  /** Sequence number of the record entry (its leaf in the ledger's Merkle tree). */
  seq: number;
  contentType: string;
  size: number;
  capsule: Uint8Array;
  resourceType: string | undefined;
  category: string;
  /** The encryption key it is sealed to (its category's key of some epoch). */
  recipient: Uint8Array;
  /** Time of the record entry (ms). */
  time: number;
  /** Who signed the record entry (hex of the compressed key). */
  author: string;
  /** For another author's record, the seq of the owner's endorsement. */
  endorsedAt?: number;
  /** The note sealed to the owner (title, origin), if any. */
  note?: Uint8Array;
};

/** A grant as the ledger describes it. */
export type GrantInfo = {
  grantId: string;
  grantee: Uint8Array;
  scope: GrantScope;
  expiresAt: number;
  revoked: boolean;
  /** Time of the revocation, once revoked. */
  revokedAt?: number;
  /** The ledger host the on-chain commitment names. */
  ledgerHost: string;
  /** The commitment's salt. */
  salt: Uint8Array;
  /** The proxies' keys. */
  proxies: Uint8Array[];
  /** The proxies, as the grant entry lists them. */
  proxyEndpoints: { url: string; key: Uint8Array }[];
  /** Fragments a reader needs from different proxies. */
  threshold: number;
  /** The categories whose encryption keys the grant delegates. */
  categories: string[];
  /** Seq of the grant entry. */
  seq: number;
  /** Who signed the grant entry: the identity key that registered the grant on chain. */
  author: Uint8Array;
};

/**
 * Records by CID (the owner's, and proposals the owner accepted), proposals
 * awaiting the owner's decision by seq, and grants by hex id, from entries
 * already verified.
 */
export type RecordIndex = {
  records: Map<string, RecordInfo>;
  grants: Map<string, GrantInfo>;
  proposals: Map<number, RecordInfo & { hash: Uint8Array }>;
  /** The owner's key as of the last entry indexed. */
  owner?: Uint8Array;
  /** Every key that owned the ledger, oldest first (genesis, then each key rotation). */
  owners?: Uint8Array[];
};

function recordInfo(entry: Entry<'record'>): RecordInfo {
  const body = entry.body;
  return {
    cid: body.cid,
    seq: entry.seq,
    contentType: body.contentType,
    size: body.size,
    capsule: body.capsule,
    resourceType: body.resourceType,
    category: body.category,
    recipient: body.recipient,
    time: entry.time,
    author: bytesToHex(entry.author),
    ...(body.note ? { note: body.note } : {}),
  };
}

/**
 * Builds the index from a verified ledger's entries (full or stubs; stubs
 * add nothing), or extends `index` with entries appended since it was built.
 */
export function indexLedger(
  entries: readonly (Uint8Array | AnyEntry)[],
  index: RecordIndex = { records: new Map(), grants: new Map(), proposals: new Map() },
): RecordIndex {
  const { records, grants, proposals } = index;
  for (const item of entries) {
    const entry = item instanceof Uint8Array ? decodeAnyEntry(item) : item;
    if (isStub(entry)) continue;
    if (entry.kind === 'genesis') {
      index.owner = (entry.body as EntryBody<'genesis'>).owner;
      index.owners = [index.owner];
    } else if (entry.kind === 'key-rotation') {
      index.owner = (entry.body as EntryBody<'key-rotation'>).newOwner;
      index.owners = [...(index.owners ?? []), index.owner];
    } else if (entry.kind === 'record') {
      const info = recordInfo(entry as Entry<'record'>);
      if (index.owner && equalBytes(entry.author, index.owner)) records.set(info.cid, info);
      else proposals.set(entry.seq, { ...info, hash: hashEntry(entry) });
    } else if (entry.kind === 'endorse') {
      const body = entry.body as EntryBody<'endorse'>;
      const proposal = proposals.get(body.proposal);
      proposals.delete(body.proposal);
      if (body.accept && proposal) {
        const { hash: _hash, ...info } = proposal;
        records.set(info.cid, { ...info, endorsedAt: entry.seq });
      }
    } else if (entry.kind === 'grant') {
      const body = entry.body as EntryBody<'grant'>;
      const grantId = bytesToHex(body.grantId);
      grants.set(grantId, {
        grantId,
        grantee: body.grantee,
        scope: body.scope,
        expiresAt: body.expiresAt,
        revoked: false,
        ledgerHost: body.ledgerHost,
        salt: body.salt,
        proxies: body.proxies.map((p) => p.key),
        proxyEndpoints: body.proxies,
        threshold: body.threshold,
        categories: body.categories,
        seq: entry.seq,
        author: entry.author,
      });
    } else if (entry.kind === 'revoke') {
      const grant = grants.get(bytesToHex((entry.body as EntryBody<'revoke'>).grantId));
      if (grant) {
        grant.revoked = true;
        grant.revokedAt = entry.time;
      }
    }
  }
  return index;
}

export { recordInScope } from '../ledger/scope.js';
