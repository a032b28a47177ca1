import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCid, IntegrityError } from '@medvault/core/storage';
import { blobStoreContract } from '@medvault/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { FsStore } from './fs-store.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'medvault-fs-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

blobStoreContract('FsStore', async () => FsStore.open(await tempDir()));

/** The bytes fs-store-writer.ts writes. */
function* writerBytes(mib: number) {
  for (let i = 0; i < mib; i++) {
    const chunk = new Uint8Array(1024 * 1024).fill(i & 255);
    chunk[0] = i >> 8;
    yield chunk;
  }
}

describe('FsStore on disk', () => {
  test('a block file edited on disk fails the read with IntegrityError', async () => {
    const dir = await tempDir();
    const store = await FsStore.open(dir);
    const cid = await store.put(new Uint8Array(5000).fill(7));
    const name = cid.toString();
    await writeFile(join(dir, 'blocks', name.slice(-2), name), new Uint8Array(5000).fill(8));
    await expect(store.getRange(cid, 0, 10)).rejects.toBeInstanceOf(IntegrityError);
  });

  test('kill -9 in the middle of a write: no partial blob is visible, no temporary file stays, the write can be redone', async () => {
    const dir = await tempDir();
    const mib = 40;
    const { cid } = await computeCid(writerBytes(mib));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fs-store-writer.ts'), dir, String(mib)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let chunks = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        chunks += d.toString().split('chunk').length - 1;
        if (chunks >= 12) resolve();
      });
      child.on('exit', () => reject(new Error('the writer finished before it was killed')));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const store = await FsStore.open(dir);
    expect(await store.has(cid)).toBe(false);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    const leafDirs = await readdir(join(dir, 'blocks'));
    expect(leafDirs.length).toBeGreaterThan(0); // some leaves had landed

    const again = await store.put(writerBytes(mib));
    expect(again.toString()).toBe(cid.toString());
    expect(await store.size(cid)).toBe(mib * 1024 * 1024);
    const tail = await store.getRange(cid, 39 * 1024 * 1024, 4);
    expect([...tail]).toEqual([0, 39, 39, 39]);
  });
});
