/**
 * The reader's side of a share: capsule fragments from `threshold` proxies,
 * every one verified (a proxy that returns a bad one is reported by name
 * and skipped), then the records opened from storage.
 *
 * Requests go to `threshold` proxies at first; another is asked whenever one
 * fails, and all remaining ones once `hedgeAfterMs` passes without enough
 * answers — so up to n − t proxies may be down or hanging.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { openRecord } from '../envelope/envelope.js';
import { decodeHeader, MAX_HEADER_SIZE } from '../envelope/header.js';
import { CapsuleFrag, type VerifiedCapsuleFrag } from '../pre/capsule-frag.js';
import type { SecretKey } from '../pre/keys.js';
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
} & CallOptions;

/** One opened record. */
export type SharedRecord = { cid: string; contentType: string; stream: ReadableStream<Uint8Array> };

/** The result: the records, and the proxies that failed or misbehaved (if any). */
export type ReadSharedResult = { records: SharedRecord[]; failures: ProxyFailure[] };

/**
 * Reads shared records.
 *
 * @example
 * ```ts
 * const { records, failures } = await readShared({ reader: clinicSk, grant, cids, store });
 * const bytes = await new Response(records[0].stream).arrayBuffer();
 * ```
 */
export async function readShared(params: ReadSharedParams): Promise<ReadSharedResult> {
  const { grant } = params;
  const signer = new Signer(params.reader);
  const headers = await Promise.all(
    params.cids.map(async (cid) => {
      const size = await params.store.size(cid);
      return decodeHeader(await params.store.getRange(cid, 0, Math.min(size, MAX_HEADER_SIZE)));
    }),
  );
  const body: ReencryptRequest = { grantId: grant.grantId, cids: params.cids };
  const abort = new AbortController();

  /** Asks one proxy; resolves to its verified fragments, one per record. */
  async function ask(proxy: ProxyEndpoint): Promise<VerifiedCapsuleFrag[]> {
    const answer = reencryptResponseSchema.safeParse(
      await callProxy(proxy, 'POST', '/v1/reencrypt', body, signer, {
        ...params,
        signal: abort.signal,
      }),
    );
    if (!answer.success || answer.data.cfrags.length !== params.cids.length) {
      throw new ProxyCallError(
        proxy.url,
        'PROXY_BAD_ANSWER',
        'the answer does not have one fragment per record',
      );
    }
    return answer.data.cfrags.map((c, i) => {
      if (c.cid !== params.cids[i]) {
        throw new ProxyCallError(proxy.url, 'PROXY_BAD_ANSWER', 'fragments out of order');
      }
      try {
        return CapsuleFrag.fromBytes(hexToBytes(c.cfrag)).verify(
          headers[i]?.capsule as never,
          grant.verifyingKey,
          grant.patient,
          grant.reader,
        );
      } catch (cause) {
        throw new ProxyCallError(
          proxy.url,
          'PROXY_BAD_FRAGMENT',
          `its capsule fragment for ${c.cid} does not verify`,
          undefined,
          cause,
        );
      }
    });
  }

  const collected = await new Promise<{ sets: VerifiedCapsuleFrag[][]; failures: ProxyFailure[] }>(
    (resolve) => {
      const waiting = [...grant.proxies];
      const sets: VerifiedCapsuleFrag[][] = [];
      const failures: ProxyFailure[] = [];
      let running = 0;
      let settled = false;
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
            sets.push(set);
            if (sets.length >= grant.threshold) finish();
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
  const chosen = collected.sets.slice(0, grant.threshold);
  const records = await Promise.all(
    params.cids.map(async (cid, i) => ({
      cid,
      contentType: (headers[i] as { contentType: string }).contentType,
      stream: await openRecord(await params.store.get(cid), {
        receivingSk: params.reader,
        delegatingPk: grant.patient,
        cfrags: chosen.map((set) => set[i] as VerifiedCapsuleFrag),
      }),
    })),
  );
  return { records, failures: collected.failures };
}
