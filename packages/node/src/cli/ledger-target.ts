import { CliError } from './cli-error.js';

/**
 * `--to-ledger HOST/LEDGERID` as the ledger host's URL and the ledger id
 * (lower case); a usage error (exit 2) saying what was expected otherwise.
 *
 * @example
 * ```ts
 * ledgerTarget(`http://127.0.0.1:8787/${'ab'.repeat(32)}`); // { host: 'http://127.0.0.1:8787', ledgerId: 'abab…' }
 * ```
 */
export function ledgerTarget(where: string): { host: string; ledgerId: string } {
  const match = /^(https?:\/\/.+)\/([0-9a-fA-F]{64})$/.exec(where);
  if (!match) {
    throw new CliError(
      `--to-ledger ${JSON.stringify(where.slice(0, 120))} is not HOST/LEDGERID: expected the ledger host's URL, a slash and the 64-hex-digit ledger id`,
      2,
    );
  }
  return { host: match[1] as string, ledgerId: (match[2] as string).toLowerCase() };
}
