import type { Account, Address, Chain, Client, Hash, Transport } from 'viem';
import {
  getBlock,
  getChainId,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from 'viem/actions';
import type { SecretKey } from '../pre/keys.js';
import { callRegistry } from './call-registry.js';
import { MissingAccountError, RegistryRevertError, TransactionFailedError } from './errors.js';
import { registryAbi } from './registry-artifact.js';
import { ownerAccount, registryDomain, registryTypes } from './typed-data.js';

/** The relayer side of every signed registry call. */
export type RelayParams = {
  /** The registry's address. */
  registry: Address;
  /** Who pays for the transaction (default: the client's account). Any funded account may relay. */
  relayer?: Account | Address;
};

/**
 * The signer side of every signed registry call.
 *
 * @example
 * ```ts
 * await anchorCheckpoint(client, { registry, checkpoint, owner, deadline: Date.now() + 600_000 });
 * ```
 */
export type SignatureParams = {
  /**
   * Until when the owner's signature is good, ms since the epoch (the
   * registry compares it, in seconds, with block time). Default: one hour
   * after the later of this machine's clock and the chain's latest block.
   */
  deadline?: number;
};

/**
 * What a relayed call left on chain.
 *
 * @example
 * ```ts
 * const { hash, blockNumber, gasUsed }: SentCall = await anchorCheckpoint(client, params);
 * ```
 */
export type SentCall = { hash: Hash; blockNumber: bigint; gasUsed: bigint };

type WriteName = 'anchor' | 'registerGrant' | 'revokeGrant' | 'revokeGrantOf' | 'rotateKey';

const HOUR_MS = 3_600_000;

/** The signature's deadline in seconds, from `deadline` (ms) or the default. */
export async function deadlineSeconds(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  deadline: number | undefined,
): Promise<bigint> {
  if (deadline !== undefined) return BigInt(Math.floor(deadline / 1000));
  // The chain's clock judges the deadline; a dev chain moved ahead of this
  // machine's clock (or a machine whose clock is behind) must not make every
  // default signature arrive already expired.
  const latest = await callRegistry(() => getBlock(client, { blockTag: 'latest' }));
  const now = Math.max(Date.now(), Number(latest.timestamp) * 1000);
  return BigInt(Math.floor((now + HOUR_MS) / 1000));
}

/** The owner's EIP-712 signature of one registry call. */
export async function signCall<P extends keyof typeof registryTypes>(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  registry: Address,
  owner: SecretKey,
  primaryType: P,
  message: Record<string, unknown>,
) {
  const chainId = await callRegistry(() => getChainId(client));
  return ownerAccount(owner).signTypedData({
    domain: registryDomain(chainId, registry),
    types: registryTypes,
    primaryType,
    message,
  } as never);
}

/**
 * Whether an error of a write may mean "the registry's state already is what
 * was asked" (the contract's error `name`, or a transaction that failed once
 * mined): the caller then reads the state to decide.
 */
export const refusedOrFailed = (error: unknown, name: string) =>
  (error instanceof RegistryRevertError && error.errorName === name) ||
  error instanceof TransactionFailedError;

/** Sends a signed call as the relayer, waits for it, returns the receipt's block and hash. */
export async function sendSigned(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  relay: RelayParams,
  functionName: WriteName,
  args: readonly unknown[],
): Promise<SentCall> {
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
