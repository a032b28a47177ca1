/**
 * Blocks as files: `<dir>/blocks/<last two characters of the CID>/<CID>`.
 * Every block is written to `<dir>/tmp/`, fsync'ed, renamed into place and
 * its directory fsync'ed, so a block file is either absent or whole; a blob
 * becomes visible when its root block lands, after all of its other blocks.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlockStorage, CID } from '@medvault/core/storage';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A `BlockStorage` in a directory. Use `FsBlockStorage.open`. */
export class FsBlockStorage implements BlockStorage {
  readonly #blocks: string;
  readonly #tmp: string;

  private constructor(dir: string) {
    this.#blocks = join(dir, 'blocks');
    this.#tmp = join(dir, 'tmp');
  }

  /**
   * Opens (creating) the store in `dir` and removes the temporary files of
   * writers that are gone (a crash); they were never visible as blocks.
   * Writers still running (another process on the same directory) keep theirs.
   */
  static async open(dir: string): Promise<FsBlockStorage> {
    const storage = new FsBlockStorage(dir);
    await mkdir(storage.#blocks, { recursive: true });
    await mkdir(storage.#tmp, { recursive: true });
    for (const name of await readdir(storage.#tmp)) {
      const pid = Number(name.split('.')[0]);
      if (!Number.isSafeInteger(pid) || !isRunning(pid)) {
        await rm(join(storage.#tmp, name), { force: true });
      }
    }
    return storage;
  }

  #path(cid: CID): { shard: string; file: string } {
    const name = cid.toString();
    const shard = join(this.#blocks, name.slice(-2));
    return { shard, file: join(shard, name) };
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    const { shard, file } = this.#path(cid);
    if (await this.has(cid)) return;
    await mkdir(shard, { recursive: true });
    const temp = join(this.#tmp, `${process.pid}.${randomBytes(6).toString('hex')}`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await fsyncDir(shard);
  }

  async get(cid: CID): Promise<Uint8Array | undefined> {
    try {
      const buffer = await readFile(this.#path(cid).file);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(cid: CID): Promise<boolean> {
    try {
      return (await stat(this.#path(cid).file)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(cid: CID): Promise<void> {
    try {
      await unlink(this.#path(cid).file);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Names of leftover temporary files (for tests: empty after `open`). */
  async temporaryFiles(): Promise<string[]> {
    return readdir(this.#tmp);
  }
}
