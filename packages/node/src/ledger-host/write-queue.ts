/**
 * Writes to one ledger, one at a time: each task starts once the one before
 * it on the same ledger has settled.
 *
 * @example
 * ```ts
 * const queue = new WriteQueue();
 * await queue.run(ledgerId, () => ledger.appendSigned(bytes));
 * await queue.idle(); // before closing the store
 * ```
 */
export class WriteQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after the tasks already queued for `id`. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(id) ?? Promise.resolve()).then(task);
    this.#tails.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all(this.#tails.values());
  }
}
