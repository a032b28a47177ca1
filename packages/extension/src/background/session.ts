/**
 * The unlocked session: the patient's identity held in the background's
 * memory only, dropped on lock, on idle (auto-lock) and whenever the browser
 * ends the background. Requests that need the key wait in `whenUnlocked`.
 */
import { WalletLockedError } from './errors.js';
import type { Identity } from './identity.js';

/** Options of `Session`. */
export type SessionOptions = {
  /** Idle time before auto-lock, ms (read on every activity, so settings apply at once). */
  autoLockMs: () => number;
  /** Told after every lock and unlock. */
  onChange?: (unlocked: boolean) => void;
};

/**
 * @example
 * ```ts
 * const session = new Session({ autoLockMs: () => 15 * 60_000 });
 * session.unlock(await deriveIdentity(phrase));
 * const { secretKey } = session.identity();
 * ```
 */
export class Session {
  #identity: Identity | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiters = new Set<() => void>();
  readonly #lockListeners = new Set<() => void>();
  readonly #options: SessionOptions;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** Whether the identity is held. */
  get unlocked(): boolean {
    return this.#identity !== undefined;
  }

  /** Holds `identity` and wakes every waiting request. */
  unlock(identity: Identity): void {
    this.#identity = identity;
    this.touch();
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
    this.#options.onChange?.(true);
  }

  /** Forgets the identity. */
  lock(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#identity) return;
    this.#identity = undefined;
    for (const listener of this.#lockListeners) listener();
    this.#options.onChange?.(false);
  }

  /**
   * Calls `listener` whenever the session locks (by the patient, on idle),
   * so that secrets held beside the key go with it; returns the unsubscribe
   * function.
   *
   * @example
   * ```ts
   * session.onLock(() => tokens.clear());
   * ```
   */
  onLock(listener: () => void): () => void {
    this.#lockListeners.add(listener);
    return () => this.#lockListeners.delete(listener);
  }

  /** Marks activity: the auto-lock timer starts again. */
  touch(): void {
    if (!this.#identity) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.lock(), this.#options.autoLockMs());
  }

  /** The identity; throws `WalletLockedError` when locked. */
  identity(): Identity {
    if (!this.#identity) throw new WalletLockedError();
    this.touch();
    return this.#identity;
  }

  /** Resolves once unlocked (at once if already); rejects when `signal` aborts. */
  whenUnlocked(signal?: AbortSignal): Promise<void> {
    if (this.#identity) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.#waiters.delete(wake);
        reject(signal?.reason);
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.#waiters.add(wake);
    });
  }
}
