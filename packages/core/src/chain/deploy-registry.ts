import type { Account, Address, Chain, Client, Transport } from 'viem';
import { deployContract, waitForTransactionReceipt } from 'viem/actions';
import { callRegistry } from './call-registry.js';
import { MissingAccountError, TransactionFailedError } from './errors.js';
import { registryAbi, registryBytecode } from './registry-artifact.js';

/**
 * Deploys MedVaultRegistry from `account` (default: the client's) and waits
 * for it; returns its address.
 *
 * @example
 * ```ts
 * const registry = await deployRegistry(client, { account: relayer });
 * ```
 */
export async function deployRegistry(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: { account?: Account | Address } = {},
): Promise<Address> {
  return callRegistry(async () => {
    const account = params.account ?? client.account;
    if (!account) throw new MissingAccountError('deployRegistry');
    const hash = await deployContract(client, {
      abi: registryAbi,
      bytecode: registryBytecode,
      account,
      chain: client.chain,
    });
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (!receipt.contractAddress) throw new TransactionFailedError('deployRegistry', hash);
    return receipt.contractAddress;
  });
}
