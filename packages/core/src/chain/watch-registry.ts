import type { Account, Address, Chain, Client, GetContractEventsReturnType, Transport } from 'viem';
import { getBlockNumber, getContractEvents } from 'viem/actions';
import { registryAbi } from './registry-artifact.js';

/**
 * The registry's event names.
 *
 * @example
 * ```ts
 * const name: RegistryEventName = 'GrantRevoked';
 * ```
 */
export type RegistryEventName = 'Anchored' | 'GrantRegistered' | 'GrantRevoked' | 'KeyRotated';

/**
 * A decoded registry log: `args` holds the event's fields —
 * `Anchored { ledgerKey, owner, size, root }`,
 * `GrantRegistered { grantId, owner, commitment, expiresAt }` (seconds),
 * `GrantRevoked { grantId, owner }` (owner: the grant's namespace, also when
 * a later key of its rotations revoked it), `KeyRotated { oldKey, newKey }`.
 *
 * @example
 * ```ts
 * const onGrantRevoked = (logs: RegistryLog<'GrantRevoked'>[]) =>
 *   logs.forEach((l) => forget(l.args.owner, l.args.grantId));
 * ```
 */
export type RegistryLog<N extends RegistryEventName> = GetContractEventsReturnType<
  typeof registryAbi,
  N,
  true
>[number];

/** Callbacks for registry events; each receives the decoded logs. */
export type RegistryWatchers = {
  /** A checkpoint was anchored (`Anchored` events). */
  onAnchored?: (logs: RegistryLog<'Anchored'>[]) => void;
  /** A grant was registered (`GrantRegistered` events). */
  onGrantRegistered?: (logs: RegistryLog<'GrantRegistered'>[]) => void;
  /**
   * A grant was revoked (`GrantRevoked` events): proxies forget the fragment
   * they hold for (`owner`, `grantId`) — only if the owner is their grant's.
   */
  onGrantRevoked?: (logs: RegistryLog<'GrantRevoked'>[]) => void;
  /**
   * An identity key was rotated (`KeyRotated` events): `oldKey` signs
   * nothing any more; its grants stay active under its address until
   * `newKey` (or a later key) revokes them.
   */
  onKeyRotated?: (logs: RegistryLog<'KeyRotated'>[]) => void;
  /** A poll failed (the node unreachable, say); polling goes on. */
  onError?: (error: Error) => void;
  /** Polling interval in ms for HTTP transports. */
  pollingInterval?: number;
};

/**
 * Watches the registry's events from the next block on (a proxy forgets a
 * grant on `GrantRevoked`); returns a function that stops watching. Events
 * from before the watch started are not replayed: a proxy reconciles what it
 * holds with `getGrant` instead.
 *
 * @example
 * ```ts
 * const stop = watchRegistry(client, { registry, onGrantRevoked: (logs) => logs.forEach(forget) });
 * ```
 */
export function watchRegistry(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: { registry: Address } & RegistryWatchers,
): () => void {
  const handlers = {
    Anchored: params.onAnchored,
    GrantRegistered: params.onGrantRegistered,
    GrantRevoked: params.onGrantRevoked,
    KeyRotated: params.onKeyRotated,
  } as const;
  const interval = params.pollingInterval ?? 1_000;
  // Plain log polling rather than viem's filter watcher: that one uninstalls
  // its filter over RPC before it stops polling, so a watcher stopped just
  // before its node went away polled (and kept its process alive) forever.
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let from: bigint | undefined;
  const tick = async () => {
    try {
      const latest = await getBlockNumber(client, { cacheTime: 0 });
      if (from === undefined) from = latest + 1n;
      else if (latest >= from) {
        const logs = await getContractEvents(client, {
          address: params.registry,
          abi: registryAbi,
          fromBlock: from,
          toBlock: latest,
          strict: true,
        });
        from = latest + 1n;
        if (stopped) return;
        for (const [name, handler] of Object.entries(handlers)) {
          const matching = logs.filter((l) => l.eventName === name);
          if (handler && matching.length > 0) (handler as (logs: unknown[]) => void)(matching);
        }
      }
    } catch (error) {
      if (!stopped) params.onError?.(error as Error);
    }
    if (stopped) return;
    timer = setTimeout(tick, interval);
    // a watcher alone never keeps a process running
    (timer as { unref?: () => void }).unref?.();
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
