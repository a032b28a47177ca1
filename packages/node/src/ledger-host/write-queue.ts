/**
 * Writes to one ledger, one at a time: each task starts once the one before
 * it on the same ledger has settled. A ledger with nothing queued takes no
 * memory here, so ids a client makes up do not pile up.
 *
 * @example
 * ```ts
 * const queue = new WriteQueue();
 * await queue.run(ledgerId, () => ledger.appendSigned(bytes));
 * queue.busy(ledgerId); // false: nothing queued
 * await queue.idle(); // before closing the store
 * ```
 */
export class WriteQueue {
  readonly #queues = new Map<string, { tail: Promise<unknown>; pending: number }>();

  /** Runs `task` after the tasks already queued for `id`. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(id);
    if (!queue) {
      queue = { tail: Promise.resolve(), pending: 0 };
      this.#queues.set(id, queue);
    }
    const mine = queue;
    mine.pending += 1;
    const run = mine.tail.then(task);
    mine.tail = run
      .catch(() => undefined)
      .then(() => {
        mine.pending -= 1;
        if (mine.pending === 0 && this.#queues.get(id) === mine) this.#queues.delete(id);
      });
    return run;
  }

  /** Whether a task for `id` is queued or running. */
  busy(id: string): boolean {
    return this.#queues.has(id);
  }

  /** Resolves once every task queued so far (and any queued meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all([...this.#queues.values()].map((q) => q.tail));
  }
}
