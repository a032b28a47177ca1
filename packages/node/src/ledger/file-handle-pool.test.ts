/**
 * The descriptor bound of ledger files: never more than `maxOpen` open, idle
 * handles closed first or after their timeout, a handle in use never closed.
 */
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FileHandlePool } from './file-handle-pool.js';
import { LedgerFile } from './ledger-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-pool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Descriptors this process has open on files under `under` (Linux), or -1 elsewhere. */
async function openUnder(under: string): Promise<number> {
  if (process.platform !== 'linux') return -1;
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((t) => t.startsWith(under)).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FileHandlePool', () => {
  test('appends and reads to 100 files, 20 at a time, with at most 4 open', async () => {
    const pool = new FileHandlePool({ maxOpen: 4 });
    const paths = Array.from({ length: 100 }, (_, i) => join(dir, `f${i}`));
    let peak = 0;
    const track = async () => {
      peak = Math.max(peak, pool.open);
      const fds = await openUnder(join(dir, 'f'));
      expect(fds).toBeLessThanOrEqual(4);
    };
    const work = async (i: number) => {
      const path = paths[i % paths.length] as string;
      await pool.append(path, async (h) => {
        await track();
        await h.write(`${i};`);
      });
      await pool.read(path, async (h) => {
        await track();
        return h.readFile();
      });
    };
    for (let start = 0; start < 300; start += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => work(start + k)));
    }
    expect(peak).toBe(4);
    expect(pool.open).toBeLessThanOrEqual(4);
    for (const [i, path] of paths.entries()) {
      expect((await readFile(path, 'utf8')).split(';').filter(Boolean).map(Number)).toEqual([
        i,
        i + 100,
        i + 200,
      ]);
    }
    await pool.close();
    expect(pool.open).toBe(0);
    expect(await openUnder(join(dir, 'f'))).toBeLessThanOrEqual(0);
  });

  test('a handle in use is never closed to make room: the next open waits for it', async () => {
    const pool = new FileHandlePool({ maxOpen: 1 });
    const a = join(dir, 'busy-a');
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const order: string[] = [];
    const writing = pool.append(a, async (h) => {
      await h.write('first');
      await held; // a write in flight
      await h.write(' still open');
      order.push('a done');
    });
    await sleep(10);
    const other = pool.append(join(dir, 'busy-b'), async (h) => {
      order.push('b opened');
      await h.write('b');
    });
    await sleep(30);
    expect(order).toEqual([]); // b waits: a's handle is in use
    release();
    await Promise.all([writing, other]);
    expect(order).toEqual(['a done', 'b opened']);
    expect(await readFile(a, 'utf8')).toBe('first still open');
    await pool.close();
  });

  test('idle handles close after idleMs; the least recently used goes first', async () => {
    const pool = new FileHandlePool({ maxOpen: 2, idleMs: 50 });
    const [x, y, z] = ['idle-x', 'idle-y', 'idle-z'].map((n) => join(dir, n)) as [
      string,
      string,
      string,
    ];
    await pool.append(x, (h) => h.write('x'));
    await pool.append(y, (h) => h.write('y'));
    expect(pool.kept).toBe(2);
    await pool.append(x, (h) => h.write('x')); // y is now the least recently used
    await pool.append(z, (h) => h.write('z')); // makes room by closing y
    expect(await openUnder(y)).toBeLessThanOrEqual(0);
    expect(pool.open).toBe(2);
    await sleep(120);
    expect(pool.kept).toBe(0);
    expect(pool.open).toBe(0);
    expect(await openUnder(join(dir, 'idle-'))).toBeLessThanOrEqual(0);
    await pool.close();
  });

  test('a failed open gives its slot back', async () => {
    const pool = new FileHandlePool({ maxOpen: 1 });
    await expect(pool.read(join(dir, 'missing'), (h) => h.readFile())).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await expect(
      pool.append(join(dir, 'no-such-dir', 'x'), (h) => h.write('x')),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(pool.open).toBe(0);
    await pool.append(join(dir, 'after-failure'), (h) => h.write('ok'));
    await pool.close();
  });
});

describe('LedgerFile on a shared pool', () => {
  test('an append shows in load() only once written; a wrong seq writes nothing', async () => {
    const pool = new FileHandlePool({ maxOpen: 1 });
    const file = new LedgerFile(join(dir, 'lf.ledger'), pool);
    const item = Uint8Array.from([0xa1, 0x64, 0x6b, 0x69, 0x6e, 0x64, 0x61, 0x78]); // {"kind":"x"}
    const appending = file.appendEntry(0, item);
    expect(file.busy).toBe(true);
    expect((await file.load()).entries).toHaveLength(0);
    await appending;
    expect((await file.load()).entries).toHaveLength(1);
    await expect(file.appendEntry(5, item)).rejects.toMatchObject({ code: 'LEDGER_SEQUENCE' });
    expect((await readFile(file.path)).length).toBe(item.length);
    // another object on the same file (the first forgotten) reads the same
    expect((await new LedgerFile(file.path, pool).load()).entries).toHaveLength(1);
    await file.close();
    expect(file.busy).toBe(false);
    await pool.close();
  });
});
