/**
 * `npm start` as a newcomer runs it: the whole stack comes up, says where
 * everything is, how to load the extension and how to sign in to the
 * clinic, serves both sites, stops cleanly on Ctrl-C, and comes back with
 * the same chain state.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
let dataDir: string;
const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs start.ts with every port free; resolves with what it printed once it is up. */
function start() {
  const env: NodeJS.ProcessEnv = { ...process.env, MEDVAULT_DATA_DIR: dataDir };
  for (const name of ['CHAIN', 'LEDGER_HOST', 'BLOB', 'PROXY', 'HOSPITAL', 'CLINIC'])
    env[`MEDVAULT_${name}_PORT`] = '0';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'packages/stack/src/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => {
    out += d;
  });
  proc.stderr.on('data', (d) => {
    err += d;
  });
  const up = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not come up: ${out} ${err}`)),
      60_000,
    );
    proc.once('exit', () => clearTimeout(timer));
    proc.stdout.on('data', () => {
      if (out.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    proc.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${err}`)));
  });
  const stop = async () => {
    const exited = new Promise<number | string | null>((r) =>
      proc.once('exit', (code, signal) => r(code ?? signal)),
    );
    proc.kill('SIGINT');
    return { code: await exited, out: () => out, err: () => err };
  };
  return { up, stop };
}

const url = (out: string, label: string) =>
  (
    new RegExp(`${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`).exec(out) as RegExpExecArray
  )[1] as string;

describe('npm start', () => {
  test('runs the whole stack, prints where it is, stops on Ctrl-C, and keeps its data', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'medvault-start-'));
    const first = start();
    const out = await first.up;
    for (const label of ['hospital portal', 'clinic', 'chain', 'ledger host', 'blob service'])
      expect(out, label).toMatch(new RegExp(`${label}\\s+http://127\\.0\\.0\\.1:\\d+`));
    expect(out).toMatch(/proxies \(2 of 3\)(\s+http:\/\/127\.0\.0\.1:\d+){3}/);
    expect(out).toMatch(/Chromium\s+packages\/extension\/dist\/chrome\s+chrome:\/\/extensions/);
    expect(out).toMatch(/Firefox\s+packages\/extension\/dist\/firefox/);
    console.error('up');
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
    console.error('fetched');
    const registry = /registry (0x[0-9a-fA-F]{40})/.exec(out)?.[1];
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.out()).toMatch(/stopped\n$/);
    console.error('stopped');
    // the same data directory: the same registry, not a new deployment
    const second = start();
    expect(/registry (0x[0-9a-fA-F]{40})/.exec(await second.up)?.[1]).toBe(registry);
    expect((await second.stop()).code).toBe(0);
  }, 120_000);
});
