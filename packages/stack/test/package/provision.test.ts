/**
 * The README's test command provisions the machine first
 * (`scripts/provision.mjs`). Where it cannot — not root, or no apt — it stops
 * with one line saying what to install, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from './pack-harness.js';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts/provision.mjs');
const isRoot = process.getuid?.() === 0;

/** Runs the script; its exit code and output. */
async function provision(options: { uid?: number; gid?: number; env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT], {
      ...options,
      env: { ...process.env, ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('scripts/provision.mjs', () => {
  test('with everything present it says nothing and succeeds', async () => {
    const r = await provision({ env: { MEDVAULT_CHROMIUM: process.execPath } });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test.runIf(isRoot)('not root, Chromium missing: one line naming the command to run', async () => {
    const r = await provision({
      uid: 65534,
      gid: 65534,
      env: { MEDVAULT_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'provision: missing /nonexistent/chromium for the browser tests (extension, share button): run `sudo apt-get install -y chromium`, then run the tests again\n',
    );
  });
});
