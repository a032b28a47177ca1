import { BaseError } from '@medvault/core/errors';

/**
 * An error the CLI reports as its message alone, on one line, exiting with
 * `exitCode` (2: the command line was wrong).
 *
 * @example
 * ```ts
 * throw new CliError('usage: medvault keygen --out FILE', 2);
 * ```
 */
export class CliError extends BaseError {
  static override readonly code = 'CLI_FAILED';
  override readonly name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
