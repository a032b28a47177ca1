/**
 * The proxy's fragments reconciled with the chain. The revocation watcher
 * only sees events while the proxy runs; a proxy that was down during a
 * revocation, or that holds a grant which has since expired, would keep the
 * fragment forever. So at start and every `intervalMs` the proxy asks the
 * registry for every grant it holds (`getGrant(owner, grantId)`, owner = the
 * patient of the delivery) and drops the fragment when the grant is revoked,
 * expired, or still not registered `graceMs` after the fragment was stored.
 * Only a definite answer drops a fragment: a chain that does not answer
 * leaves everything in place until the next pass.
 */
import type { OnChainGrant } from '@medvault/core/chain';
import type { KfragStore, StoredGrant } from './kfrag-store.js';

/** Why a fragment was dropped. */
export type DropReason = 'revoked' | 'expired' | 'unregistered';

/** What a reconcile pass uses. */
export type ReconcileDeps = {
  store: KfragStore;
  /** The owner's grant on chain (`owner`: 33-byte key, hex), or `undefined` when never registered. */
  getGrant: (owner: string, grantId: string) => Promise<OnChainGrant | undefined>;
  /** The chain's time, ms since the epoch (its latest block's timestamp). */
  chainTime: () => Promise<number>;
  /** How long a fragment may wait for its grant's registration, ms. */
  graceMs: number;
  /** Called once per fragment dropped, after it is gone. */
  onDrop?: (grantId: string, reason: DropReason) => void;
  /** Chain queries at once (default 8). */
  concurrency?: number;
  /** The local clock (default `Date.now`). */
  now?: () => number;
};

/** What one pass did. */
export type ReconcileReport = {
  checked: number;
  dropped: { grantId: string; reason: DropReason }[];
  /** Grants whose status the chain did not give (kept, asked again next pass). */
  failed: number;
};

/**
 * Why `held` must go, given its grant on chain; `undefined` keeps it.
 * `expiryNow` judges expiries, `localNow` (the clock `storedAt` was read
 * from) the grace period.
 */
export function dropReason(
  held: StoredGrant,
  onChain: OnChainGrant | undefined,
  clocks: { expiryNow: number; localNow: number },
  graceMs: number,
): DropReason | undefined {
  if (!onChain) return held.storedAt + graceMs <= clocks.localNow ? 'unregistered' : undefined;
  if (onChain.revoked) return 'revoked';
  if (onChain.expiresAt <= clocks.expiryNow) return 'expired';
  return undefined;
}

/**
 * One pass over every fragment held. Expiry is judged by the later of the
 * chain's time and the local clock: the chain refuses a grant past its
 * expiry by block time, the proxy's ledger check by its own clock, so a
 * grant expired by either can no longer be used. The grace period of an
 * unregistered grant runs on the local clock (that of `storedAt`).
 *
 * @example
 * ```ts
 * const { dropped } = await reconcileFragments({ store, getGrant, chainTime, graceMs: 600_000 });
 * ```
 */
export async function reconcileFragments(
  deps: ReconcileDeps,
  signal?: { stopped: boolean },
): Promise<ReconcileReport> {
  const localNow = (deps.now ?? Date.now)();
  const clocks = { expiryNow: Math.max(await deps.chainTime(), localNow), localNow };
  const queue = deps.store.all();
  const report: ReconcileReport = { checked: 0, dropped: [], failed: 0 };
  const worker = async () => {
    for (let held = queue.shift(); held && !signal?.stopped; held = queue.shift()) {
      let onChain: OnChainGrant | undefined;
      try {
        onChain = await deps.getGrant(held.patient, held.grantId);
      } catch {
        report.failed += 1;
        continue;
      }
      report.checked += 1;
      const reason = dropReason(held, onChain, clocks, deps.graceMs);
      if (!reason) continue;
      // the same fragment still (not one delivered again meanwhile)
      const current = deps.store.get(held.grantId);
      if (current?.patient !== held.patient || current.storedAt !== held.storedAt) continue;
      await deps.store.delete(held.grantId);
      report.dropped.push({ grantId: held.grantId, reason });
      deps.onDrop?.(held.grantId, reason);
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 8 }, worker));
  return report;
}

/**
 * Reconciles now and then every `intervalMs`, one pass at a time; returns a
 * function that stops (and waits for a pass under way).
 *
 * @example
 * ```ts
 * const stop = startReconciling({ ...deps, intervalMs: 600_000, onError: (e) => log(e.message) });
 * await stop();
 * ```
 */
export function startReconciling(
  deps: ReconcileDeps & {
    intervalMs: number;
    onError?: (error: Error) => void;
    onReport?: (report: ReconcileReport) => void;
  },
): () => Promise<void> {
  const signal = { stopped: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pass: Promise<void> = Promise.resolve();
  const run = () => {
    pass = reconcileFragments(deps, signal)
      .then((report) => deps.onReport?.(report))
      .catch((error: Error) => {
        if (!signal.stopped) deps.onError?.(error);
      })
      .finally(() => {
        if (signal.stopped) return;
        timer = setTimeout(run, deps.intervalMs);
        // reconciling alone never keeps a process running
        (timer as { unref?: () => void }).unref?.();
      });
  };
  run();
  return async () => {
    signal.stopped = true;
    clearTimeout(timer);
    await pass;
  };
}
