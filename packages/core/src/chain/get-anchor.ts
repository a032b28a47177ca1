import {
  type Account,
  type Address,
  bytesToHex,
  type Chain,
  type Client,
  type Hex,
  type Transport,
} from 'viem';
import { getLogs, readContract } from 'viem/actions';
import { callRegistry } from './call-registry.js';
import { registryAbi } from './registry-artifact.js';
import { addressOfKey } from './typed-data.js';

/** An anchor as found on chain. */
export type Anchor = { size: number; root: Hex; blockNumber: bigint };

const anchoredEvent = registryAbi.find((e) => e.type === 'event' && e.name === 'Anchored');

/**
 * The latest anchor of a ledger by its owner, or the anchor of one `size`
 * (found through the `Anchored` events); `undefined` when there is none.
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
  const ledgerId = bytesToHex(params.ledgerId);
  return callRegistry(async () => {
    if (params.size === undefined) {
      const [size, root, blockNumber] = await readContract(client, {
        address: params.registry,
        abi: registryAbi,
        functionName: 'latestAnchor',
        args: [ledgerId, owner],
      });
      return size === 0n
        ? undefined
        : { size: Number(size), root, blockNumber: BigInt(blockNumber) };
    }
    const logs = await getLogs(client, {
      address: params.registry,
      event: anchoredEvent as Extract<(typeof registryAbi)[number], { name: 'Anchored' }>,
      args: { ledgerId, owner, size: BigInt(params.size) },
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
