/**
 * Staff sessions: a random 32-byte id in an `HttpOnly; SameSite=Strict`
 * cookie, held on this server (by its SHA-256, so the table alone opens no
 * session) with an idle expiry and a longest lifetime, and a CSRF token per
 * session that the page sends back in `x-csrf-token` on every change.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Options of `StaffSessions`.
 *
 * @example
 * ```ts
 * const options: StaffSessionsOptions = { idleMs: 15 * 60_000, secure: true };
 * ```
 */
export type StaffSessionsOptions = {
  /** A session unused this long ends (default 30 minutes). */
  idleMs?: number;
  /** A session ends this long after sign-in however used (default 12 hours). */
  maxAgeMs?: number;
  /** Mark the cookie `Secure` (the site is served over https). */
  secure?: boolean;
};

/**
 * A signed-in staff member.
 *
 * @example
 * ```ts
 * const session: StaffSession | undefined = sessions.find(req); // { username: 'okafor', csrfToken: '…' }
 * ```
 */
export type StaffSession = {
  readonly username: string;
  /** The token state-changing requests carry in `x-csrf-token`. */
  readonly csrfToken: string;
};

type Held = StaffSession & { started: number; lastUsed: number };

/**
 * The header the page sends its session's CSRF token in.
 *
 * @example
 * ```ts
 * await fetch('/api/grants', { method: 'POST', headers: { [CSRF_HEADER]: session.csrfToken }, body });
 * ```
 */
export const CSRF_HEADER = 'x-csrf-token';

const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const token = () => randomBytes(32).toString('base64url');

/**
 * The sessions of one site.
 *
 * @example
 * ```ts
 * const sessions = new StaffSessions({ idleMs: 30 * 60_000, secure: true });
 * const { cookie, session } = sessions.open('okafor'); // Set-Cookie: cookie; send session.csrfToken to the page
 * sessions.find(req)?.username; // 'okafor' while it lasts
 * ```
 */
export class StaffSessions {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  /** The cookie's name: `__Host-` prefixed when `Secure`, so no subdomain can set it. */
  readonly cookieName: string;
  readonly #secure: boolean;
  readonly #held = new Map<string, Held>();

  constructor(options: StaffSessionsOptions = {}) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxAgeMs = options.maxAgeMs ?? 12 * 60 * 60_000;
    this.#secure = options.secure ?? false;
    this.cookieName = this.#secure ? '__Host-clinic_session' : 'clinic_session';
  }

  /** Starts a session: the `Set-Cookie` value that carries its id, and the session. */
  open(username: string, now = Date.now()): { cookie: string; session: StaffSession } {
    this.#sweep(now);
    const id = token();
    const session = { username, csrfToken: token() };
    this.#held.set(idOf(id), { ...session, started: now, lastUsed: now });
    return { cookie: this.#cookie(id), session };
  }

  /** The live session the request's cookie names (and marks it used), or undefined. */
  find(req: IncomingMessage, now = Date.now()): StaffSession | undefined {
    const id = this.#idIn(req);
    const held = id === undefined ? undefined : this.#held.get(idOf(id));
    if (!held) return undefined;
    if (now - held.lastUsed > this.idleMs || now - held.started > this.maxAgeMs) {
      this.#held.delete(idOf(id as string));
      return undefined;
    }
    held.lastUsed = now;
    return { username: held.username, csrfToken: held.csrfToken };
  }

  /** Ends the request's session, if any; the `Set-Cookie` value that clears the cookie. */
  close(req: IncomingMessage): string {
    const id = this.#idIn(req);
    if (id !== undefined) this.#held.delete(idOf(id));
    return `${this.cookieName}=; ${this.#attributes()}; Max-Age=0`;
  }

  /** Whether `sent` is the session's CSRF token (compared in constant time). */
  static csrfMatches(session: StaffSession, sent: string | string[] | undefined): boolean {
    if (typeof sent !== 'string') return false;
    const expected = Buffer.from(session.csrfToken);
    const given = Buffer.from(sent);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #idIn(req: IncomingMessage): string | undefined {
    for (const pair of (req.headers.cookie ?? '').split(';')) {
      const at = pair.indexOf('=');
      if (at > 0 && pair.slice(0, at).trim() === this.cookieName) return pair.slice(at + 1).trim();
    }
    return undefined;
  }

  #cookie(id: string): string {
    return `${this.cookieName}=${id}; ${this.#attributes()}`;
  }

  #attributes(): string {
    return `HttpOnly; SameSite=Strict; Path=/${this.#secure ? '; Secure' : ''}`;
  }

  #sweep(now: number): void {
    for (const [id, held] of this.#held) {
      if (now - held.lastUsed > this.idleMs || now - held.started > this.maxAgeMs)
        this.#held.delete(id);
    }
  }
}
