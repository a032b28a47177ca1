import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';

/** A service a command starts on a data directory. */
type Start = (options: {
  dataDir: string;
  port: number;
  host: string;
}) => Promise<{ url: string; close(): Promise<void> }>;

/**
 * `medvault NAME --port P --data-dir DIR [--host H]`: starts the service,
 * prints where it listens, and stops it on SIGINT/SIGTERM.
 */
export async function serveCommand(name: string, args: string[], start: Start): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const port = Number(values.port ?? 0);
  if (!values['data-dir'] || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`usage: medvault ${name} --port P --data-dir DIR [--host 127.0.0.1]`, 2);
  }
  const running = await start({
    dataDir: values['data-dir'],
    port,
    host: values.host ?? '127.0.0.1',
  });
  process.stdout.write(`${name} listening on ${running.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.close();
}
