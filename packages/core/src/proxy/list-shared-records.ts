/**
 * The reader's first step: which records a grant covers, read from the
 * patient's ledger — downloaded from its (untrusted) host and verified
 * entry by entry before anything in it is believed.
 */

import type { VerifiedLedger } from '../ledger/verify.js';
import type { LedgerHostClient } from '../ledger-host/client.js';
import { GrantNotInLedgerError } from './errors.js';
import type { Grant } from './grant.js';
import { indexLedger, type RecordInfo, recordInScope } from './record-index.js';

/** What `listSharedRecords` found. */
export type SharedRecordList = {
  /** The records in the grant's scope, oldest first. */
  records: RecordInfo[];
  /** The ledger's entries as verified (for proofs). */
  entries: Uint8Array[];
  /** The verified head. */
  verified: VerifiedLedger;
  /** Whether the ledger holds a revocation of the grant. */
  revoked: boolean;
};

/**
 * Lists the records a grant covers, from the patient's verified ledger.
 *
 * @example
 * ```ts
 * const { records } = await listSharedRecords({ host: new LedgerHostClient({ url }), grant });
 * const result = await readShared({ reader, grant, cids: records.map((r) => r.cid), store });
 * ```
 */
export async function listSharedRecords(params: {
  host: LedgerHostClient;
  grant: Grant;
}): Promise<SharedRecordList> {
  const { host, grant } = params;
  const entries = await host.entries(grant.ledgerId);
  const verified = await host.sync(grant.ledgerId);
  // the entries were fetched before the sync: index only what was verified
  const checked = entries.slice(0, verified.size);
  const index = indexLedger(checked);
  const inLedger = index.grants.get(grant.grantId);
  if (!inLedger) throw new GrantNotInLedgerError(grant.grantId);
  const records = [...index.records.values()]
    .filter((record) => recordInScope(inLedger.scope, record))
    .sort((a, b) => a.seq - b.seq);
  return { records, entries: checked, verified, revoked: inLedger.revoked };
}
