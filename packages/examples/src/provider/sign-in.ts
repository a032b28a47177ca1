/**
 * A patient signing in at a portal the way a browser would, with nothing
 * but `fetch`: discovery, a standalone SMART launch with PKCE (S256), the
 * portal's sign-in and consent forms posted with their cookies, then the
 * code exchanged at the token endpoint. For tests (of the portal, of an
 * importer that needs a real token) — a wallet uses a browser and
 * `fhirclient` instead.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/**
 * What a sign-in needs: the portal, the app, and what the patient answers.
 *
 * @example
 * ```ts
 * const signIn: PortalSignIn = { fhirBaseUrl: portal.fhirBaseUrl, clientId: 'medvault-cli', redirectUri: 'http://127.0.0.1/callback', username: 'helen', password: 'medvault-patient' };
 * ```
 */
export type PortalSignIn = PatientAnswers & {
  /** The portal's FHIR base URL (`portal.fhirBaseUrl`). */
  fhirBaseUrl: string;
  clientId: string;
  redirectUri: string;
  /** Default: `openid fhirUser launch/patient offline_access patient/*.rs`. */
  scope?: string;
};

/**
 * The token response of a SMART patient-access sign-in.
 *
 * @example
 * ```ts
 * const tokens: SmartTokenResponse = await signInForTokens(signIn);
 * await fetch(`${fhirBaseUrl}/Patient/${tokens.patient}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
 * ```
 */
export type SmartTokenResponse = {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  patient: string;
  refresh_token?: string;
  id_token?: string;
};

const DEFAULT_SCOPE = 'openid fhirUser launch/patient offline_access patient/*.rs';

/** Cookies by name, as a browser keeps them for one site. */
class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const gone = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (gone) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(at + 1).trim());
    }
  }
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * What the patient does at the portal once an app sent her there.
 *
 * @example
 * ```ts
 * const answers: PatientAnswers = { username: 'helen', password: 'medvault-patient', decision: 'allow' };
 * ```
 */
export type PatientAnswers = {
  username: string;
  password: string;
  /** What the patient answers on the consent page (default `allow`). */
  decision?: 'allow' | 'deny';
};

/**
 * Follows an authorization URL as a browser would — redirects within the
 * portal, its cookies, the sign-in form (`answers.username` and
 * `password`), the consent form (`answers.decision`) — until the portal
 * sends the browser to `redirectUri`; resolves with that URL (`code` and
 * `state`, or `error`). Any app's authorization URL will do (one
 * `fhirclient` made, say).
 *
 * @example
 * ```ts
 * const redirect = await completeSignIn(authorizeUrl, 'https://app.example/callback', { username: 'helen', password: 'medvault-patient' });
 * redirect.searchParams.get('code');
 * ```
 */
export async function completeSignIn(
  authorizeUrl: string,
  redirectUri: string,
  answers: PatientAnswers,
): Promise<URL> {
  const jar = new CookieJar();
  const origin = new URL(authorizeUrl).origin;
  let next: { url: string; form?: URLSearchParams } = { url: authorizeUrl };
  for (let step = 0; step < 20; step++) {
    const response = await fetch(next.url, {
      method: next.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded', origin } : {}),
      },
      ...(next.form ? { body: next.form.toString() } : {}),
    });
    jar.take(response);
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, next.url);
      await response.body?.cancel();
      if (target.href.startsWith(redirectUri)) return target;
      if (target.origin !== origin) throw new Error(`the portal redirected to ${target.origin}`);
      next = { url: target.href };
      continue;
    }
    const page = await response.text();
    if (/action="\/interaction\/[^"]+\/login"/.test(page) && /role="alert"/.test(page))
      throw new Error('the portal refused the username and password');
    const action = /<form method="post" action="(\/interaction\/[^"]+\/(login|consent))"/.exec(
      page,
    );
    if (!action)
      throw new Error(
        `the portal answered ${response.status} with no form to go on: ${page.slice(0, 300)}`,
      );
    const url = new URL(action[1] as string, origin).href;
    next =
      action[2] === 'login'
        ? {
            url,
            form: new URLSearchParams({ username: answers.username, password: answers.password }),
          }
        : { url, form: new URLSearchParams({ decision: answers.decision ?? 'allow' }) };
  }
  throw new Error('the sign-in did not end within 20 steps');
}

/**
 * Runs a standalone launch with PKCE up to the portal's answer to the app:
 * the redirect URI with `code` and `state` (or `error`), and the PKCE
 * verifier the code needs.
 *
 * @example
 * ```ts
 * const { redirect } = await authorizeAtPortal({ ...signIn, decision: 'deny' });
 * redirect.searchParams.get('error'); // 'access_denied'
 * ```
 */
export async function authorizeAtPortal(
  signIn: PortalSignIn,
): Promise<{ redirect: URL; codeVerifier: string; state: string; tokenEndpoint: string }> {
  const config = (await (
    await fetch(`${signIn.fhirBaseUrl}/.well-known/smart-configuration`)
  ).json()) as { authorization_endpoint: string; token_endpoint: string };
  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(config.authorization_endpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: signIn.clientId,
    redirect_uri: signIn.redirectUri,
    scope: signIn.scope ?? DEFAULT_SCOPE,
    state,
    aud: signIn.fhirBaseUrl,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(name, value);
  const redirect = await completeSignIn(authorize.href, signIn.redirectUri, signIn);
  return { redirect, codeVerifier, state, tokenEndpoint: config.token_endpoint };
}

/**
 * Signs in, allows access and exchanges the code: the token response, with
 * the `patient` in context.
 *
 * @example
 * ```ts
 * const tokens = await signInForTokens({
 *   fhirBaseUrl: portal.fhirBaseUrl,
 *   clientId: 'medvault-cli',
 *   redirectUri: 'http://127.0.0.1/callback',
 *   username: 'helen',
 *   password: 'medvault-patient',
 * });
 * ```
 */
export async function signInForTokens(signIn: PortalSignIn): Promise<SmartTokenResponse> {
  const { redirect, codeVerifier, state, tokenEndpoint } = await authorizeAtPortal({
    ...signIn,
    decision: 'allow',
  });
  const code = redirect.searchParams.get('code');
  if (!code || redirect.searchParams.get('state') !== state)
    throw new Error(`the portal answered without a code: ${redirect.search}`);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: signIn.redirectUri,
      client_id: signIn.clientId,
      code_verifier: codeVerifier,
    }).toString(),
  });
  const body = (await response.json()) as SmartTokenResponse & { error?: string };
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status} ${body.error}`);
  return body;
}
