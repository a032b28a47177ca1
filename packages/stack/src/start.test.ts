/**
 * `npm start` as a newcomer runs it — the real `npm start`, typed in a
 * directory of the repository: the whole stack comes up after a line or
 * two, says where everything is (paths relative to where it was typed),
 * how to load the extension and how to sign in to the clinic, keeps its
 * data where it says, serves both sites, stops cleanly on Ctrl-C, and
 * comes back with the same chain state. `-- --verbose` shows the build.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
let dataDir: string;
const running = new Set<ChildProcess>();
afterAll(async () => {
  // each run is its own process group (npm, sh, node, anvil), as in a terminal
  for (const proc of running)
    try {
      process.kill(-(proc.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * Types `npm start [-- args]` in `cwd` with every port free and `env` on
 * top of this environment; `up` resolves with everything printed (stdout and
 * stderr, in order) once the stack is up, or once it exits.
 */
function npmStart(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // what an outer npm (npm test) or the developer's shell may have set
  for (const name of [
    'INIT_CWD',
    'npm_config_loglevel',
    'MEDVAULT_CLINIC_PASSWORD',
    ...(env.MEDVAULT_DATA_DIR ? [] : ['MEDVAULT_DATA_DIR']),
  ])
    delete fullEnv[name];
  for (const name of [
    'CHAIN',
    'LEDGER_HOST',
    'BLOB',
    'PROXY',
    'HOSPITAL',
    'CLINIC',
    'SHL',
    'PROVIDER',
  ])
    fullEnv[`MEDVAULT_${name}_PORT`] = '0';
  const proc = spawn('npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd,
    env: fullEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let all = '';
  let out = '';
  proc.stdout.on('data', (d) => {
    all += d;
    out += d;
  });
  proc.stderr.on('data', (d) => {
    all += d;
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  // the streams end after the exit event; what was printed last is in them
  const closed = new Promise<void>((r) => proc.once('close', () => r()));
  void exited.then(() => running.delete(proc));
  const up = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up: ${all}`)), 60_000);
    proc.stdout.on('data', () => {
      if (out.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve(all);
      }
    });
    void closed.then(() => {
      clearTimeout(timer);
      resolve(all);
    });
  });
  /** Ctrl-C: SIGINT to the whole group; resolves with everything printed. */
  const stop = async () => {
    process.kill(-(proc.pid as number), 'SIGINT');
    await closed;
    return all;
  };
  return { up, stop, closed: closed.then(() => ({ code: proc.exitCode, all })) };
}

const url = (out: string, label: string) =>
  (
    new RegExp(`${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`).exec(out) as RegExpExecArray
  )[1] as string;

/** The lines printed before the useful block. */
const before = (out: string) =>
  out.slice(0, out.indexOf('MedVault local stack')).split('\n').slice(0, -1);

describe('npm start', () => {
  test('runs the whole stack, prints where it is, stops on Ctrl-C, and keeps its data', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'medvault-start-'));
    // typed in packages/, the data directory given relative to it
    const packages = join(ROOT, 'packages');
    const first = npmStart(packages, [], { MEDVAULT_DATA_DIR: relative(packages, dataDir) });
    const out = await first.up;
    expect(out).toContain('Ctrl-C stops');
    // npm's two-line banner and one line of progress, nothing from the build
    const preamble = before(out).filter((line) => line.trim() !== '');
    expect(preamble.length, preamble.join('\n')).toBeLessThanOrEqual(3);
    expect(preamble.filter((line) => !line.startsWith('> '))).toEqual([
      expect.stringMatching(/^Starting MedVault/),
    ]);
    expect(out).not.toMatch(/Done in|\.staging|\.js\s+\d/);
    // outside the repository: the data directory as an absolute path, and there
    expect(out).toContain(`MedVault local stack (data: ${dataDir})`);
    // anvil writes its state every second: on a busy machine the first write may follow "up"
    for (const file of ['chain/anvil-state.json', 'chain/registry.json', 'proxies/a.key'])
      await expect.poll(() => existsSync(join(dataDir, file)), { message: file }).toBe(true);
    for (const stray of [
      'packages/.medvault',
      'packages/stack/.medvault',
      'packages/node/.medvault',
    ])
      expect(existsSync(join(ROOT, stray)), stray).toBe(false);
    for (const label of ['hospital portal', 'clinic', 'chain', 'ledger host', 'blob service'])
      expect(out, label).toMatch(new RegExp(`${label}\\s+http://127\\.0\\.0\\.1:\\d+`));
    expect(out).toMatch(/proxies \(2 of 3\)(\s+http:\/\/127\.0\.0\.1:\d+){3}/);
    // the extension relative to packages/, where npm start was typed
    expect(out).toMatch(/Chromium\s+extension\/dist\/chrome\s+chrome:\/\/extensions/);
    expect(out).toMatch(/Firefox\s+extension\/dist\/firefox\s+about:debugging/);
    const hospital = await fetch(url(out, 'hospital portal'));
    expect(hospital.status).toBe(200);
    expect(await hospital.text()).toContain('St. Mary’s Hospital');
    const clinicUrl = url(out, 'clinic');
    const clinic = await (await fetch(clinicUrl)).text();
    expect(clinic).toContain('<medvault-share-button');
    // the clinic's API is for its staff, who sign in as printed
    expect((await fetch(`${clinicUrl}/api/grants`)).status).toBe(401);
    const [, username, password] = /clinic staff sign-in\s+(\S+) \/ (\S+)/.exec(out) ?? [];
    expect(username).toBe('staff');
    const signIn = await fetch(`${clinicUrl}/api/session`, {
      method: 'POST',
      headers: { origin: clinicUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(signIn.status).toBe(200);
    const grants = await fetch(`${clinicUrl}/api/grants`, {
      headers: { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string },
    });
    expect(await grants.json()).toEqual([]);
    expect((await fetch(`${url(out, 'blob service')}/health`)).status).toBe(200);
    const registry = /registry (0x[0-9a-fA-F]{40})/.exec(out)?.[1];
    const chainUrl = url(out, 'chain');
    expect(await first.stop()).toMatch(/stopped\n$/);
    // nothing left listening: the chain (anvil, a child of its own) is gone too
    await expect(fetch(chainUrl)).rejects.toThrow();

    // typed at the root with --verbose: the build's output, paths from the
    // root, and the same data directory — the same registry, not a new one
    const second = npmStart(ROOT, ['--verbose'], { MEDVAULT_DATA_DIR: dataDir });
    const again = await second.up;
    expect(again).toContain('Ctrl-C stops');
    expect(/registry (0x[0-9a-fA-F]{40})/.exec(again)?.[1]).toBe(registry);
    expect(again).toMatch(/background\.js\s+\d/); // esbuild's list of bundles
    expect(again).toMatch(/Done in \d+ms/);
    expect(again).toMatch(/extension built in [\d.]+ s/);
    expect(again).toMatch(/Chromium\s+packages\/extension\/dist\/chrome\s/);
    expect(await second.stop()).toMatch(/stopped\n$/);
    await expect(fetch(url(again, 'chain'))).rejects.toThrow();
  }, 120_000);

  test('keeps its data in the repository’s .medvault/ wherever it is typed (--help says where)', async () => {
    const fromPackages = await npmStart(join(ROOT, 'packages'), ['--help']).closed;
    expect(fromPackages.code).toBe(0);
    expect(fromPackages.all).toMatch(/^Data: \.\.\/\.medvault \(MEDVAULT_DATA_DIR\)$/m);
    expect(fromPackages.all).toContain('--verbose');
    // a mistyped option is refused with the same text, here typed at the root
    const wrong = await npmStart(ROOT, ['--verbsoe']).closed;
    expect(wrong.code).toBe(2);
    expect(wrong.all).toContain('unknown option --verbsoe');
    expect(wrong.all).toMatch(/^Data: \.medvault \(MEDVAULT_DATA_DIR\)$/m);
  }, 30_000);
});
