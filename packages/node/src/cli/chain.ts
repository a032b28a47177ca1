import { parseArgs } from 'node:util';
import { startDevChain } from '../chain/dev-chain.js';
import { CliError } from './cli-error.js';

/** `medvault chain dev [--port P] [--state DIR]`: a local EVM node with the registry deployed. */
export async function chain(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'dev') throw new CliError('usage: medvault chain dev [--port P] [--state DIR]', 2);
  const { values } = parseArgs({
    args: rest,
    options: { port: { type: 'string' }, state: { type: 'string' } },
    strict: true,
  });
  const port = Number(values.port ?? 8545);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError('--port must be a port number', 2);
  const dev = await startDevChain({ port, stateDir: values.state });
  process.stdout.write(`rpc ${dev.rpcUrl}\nchain-id ${dev.chainId}\nregistry ${dev.registry}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dev.anvil.stop();
}
