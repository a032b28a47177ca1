/**
 * Who may see what of a ledger: the owner sees every entry in full; a
 * grant's reader and its proxies see in full what their grants need —
 * their grants, revocations and accesses, and the records (the owner's, or
 * proposals the owner accepted, with the endorsement) in a grant's scope
 * and entered before its revocation or expiry. Everyone — an author about
 * to seal a record included — sees the entries that say whose ledger it is
 * and what to seal to (genesis, key rotations, encryption keys) in full,
 * and every other entry as a stub, which still verifies the chain,
 * signatures and Merkle proofs.
 *
 * The host applies this to the entries it holds in full; a reader that is
 * shown less than this only misses records, never gains any.
 */
import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Entry, EntryBody } from './entry.js';
import { recordInScope } from './scope.js';

/** How a party relates to a ledger ('none': it sees only the public entries). */
export type PartyRole = 'owner' | 'grantee' | 'proxy' | 'none';

/** Kinds every party sees in full: whose ledger it is and what to seal records to. */
export const PUBLIC_KINDS: readonly string[] = ['genesis', 'key-rotation', 'encryption-keys'];

/** What a party may see: its role and, per seq, whether the entry is shown in full. */
export type Visibility = { role: PartyRole; full: (seq: number) => boolean };

type GrantSeen = {
  entry: Entry<'grant'>;
  revokeSeq?: number;
  related: number[];
};

/**
 * What `party` (a compressed public key) may see of a ledger's entries
 * (all held in full, in order, already verified).
 *
 * @example
 * ```ts
 * const { role, full } = visibilityFor(entries, readerKey);
 * if (role === 'none') refuse();
 * const served = entries.map((e) => (full(e.seq) ? encodeEntry(e) : encodeEntry(stubOf(e))));
 * ```
 */
export function visibilityFor(entries: readonly Entry[], party: Uint8Array): Visibility {
  let owner: Uint8Array | undefined;
  const grants = new Map<string, GrantSeen>();
  // records that count (the owner's, or accepted proposals): seq → endorsement seq
  const counted: { entry: Entry<'record'>; endorseSeq?: number }[] = [];
  const proposals = new Map<number, Entry<'record'>>();
  for (const entry of entries) {
    switch (entry.kind) {
      case 'genesis':
        owner = (entry.body as EntryBody<'genesis'>).owner;
        break;
      case 'key-rotation':
        owner = (entry.body as EntryBody<'key-rotation'>).newOwner;
        break;
      case 'record':
        if (owner && equalBytes(entry.author, owner))
          counted.push({ entry: entry as Entry<'record'> });
        else proposals.set(entry.seq, entry as Entry<'record'>);
        break;
      case 'endorse': {
        const body = entry.body as EntryBody<'endorse'>;
        const proposal = proposals.get(body.proposal);
        proposals.delete(body.proposal);
        if (proposal && body.accept) counted.push({ entry: proposal, endorseSeq: entry.seq });
        break;
      }
      case 'grant': {
        const body = entry.body as EntryBody<'grant'>;
        grants.set(bytesToHex(body.grantId), { entry: entry as Entry<'grant'>, related: [] });
        break;
      }
      case 'revoke':
      case 'access': {
        const id = bytesToHex((entry.body as EntryBody<'revoke' | 'access'>).grantId);
        const grant = grants.get(id);
        if (!grant) break;
        grant.related.push(entry.seq);
        if (entry.kind === 'revoke') grant.revokeSeq = entry.seq;
        break;
      }
    }
  }
  if (owner && equalBytes(party, owner)) return { role: 'owner', full: () => true };

  let role: PartyRole = 'none';
  const shown = new Set<number>();
  for (const grant of grants.values()) {
    const body = grant.entry.body;
    const isReader = equalBytes(body.grantee, party);
    const isProxy = body.proxies.some((p) => equalBytes(p.key, party));
    if (!isReader && !isProxy) continue;
    if (role !== 'grantee') role = isReader ? 'grantee' : 'proxy';
    shown.add(grant.entry.seq);
    for (const seq of grant.related) shown.add(seq);
    for (const { entry, endorseSeq } of counted) {
      const enteredAt = endorseSeq ?? entry.seq;
      if (grant.revokeSeq !== undefined && enteredAt > grant.revokeSeq) continue;
      if ((entries[enteredAt] as Entry).time >= body.expiresAt) continue;
      const { cid, resourceType, category } = entry.body;
      if (!recordInScope(body.scope, { cid, resourceType, category, time: entry.time })) continue;
      shown.add(entry.seq);
      if (endorseSeq !== undefined) shown.add(endorseSeq);
    }
  }
  for (const entry of entries) {
    if (PUBLIC_KINDS.includes(entry.kind)) shown.add(entry.seq);
  }
  return { role, full: (seq) => shown.has(seq) };
}
