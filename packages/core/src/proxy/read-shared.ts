/**
 * The reader's side of a share: capsule fragments from `threshold` proxies,
 * every one verified (a proxy that returns a bad one is reported by name
 * and skipped), then the records opened from storage.
 *
 * Requests go to `threshold` proxies at first; another is asked whenever one
 * fails or refuses a record the others served, and all remaining ones once
 * `hedgeAfterMs` passes without enough answers — so up to n − t proxies may
 * be down, hanging, or refusing.
 *
 * Results are per record: a record whose blob is missing, that a proxy
 * refuses, or that does not open is reported in `failed` with its reason,
 * and never keeps the others from being read.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { openRecord } from '../envelope/envelope.js';
import { decodeHeader, type EnvelopeHeader, MAX_HEADER_SIZE } from '../envelope/header.js';
import { CapsuleFrag, type VerifiedCapsuleFrag } from '../pre/capsule-frag.js';
import { PublicKey, type SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import type { BlobStore } from '../storage/blob-store.js';
import { type ReencryptRequest, reencryptResponseSchema } from './api.js';
import { type CallOptions, callProxy, failureOf, type ProxyEndpoint } from './call-proxy.js';
import { NotEnoughFragmentsError, ProxyCallError, type ProxyFailure } from './errors.js';
import type { Grant } from './grant.js';

/** Parameters of `readShared`. */
export type ReadSharedParams = {
  reader: SecretKey;
  grant: Grant;
  /** Record CIDs to read (all in the grant's scope). */
  cids: string[];
  /** Where the sealed records are. */
  store: BlobStore;
  /** Ask the remaining proxies after this long without enough answers (default 500 ms). */
  hedgeAfterMs?: number;
  /**
   * The patient's identity keys over time, from the verified ledger
   * (`listSharedRecords(...).identities`): after an identity rotation the
   * fragments of new epochs are signed by the new key. Default: the grant's
   * verifying key only.
   */
  identities?: readonly PublicKey[];
} & CallOptions;

/** One opened record. */
export type SharedRecord = { cid: string; contentType: string; stream: ReadableStream<Uint8Array> };

/** A record that could not be read, and why (a typed error's code and message). */
export type RecordFailure = { cid: string; code: string; message: string };

/**
 * The result: the records read, those that could not be (each with its
 * reason), and the proxies that failed or misbehaved (if any).
 */
export type ReadSharedResult = {
  records: SharedRecord[];
  failed: RecordFailure[];
  failures: ProxyFailure[];
};

/** A verified capsule fragment and the encryption key it re-encrypts from (hex). */
type Fragment = { cfrag: VerifiedCapsuleFrag; key: string };
/** One proxy's answer: per record, a verified fragment or the proxy's reason. */
type FragmentSet = Map<string, Fragment | { code: string; message: string }>;

function failureOfError(cid: string, error: unknown): RecordFailure {
  const e = error as { code?: unknown; shortMessage?: unknown; message?: unknown };
  return {
    cid,
    code: typeof e?.code === 'string' ? e.code : 'RECORD_UNREADABLE',
    message: String(e?.shortMessage ?? e?.message ?? error),
  };
}

/**
 * Reads shared records.
 *
 * @example
 * ```ts
 * const { records, failed, failures } = await readShared({ reader: clinicSk, grant, cids, store });
 * const bytes = await new Response(records[0].stream).arrayBuffer();
 * ```
 */
export async function readShared(params: ReadSharedParams): Promise<ReadSharedResult> {
  const { grant } = params;
  const signer = new Signer(params.reader);
  const failed: RecordFailure[] = [];
  const headers = new Map<string, EnvelopeHeader>();
  await Promise.all(
    params.cids.map(async (cid) => {
      try {
        const size = await params.store.size(cid);
        headers.set(
          cid,
          decodeHeader(await params.store.getRange(cid, 0, Math.min(size, MAX_HEADER_SIZE))),
        );
      } catch (error) {
        failed.push(failureOfError(cid, error));
      }
    }),
  );
  const cids = params.cids.filter((cid) => headers.has(cid));
  if (cids.length === 0) return { records: [], failed, failures: [] };
  const body: ReencryptRequest = { grantId: grant.grantId, cids };
  const identities = [grant.verifyingKey, ...(params.identities ?? [])];
  const abort = new AbortController();

  /** Asks one proxy; resolves to its verified fragments (or its reason), one per record. */
  async function ask(proxy: ProxyEndpoint): Promise<FragmentSet> {
    const answer = reencryptResponseSchema.safeParse(
      await callProxy(proxy, 'POST', '/v1/reencrypt', body, signer, {
        ...params,
        signal: abort.signal,
      }),
    );
    if (!answer.success || answer.data.cfrags.length !== cids.length) {
      throw new ProxyCallError(
        proxy.url,
        'PROXY_BAD_ANSWER',
        'the answer does not have one fragment or reason per record',
      );
    }
    const set: FragmentSet = new Map();
    answer.data.cfrags.forEach((c, i) => {
      if (c.cid !== cids[i]) {
        throw new ProxyCallError(proxy.url, 'PROXY_BAD_ANSWER', 'fragments out of order');
      }
      if ('error' in c) {
        set.set(c.cid, c.error);
        return;
      }
      try {
        // The fragment names the encryption key it re-encrypts from and the
        // identity key that signed it; that signature binds the encryption
        // key to this reader, so a proxy cannot pass off another key's (or
        // its own) fragment. The signer must be one of the patient's
        // identity keys.
        const signer = PublicKey.fromCompressedBytes(hexToBytes(c.verifyingKey));
        if (!identities.some((k) => k.equals(signer))) {
          throw new Error(`it names ${c.verifyingKey.slice(0, 16)}…, not the patient, as signer`);
        }
        const cfrag = CapsuleFrag.fromBytes(hexToBytes(c.cfrag)).verify(
          (headers.get(c.cid) as EnvelopeHeader).capsule,
          signer,
          PublicKey.fromCompressedBytes(hexToBytes(c.key)),
          grant.reader,
        );
        set.set(c.cid, { cfrag, key: c.key });
      } catch (cause) {
        // a fragment that does not verify is a lie: nothing this proxy said is used
        throw new ProxyCallError(
          proxy.url,
          'PROXY_BAD_FRAGMENT',
          `its capsule fragment for ${c.cid} does not verify`,
          undefined,
          cause,
        );
      }
    });
    return set;
  }

  const collected = await new Promise<{ sets: FragmentSet[]; failures: ProxyFailure[] }>(
    (resolve) => {
      const waiting = [...grant.proxies];
      const sets: FragmentSet[] = [];
      const failures: ProxyFailure[] = [];
      let running = 0;
      let settled = false;
      const everyRecordServed = () =>
        cids.every(
          (cid) =>
            sets.filter((set) => !('code' in (set.get(cid) ?? { code: '' }))).length >=
            grant.threshold,
        );
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(hedge);
        abort.abort();
        resolve({ sets, failures });
      };
      const launch = () => {
        const proxy = waiting.shift();
        if (!proxy) return;
        running += 1;
        ask(proxy).then(
          (set) => {
            running -= 1;
            if (settled) return;
            sets.push(set);
            // done once every record has t fragments; a proxy that refuses records
            // (rightly, or to deny service) makes the next one be asked
            if (everyRecordServed()) finish();
            else if (waiting.length > 0 && sets.length >= grant.threshold) launch();
            else if (running === 0 && waiting.length === 0) finish();
          },
          (error) => {
            running -= 1;
            if (settled) return;
            failures.push(failureOf(proxy, error));
            if (waiting.length > 0) launch();
            else if (running === 0) finish();
          },
        );
      };
      const hedge = setTimeout(() => {
        while (waiting.length > 0) launch();
      }, params.hedgeAfterMs ?? 500);
      for (let i = 0; i < grant.threshold; i++) launch();
      if (running === 0) finish();
    },
  );
  if (collected.sets.length < grant.threshold) {
    throw new NotEnoughFragmentsError(grant.threshold, collected.failures);
  }
  const records: SharedRecord[] = [];
  await Promise.all(
    cids.map(async (cid) => {
      // fragments by the key they re-encrypt from: the record's key has t of them
      const byKey = new Map<string, VerifiedCapsuleFrag[]>();
      let reason: { code: string; message: string } | undefined;
      for (const set of collected.sets) {
        const got = set.get(cid);
        if (got && 'code' in got) reason ??= got;
        else if (got) byKey.set(got.key, [...(byKey.get(got.key) ?? []), got.cfrag]);
      }
      const [key, cfrags] = [...byKey].find(([, c]) => c.length >= grant.threshold) ?? ['', []];
      if (cfrags.length < grant.threshold) {
        failed.push({
          cid,
          ...(reason ?? {
            code: NotEnoughFragmentsError.code,
            message: `fewer than ${grant.threshold} proxies re-encrypted it`,
          }),
        });
        return;
      }
      try {
        records.push({
          cid,
          contentType: (headers.get(cid) as EnvelopeHeader).contentType,
          stream: await openRecord(await params.store.get(cid), {
            receivingSk: params.reader,
            delegatingPk: PublicKey.fromCompressedBytes(hexToBytes(key)),
            cfrags: cfrags.slice(0, grant.threshold),
          }),
        });
      } catch (error) {
        failed.push(failureOfError(cid, error));
      }
    }),
  );
  const order = new Map(params.cids.map((cid, i) => [cid, i]));
  const byOrder = (a: { cid: string }, b: { cid: string }) =>
    (order.get(a.cid) ?? 0) - (order.get(b.cid) ?? 0);
  records.sort(byOrder);
  failed.sort(byOrder);
  return { records, failed, failures: collected.failures };
}
