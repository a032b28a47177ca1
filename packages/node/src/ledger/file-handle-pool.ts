/**
 * A bound on the file descriptors the ledger files hold: every open — the
 * append handle a ledger keeps between writes, and the short-lived one a
 * load reads through — takes one of `maxOpen` slots. Append handles are
 * kept open while they are used, closed after `idleMs` without use, and
 * closed first (least recently used) when a slot is needed; a handle in use
 * (a write in flight) is never closed. When every slot is in use, the next
 * open waits for one.
 */
import { type FileHandle, open } from 'node:fs/promises';

/** Options of `FileHandlePool`. */
export type FileHandlePoolOptions = {
  /** Descriptors open at once, at most (default 64). */
  maxOpen?: number;
  /** An append handle unused this long is closed, ms (default 30 000). */
  idleMs?: number;
};

type Kept = {
  handle: Promise<FileHandle>;
  /** Tasks using it now. */
  users: number;
  timer: ReturnType<typeof setTimeout> | undefined;
};

/**
 * At most `maxOpen` descriptors among the files it opens.
 *
 * @example
 * ```ts
 * const pool = new FileHandlePool({ maxOpen: 16, idleMs: 30_000 });
 * await pool.append('a.ledger', (handle) => handle.write(bytes));
 * const data = await pool.read('a.ledger', (handle) => handle.readFile());
 * await pool.close();
 * ```
 */
export class FileHandlePool {
  readonly maxOpen: number;
  readonly idleMs: number;
  /** Append handles kept open, least recently used first. */
  readonly #kept = new Map<string, Kept>();
  #slots = 0;
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(options: FileHandlePoolOptions = {}) {
    this.maxOpen = options.maxOpen ?? 64;
    this.idleMs = options.idleMs ?? 30_000;
    if (!Number.isInteger(this.maxOpen) || this.maxOpen < 1) {
      throw new RangeError(`maxOpen must be a positive integer, not ${this.maxOpen}`);
    }
  }

  /** Descriptors open (or being opened) now. */
  get open(): number {
    return this.#slots;
  }

  /** Append handles kept open now. */
  get kept(): number {
    return this.#kept.size;
  }

  /**
   * Runs `task` with the append handle of `path` (opened with `flags`,
   * default `'a'`: created if missing), kept open for the next append. The
   * handle is not closed while `task` runs.
   */
  async append<T>(path: string, task: (handle: FileHandle) => Promise<T>, flags = 'a'): Promise<T> {
    if (this.#closed) throw new Error('the file handle pool is closed');
    let kept = this.#kept.get(path);
    if (kept) {
      // most recently used last
      this.#kept.delete(path);
      this.#kept.set(path, kept);
    } else {
      const handle = this.#acquire().then(() =>
        open(path, flags).catch((error: unknown) => {
          this.#kept.delete(path);
          this.#release();
          throw error;
        }),
      );
      kept = { handle, users: 0, timer: undefined };
      this.#kept.set(path, kept);
    }
    kept.users += 1;
    clearTimeout(kept.timer);
    kept.timer = undefined;
    try {
      return await task(await kept.handle);
    } finally {
      kept.users -= 1;
      if (kept.users === 0 && this.#kept.get(path) === kept) {
        if (this.#waiting.length > 0) {
          void this.#drop(path, kept); // an open is waiting for a slot: this one's
        } else {
          kept.timer = setTimeout(() => void this.#drop(path, kept), this.idleMs);
          kept.timer.unref();
        }
      }
    }
  }

  /**
   * Runs `task` with a handle of `path` opened with `flags` (default `'r'`)
   * for it alone, closed when it settles. Counts toward `maxOpen`.
   */
  async read<T>(path: string, task: (handle: FileHandle) => Promise<T>, flags = 'r'): Promise<T> {
    if (this.#closed) throw new Error('the file handle pool is closed');
    await this.#acquire();
    try {
      const handle = await open(path, flags);
      try {
        return await task(handle);
      } finally {
        await handle.close();
      }
    } finally {
      this.#release();
    }
  }

  /** Closes the kept handle of `path` once no task uses it (e.g. before truncating the file). */
  async release(path: string): Promise<void> {
    const kept = this.#kept.get(path);
    if (kept && kept.users === 0) await this.#drop(path, kept);
  }

  /** Closes every kept handle; later opens fail. Wait for the tasks in flight first. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#kept].map(([path, kept]) => this.#drop(path, kept)));
  }

  /** Takes a slot: a free one, one an idle kept handle gives up, or the next one released. */
  async #acquire(): Promise<void> {
    if (this.#slots < this.maxOpen) {
      this.#slots += 1;
      return;
    }
    for (const [path, kept] of this.#kept) {
      if (kept.users > 0) continue;
      // its slot passes to us: #drop releases it to the first waiter
      const handed = new Promise<void>((resolve) => this.#waiting.unshift(resolve));
      await this.#drop(path, kept);
      return handed;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a slot back, to the first waiter if any. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#slots -= 1;
  }

  /** Forgets and closes a kept handle that no task uses, and gives its slot back. */
  async #drop(path: string, kept: Kept): Promise<void> {
    if (this.#kept.get(path) !== kept || kept.users > 0) return;
    this.#kept.delete(path);
    clearTimeout(kept.timer);
    let handle: FileHandle;
    try {
      handle = await kept.handle;
    } catch {
      return; // it never opened: its slot was given back then
    }
    // a close that fails (closed already) still gives the descriptor back
    await handle.close().catch(() => undefined);
    this.#release();
  }
}
