/** `medvault chain dev`, `ledger anchor` and `ledger verify --rpc` as real processes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, medvault, ROOT } from './run-cli.js';

async function chainDev(
  stateDir: string,
): Promise<{ proc: ChildProcess; rpc: string; registry: string }> {
  const proc = spawn(process.execPath, [CLI, 'chain', 'dev', '--port', '0', '--state', stateDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d) => {
      out += d;
      const rpc = out.match(/^rpc (\S+)$/m)?.[1];
      const registry = out.match(/^registry (0x[0-9a-fA-F]{40})$/m)?.[1];
      if (rpc && registry) resolve({ proc, rpc, registry });
    });
    proc.once('exit', (code) => reject(new Error(`chain dev exited ${code}`)));
  });
}

async function stop(proc: ChildProcess) {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-chain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('anchor a ledger, verify it against the chain, catch tampering, keep state across restarts', async () => {
  const state = join(dir, 'chain');
  let chain = await chainDev(state);
  try {
    const key = join(dir, 'owner.key');
    const file = join(dir, 'patient.ledger');
    expect((await medvault('keygen', '--out', key)).code).toBe(0);
    expect((await medvault('ledger', 'init', file, '--owner', key)).code).toBe(0);
    const notesTo = (await medvault('keygen', '--out', join(dir, 'notes.key'))).stdout.trim();
    const appended = await medvault(
      'ledger',
      'append',
      file,
      '--kind',
      'emergency',
      '--key',
      key,
      '--notes-to',
      notesTo,
      '--body',
      JSON.stringify({
        grantee: (await medvault('keygen', '--out', join(dir, 'x.key'))).stdout.trim(),
        note: { reason: 'drill' },
        expiresAt: Date.now() + 1e9,
      }),
    );
    expect(appended).toMatchObject({ code: 0, stderr: '' });
    const anchored = await medvault(
      'ledger',
      'anchor',
      file,
      '--key',
      key,
      '--rpc',
      chain.rpc,
      '--registry',
      chain.registry,
    );
    expect(anchored.stderr).toBe('');
    expect(anchored.stdout).toMatch(/^anchored size 2 root [0-9a-f]{64} at block \d+/);
    const block = anchored.stdout.match(/at block (\d+)/)?.[1];

    const verified = await medvault(
      'ledger',
      'verify',
      file,
      '--rpc',
      chain.rpc,
      '--registry',
      chain.registry,
    );
    expect(verified.stdout.trim()).toMatch(
      new RegExp(
        `^verified: 2 entries, root [0-9a-f]{64}, 1 checkpoints, anchored at block ${block} \\(size 2\\)$`,
      ),
    );

    // the chain keeps its state and the registry across a restart
    await stop(chain.proc);
    const before = chain.registry;
    chain = await chainDev(state);
    expect(chain.registry).toBe(before);
    expect(
      (await medvault('ledger', 'verify', file, '--rpc', chain.rpc, '--registry', chain.registry))
        .stdout,
    ).toMatch(/anchored at block/);

    // a rewritten ledger file: the chain catches it
    const tampered = join(dir, 'tampered.ledger');
    await medvault('ledger', 'init', tampered, '--owner', key);
    await writeFile(tampered, await readFile(tampered)); // same owner, another history of another id
    const mismatch = await medvault(
      'ledger',
      'verify',
      tampered,
      '--rpc',
      chain.rpc,
      '--registry',
      chain.registry,
    );
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/CHAIN_NOT_ANCHORED|CHAIN_ANCHOR_MISMATCH/);

    const down = await medvault(
      'ledger',
      'verify',
      file,
      '--rpc',
      'http://127.0.0.1:9',
      '--registry',
      chain.registry,
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/did not answer/);
  } finally {
    await stop(chain.proc);
  }
});
