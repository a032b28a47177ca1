/**
 * Where the authorisation server keeps its codes, tokens, grants, sessions
 * and interactions: in memory (oidc-provider's storage adapter interface),
 * each with its expiry checked on read — no timers, so nothing outlives a
 * closed portal — and with the one thing oidc-provider's own in-memory
 * adapter lacks: revoking everything of a patient (or of everyone) at once,
 * which the portal's `revokeTokens` test control does.
 * @module
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

type Entry = { payload: AdapterPayload; expiresAt: number };

// what a revocation removes: everything a client could still use or resume
const AUTHORISING = new Set([
  'AccessToken',
  'RefreshToken',
  'AuthorizationCode',
  'Grant',
  'Session',
  'Interaction',
]);
const SWEEP_AT = 10_000;

/**
 * The store behind every model's adapter.
 *
 * @example
 * ```ts
 * const tokens = new TokenStore();
 * new Provider(issuer, { adapter: (model) => tokens.adapter(model) });
 * await tokens.revoke(); // every token, code, grant and session gone
 * ```
 */
export class TokenStore {
  readonly #entries = new Map<string, Entry>();
  readonly #grants = new Map<string, Set<string>>();
  readonly #sessionUids = new Map<string, string>();
  readonly #userCodes = new Map<string, string>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The adapter of one model (AccessToken, Session, …). */
  adapter(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    const find = async (id: string | undefined) =>
      id === undefined ? undefined : this.#get(key(id));
    return {
      upsert: async (id, payload, expiresIn) => {
        if (this.#entries.size >= SWEEP_AT) this.#sweep();
        const k = key(id);
        this.#entries.set(k, { payload, expiresAt: this.#now() + expiresIn * 1000 });
        if (model === 'Session' && payload.uid) this.#sessionUids.set(payload.uid, id);
        if (payload.userCode) this.#userCodes.set(payload.userCode, id);
        if (payload.grantId) {
          const tokens = this.#grants.get(payload.grantId) ?? new Set();
          tokens.add(k);
          this.#grants.set(payload.grantId, tokens);
        }
      },
      find: (id) => find(id),
      findByUid: (uid) => find(this.#sessionUids.get(uid)),
      findByUserCode: (code) => find(this.#userCodes.get(code)),
      consume: async (id) => {
        const entry = this.#entries.get(key(id));
        if (entry) entry.payload.consumed = Math.floor(this.#now() / 1000);
      },
      destroy: async (id) => {
        this.#entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const k of this.#grants.get(grantId) ?? []) this.#entries.delete(k);
        this.#grants.delete(grantId);
      },
    };
  }

  /**
   * Removes every token, code, grant, session and interaction of the
   * account `accountId` (of every account without it). Returns how many.
   */
  revoke(accountId?: string): number {
    let removed = 0;
    for (const [k, { payload }] of this.#entries) {
      const model = k.slice(0, k.indexOf(':'));
      if (!AUTHORISING.has(model)) continue;
      const owner = payload.accountId ?? payload.session?.accountId;
      if (accountId !== undefined && owner !== accountId) continue;
      this.#entries.delete(k);
      removed++;
    }
    return removed;
  }

  #get(k: string): AdapterPayload | undefined {
    const entry = this.#entries.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(k);
      return undefined;
    }
    return entry.payload;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [k, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(k);
    for (const [grantId, tokens] of this.#grants) {
      for (const k of tokens) if (!this.#entries.has(k)) tokens.delete(k);
      if (tokens.size === 0) this.#grants.delete(grantId);
    }
    for (const [index, ids] of [
      ['Session', this.#sessionUids],
      ['DeviceCode', this.#userCodes],
    ] as const)
      for (const [from, id] of ids) if (!this.#entries.has(`${index}:${id}`)) ids.delete(from);
  }
}
