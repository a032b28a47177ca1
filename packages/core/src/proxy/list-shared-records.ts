/**
 * The reader's first step: which records a grant covers, read from the
 * patient's ledger — downloaded from its (untrusted) host and verified
 * entry by entry before anything in it is believed.
 */

import { hexToBytes } from '@noble/hashes/utils.js';
import { type VerifiedLedger, verifyLedger } from '../ledger/verify.js';
import type { LedgerHostClient } from '../ledger-host/client.js';
import { PublicKey, type SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { GrantNotInLedgerError } from './errors.js';
import type { Grant } from './grant.js';
import { indexLedger, type RecordInfo, recordInScope } from './record-index.js';

/** What `listSharedRecords` found. */
export type SharedRecordList = {
  /** The records in the grant's scope — the patient's own or endorsed by the patient — oldest first. */
  records: RecordInfo[];
  /** The ledger's entries as verified (for proofs). */
  entries: Uint8Array[];
  /** The verified head. */
  verified: VerifiedLedger;
  /** Whether the ledger holds a revocation of the grant. */
  revoked: boolean;
  /**
   * The patient's identity keys over time, oldest first (genesis, then each
   * key rotation): fragments signed by any of them are the patient's
   * (`readShared`'s `identities`).
   */
  identities: PublicKey[];
};

/**
 * Lists the records a grant covers, from the patient's verified ledger, as
 * the grant's reader (the host serves a reader its grant's entries and the
 * records in scope; the rest as stubs, still verified). Only records the
 * patient signed or endorsed are listed, each with its author.
 *
 * @example
 * ```ts
 * const { records, identities } = await listSharedRecords({ host: new LedgerHostClient({ url }), grant, reader: clinicSk });
 * const result = await readShared({ reader, grant, cids: records.map((r) => r.cid), store, identities });
 * ```
 */
export async function listSharedRecords(params: {
  host: LedgerHostClient;
  grant: Grant;
  /** The grant's reader: the host's reads are signed with this key. */
  reader: SecretKey;
}): Promise<SharedRecordList> {
  const { grant } = params;
  const host = params.host.withSigner(new Signer(params.reader));
  const checked = await host.entries(grant.ledgerId);
  const verified = verifyLedger(checked, { ledgerId: hexToBytes(grant.ledgerId) });
  const index = indexLedger(checked);
  const inLedger = index.grants.get(grant.grantId);
  if (!inLedger) throw new GrantNotInLedgerError(grant.grantId);
  const records = [...index.records.values()]
    .filter((record) => recordInScope(inLedger.scope, record))
    .sort((a, b) => a.seq - b.seq);
  const identities = (index.owners ?? []).map((k) => PublicKey.fromCompressedBytes(k));
  return { records, entries: checked, verified, revoked: inLedger.revoked, identities };
}
