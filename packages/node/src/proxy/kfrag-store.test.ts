import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CorruptGrantFileError, KfragStore } from './kfrag-store.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'medvault-kfrags-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const key = `03${'22'.repeat(32)}`;
const grant = (id: string) => ({
  grantId: id.repeat(64).slice(0, 64),
  ledgerId: 'ab'.repeat(32),
  ledgerHost: 'http://127.0.0.1:8787',
  patient: key,
  verifyingKey: key,
  reader: key,
  scope: { categories: ['laboratory'] },
  expiresAt: 1_900_000_000_000,
  salt: '5a'.repeat(32),
  kfrags: [{ key: `02${'11'.repeat(32)}`, kfrag: 'cd'.repeat(150) }],
  storedAt: 1,
});

describe('KfragStore', () => {
  test('keeps grants across reopen, forgets on delete', async () => {
    const dir = await tempDir();
    const store = await KfragStore.open(dir);
    await store.put(grant('a'));
    await store.put(grant('b'));
    await store.delete(grant('a').grantId);
    const reopened = await KfragStore.open(dir);
    expect(reopened.size).toBe(1);
    expect(reopened.get(grant('b').grantId)).toEqual(grant('b'));
    expect(reopened.get(grant('a').grantId)).toBeUndefined();
  });

  test('a corrupt grant file stops the proxy from starting, naming the file', async () => {
    const dir = await tempDir();
    const store = await KfragStore.open(dir);
    await store.put(grant('c'));
    await writeFile(join(dir, 'grants', `${grant('c').grantId}.json`), '{"grantId":');
    await expect(KfragStore.open(dir)).rejects.toBeInstanceOf(CorruptGrantFileError);
  });

  test('kill -9 at any moment: every acknowledged grant is there and whole, nothing half-written', async () => {
    const dir = await tempDir();
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'kfrag-store-writer.ts'), dir],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const acknowledged: string[] = [];
      let buffered = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          buffered += d.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          acknowledged.push(...lines);
          if (acknowledged.length >= 20 + round * 7) resolve();
        });
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const store = await KfragStore.open(dir); // parses every file: none is partial
      for (const id of acknowledged) expect(store.get(id)?.kfrags[0]?.kfrag).toHaveLength(600);
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    }
  });
});
