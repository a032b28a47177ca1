/**
 * One ledger in one file: an RFC 8742 CBOR sequence of canonical items, each
 * an entry (a map with `kind`) or a checkpoint (a map with `root`), in the
 * order they were written. Every append is written and fsync'ed before it is
 * acknowledged, so a crash loses at most the item being written; that torn
 * tail is detected on load and reported (`TornEntryError`), never dropped
 * silently — `repair()` drops it explicitly. Bytes that are not a prefix of
 * a CBOR item (corruption, not a crash) are `MalformedLedgerDataError` and
 * are never repaired away.
 */
import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import {
  decodeCanonical,
  decodeSequenceItem,
  SequenceError,
  TornEntryError,
} from '@medvault/core/ledger';

type Loaded = { entries: Uint8Array[]; checkpoints: Uint8Array[]; validBytes: number };

function isCheckpoint(item: Uint8Array): boolean {
  const value = decodeCanonical(item, 'ledger file item') as Record<string, unknown>;
  return value !== null && typeof value === 'object' && 'root' in value;
}

/** Parses a whole file; `torn` is set when it ends inside an item. */
function parse(bytes: Uint8Array): Loaded & { torn: boolean } {
  const entries: Uint8Array[] = [];
  const checkpoints: Uint8Array[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const next = decodeSequenceItem(rest);
    if (next === 'incomplete') break;
    (isCheckpoint(next.item) ? checkpoints : entries).push(Uint8Array.from(next.item));
    rest = next.rest;
  }
  return { entries, checkpoints, validBytes: bytes.length - rest.length, torn: rest.length > 0 };
}

/**
 * A ledger file, opened lazily; appends are serialised.
 *
 * @example
 * ```ts
 * const file = new LedgerFile('patient.ledger');
 * await file.appendEntry(0, genesisBytes);
 * const { entries } = await file.load();
 * ```
 */
export class LedgerFile {
  readonly path: string;
  #loaded: Loaded | undefined;
  #handle: FileHandle | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  /** Reads the file (once); throws `TornEntryError` if it ends with a torn item. */
  async load(): Promise<Loaded> {
    if (this.#loaded) return this.#loaded;
    let bytes: Uint8Array;
    try {
      const handle = await open(this.path, 'r');
      try {
        bytes = new Uint8Array(await handle.readFile());
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      bytes = new Uint8Array(0);
    }
    const parsed = parse(bytes);
    if (parsed.torn) throw new TornEntryError(parsed.entries.length, parsed.validBytes);
    this.#loaded = parsed;
    return parsed;
  }

  /** Cuts a torn tail off the file; returns how many bytes were dropped. */
  async repair(): Promise<number> {
    this.#loaded = undefined;
    try {
      await this.load();
      return 0;
    } catch (error) {
      if (!(error instanceof TornEntryError)) throw error;
      const { size } = await stat(this.path);
      await truncate(this.path, error.offset);
      this.#loaded = undefined;
      await this.load();
      return size - error.offset;
    }
  }

  /** Appends entry `seq` durably; rejects with `SequenceError` unless it is the next one. */
  appendEntry(seq: number, entry: Uint8Array): Promise<void> {
    return this.#append(entry, (loaded) => {
      if (seq !== loaded.entries.length) throw new SequenceError(loaded.entries.length, seq);
      loaded.entries.push(Uint8Array.from(entry));
    });
  }

  /** Appends a checkpoint durably. */
  appendCheckpoint(checkpoint: Uint8Array): Promise<void> {
    return this.#append(checkpoint, (loaded) =>
      loaded.checkpoints.push(Uint8Array.from(checkpoint)),
    );
  }

  #append(item: Uint8Array, record: (loaded: Loaded) => void): Promise<void> {
    const run = this.#queue.then(async () => {
      const loaded = await this.load();
      const before = { e: loaded.entries.length, c: loaded.checkpoints.length };
      record(loaded);
      try {
        this.#handle ??= await open(this.path, 'a');
        await this.#handle.write(item);
        await this.#handle.datasync();
        loaded.validBytes += item.length;
      } catch (error) {
        loaded.entries.length = before.e;
        loaded.checkpoints.length = before.c;
        throw error;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the file handle. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
