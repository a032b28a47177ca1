/**
 * Blocks as files: `<dir>/blocks/<last two characters of the CID>/<CID>`.
 * Every block is written to `<dir>/tmp/` and renamed into place, so a block
 * file is either absent or whole. `put` also fsyncs the file and its
 * directory before it resolves; `stage` leaves that to `flush`, so a blob's
 * many leaves reach the disk together (one barrier instead of two fsyncs
 * per leaf in the write path). A blob becomes visible when its root block
 * lands, after all of its other blocks are durable.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlockStorage, CID } from '@medvault/core/storage';
import { cleanTemporaryFiles, syncFiles, writeFileAtomic, writeFileStaged } from './atomic-file.js';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** A `BlockStorage` in a directory. Use `FsBlockStorage.open`. */
export class FsBlockStorage implements BlockStorage {
  readonly #blocks: string;
  readonly #tmp: string;
  /** Background fsyncs of staged block files, awaited by `flush`. */
  readonly #syncing: Promise<void>[] = [];
  /** Directories that staged blocks were renamed into, fsync'ed by `flush`. */
  readonly #unsyncedDirs = new Set<string>();
  /** Shard directories known to exist. */
  readonly #made = new Set<string>();

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

  /**
   * Writes the block file without waiting for the disk: its fsync starts in
   * the background, so the disk works while the next blocks are made, and
   * `flush` waits for what is left.
   */
  async stage(cid: CID, parts: readonly Uint8Array[]): Promise<void> {
    const { file } = this.#path(cid);
    await this.#mkdirOnce(dirname(file));
    await writeFileStaged(file, parts, this.#tmp);
    const syncing = syncFiles([file], { dirs: false });
    syncing.catch(() => {}); // reported by flush
    this.#syncing.push(syncing);
    this.#unsyncedDirs.add(dirname(file));
  }

  /** Makes every staged block durable: each file fsync'ed, then each of their directories once. */
  async flush(): Promise<void> {
    const syncing = this.#syncing.splice(0);
    const dirs = [...this.#unsyncedDirs];
    this.#unsyncedDirs.clear();
    await Promise.all(syncing);
    await syncFiles(dirs);
  }

  /** Creates a shard directory once per process (it is never removed). */
  async #mkdirOnce(dir: string): Promise<void> {
    if (this.#made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#made.add(dir);
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
