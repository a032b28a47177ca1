import type { Account, Address, Chain, Client, Hex, Transport } from 'viem';
import { getLogs, readContract } from 'viem/actions';
import { callRegistry } from './call-registry.js';
import { ledgerKey } from './commitment.js';
import { registryAbi } from './registry-artifact.js';
import { addressOfKey } from './typed-data.js';

/** An anchor as found on chain. */
export type Anchor = { size: number; root: Hex; blockNumber: bigint };

const anchoredEvent = registryAbi.find((e) => e.type === 'event' && e.name === 'Anchored');

/**
 * The latest anchor of a ledger by its owner, or the anchor of one `size`
 * (found through the `Anchored` events); `undefined` when there is none.
 * Takes the plain ledger id and asks the chain by `ledgerKey(ledgerId)`.
 *
 * @example
 * ```ts
 * const anchor = await getAnchor(client, { registry, ledgerId: ledger.id, owner: ledger.owner });
 * ```
 */
export async function getAnchor(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: { registry: Address; ledgerId: Uint8Array; owner: Uint8Array | Address; size?: number },
): Promise<Anchor | undefined> {
  const owner = params.owner instanceof Uint8Array ? addressOfKey(params.owner) : params.owner;
  const key = ledgerKey(params.ledgerId);
  return callRegistry(async () => {
    if (params.size === undefined) {
      const [size, root, blockNumber] = await readContract(client, {
        address: params.registry,
        abi: registryAbi,
        functionName: 'latestAnchor',
        args: [key, owner],
      });
      return size === 0n
        ? undefined
        : { size: Number(size), root, blockNumber: BigInt(blockNumber) };
    }
    const logs = await getLogs(client, {
      address: params.registry,
      event: anchoredEvent as Extract<(typeof registryAbi)[number], { name: 'Anchored' }>,
      args: { ledgerKey: key, owner, size: BigInt(params.size) },
      fromBlock: 0n,
      toBlock: 'latest',
      strict: true,
    });
    const log = logs.at(-1);
    return log
      ? { size: params.size, root: log.args.root as Hex, blockNumber: log.blockNumber as bigint }
      : undefined;
  });
}
