/**
 * Runs the real `medvault` CLI as a child process (for tests).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The repository root. */
export const ROOT = join(import.meta.dirname, '../../../..');
/** The CLI's entry point. */
export const CLI = join(ROOT, 'packages/node/bin/medvault.js');

/** Exit code, stdout and stderr of one CLI run. */
export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs `medvault ...args` to completion. */
export async function medvault(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
