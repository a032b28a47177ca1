/**
 * `medvault chain dev`: a local chain with the registry deployed, kept
 * across restarts (anvil's state file plus the registry address).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deployRegistry, MissingAccountError } from '@medvault/core/chain';
import {
  type Address,
  type Chain,
  type Client,
  createWalletClient,
  type HttpTransport,
  http,
  type PublicActions,
  publicActions,
  type WalletActions,
  type WalletRpcSchema,
} from 'viem';
import { getBytecode, getChainId } from 'viem/actions';
import { foundry } from 'viem/chains';
import { type RunningAnvil, startAnvil } from './anvil.js';

/** A running dev chain. */
export type DevChain = { rpcUrl: string; chainId: number; registry: Address; anvil: RunningAnvil };

/** A viem client of a dev chain: wallet and public actions over HTTP. */
export type DevClient = Client<
  HttpTransport,
  Chain,
  undefined,
  WalletRpcSchema,
  WalletActions<Chain> & PublicActions<HttpTransport, Chain>
>;

/** A viem client for a dev chain that relays with the node's first unlocked account. */
export async function devClient(rpcUrl: string): Promise<{ client: DevClient; relayer: Address }> {
  const client = createWalletClient({
    chain: foundry,
    transport: http(rpcUrl, { retryCount: 0 }),
  }).extend(publicActions);
  const [relayer] = await client.getAddresses();
  if (!relayer) throw new MissingAccountError(`the dev chain at ${rpcUrl} (no unlocked account)`);
  return { client, relayer };
}

/** Starts anvil (state under `stateDir` when given) and deploys the registry once. */
export async function startDevChain(
  options: { port?: number; stateDir?: string } = {},
): Promise<DevChain> {
  const stateFile = options.stateDir ? join(options.stateDir, 'anvil-state.json') : undefined;
  const metaFile = options.stateDir ? join(options.stateDir, 'registry.json') : undefined;
  if (options.stateDir) await mkdir(options.stateDir, { recursive: true });
  const anvil = await startAnvil({ port: options.port, stateFile });
  try {
    const { client, relayer } = await devClient(anvil.rpcUrl);
    let registry: Address | undefined;
    if (metaFile) {
      const saved = await readFile(metaFile, 'utf8').then(JSON.parse, () => undefined);
      if (saved?.registry && (await getBytecode(client, { address: saved.registry })))
        registry = saved.registry;
    }
    registry ??= await deployRegistry(client, { account: relayer });
    if (metaFile) await writeFile(metaFile, `${JSON.stringify({ registry }, null, 2)}\n`);
    return { rpcUrl: anvil.rpcUrl, chainId: await getChainId(client), registry, anvil };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
