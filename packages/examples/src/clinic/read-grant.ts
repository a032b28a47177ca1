/**
 * The clinic's server reads what a patient shared: the records the grant
 * covers, from the verified ledger; capsule fragments from the proxies
 * (every one verified); the records opened from the blob service (every
 * block verified); and each record's provenance against the chain.
 */
import { collect } from '@medvault/core/envelope';
import type { BaseError } from '@medvault/core/errors';
import type { LedgerHostClient } from '@medvault/core/ledger-host';
import type { SecretKey } from '@medvault/core/pre';
import {
  type Grant,
  indexLedger,
  listSharedRecords,
  NotEnoughFragmentsError,
  type ProxyFailure,
  type RecordFailure,
  readShared,
  type SharedRecordList,
} from '@medvault/core/proxy';
import type { BlobStore } from '@medvault/core/storage';
import { type AnchorChain, findAnchor, type Provenance, provenanceOf } from './provenance.js';
import type { RefusalJson } from './refusal-words.js';

/** One record the clinic read. */
export type ClinicRecord = {
  cid: string;
  contentType: string;
  resourceType: string | undefined;
  category: string | undefined;
  /** When the record entered the patient's ledger (ms). */
  time: number;
  body: Uint8Array;
  provenance: Provenance;
  /** Who wrote the record entry (hex key), and whether it was the patient or an author the patient endorsed. */
  author: { key: string; by: 'patient' | 'endorsed' };
};

/** What reading a grant gave. */
export type GrantReading = {
  records: ClinicRecord[];
  /** Proxies that failed or misbehaved (the read still succeeded with the others). */
  failures: ProxyFailure[];
  /** Records in scope that could not be read, each with its reason (the others were). */
  unreadable: RecordFailure[];
  ledgerSize: number;
};

/**
 * Reads every record a grant covers. Throws the typed error of whatever
 * refused. `listed` is the grant's records as `listSharedRecords` found
 * them, when the caller already listed them.
 *
 * @example
 * ```ts
 * const reading = await readGrant({ grant, reader: readerKey, host, store, chain });
 * reading.records.length; // the records read and verified
 * ```
 */
export async function readGrant(params: {
  grant: Grant;
  reader: SecretKey;
  host: LedgerHostClient;
  store: BlobStore;
  chain: AnchorChain;
  listed?: SharedRecordList;
}): Promise<GrantReading> {
  const { grant } = params;
  const listed =
    params.listed ?? (await listSharedRecords({ host: params.host, grant, reader: params.reader }));
  const found = await findAnchor(params.chain, listed.entries);
  if (listed.records.length === 0)
    return { records: [], failures: [], unreadable: [], ledgerSize: listed.verified.size };
  const { records, failed, failures } = await readShared({
    reader: params.reader,
    grant,
    cids: listed.records.map((r) => r.cid),
    store: params.store,
    identities: listed.identities,
  });
  const opened = await Promise.all(
    records.map(async (record) => {
      const info = listed.records.find(
        (r) => r.cid === record.cid,
      ) as (typeof listed.records)[number];
      return {
        cid: record.cid,
        contentType: record.contentType,
        resourceType: info.resourceType,
        category: info.category,
        time: info.time,
        body: await collect(record.stream),
        provenance: provenanceOf(listed.entries, info.seq, found),
        author: {
          key: info.author,
          by: info.endorsedAt === undefined ? ('patient' as const) : ('endorsed' as const),
        },
      };
    }),
  );
  return { records: opened, failures, unreadable: failed, ledgerSize: listed.verified.size };
}

/**
 * When the patient ended the grant, as their verified ledger says (the
 * revocation entry's time, ms), or undefined while it has not.
 *
 * @example
 * ```ts
 * const endedAt = endedAtOf(await listSharedRecords({ host, grant, reader }), grant.grantId);
 * ```
 */
export function endedAtOf(listed: SharedRecordList, grantId: string): number | undefined {
  if (!listed.revoked) return undefined;
  return indexLedger(listed.entries).grants.get(grantId)?.revokedAt;
}

/**
 * What the clinic knows of a refused read, for its page to put in words
 * (`refusalWords`): the error's code, each proxy's reason when too few
 * proxies answered, the grant's threshold, proxies and expiry, and when the
 * patient ended it if the ledger says so.
 *
 * @example
 * ```ts
 * const refusal = refusalOf(error, grant, endedAt); // { code: 'PROXY_NOT_ENOUGH_FRAGMENTS', failures: [...], threshold: 2, proxies: 3, expiresAt, endedAt }
 * ```
 */
export function refusalOf(error: BaseError, grant: Grant, endedAt?: number): RefusalJson {
  const fragments = error.walk((e) => e instanceof NotEnoughFragmentsError) as
    | NotEnoughFragmentsError
    | undefined;
  return {
    code: error.code,
    failures: (fragments?.failures ?? []).map((f) => ({ proxy: f.proxy, code: f.code })),
    threshold: grant.threshold,
    proxies: grant.proxies.length,
    expiresAt: grant.expiresAt,
    ...(endedAt === undefined ? {} : { endedAt }),
  };
}
