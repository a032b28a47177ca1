import { parseArgs } from 'node:util';
import { startLedgerHost } from '../ledger-host/server.js';
import { CliError } from './cli-error.js';

/** `medvault ledger-host --port P --data-dir DIR [--host H]`: serve ledgers until SIGINT/SIGTERM. */
export async function ledgerHost(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const port = Number(values.port ?? 0);
  if (!values['data-dir'] || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('usage: medvault ledger-host --port P --data-dir DIR [--host 127.0.0.1]', 2);
  }
  const host = await startLedgerHost({
    dataDir: values['data-dir'],
    port,
    host: values.host ?? '127.0.0.1',
  });
  process.stdout.write(`ledger-host listening on ${host.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
}
