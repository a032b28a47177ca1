import type { Account, Address, Chain, Client, Log, Transport } from 'viem';
import { watchContractEvent } from 'viem/actions';
import { registryAbi } from './registry-artifact.js';

/** Callbacks for registry events; each receives the decoded logs. */
export type RegistryWatchers = {
  onAnchored?: (logs: Log[]) => void;
  onGrantRegistered?: (logs: Log[]) => void;
  onGrantRevoked?: (logs: Log[]) => void;
  onError?: (error: Error) => void;
  /** Polling interval in ms for HTTP transports. */
  pollingInterval?: number;
};

/**
 * Watches the registry's events (a proxy forgets a grant on `GrantRevoked`);
 * returns a function that stops watching.
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
  } as const;
  return watchContractEvent(client, {
    address: params.registry,
    abi: registryAbi,
    pollingInterval: params.pollingInterval,
    onError: params.onError,
    onLogs: (logs) => {
      for (const [name, handler] of Object.entries(handlers)) {
        const matching = logs.filter((l) => (l as { eventName?: string }).eventName === name);
        if (handler && matching.length > 0) handler(matching as Log[]);
      }
    },
  });
}
