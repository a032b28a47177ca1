/**
 * The chain client the CLI uses: any JSON-RPC URL; the relayer is a key file
 * (`--relayer-key`) or, on a dev node, its first unlocked account.
 */
import { type Address, createWalletClient, http, isAddress, publicActions } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { getChainId } from 'viem/actions';
import { CliError } from './cli-error.js';
import { readKeyFile } from './key-file.js';

/** Parses `--registry`. */
export function registryAddress(value: string | undefined): Address {
  if (!value || !isAddress(value))
    throw new CliError('--registry must be the registry contract address (0x…)', 2);
  return value;
}

/** A client for `rpc` with a relayer account. */
export async function chainClient(rpc: string | undefined, relayerKey?: string) {
  if (!rpc || !/^https?:\/\//.test(rpc))
    throw new CliError('--rpc must be an http(s) JSON-RPC URL', 2);
  const base = createWalletClient({
    transport: http(rpc, { retryCount: 0, timeout: 10_000 }),
  }).extend(publicActions);
  const chainId = await getChainId(base).catch(() => {
    throw new CliError(`the chain RPC at ${rpc} did not answer`);
  });
  const chain = {
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  };
  const client = createWalletClient({
    chain,
    transport: http(rpc, { retryCount: 0, timeout: 10_000 }),
  }).extend(publicActions);
  if (relayerKey) {
    const key = await readKeyFile(relayerKey);
    return {
      client,
      relayer: privateKeyToAccount(`0x${Buffer.from(key.toBEBytes()).toString('hex')}`),
    };
  }
  const [relayer] = await client.getAddresses();
  if (!relayer)
    throw new CliError(
      'the node has no unlocked account: pass --relayer-key KEYFILE (a funded key)',
    );
  return { client, relayer };
}
