/**
 * On-chain grant status for the proxy: one chain call answers all the
 * requests that arrive while it is in flight, and its answer is reused for
 * `ttlMs` (a revocation takes effect within that; the proxy also forgets a
 * revoked grant's fragment when it sees the event, or at its next
 * reconcile). Grant ids are their owner's own on chain: `ask` looks the
 * owner up (server.ts: the patient of the fragment held).
 */
export class GrantStatusCache {
  readonly #ask: (grantId: string) => Promise<boolean>;
  readonly #ttlMs: number;
  readonly #answers = new Map<string, { active: boolean; at: number }>();
  readonly #asking = new Map<string, Promise<boolean>>();

  constructor(ask: (grantId: string) => Promise<boolean>, ttlMs: number) {
    this.#ask = ask;
    this.#ttlMs = ttlMs;
  }

  /** Whether the grant is active on chain (fresh within the TTL). */
  isActive(grantId: string): Promise<boolean> {
    const known = this.#answers.get(grantId);
    if (known && performance.now() - known.at < this.#ttlMs) return Promise.resolve(known.active);
    let asking = this.#asking.get(grantId);
    if (!asking) {
      asking = this.#ask(grantId)
        .then((active) => {
          if (this.#answers.size > 10_000) this.#answers.clear();
          this.#answers.set(grantId, { active, at: performance.now() });
          return active;
        })
        .finally(() => this.#asking.delete(grantId));
      this.#asking.set(grantId, asking);
    }
    return asking;
  }

  /** Drops what is known of a grant (e.g. on its revocation event). */
  forget(grantId: string): void {
    this.#answers.delete(grantId);
  }
}
