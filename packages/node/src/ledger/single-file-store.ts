/**
 * A `LedgerStore` over one `LedgerFile` holding a single ledger — what the
 * CLI's FILE argument is.
 */

import { decodeEntry, type LedgerStore } from '@medvault/core/ledger';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CliError } from '../cli/cli-error.js';
import { LedgerFile } from './ledger-file.js';

/**
 * One ledger, one file.
 *
 * @example
 * ```ts
 * const store = new SingleFileLedgerStore('patient.ledger');
 * const ledger = await Ledger.open(await store.ledgerId(), { store });
 * ```
 */
export class SingleFileLedgerStore implements LedgerStore {
  readonly file: LedgerFile;

  constructor(path: string) {
    this.file = new LedgerFile(path);
  }

  /** The id of the ledger in the file, read from its genesis; undefined for an empty file. */
  async ledgerId(): Promise<Uint8Array | undefined> {
    const [first] = (await this.file.load()).entries;
    return first ? decodeEntry(first).ledger : undefined;
  }

  async #check(ledgerId: Uint8Array): Promise<void> {
    const id = await this.ledgerId();
    if (id && bytesToHex(id) !== bytesToHex(ledgerId)) {
      throw new CliError(
        `${this.file.path} holds ledger ${bytesToHex(id)}, not ${bytesToHex(ledgerId)}`,
      );
    }
  }

  async append(ledgerId: Uint8Array, seq: number, entry: Uint8Array): Promise<void> {
    await this.#check(ledgerId);
    await this.file.appendEntry(seq, entry);
  }

  async entries(_ledgerId: Uint8Array, fromSeq = 0): Promise<Uint8Array[]> {
    return (await this.file.load()).entries.slice(fromSeq);
  }

  async size(): Promise<number> {
    return (await this.file.load()).entries.length;
  }

  async putCheckpoint(ledgerId: Uint8Array, checkpoint: Uint8Array): Promise<void> {
    await this.#check(ledgerId);
    await this.file.appendCheckpoint(checkpoint);
  }

  async checkpoints(): Promise<Uint8Array[]> {
    return [...(await this.file.load()).checkpoints];
  }

  async ledgers(): Promise<Uint8Array[]> {
    const id = await this.ledgerId();
    return id ? [id] : [];
  }
}
