import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';

/** A service a command starts on a data directory (or, where it can, a database). */
type Start<D> = (
  options: {
    port: number;
    host: string;
  } & D,
) => Promise<{ url: string; close(): Promise<void> }>;

/**
 * `medvault NAME --port P --data-dir DIR [--host H]`: starts the service,
 * prints where it listens, and stops it on SIGINT/SIGTERM. With `database`,
 * `--database URL` may stand instead of `--data-dir` (one of them).
 */
export async function serveCommand<WithDatabase extends boolean = false>(
  name: string,
  args: string[],
  start: Start<
    WithDatabase extends true ? { dataDir?: string; database?: string } : { dataDir: string }
  >,
  accepts: { database?: WithDatabase } = {},
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      ...(accepts.database ? { database: { type: 'string' } } : {}),
    },
    strict: true,
  });
  const database = (values as { database?: string }).database;
  const port = Number(values.port ?? 0);
  const stores = [values['data-dir'], database].filter((v) => v !== undefined).length;
  if (stores !== 1 || !Number.isInteger(port) || port < 0 || port > 65535) {
    const store = accepts.database ? '(--data-dir DIR | --database URL)' : '--data-dir DIR';
    throw new CliError(`usage: medvault ${name} --port P ${store} [--host 127.0.0.1]`, 2);
  }
  const store = database === undefined ? { dataDir: values['data-dir'] as string } : { database };
  const running = await start({
    ...(store as { dataDir: string }),
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

/**
 * Takes every `--public-url URL` (or `--public-url=URL`) out of `args`:
 * the URLs clients reach a service by (behind a proxy or load balancer),
 * each an http(s) URL without query or fragment.
 *
 * @example
 * ```ts
 * takePublicUrls(['--port', '0', '--public-url', 'https://ledgers.example.org']);
 * // { urls: ['https://ledgers.example.org'], rest: ['--port', '0'] }
 * ```
 */
export function takePublicUrls(args: string[]): { urls: string[]; rest: string[] } {
  const urls: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s) as [string, string | undefined];
    if (flag !== '--public-url') {
      rest.push(arg);
      continue;
    }
    const url = inline ?? args[++i];
    if (!url || !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(url)) {
      throw new CliError('--public-url must be an http(s) URL without query or fragment', 2);
    }
    urls.push(url);
  }
  return { urls, rest };
}
