/**
 * One consent prompt at a time. Requests that need the patient's yes wait
 * here in arrival order; the first is shown (a popup window), the others
 * queue. Approve runs the request's action and answers the page with its
 * result; deny, closing the window and the timeout answer "rejected".
 * A site cannot flood the patient: a few pending prompts per origin at most.
 */
import { ProviderRpcError, RPC_ERROR, toRpcError } from '../shared/rpc-error.js';

/** What a prompt asks. */
export type PromptKind = 'connect' | 'share' | 'receive' | 'unlock';

/** A request waiting for the patient, as the prompt page sees it. */
export type PendingPrompt = {
  id: string;
  kind: PromptKind;
  /** The requesting origin as the browser reported it. */
  origin: string;
  /** What the prompt shows (validated request params). */
  details: unknown;
  createdAt: number;
};

/** How the patient's answer went, as told to the prompt page. */
export type PromptOutcome = { ok: true } | { ok: false; message: string };

type Entry = {
  prompt: PendingPrompt;
  act: (edits?: unknown) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: ProviderRpcError) => void;
  timer?: ReturnType<typeof setTimeout>;
  busy?: boolean;
};

/** What the queue needs from its surroundings. */
export type ConsentQueueOptions = {
  /** Opens the prompt window for `prompt`. */
  show: (prompt: PendingPrompt) => void | Promise<void>;
  /** Closes the prompt window of `prompt` (it was answered). */
  hide: (prompt: PendingPrompt) => void | Promise<void>;
  /** How long a shown prompt waits for an answer, ms. */
  timeoutMs: () => number;
  /** Most prompts pending per origin (default 3). */
  perOrigin?: number;
};

/**
 * @example
 * ```ts
 * const grant = await queue.ask('share', origin, request, () => share(request));
 * ```
 */
export class ConsentQueue {
  readonly #entries: Entry[] = [];
  readonly #options: ConsentQueueOptions;
  #nextId = 1;

  constructor(options: ConsentQueueOptions) {
    this.#options = options;
  }

  /** The prompt on screen, if any. */
  current(): PendingPrompt | undefined {
    return this.#entries[0]?.prompt;
  }

  /** How many are waiting, the shown one included. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Queues a prompt; resolves with `act(edits)`'s result once approved
   * (`edits`: what the patient changed in the prompt, checked by the
   * caller), rejects with a `ProviderRpcError` (4001) when denied, closed
   * or timed out.
   */
  ask<T>(
    kind: PromptKind,
    origin: string,
    details: unknown,
    act: (edits?: unknown) => Promise<T>,
  ): Promise<T> {
    const pending = this.#entries.filter((e) => e.prompt.origin === origin).length;
    if (pending >= (this.#options.perOrigin ?? 3)) {
      return Promise.reject(
        new ProviderRpcError(
          RPC_ERROR.resourceUnavailable,
          `This site already has ${pending} requests waiting for the patient; wait for them to be answered.`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const prompt = { id: String(this.#nextId++), kind, origin, details, createdAt: Date.now() };
      this.#entries.push({ prompt, act, resolve: resolve as (v: unknown) => void, reject });
      if (this.#entries.length === 1) this.#present();
    });
  }

  /**
   * The patient's answer from the prompt page, with what she changed. An
   * approved share keeps its window: the page confirms what was shared and
   * closes itself.
   */
  async decide(id: string, approve: boolean, edits?: unknown): Promise<PromptOutcome> {
    const entry = this.#entries[0];
    if (!entry || entry.prompt.id !== id || entry.busy) {
      return { ok: false, message: 'This request is no longer waiting for an answer.' };
    }
    if (!approve) {
      this.#finish(
        entry,
        new ProviderRpcError(RPC_ERROR.userRejected, 'The patient denied the request.'),
      );
      return { ok: true };
    }
    entry.busy = true;
    if (entry.timer) clearTimeout(entry.timer);
    try {
      const value = await entry.act(edits);
      this.#finish(entry, undefined, value, entry.prompt.kind !== 'share');
      return { ok: true };
    } catch (error) {
      const rpc = toRpcError(error);
      this.#finish(entry, rpc, undefined, false);
      return { ok: false, message: rpc.message };
    }
  }

  /** The prompt window was closed without an answer: that is a no. */
  dismissed(id: string): void {
    const entry = this.#entries[0];
    if (!entry || entry.prompt.id !== id) return;
    if (entry.busy) return; // approved and working: the action's answer stands
    this.#finish(
      entry,
      new ProviderRpcError(
        RPC_ERROR.userRejected,
        'The patient closed the prompt without approving.',
      ),
      undefined,
      false,
    );
  }

  /** Approves every queued `unlock` prompt at the head (the wallet was unlocked). */
  async unlocked(): Promise<void> {
    while (this.#entries[0]?.prompt.kind === 'unlock') {
      await this.decide(this.#entries[0].prompt.id, true);
    }
  }

  /** Rejects everything waiting (the wallet was reset). */
  clear(reason: string): void {
    for (const entry of [...this.#entries]) {
      this.#finish(entry, new ProviderRpcError(RPC_ERROR.userRejected, reason));
    }
  }

  #present(): void {
    const entry = this.#entries[0];
    if (!entry) return;
    entry.timer = setTimeout(() => {
      this.#finish(
        entry,
        new ProviderRpcError(
          RPC_ERROR.userRejected,
          'The patient did not answer in time; the request was withdrawn.',
          { reason: 'timeout' },
        ),
      );
    }, this.#options.timeoutMs());
    void this.#options.show(entry.prompt);
  }

  #finish(entry: Entry, error: ProviderRpcError | undefined, value?: unknown, hide = true): void {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    if (entry.timer) clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(value);
    if (index === 0) {
      if (hide) void this.#options.hide(entry.prompt);
      this.#present();
    }
  }
}
