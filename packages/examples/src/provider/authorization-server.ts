/**
 * The portal's OAuth 2 / OpenID Connect authorisation server: oidc-provider
 * (certified OpenID Provider library) configured the way SMART App Launch
 * asks for a patient-access API — authorization code flow only, PKCE with
 * S256 required, public clients, SMART scopes, the `patient` context in the
 * token response, `fhirUser` in the ID token, `aud` checked against the FHIR
 * base, refresh tokens for `offline_access`. Sign-in and consent are the
 * portal's own pages (`interactions.ts`); tokens live in `TokenStore`.
 * @module
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { IncomingMessage, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { BodyTooLargeError, readBody } from '@medvault/node/http';
import Provider, {
  type ClientMetadata,
  type Configuration,
  errors,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { ProviderOptionsError } from './errors.js';
import { messagePage } from './pages.js';
import type { PatientAccounts } from './patient-accounts.js';
import { SUPPORTED_SCOPES } from './smart-scopes.js';
import { TokenStore } from './token-store.js';

/**
 * A client registered with the portal: a public client (no secret), its
 * redirect URIs compared exactly — except that a host `*.` label stands for
 * any one label (`https://*.chromiumapp.org/provider` for any extension id),
 * and a native client's loopback `http://127.0.0.1/…` for any port.
 *
 * @example
 * ```ts
 * const wallet: ProviderClient = { client_id: 'medvault-wallet', redirect_uris: ['https://*.chromiumapp.org/provider'] };
 * ```
 */
export type ProviderClient = {
  client_id: string;
  redirect_uris: string[];
  /** Shown on the sign-in and consent pages (default: the client id). */
  client_name?: string;
  /**
   * `native` lets a loopback redirect URI come back on any port (RFC 8252);
   * default: native when every redirect URI is loopback http or a
   * private-use scheme, else web.
   */
  application_type?: 'web' | 'native';
};

/**
 * What the FHIR API learns from a bearer token.
 *
 * @example
 * ```ts
 * const info: TokenInfo | undefined = await auth.tokenInfo(bearer); // { patientId: 'pat-…', scopes, clientId: 'medvault-wallet' }
 * ```
 */
export type TokenInfo = {
  patientId: string;
  scopes: ReadonlySet<string>;
  clientId: string;
};

/**
 * A running authorisation server.
 *
 * @example
 * ```ts
 * const auth: AuthorizationServer = await createAuthorizationServer(params);
 * await auth.handle(req, res); // /auth, /token, /jwks, …
 * ```
 */
export type AuthorizationServer = {
  provider: Provider;
  tokens: TokenStore;
  /** Answers an OAuth / OIDC request (`/auth`, `/token`, `/jwks`, `/.well-known/openid-configuration`, …). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The patient and scopes of a live access token, or undefined. */
  tokenInfo(accessToken: string): Promise<TokenInfo | undefined>;
};

/**
 * Where the authorisation server's endpoints are, under the issuer.
 *
 * @example
 * ```ts
 * `${issuer}${AUTH_ROUTES.token}`; // 'http://127.0.0.1:8792/token'
 * ```
 */
export const AUTH_ROUTES = {
  authorization: '/auth',
  token: '/token',
  revocation: '/token/revocation',
  jwks: '/jwks',
  userinfo: '/me',
  registration: '/reg',
} as const;

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?\//;
const ONE_LABEL = /^[a-z0-9-]{1,63}$/;

/** Whether `uri` is one of `patterns` with a `*.` host label standing for one label. */
function matchesPattern(patterns: readonly string[], uri: string): boolean {
  const parsed = URL.canParse(uri) ? new URL(uri) : undefined;
  if (!parsed) return false;
  return patterns.some((pattern) => {
    const wanted = new URL(pattern);
    if (!wanted.hostname.startsWith('*.')) return false;
    const suffix = wanted.hostname.slice(1); // ".chromiumapp.org"
    const label = parsed.hostname.slice(0, -suffix.length);
    return (
      parsed.hostname.endsWith(suffix) &&
      ONE_LABEL.test(label) &&
      parsed.protocol === wanted.protocol &&
      parsed.port === wanted.port &&
      parsed.pathname === wanted.pathname &&
      parsed.search === wanted.search
    );
  });
}

/**
 * The SMART rules of an authorization request beyond OAuth's:
 *
 * - `aud` must name this server's FHIR base, so that a token asked for one
 *   server cannot be spent at another;
 * - `offline_access` stands without `prompt=consent`. OpenID Connect drops
 *   it otherwise (and oidc-provider 8 does), but SMART apps ask for refresh
 *   tokens with the scope alone; the consent page is shown either way.
 *   The scope comes back as the app sent it, unless it sent a `prompt`
 *   without `consent` (then OIDC's rule stands).
 */
function checkSmartRequest(
  ctx: KoaContextWithOIDC,
  aud: string | undefined,
  client: { grantTypeAllowed(type: string): boolean },
  fhirBase: string,
): void {
  if (aud === undefined)
    throw new errors.InvalidRequest(`aud is required: the FHIR base URL (${fhirBase})`);
  if (aud.replace(/\/$/, '') !== fhirBase)
    throw new errors.InvalidRequest(`aud ${aud} is not this server's FHIR base URL (${fhirBase})`);
  const params = ctx.oidc.params as { scope?: string; prompt?: string };
  const sent =
    ctx.method === 'POST'
      ? (ctx.oidc.body as { scope?: unknown } | undefined)?.scope
      : ctx.query.scope;
  const kept = new Set(params.scope?.split(' ') ?? []);
  if (
    typeof sent === 'string' &&
    sent.split(' ').includes('offline_access') &&
    !kept.has('offline_access') &&
    params.prompt === undefined &&
    client.grantTypeAllowed('refresh_token')
  )
    params.scope = [...kept, 'offline_access'].join(' ');
}

// larger than any token request; oidc-provider itself stops at 56 KiB
const MAX_TOKEN_REQUEST = 64 * 1024;

/**
 * A token request as oidc-provider should see it: a public client's
 * refresh with no `client_id` names the client its refresh token was
 * issued to. SMART clients refresh that way (`fhirclient` does by default);
 * oidc-provider wants every token request to name its client. The body is
 * read here, so oidc-provider gets a copy of the request carrying it.
 */
async function withRefreshingClient(
  req: IncomingMessage,
  provider: Provider,
): Promise<IncomingMessage> {
  const body = await readBody(req, MAX_TOKEN_REQUEST);
  let bytes = body;
  const form = new URLSearchParams(body.toString('utf8'));
  const refreshToken = form.get('refresh_token');
  if (
    String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') &&
    form.get('grant_type') === 'refresh_token' &&
    refreshToken &&
    !form.has('client_id') &&
    req.headers.authorization === undefined
  ) {
    const token = await provider.RefreshToken.find(refreshToken).catch(() => undefined);
    if (token?.clientId) {
      form.set('client_id', token.clientId);
      bytes = Buffer.from(form.toString());
    }
  }
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.headers = { ...req.headers, 'content-length': String(bytes.length) };
  copy.push(bytes);
  copy.push(null);
  // all of it is here: ending the copy must not count as an aborted request
  // (which would destroy the socket the two share)
  copy.complete = true;
  return copy;
}

/**
 * The client's metadata as oidc-provider registers it.
 *
 * @example
 * ```ts
 * clientMetadata({ client_id: 'cli', redirect_uris: ['http://127.0.0.1/callback'] }).application_type; // 'native'
 * ```
 */
function clientMetadata(client: ProviderClient): ClientMetadata {
  // a loopback or a private-use scheme (com.example.app:/callback) is an app on the device
  const native = client.redirect_uris.every((uri) => LOOPBACK.test(uri) || !/^https?:/.test(uri));
  return {
    client_id: client.client_id,
    client_name: client.client_name ?? client.client_id,
    redirect_uris: client.redirect_uris,
    application_type: client.application_type ?? (native ? 'native' : 'web'),
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
}

/** A fresh RSA signing key for ID tokens (RS256, which every OIDC client accepts). */
async function signingKey() {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(8).toString('hex'),
    use: 'sig',
    alg: 'RS256',
  };
}

/**
 * Starts the authorisation server of the portal at `issuer` (not listening:
 * the portal's server hands it requests).
 *
 * @example
 * ```ts
 * const auth = await createAuthorizationServer({ issuer: url, fhirBase: `${url}/fhir`, clients, accounts, dynamicRegistration: false, accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 30 * 86400 });
 * const info = await auth.tokenInfo(bearer); // { patientId, scopes, clientId } or undefined
 * ```
 */
export async function createAuthorizationServer(params: {
  issuer: string;
  fhirBase: string;
  clients: readonly ProviderClient[];
  accounts: PatientAccounts;
  dynamicRegistration: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  log?: (line: string) => void;
}): Promise<AuthorizationServer> {
  const { issuer, fhirBase, accounts } = params;
  const tokens = new TokenStore();
  const configuration: Configuration = {
    adapter: (model: string) => tokens.adapter(model),
    clients: params.clients.map(clientMetadata),
    clientDefaults: {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    clientAuthMethods: ['none'],
    responseTypes: ['code'],
    routes: { ...AUTH_ROUTES },
    pkce: { methods: ['S256'], required: () => true },
    scopes: [...SUPPORTED_SCOPES],
    claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
    // SMART puts fhirUser in the ID token itself, not only at userinfo
    conformIdTokenClaims: false,
    extraParams: {
      // oidc-provider runs these on every authorization request, after its own checks
      aud: (ctx, value, client) => checkSmartRequest(ctx, value, client, fhirBase),
      launch: null,
    },
    findAccount: (_ctx, sub) => {
      const account = accounts.byPatientId(sub);
      return (
        account && {
          accountId: sub,
          claims: () => ({ sub, fhirUser: `${fhirBase}/Patient/${sub}` }),
        }
      );
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // any origin may call the token endpoint: clients are public and PKCE
    // binds a code to whoever started the sign-in, so CORS adds no protection
    clientBasedCORS: () => true,
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: params.dynamicRegistration },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      introspection: { enabled: false },
    },
    ttl: {
      AccessToken: params.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: 8 * 60 * 60,
      Grant: params.refreshTokenTtlSeconds,
      RefreshToken: params.refreshTokenTtlSeconds,
    },
    jwks: { keys: [await signingKey()] },
    renderError: (ctx, out) => {
      const description = out.error_description ?? out.error ?? 'the request was not valid';
      const page = messagePage(
        'This sign-in could not go on',
        `${description}. Go back to the app and start again.`,
      );
      ctx.type = 'html';
      ctx.set(page.headers);
      ctx.body = page.html;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  // oidc-provider checks a registered client when it is first used: check now
  for (const { client_id } of params.clients)
    await provider.Client.find(client_id).catch((error: Error & { error_description?: string }) => {
      throw new ProviderOptionsError(
        `clients: ${client_id} cannot be registered: ${error.error_description ?? error.message}.`,
      );
    });

  // Redirect URIs with a `*.` host label match any one label there.
  const Client = provider.Client as unknown as {
    prototype: { redirectUriAllowed(uri: string): boolean; redirectUris: string[] };
  };
  const exact = Client.prototype.redirectUriAllowed;
  Client.prototype.redirectUriAllowed = function (this: { redirectUris: string[] }, uri: string) {
    return exact.call(this, uri) || matchesPattern(this.redirectUris, uri);
  };

  // SMART: the token response names the patient in context.
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    const accountId = ctx.oidc.entities.AccessToken?.accountId;
    if (body?.access_token && accountId) body.patient = accountId;
  });

  const log = params.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  provider.on('server_error', (_ctx: unknown, error: Error) =>
    log(`provider portal: authorisation server error: ${error.stack ?? error.message}`),
  );

  const callback = provider.callback();
  return {
    provider,
    tokens,
    async handle(req, res) {
      if (req.method !== 'POST' || new URL(req.url ?? '/', issuer).pathname !== AUTH_ROUTES.token)
        return callback(req, res);
      try {
        return await callback(await withRefreshingClient(req, provider), res);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: 'invalid_request', error_description: error.shortMessage }),
        );
      }
    },
    async tokenInfo(value) {
      const at = await provider.AccessToken.find(value).catch(() => undefined);
      if (!at?.accountId || !at.clientId || !at.grantId) return undefined;
      // a withdrawn grant takes its tokens with it
      if (!(await provider.Grant.find(at.grantId))) return undefined;
      if (!accounts.byPatientId(at.accountId)) return undefined;
      return { patientId: at.accountId, scopes: at.scopes, clientId: at.clientId };
    },
  };
}
