/**
 * Signing the patient in at a provider's FHIR server, in the background,
 * with the standard SMART on FHIR client (`fhirclient`): discovery of its
 * `.well-known/smart-configuration`, the standalone launch with PKCE
 * (S256), the code exchanged for tokens, and later refreshes — all
 * `fhirclient`'s. What it cannot know in a service worker — where "the
 * page" is, how to send the patient away and back, where to keep its state
 * — comes from `WalletSmartAdapter`, its `Adapter` for this place: its
 * `redirect(url)` opens the sign-in window (`chrome.identity.launchWebAuthFlow`
 * in the real background) and resolves with the URL the provider sent the
 * patient back to; its storage is memory only, and tells its owner when
 * the tokens change (a refresh token rotated) so the wallet can keep the
 * new one. Nothing here logs, and no token leaves the background.
 */

import { ImportOptionsError, normalizeServerUrl } from '@medvault/core/provider-import';
import { base64urlnopad, utf8 } from '@scure/base';
import Client from 'fhirclient/lib/Client';
import { getAndCache } from 'fhirclient/lib/lib';
import * as security from 'fhirclient/lib/security/browser';
import { authorize, init, ready } from 'fhirclient/lib/smart';
import type { fhirclient } from 'fhirclient/lib/types';
import { ProviderAddressError, ProviderDiscoveryError, ProviderSignInError } from './errors.js';

/**
 * The wallet's client id at a provider unless the patient gives another
 * (the example portal registers it).
 *
 * @example
 * ```ts
 * await signIn({ serverUrl, clientId: WALLET_CLIENT_ID, scope, authWindow });
 * ```
 */
export const WALLET_CLIENT_ID = 'medvault-wallet';

/**
 * The scopes the wallet asks for when the provider lists them (SMART App
 * Launch, v1 grammar): who the patient is, her record's context, a lasting
 * sign-in, and reading (never writing) her whole record.
 *
 * @example
 * ```ts
 * WANTED_SCOPES.join(' '); // 'openid fhirUser launch/patient offline_access patient/*.read'
 * ```
 */
export const WANTED_SCOPES = [
  'openid',
  'fhirUser',
  'launch/patient',
  'offline_access',
  'patient/*.read',
] as const;

/** How long discovery may take (ms). */
const DISCOVERY_TIMEOUT_MS = 15_000;

/**
 * What the wallet uses of a provider's SMART configuration.
 *
 * @example
 * ```ts
 * const { tokenEndpoint, scopesSupported }: SmartConfiguration = await discoverSmart(base);
 * ```
 */
export type SmartConfiguration = {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** What it says it grants, when it says. */
  scopesSupported: string[] | undefined;
};

/**
 * How the patient is sent to the provider and back: the redirect URI the
 * provider answers at (the extension's), and the window that opens the
 * provider's sign-in and resolves with the URL it redirected to.
 *
 * @example
 * ```ts
 * const authWindow: AuthWindow = {
 *   redirectUri: browser.identity.getRedirectURL('provider'),
 *   open: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
 * };
 * ```
 */
export type AuthWindow = {
  redirectUri: string;
  open(url: string): Promise<string>;
};

/**
 * A FHIR server's base URL as the wallet keeps it (`normalizeServerUrl`):
 * https, or plain http to this machine only — an access token travels with
 * every request. `ProviderAddressError` otherwise.
 *
 * @example
 * ```ts
 * providerBaseUrl(' https://FHIR.example.org/r4/ '); // 'https://fhir.example.org/r4'
 * ```
 */
export function providerBaseUrl(input: string): string {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!text) throw new ProviderAddressError('enter the address your provider gives for apps');
  try {
    return normalizeServerUrl(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
  } catch (error) {
    if (!(error instanceof ImportOptionsError)) throw error;
    const reason = error.shortMessage.replace(/^Cannot import: /, '').replace(/\.$/, '');
    throw new ProviderAddressError(reason, { cause: error });
  }
}

/**
 * The scope to ask for: `WANTED_SCOPES`, keeping the optional ones only
 * when the provider lists them, and the patient-level read in the grammar
 * it lists (v1 `patient/*.read`, else v2 `patient/*.rs`).
 *
 * @example
 * ```ts
 * scopeFor({ scopesSupported: ['openid', 'launch/patient', 'patient/*.rs'] } as SmartConfiguration);
 * // 'openid launch/patient patient/*.rs'
 * ```
 */
export function scopeFor(config: Pick<SmartConfiguration, 'scopesSupported'>): string {
  const listed = config.scopesSupported;
  if (!listed) return WANTED_SCOPES.join(' ');
  const read = listed.includes('patient/*.read')
    ? 'patient/*.read'
    : listed.includes('patient/*.rs')
      ? 'patient/*.rs'
      : 'patient/*.read';
  const optional = ['openid', 'fhirUser', 'offline_access'].filter((s) => listed.includes(s));
  // launch/patient is what gives the patient's record: asked for even when unlisted
  return [...optional.slice(0, 2), 'launch/patient', ...optional.slice(2), read].join(' ');
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `{base}/.well-known/smart-configuration` through `fhirclient`
 * (fetched afresh, so a server that was down a moment ago is asked again;
 * the answer is what `authorize` then uses). `ProviderDiscoveryError` in
 * plain words when there is none, it does not answer, or it lacks the
 * endpoints or PKCE with S256.
 *
 * @example
 * ```ts
 * const config = await discoverSmart('https://fhir.example.org/r4');
 * ```
 */
export async function discoverSmart(base: string): Promise<SmartConfiguration> {
  const url = `${base}/.well-known/smart-configuration`;
  const host = new URL(base).host;
  let body: unknown;
  try {
    body = await getAndCache(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) }, true);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    throw new ProviderDiscoveryError(
      host,
      typeof status === 'number'
        ? `it answered ${status} for its SMART configuration (${url})`
        : `it could not be reached (${(error as Error).message?.split('\n')[0] ?? 'no answer'})`,
      { cause: error },
    );
  }
  if (!isObject(body)) {
    throw new ProviderDiscoveryError(host, 'what it sent as its SMART configuration is not JSON');
  }
  const {
    authorization_endpoint,
    token_endpoint,
    scopes_supported,
    code_challenge_methods_supported,
  } = body;
  if (typeof authorization_endpoint !== 'string' || typeof token_endpoint !== 'string') {
    throw new ProviderDiscoveryError(
      host,
      'its SMART configuration names no sign-in or token address',
    );
  }
  if (
    !Array.isArray(code_challenge_methods_supported) ||
    !code_challenge_methods_supported.includes('S256')
  ) {
    throw new ProviderDiscoveryError(
      host,
      'it does not offer PKCE with S256, which keeps a sign-in from being taken over on the way back',
    );
  }
  return {
    authorizationEndpoint: authorization_endpoint,
    tokenEndpoint: token_endpoint,
    scopesSupported: Array.isArray(scopes_supported)
      ? scopes_supported.filter((s): s is string => typeof s === 'string')
      : undefined,
  };
}

/**
 * `fhirclient`'s `Adapter` for the wallet's background: no window, no
 * location and no session storage. The launch's "page" is the redirect
 * URI; `redirect(url)` opens the sign-in window and takes the URL it ends
 * at as the page `ready()` then reads (code, state or error); the state —
 * PKCE verifier, tokens — lives in memory, and `onTokens` hears every
 * change of it (a refresh, a rotated refresh token).
 *
 * @example
 * ```ts
 * const adapter = new WalletSmartAdapter({ redirectUri, open: (url) => launchWebAuthFlow(url) });
 * await authorize(adapter, { iss, clientId, scope, redirectUri, pkceMode: 'required' });
 * const client = await ready(adapter);
 * ```
 */
export class WalletSmartAdapter implements fhirclient.Adapter {
  readonly options: fhirclient.BrowserFHIRSettings = {
    replaceBrowserHistory: false,
    fullSessionStorageSupport: true,
    // a public client names itself when it refreshes (OAuth 2.0 §6)
    refreshTokenWithClientId: true,
    refreshTokenWithCredentials: 'omit',
  };
  readonly security = security;
  #url: URL;
  readonly #open: ((url: string) => Promise<string>) | undefined;
  readonly #memory = new Map<string, unknown>();
  readonly #onTokens: ((state: fhirclient.ClientState) => void) | undefined;

  constructor(params: {
    redirectUri: string;
    open?: (url: string) => Promise<string>;
    onTokens?: (state: fhirclient.ClientState) => void;
  }) {
    this.#url = new URL(params.redirectUri);
    this.#open = params.open;
    this.#onTokens = params.onTokens;
  }

  getUrl(): URL {
    return this.#url;
  }
  relative(path: string): string {
    return new URL(path, this.#url).href;
  }
  /** Opens the sign-in window; the URL it ends at becomes this adapter's page. */
  async redirect(to: string): Promise<string> {
    if (!this.#open) throw new Error('this client cannot open a sign-in window');
    const landed = new URL(await this.#open(to));
    const expected = new URL(this.#url.href);
    if (landed.origin !== expected.origin || landed.pathname !== expected.pathname) {
      throw new Error('the sign-in came back to another address than the wallet’s');
    }
    this.#url = landed;
    return landed.href;
  }
  getStorage(): fhirclient.Storage {
    return {
      get: async (key: string) => this.#memory.get(key),
      set: async (key: string, value: unknown) => {
        this.#memory.set(key, value);
        if (isObject(value) && isObject(value.tokenResponse) && value.tokenResponse.access_token) {
          this.#onTokens?.(value as unknown as fhirclient.ClientState);
        }
        return value;
      },
      unset: async (key: string) => this.#memory.delete(key),
    };
  }
  getAbortController(): typeof AbortController {
    return AbortController;
  }
  btoa(text: string): string {
    return globalThis.btoa(text);
  }
  /** base64 or base64url (JWT parts) to a binary string. */
  atob(text: string): string {
    const standard = text.replace(/-/g, '+').replace(/_/g, '/');
    return globalThis.atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
  }
  base64urlencode(input: string | Uint8Array): string {
    return base64urlnopad.encode(typeof input === 'string' ? utf8.decode(input) : input);
  }
  base64urldecode(input: string): string {
    return utf8.encode(base64urlnopad.decode(input.replace(/=+$/, '')));
  }
  getSmartApi(): fhirclient.SMART {
    return {
      ready: (options?: fhirclient.ReadyOptions) => ready(this, options),
      authorize: (options: fhirclient.AuthorizeParams) => authorize(this, options),
      init: (options: fhirclient.AuthorizeParams) => init(this, options),
      client: (state: string | fhirclient.ClientState) => new Client(this, state),
      options: this.options,
      utils: { security },
    } as fhirclient.SMART;
  }
}

/** The patient's words for why a sign-in did not give access. */
function signInFailure(error: unknown, host: string): ProviderSignInError {
  const message = (error as Error)?.message ?? String(error);
  if (/^access_denied\b/.test(message)) {
    return new ProviderSignInError(
      `You did not allow MedVault to read your records at ${host} (you chose Deny, or cancelled).`,
      { cause: error },
    );
  }
  if (/did not approve|closed|user cancel/i.test(message)) {
    return new ProviderSignInError(
      `The sign-in window for ${host} was closed before you allowed access.`,
      { cause: error },
    );
  }
  if (/only one web auth flow/i.test(message)) {
    return new ProviderSignInError(
      'Another provider sign-in window is open: finish or close it first.',
      { cause: error },
    );
  }
  if (/could not be loaded/i.test(message)) {
    return new ProviderSignInError(`${host}’s sign-in page could not be loaded.`, { cause: error });
  }
  return new ProviderSignInError(`The sign-in at ${host} did not complete.`, {
    cause: error,
    // the library's words, never a token (errors carry no request bodies)
    details: message.split('\n')[0]?.slice(0, 300),
  });
}

/**
 * A standalone launch with PKCE at `serverUrl`, all of it `fhirclient`'s
 * (`authorize` then `ready`): the sign-in window opens, the patient signs
 * in and allows access, the code is exchanged. Resolves with the signed-in
 * client, whose state holds the tokens (only in memory); `onTokens` hears
 * them now and at every refresh. `ProviderSignInError` in plain words when
 * the patient cancels or denies, or the provider refuses.
 *
 * @example
 * ```ts
 * const client = await signIn({ serverUrl, clientId: WALLET_CLIENT_ID, scope: scopeFor(config), authWindow });
 * client.getPatientId(); // 'pat-f49b6f7726'
 * ```
 */
export async function signIn(params: {
  serverUrl: string;
  clientId: string;
  scope: string;
  authWindow: AuthWindow;
  onTokens?: (state: fhirclient.ClientState) => void;
}): Promise<Client> {
  const { serverUrl, clientId, scope, authWindow } = params;
  const host = new URL(serverUrl).host;
  const adapter = new WalletSmartAdapter({
    redirectUri: authWindow.redirectUri,
    open: (url) => authWindow.open(url),
    ...(params.onTokens ? { onTokens: params.onTokens } : {}),
  });
  try {
    await authorize(adapter, {
      iss: serverUrl,
      clientId,
      scope,
      redirectUri: authWindow.redirectUri,
      pkceMode: 'required',
    });
    return await ready(adapter);
  } catch (error) {
    throw signInFailure(error, host);
  }
}

/**
 * A client that holds only a refresh token kept from an earlier sign-in (the
 * background was restarted since): `await client.refresh()` — fhirclient's
 * — gets a fresh access token before it is used.
 *
 * @example
 * ```ts
 * const client = clientFromRefreshToken({ serverUrl, clientId, tokenUri, scope, patient, refreshToken, onTokens });
 * await client.refresh();
 * ```
 */
export function clientFromRefreshToken(params: {
  serverUrl: string;
  clientId: string;
  tokenUri: string;
  scope: string;
  patient: string;
  refreshToken: string;
  redirectUri: string;
  onTokens?: (state: fhirclient.ClientState) => void;
}): Client {
  const adapter = new WalletSmartAdapter({
    redirectUri: params.redirectUri,
    ...(params.onTokens ? { onTokens: params.onTokens } : {}),
  });
  return new Client(adapter, {
    serverUrl: params.serverUrl,
    clientId: params.clientId,
    tokenUri: params.tokenUri,
    scope: params.scope,
    redirectUri: params.redirectUri,
    key: `refresh-${crypto.randomUUID()}`,
    expiresAt: 0,
    tokenResponse: {
      refresh_token: params.refreshToken,
      scope: params.scope,
      patient: params.patient,
    },
  });
}
