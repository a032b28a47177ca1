import type { Account, Address, Chain, Client, Hash, Transport } from 'viem';
import { simulateContract, waitForTransactionReceipt, writeContract } from 'viem/actions';
import { callRegistry } from './call-registry.js';
import { MissingAccountError, TransactionFailedError } from './errors.js';
import { registryAbi } from './registry-artifact.js';

/** The relayer side of every signed registry call. */
export type RelayParams = {
  /** The registry's address. */
  registry: Address;
  /** Who pays for the transaction (default: the client's account). Any funded account may relay. */
  relayer?: Account | Address;
};

type WriteName = 'anchor' | 'registerGrant' | 'revokeGrant';

/** Sends a signed call as the relayer, waits for it, returns the receipt's block and hash. */
export async function sendSigned(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  relay: RelayParams,
  functionName: WriteName,
  args: readonly unknown[],
): Promise<{ hash: Hash; blockNumber: bigint; gasUsed: bigint }> {
  return callRegistry(async () => {
    const account = relay.relayer ?? client.account;
    if (!account) throw new MissingAccountError(functionName);
    // Simulate first: a call the registry would refuse fails here with its
    // decoded custom error, before any gas is spent.
    const { request } = await simulateContract(client, {
      address: relay.registry,
      abi: registryAbi,
      functionName,
      args: args as never,
      account,
      chain: client.chain,
    });
    const hash = await writeContract(client, request as never);
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== 'success') throw new TransactionFailedError(functionName, hash);
    return { hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
  });
}
