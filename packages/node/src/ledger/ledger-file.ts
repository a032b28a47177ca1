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
import { stat, truncate } from 'node:fs/promises';
import {
  decodeCanonical,
  decodeSequenceItem,
  SequenceError,
  TornEntryError,
} from '@medvault/core/ledger';
import { FileHandlePool } from './file-handle-pool.js';

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
 * A ledger file, opened lazily; appends are serialised. Its descriptors come
 * from a `FileHandlePool` (shared by a store's files, or its own): the
 * append handle stays open between writes only as long as the pool allows.
 * What `load` returns is only what is durable — an append shows once it is
 * fsync'ed.
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
  readonly #pool: FileHandlePool;
  readonly #ownPool: boolean;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** Appends queued or running, and loads running. */
  #pending = 0;

  constructor(path: string, pool?: FileHandlePool) {
    this.path = path;
    this.#ownPool = pool === undefined;
    this.#pool = pool ?? new FileHandlePool({ maxOpen: 2 });
  }

  /** True while an append or a load is queued or running: the file must not be dropped. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** Reads the file (once); throws `TornEntryError` if it ends with a torn item. */
  load(): Promise<Loaded> {
    if (this.#loaded) return Promise.resolve(this.#loaded);
    if (!this.#loading) {
      this.#pending += 1;
      this.#loading = this.#read().finally(() => {
        this.#pending -= 1;
        this.#loading = undefined;
      });
    }
    return this.#loading;
  }

  async #read(): Promise<Loaded> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await this.#pool.read(this.path, (handle) => handle.readFile()));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      bytes = new Uint8Array(0);
    }
    const parsed = parse(bytes);
    if (parsed.torn) throw new TornEntryError(parsed.entries.length, parsed.validBytes);
    this.#loaded = {
      entries: parsed.entries,
      checkpoints: parsed.checkpoints,
      validBytes: parsed.validBytes,
    };
    return this.#loaded;
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
    return this.#append(
      entry,
      (loaded) => {
        if (seq !== loaded.entries.length) throw new SequenceError(loaded.entries.length, seq);
      },
      (loaded) => loaded.entries.push(Uint8Array.from(entry)),
    );
  }

  /** Appends a checkpoint durably. */
  appendCheckpoint(checkpoint: Uint8Array): Promise<void> {
    return this.#append(
      checkpoint,
      () => {},
      (loaded) => loaded.checkpoints.push(Uint8Array.from(checkpoint)),
    );
  }

  /**
   * Checks `item` against what is loaded, writes and fsyncs it, and only
   * then records it. A failed write is cut off again, so that it cannot
   * become a torn tail under later appends.
   */
  #append(
    item: Uint8Array,
    check: (loaded: Loaded) => void,
    record: (loaded: Loaded) => void,
  ): Promise<void> {
    this.#pending += 1;
    const run = this.#queue.then(async () => {
      const loaded = await this.load();
      check(loaded);
      await this.#pool.append(this.path, async (handle) => {
        try {
          await handle.write(item);
          await handle.datasync();
        } catch (error) {
          await handle.truncate(loaded.validBytes).catch(() => undefined);
          throw error;
        }
      });
      loaded.validBytes += item.length;
      record(loaded);
    });
    const settled = run.catch(() => undefined);
    this.#queue = settled;
    void settled.then(() => {
      this.#pending -= 1;
    });
    return run;
  }

  /** Waits for the appends queued, then closes the file's kept handle. */
  async close(): Promise<void> {
    await this.#queue;
    if (this.#ownPool) await this.#pool.close();
    else await this.#pool.release(this.path);
  }
}
