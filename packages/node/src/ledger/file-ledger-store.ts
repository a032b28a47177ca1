/**
 * A `LedgerStore` on disk: one `LedgerFile` per ledger in a directory,
 * named `<ledger id hex>.ledger`.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerStore } from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { LedgerFile } from './ledger-file.js';

const SUFFIX = '.ledger';

/**
 * Durable ledger storage for the ledger host and the CLI.
 *
 * @example
 * ```ts
 * const store = new FileLedgerStore('/var/lib/medvault/ledgers');
 * const ledger = await Ledger.open(ledgerId, { store });
 * ```
 */
export class FileLedgerStore implements LedgerStore {
  readonly dir: string;
  readonly #files = new Map<string, LedgerFile>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The file of one ledger. */
  file(ledgerId: Uint8Array): LedgerFile {
    const key = bytesToHex(ledgerId);
    let file = this.#files.get(key);
    if (!file) {
      file = new LedgerFile(join(this.dir, `${key}${SUFFIX}`));
      this.#files.set(key, file);
    }
    return file;
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
      .filter((n) => n.endsWith(SUFFIX))
      .map((n) => hexToBytes(n.slice(0, -SUFFIX.length)));
  }

  /** Closes every open file. */
  async close(): Promise<void> {
    await Promise.all([...this.#files.values()].map((f) => f.close()));
  }
}
