import { CliError } from './cli-error.js';

/** Placeholder until the command lands (being written now). */
export async function ledger(_args: string[]): Promise<void> {
  throw new CliError('not implemented yet');
}
