import { parseArgs } from 'node:util';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Address } from 'viem';
import { startProxy } from '../proxy/server.js';
import { CliError } from './cli-error.js';
import { readKeyFile } from './key-file.js';

const USAGE =
  'usage: medvault proxy --port P --data-dir DIR --key KEYFILE --rpc URL --registry ADDR [--host 127.0.0.1] [--max-per-key N] [--max-in-flight N]';

/**
 * `medvault proxy …`: one re-encryption proxy until SIGINT/SIGTERM. Prints
 * `proxy listening on URL key HEX` once it accepts requests.
 */
export async function proxy(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      key: { type: 'string' },
      rpc: { type: 'string' },
      registry: { type: 'string' },
      host: { type: 'string' },
      'max-per-key': { type: 'string' },
      'max-in-flight': { type: 'string' },
    },
    strict: true,
  });
  const positive = (name: 'max-per-key' | 'max-in-flight') => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(`--${name} must be a positive integer`, 2);
    return n;
  };
  const port = Number(values.port ?? 0);
  if (
    !values['data-dir'] ||
    !values.key ||
    !values.rpc ||
    !values.registry ||
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535
  ) {
    throw new CliError(USAGE, 2);
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(values.registry)) {
    throw new CliError(
      `--registry ${values.registry} is not an address: expected 0x and 40 hex digits`,
      2,
    );
  }
  const key = await readKeyFile(values.key);
  const running = await startProxy({
    dataDir: values['data-dir'],
    key,
    rpcUrl: values.rpc,
    registry: values.registry as Address,
    port,
    host: values.host ?? '127.0.0.1',
    perKeyPerSecond: positive('max-per-key'),
    maxInFlight: positive('max-in-flight'),
  });
  process.stdout.write(
    `proxy listening on ${running.url} key ${bytesToHex(running.publicKey.toCompressedBytes())}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.close();
}
