/**
 * Logging accesses in patients' ledgers with group commit: requests that
 * arrive while an access entry is being appended wait for the next append,
 * which records all of them (one entry per grant), so a busy proxy appends
 * a few entries a second instead of one per request and never races itself
 * for the ledger's next sequence number. Every request still waits until
 * its access is in the ledger before it is answered.
 *
 * Queues are keyed by ledger host and ledger id: a grant naming the same
 * ledger id at another host (a reader's attempt to have accesses logged
 * somewhere the patient never looks) gets a queue of its own, never
 * another grant's.
 */
import type { LedgerHostClient } from '@medvault/core/ledger-host';
import type { Signer } from '@medvault/core/pre';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

/** Records one access entry may name (the ledger's limit). */
const MAX_CIDS = 10_000;

type Pending = {
  grantId: string;
  cids: string[];
  resolve: () => void;
  reject: (e: unknown) => void;
};

export class AccessLog {
  readonly #signer: Signer;
  readonly #queues = new Map<
    string,
    { client: LedgerHostClient; pending: Pending[]; busy: boolean }
  >();

  constructor(signer: Signer) {
    this.#signer = signer;
  }

  /** Resolves once an access entry naming `cids` under `grantId` is in the ledger. */
  record(
    client: LedgerHostClient,
    ledgerId: string,
    grantId: string,
    cids: string[],
  ): Promise<void> {
    const key = `${client.url} ${ledgerId}`;
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = { client, pending: [], busy: false };
      this.#queues.set(key, queue);
    }
    const done = new Promise<void>((resolve, reject) => {
      queue.pending.push({ grantId, cids, resolve, reject });
    });
    if (!queue.busy) void this.#drain(key, ledgerId);
    return done;
  }

  async #drain(key: string, ledgerId: string): Promise<void> {
    const queue = this.#queues.get(key);
    if (!queue) return;
    queue.busy = true;
    try {
      while (queue.pending.length > 0) {
        const batch = queue.pending.splice(0);
        const byGrant = new Map<string, Pending[]>();
        for (const p of batch) byGrant.set(p.grantId, [...(byGrant.get(p.grantId) ?? []), p]);
        for (const [grantId, requests] of byGrant) {
          try {
            const cids = requests.flatMap((r) => r.cids);
            // an access entry names at most MAX_CIDS records: split, never truncate
            for (let at = 0; at < cids.length; at += MAX_CIDS) {
              await queue.client.submit(
                ledgerId,
                'access',
                {
                  grantId: hexToBytes(grantId),
                  proxy: this.#signer.verifyingKey().toCompressedBytes(),
                  capsules: cids.slice(at, at + MAX_CIDS),
                },
                this.#signer,
              );
            }
            for (const r of requests) r.resolve();
          } catch (error) {
            for (const r of requests) r.reject(error);
          }
        }
      }
    } finally {
      queue.busy = false;
      if (queue.pending.length === 0) this.#queues.delete(key);
    }
  }

  /** Hex of the proxy's key, as it appears in access entries. */
  get proxyKey(): string {
    return bytesToHex(this.#signer.verifyingKey().toCompressedBytes());
  }
}
