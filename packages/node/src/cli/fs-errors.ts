/**
 * File-system failures as one line a person can act on: what could not be
 * done, to which path, and what was expected.
 */
import { CliError } from './cli-error.js';

const REASONS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
};

/**
 * The errno code of a Node file-system error, or of the first one among its
 * causes (a store wraps what the disk said), if there is one.
 */
export function errnoOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as Error).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/**
 * `error` as a `CliError` saying `action` failed on `path` and why, or
 * `error` itself when it is not a file-system failure.
 */
export function fsFailure(error: unknown, action: string, path: string, expected: string): unknown {
  const code = errnoOf(error);
  if (!code) return error;
  const reason = REASONS[code] ?? (error as Error).message.split('\n')[0];
  return new CliError(`cannot ${action} ${path}: ${reason} (${code}); expected ${expected}`);
}
