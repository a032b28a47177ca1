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
export const CLI = join(ROOT, 'packages/node/scripts/medvault-dev.js');

/** Exit code, stdout and stderr of one CLI run. */
export type CliResult = { code: number; stdout: string; stderr: string };

/** How to run the CLI: as another user (root only), with more environment. */
export type CliOptions = { uid?: number; gid?: number; env?: NodeJS.ProcessEnv };

/** Runs `medvault ...args` to completion. */
export async function medvault(...args: string[]): Promise<CliResult> {
  return medvaultWith({}, ...args);
}

/** Runs `medvault ...args` to completion with `options`. */
export async function medvaultWith(options: CliOptions, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      ...options,
      env: { ...process.env, ...options.env },
    });
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

/** A `medvault` service running as a child process. */
export type SpawnedService = {
  /** What it printed after "listening on" (its URL, and more for some). */
  match: RegExpMatchArray;
  proc: import('node:child_process').ChildProcess;
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

/** Starts `medvault ...args` and resolves once its stdout matches `ready`. */
export async function spawnService(
  args: string[],
  ready: RegExp = /listening on (http:\/\/\S+)/,
): Promise<SpawnedService> {
  const { spawn } = await import('node:child_process');
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(ready);
      if (m) resolve(m);
    });
    proc.once('exit', (code) =>
      reject(new Error(`medvault ${args[0]} exited with ${code}: ${stderr}`)),
    );
  });
  return {
    match,
    proc,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await exited;
    },
  };
}
