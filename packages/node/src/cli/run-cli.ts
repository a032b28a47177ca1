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

/** Runs `medvault ...args` to completion, keeping stdout as bytes. */
export async function medvaultBinary(
  ...args: string[]
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const options = { cwd: ROOT, encoding: 'buffer' as const, maxBuffer: 256 * 1024 * 1024 };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], options);
    return { code: 0, stdout, stderr: stderr.toString() };
  } catch (error) {
    const e = error as { code: number; stdout: Buffer; stderr: Buffer };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr.toString() };
  }
}
