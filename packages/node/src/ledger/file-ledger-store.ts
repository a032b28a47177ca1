/**
 * A `LedgerStore` on disk: one `LedgerFile` per ledger in a directory,
 * named `<ledger id hex>.ledger`, their descriptors from one bounded
 * `FileHandlePool` and their contents cached for the most recently used.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerStore } from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { FileHandlePool } from './file-handle-pool.js';
import { LedgerFile } from './ledger-file.js';

const SUFFIX = '.ledger';

/** Options of `FileLedgerStore`. */
export type FileLedgerStoreOptions = {
  /** Ledger files open at once, at most (default 64): see `FileHandlePool`. */
  maxOpenFiles?: number;
  /** A ledger file unused this long is closed, ms (default 30 000). */
  idleMs?: number;
  /**
   * Ledger files whose contents are kept in memory (default 1 024); beyond
   * it the least recently used idle one is forgotten and read again when
   * needed.
   */
  maxCachedFiles?: number;
};

/**
 * Durable ledger storage for the ledger host and the CLI. However many
 * ledgers it holds, it keeps at most `maxOpenFiles` descriptors open and
 * `maxCachedFiles` files' contents in memory.
 *
 * @example
 * ```ts
 * const store = new FileLedgerStore('/var/lib/medvault/ledgers', { maxOpenFiles: 64 });
 * const ledger = await Ledger.open(ledgerId, { store });
 * await store.close();
 * ```
 */
export class FileLedgerStore implements LedgerStore {
  readonly dir: string;
  readonly #pool: FileHandlePool;
  readonly #maxCached: number;
  /** Files by ledger id hex, least recently used first. */
  readonly #files = new Map<string, LedgerFile>();

  constructor(dir: string, options: FileLedgerStoreOptions = {}) {
    this.dir = dir;
    this.#pool = new FileHandlePool({ maxOpen: options.maxOpenFiles, idleMs: options.idleMs });
    this.#maxCached = options.maxCachedFiles ?? 1024;
  }

  /** Descriptors of ledger files open now (at most `maxOpenFiles`). */
  get openFiles(): number {
    return this.#pool.open;
  }

  /** Ledger files whose contents are in memory now. */
  get cachedFiles(): number {
    return this.#files.size;
  }

  /** The file of one ledger. */
  file(ledgerId: Uint8Array): LedgerFile {
    const key = bytesToHex(ledgerId);
    let file = this.#files.get(key);
    if (file) {
      this.#files.delete(key);
    } else {
      file = new LedgerFile(join(this.dir, `${key}${SUFFIX}`), this.#pool);
    }
    this.#files.set(key, file);
    this.#evict();
    return file;
  }

  /** Whether the ledger has a file with anything in it (without reading it). */
  async has(ledgerId: Uint8Array): Promise<boolean> {
    try {
      return (await stat(join(this.dir, `${bytesToHex(ledgerId)}${SUFFIX}`))).size > 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async append(ledgerId: Uint8Array, seq: number, entry: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.file(ledgerId).appendEntry(seq, entry);
  }

  async entries(ledgerId: Uint8Array, fromSeq = 0): Promise<Uint8Array[]> {
    return (await this.file(ledgerId).load()).entries.slice(fromSeq);
  }

  async size(ledgerId: Uint8Array): Promise<number> {
    return (await this.file(ledgerId).load()).entries.length;
  }

  async putCheckpoint(ledgerId: Uint8Array, checkpoint: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.file(ledgerId).appendCheckpoint(checkpoint);
  }

  async checkpoints(ledgerId: Uint8Array): Promise<Uint8Array[]> {
    return [...(await this.file(ledgerId).load()).checkpoints];
  }

  async ledgers(): Promise<Uint8Array[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((n) => /^[0-9a-f]{64}\.ledger$/.test(n))
      .map((n) => hexToBytes(n.slice(0, -SUFFIX.length)));
  }

  /** Waits for the appends queued, then closes every open file. */
  async close(): Promise<void> {
    await Promise.all([...this.#files.values()].map((f) => f.close()));
    await this.#pool.close();
  }

  /** Forgets the least recently used idle files beyond `maxCachedFiles` (busy ones stay). */
  #evict(): void {
    if (this.#files.size <= this.#maxCached) return;
    for (const [key, file] of this.#files) {
      if (this.#files.size <= this.#maxCached) return;
      if (!file.busy) this.#files.delete(key);
    }
  }
}
