/**
 * Test support: workspaces packed with `npm pack` and installed from their
 * tarballs into a fresh project outside the repository, as a user gets them
 * from the registry. Dependencies come from the registry, through the
 * machine's npm cache (`--prefer-offline`).
 *
 * @example
 * ```ts
 * await buildWorkspaces(['@medvault/core', '@medvault/node']);
 * const project = await packAndInstall(['@medvault/core', '@medvault/node']);
 * const result = await project.run('node', ['-e', "require('@medvault/core')"]);
 * expect(result.code, result.stderr).toBe(0);
 * await project.cleanup();
 * ```
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository root (the npm workspaces root). */
export const REPO_ROOT = join(import.meta.dirname, '../../../..');

/** The repository's TypeScript compiler: run it as `node TSC …`. */
export const TSC = join(
  dirname(createRequire(join(REPO_ROOT, 'package.json')).resolve('typescript/package.json')),
  'bin/tsc',
);

/** Exit code (null if killed by a signal), stdout and stderr of one process. */
export type RunResult = { code: number | null; stdout: string; stderr: string };

/** Where and how long a process runs. */
export type RunOptions = { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number };

/**
 * npm settings a parent npm (`npm test -w …`, say) exports to its scripts'
 * environment that would point a child npm at another project or workspace.
 */
const FOREIGN_NPM_CONFIG =
  /^npm_config_(workspaces?|include_workspace_root|global|location|prefix|dry_run|json)$/i;

/** This process's environment without the npm settings above. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !FOREIGN_NPM_CONFIG.test(key)),
  );
}

/** Runs `command args` to completion (no shell) and resolves with its result, whatever its exit code. */
export function runCommand(
  command: string,
  args: readonly string[],
  { cwd, env = childEnv(), timeoutMs = 120_000 }: RunOptions,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like runCommand, but throws (with the output) unless the command exits with 0. */
async function runOrThrow(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** Runs each workspace's `build` script (`npm run build -w …`), one after the other. */
export async function buildWorkspaces(workspaces: readonly string[]): Promise<void> {
  for (const workspace of workspaces) {
    await runOrThrow('npm', ['run', 'build', '-w', workspace], {
      cwd: REPO_ROOT,
      timeoutMs: 600_000,
    });
  }
}

/** A fresh project with packed workspaces installed. */
export type PackedProject = {
  /** The project's directory (its `node_modules` holds the packed workspaces). */
  dir: string;
  /** The tarballs `npm pack` wrote, by file path. */
  tarballs: string[];
  /** Runs `command args` with the project as working directory. */
  run(command: string, args: readonly string[], timeoutMs?: number): Promise<RunResult>;
  /** Removes the project and the tarballs. */
  cleanup(): Promise<void>;
};

/**
 * Packs `workspaces` (built already: packing runs no scripts) and installs
 * all their tarballs together into one fresh project under the OS temp
 * folder, so a packed workspace depending on another (`@medvault/node` on
 * `@medvault/core`) gets the packed one. `type` is the project's
 * package.json "type" (default commonjs: `node -e` code is CommonJS).
 */
export async function packAndInstall(
  workspaces: readonly string[],
  { type = 'commonjs' }: { type?: 'commonjs' | 'module' } = {},
): Promise<PackedProject> {
  const root = await mkdtemp(join(tmpdir(), 'medvault-pack-'));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const packs = join(root, 'tarballs');
    const dir = join(root, 'project');
    await mkdir(packs);
    await mkdir(dir);
    await runOrThrow(
      'npm',
      [
        'pack',
        ...workspaces.flatMap((w) => ['-w', w]),
        '--pack-destination',
        packs,
        '--ignore-scripts',
      ],
      { cwd: REPO_ROOT },
    );
    const tarballs = (await readdir(packs))
      .filter((f) => f.endsWith('.tgz'))
      .map((f) => join(packs, f));
    if (tarballs.length !== workspaces.length) {
      throw new Error(`npm pack wrote ${tarballs.length} tarballs for ${workspaces.length}`);
    }
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'medvault-packed-consumer', private: true, type }, null, 2)}\n`,
    );
    await runOrThrow(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        ...tarballs,
      ],
      { cwd: dir, timeoutMs: 600_000 },
    );
    return {
      dir,
      tarballs,
      run: (command, args, timeoutMs) => runCommand(command, args, { cwd: dir, timeoutMs }),
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
