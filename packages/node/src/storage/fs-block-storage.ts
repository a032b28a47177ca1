/**
 * Blocks as files: `<dir>/blocks/<last two characters of the CID>/<CID>`.
 * Every block is written to `<dir>/tmp/`, fsync'ed, renamed into place and
 * its directory fsync'ed, so a block file is either absent or whole; a blob
 * becomes visible when its root block lands, after all of its other blocks.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlockStorage, CID } from '@medvault/core/storage';
import { cleanTemporaryFiles, writeFileAtomic } from './atomic-file.js';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

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
    await cleanTemporaryFiles(storage.#tmp);
    return storage;
  }

  #path(cid: CID): { file: string } {
    const name = cid.toString();
    return { file: join(this.#blocks, name.slice(-2), name) };
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    if (await this.has(cid)) return;
    await writeFileAtomic(this.#path(cid).file, bytes, this.#tmp);
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
