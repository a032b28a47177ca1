/**
 * Staff sign-in for the clinic's API: `POST /api/session` checks the
 * password (wrong attempts limited per username and address) and sets the
 * session cookie; `GET /api/session` tells the page whether it is signed in
 * and gives it the CSRF token; `DELETE /api/session` signs out. `staffOnly`
 * puts a handler behind a live session, and its changes behind the token.
 */
import { type Handler, HttpError, type RequestContext } from '@medvault/node/http';
import { isSafeMethod } from './request-guard.js';
import { SignInLimiter } from './sign-in-limiter.js';
import type { StaffAccount } from './staff-account.js';
import { CSRF_HEADER, type StaffSession, StaffSessions } from './staff-sessions.js';

/**
 * What the sign-in handlers use.
 *
 * @example
 * ```ts
 * const deps: StaffDeps = { account: await StaffAccount.create(staff), sessions: new StaffSessions(), attempts: new SignInLimiter() };
 * ```
 */
export type StaffDeps = {
  account: StaffAccount;
  sessions: StaffSessions;
  attempts: SignInLimiter;
};

/**
 * What `/api/session` answers: signed in with the CSRF token, or not.
 *
 * @example
 * ```ts
 * const session = (await (await fetch('/api/session')).json()) as SessionJson;
 * if (session.signedIn) csrfToken = session.csrfToken;
 * ```
 */
export type SessionJson =
  | { signedIn: true; username: string; csrfToken: string }
  | { signedIn: false };

const MAX_FIELD = 1024;

const sessionJson = (session: StaffSession): SessionJson => ({
  signedIn: true,
  username: session.username,
  csrfToken: session.csrfToken,
});

/**
 * `POST /api/session` with `{ username, password }`: a session cookie and
 * its CSRF token. 400 `CLINIC_BAD_SIGN_IN`, 401 `CLINIC_BAD_CREDENTIALS`,
 * 429 `CLINIC_TOO_MANY_ATTEMPTS` otherwise.
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'POST', path: '/api/session', handler: signIn, maxBodyBytes: 4096 }];
 * ```
 */
export async function signIn(ctx: RequestContext, deps: StaffDeps) {
  const body = (await ctx.json()) as { username?: unknown; password?: unknown } | null;
  const { username, password } = body ?? {};
  if (!isField(username) || !isField(password)) {
    const message = `sign in with {"username", "password"}, each 1–${MAX_FIELD} characters`;
    throw new HttpError(400, 'CLINIC_BAD_SIGN_IN', message);
  }
  const key = SignInLimiter.key(username, ctx.req.socket.remoteAddress ?? '');
  const waitMs = deps.attempts.waitMs(key);
  if (waitMs > 0) {
    const minutes = Math.ceil(waitMs / 60_000);
    throw new HttpError(
      429,
      'CLINIC_TOO_MANY_ATTEMPTS',
      `too many wrong passwords for ${username}: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      { headers: { 'retry-after': String(Math.ceil(waitMs / 1000)) } },
    );
  }
  deps.attempts.attempt(key);
  if (!(await deps.account.check(username, password)))
    throw new HttpError(401, 'CLINIC_BAD_CREDENTIALS', 'wrong username or password');
  deps.attempts.succeeded(key);
  deps.sessions.close(ctx.req);
  const { cookie, session } = deps.sessions.open(deps.account.username);
  return { json: sessionJson(session), headers: { 'set-cookie': cookie } };
}

/**
 * `GET /api/session`: whether the request's session is live, and its CSRF token.
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'GET', path: '/api/session', handler: sessionState }];
 * ```
 */
export function sessionState(ctx: RequestContext, deps: StaffDeps) {
  const session = deps.sessions.find(ctx.req);
  return { json: session ? sessionJson(session) : ({ signedIn: false } satisfies SessionJson) };
}

/**
 * `DELETE /api/session`: signs out (with the CSRF token while the session lives).
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'DELETE', path: '/api/session', handler: signOut }];
 * ```
 */
export function signOut(ctx: RequestContext, deps: StaffDeps) {
  const session = deps.sessions.find(ctx.req);
  if (session) checkCsrf(ctx, session);
  return { status: 204, headers: { 'set-cookie': deps.sessions.close(ctx.req) } };
}

/**
 * The handler, for signed-in staff only: 401 `CLINIC_NOT_SIGNED_IN`
 * without a live session, 403 `CLINIC_BAD_CSRF_TOKEN` for a change without
 * the session's token.
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'GET', path: '/api/grants', handler: staffOnly(listGrants) }];
 * ```
 */
export function staffOnly<D extends StaffDeps>(handler: Handler<D>): Handler<D> {
  return (ctx, deps) => {
    const session = deps.sessions.find(ctx.req);
    if (!session) throw new HttpError(401, 'CLINIC_NOT_SIGNED_IN', 'sign in as clinic staff first');
    if (!isSafeMethod(ctx.method)) checkCsrf(ctx, session);
    return handler(ctx, deps);
  };
}

function checkCsrf(ctx: RequestContext, session: StaffSession): void {
  if (!StaffSessions.csrfMatches(session, ctx.req.headers[CSRF_HEADER])) {
    const message = `send the session's CSRF token (from /api/session) in ${CSRF_HEADER}`;
    throw new HttpError(403, 'CLINIC_BAD_CSRF_TOKEN', message);
  }
}

function isField(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD;
}
