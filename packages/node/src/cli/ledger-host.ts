import { DatabaseUnreachableError, SchemaTooNewError } from '../ledger/pg-schema.js';
import { type LedgerHostOptions, startLedgerHost } from '../ledger-host/server.js';
import { CliError } from './cli-error.js';
import { serveCommand, takePublicUrls } from './serve-command.js';

/** The limit flags and the option each sets (docs/spec/ledger-host-api.md § Limits). */
const LIMIT_FLAGS = {
  '--max-open-ledgers': 'maxOpenLedgers',
  '--max-cached-ledgers': 'maxCachedLedgers',
  '--creates-per-minute': 'createsPerMinute',
  '--writes-per-minute': 'writesPerMinute',
} as const satisfies Record<string, keyof LedgerHostOptions>;

type Limits = Partial<Pick<LedgerHostOptions, (typeof LIMIT_FLAGS)[keyof typeof LIMIT_FLAGS]>>;

/**
 * `medvault ledger-host --port P (--data-dir DIR | --database URL) [--host H] [--public-url URL]… [--max-open-ledgers N]
 * [--max-cached-ledgers N] [--creates-per-minute N] [--writes-per-minute N]`:
 * serve ledgers until SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await ledgerHost(['--port', '8787', '--data-dir', './ledgers', '--creates-per-minute', '30']);
 * ```
 */
export function ledgerHost(args: string[]): Promise<void> {
  const { urls: publicUrls, rest: others } = takePublicUrls(args);
  const { limits, rest } = takeLimits(others);
  return serveCommand(
    'ledger-host',
    rest,
    async (options) => {
      try {
        return await startLedgerHost({ ...options, ...limits, publicUrls });
      } catch (error) {
        // an operator's mistake, said in one line: no stack trace
        if (error instanceof DatabaseUnreachableError || error instanceof SchemaTooNewError)
          throw new CliError(`ledger-host: ${error.shortMessage}`);
        throw error;
      }
    },
    { database: true },
  );
}

/** The limit flags (`--flag N` or `--flag=N`, N a positive integer), and the other arguments. */
function takeLimits(args: string[]): { limits: Limits; rest: string[] } {
  const limits: Limits = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s) as [string, string | undefined];
    if (!(flag in LIMIT_FLAGS)) {
      rest.push(arg);
      continue;
    }
    const raw = inline ?? args[++i];
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n) || n < 1) {
      throw new CliError(`${flag} must be a positive integer`, 2);
    }
    limits[LIMIT_FLAGS[flag as keyof typeof LIMIT_FLAGS]] = n;
  }
  return { limits, rest };
}
