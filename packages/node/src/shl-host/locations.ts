/**
 * The `location` URLs of a manifest: `{base}/shl/{id}/files/{fileId}?t={token}`,
 * each token 256 random bits good for one file of one link and for at most
 * `ttlMs` (the spec: at most an hour). Tokens live in memory only — a
 * restarted host has forgotten them, and a receiver asks for the manifest
 * again, as the spec says it must be able to. Memory is bounded: at most
 * `maxTokens`, the oldest forgotten first.
 */
import { randomBytes } from 'node:crypto';

type Grant = { id: string; fileId: string; expires: number };

/**
 * Short-lived file tokens.
 *
 * @example
 * ```ts
 * const tokens = new LocationTokens({ ttlMs: 3_600_000 });
 * const t = tokens.issue(linkId, fileId, Date.now());
 * tokens.check(t, linkId, fileId, Date.now()); // true for the next hour
 * ```
 */
export class LocationTokens {
  readonly #ttlMs: number;
  readonly #maxTokens: number;
  /** Oldest first. */
  readonly #tokens = new Map<string, Grant>();

  constructor(options: { ttlMs: number; maxTokens?: number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxTokens = options.maxTokens ?? 100_000;
  }

  /** Tokens held now. */
  get size(): number {
    return this.#tokens.size;
  }

  /** A new token for `fileId` of link `id`, valid from `now` for the TTL. */
  issue(id: string, fileId: string, now: number): string {
    this.#prune(now);
    const token = randomBytes(32).toString('base64url');
    this.#tokens.set(token, { id, fileId, expires: now + this.#ttlMs });
    while (this.#tokens.size > this.#maxTokens) {
      this.#tokens.delete(this.#tokens.keys().next().value as string);
    }
    return token;
  }

  /** Whether `token` was issued for this file of this link and has not expired at `now`. */
  check(token: string, id: string, fileId: string, now: number): boolean {
    const grant = this.#tokens.get(token);
    if (!grant) return false;
    if (now >= grant.expires) {
      this.#tokens.delete(token);
      return false;
    }
    return grant.id === id && grant.fileId === fileId;
  }

  /** Forgets expired tokens from the oldest on (issue order is expiry order). */
  #prune(now: number): void {
    for (const [token, grant] of this.#tokens) {
      if (grant.expires > now) break;
      this.#tokens.delete(token);
    }
  }
}
