/**
 * A provider's patient portal, as certified EHRs offer it to patients'
 * apps: a FHIR R4 API (`/fhir`) behind a real OAuth 2 / OpenID Connect
 * authorisation server (oidc-provider, on the same origin), with sign-in
 * and consent pages, serving the examples' synthetic patients. One
 * `node:http` server routes each request to the FHIR API, the interaction
 * pages or the authorisation server; `startProviderPortal` only assembles.
 * The returned handle also carries the test controls (in process only).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen, shutdown } from '@medvault/node/http';
import { SignInLimiter } from '../clinic/sign-in-limiter.js';
import {
  AUTH_ROUTES,
  type AuthorizationServer,
  createAuthorizationServer,
  type ProviderClient,
} from './authorization-server.js';
import type { PortalEndpoints } from './discovery.js';
import { UnknownAccountError } from './errors.js';
import { type FhirDeps, matchFhirRoute } from './fhir-api.js';
import { FHIR_PREFLIGHT, fhirErrorAnswer, sendFhir } from './fhir-response.js';
import { FhirStore } from './fhir-store.js';
import { asJson, type FhirJson } from './fhir-types.js';
import { hugeDocument, hugeFile } from './huge-attachment.js';
import {
  abortInteraction,
  type InteractionDeps,
  interactionErrorPage,
  sendPage,
  showInteraction,
  submitConsent,
  submitSignIn,
} from './interactions.js';
import { type ProviderPortalOptions, resolveOptions } from './options.js';
import { homePage, messagePage } from './pages.js';
import { type PatientAccount, PatientAccounts } from './patient-accounts.js';
import { loadPortalData } from './patient-charts.js';
import { SearchPages } from './search-pages.js';
import { FaultQueue, type FaultSpec, type LoggedRequest, loggedQuery } from './test-controls.js';

/**
 * A running portal and its test controls.
 *
 * @example
 * ```ts
 * const portal: ProviderPortal = await startProviderPortal({ port: 0 });
 * console.log(portal.fhirBaseUrl, portal.accounts[0]?.username);
 * await portal.close();
 * ```
 */
export type ProviderPortal = {
  /** The portal's origin, also the OAuth issuer, e.g. `http://127.0.0.1:8792`. */
  readonly url: string;
  /** The FHIR base URL: `${url}/fhir`. */
  readonly fhirBaseUrl: string;
  readonly server: Server;
  /** The patient sign-ins (synthetic patients' demo credentials). */
  readonly accounts: readonly PatientAccount[];
  /** The registered clients. */
  readonly clients: readonly ProviderClient[];
  /**
   * The requests since start (or `clearRequests`), oldest first, the latest
   * 10 000: method, path, query (secrets redacted) and status (0 until sent).
   */
  readonly requests: readonly LoggedRequest[];
  /** Empties `requests`. */
  clearRequests(): void;
  /**
   * Changes a resource as the EHR would: `mutate` edits a copy (or returns
   * a replacement) that must stay valid R4 with the same type, id and
   * patient; it is stored as the next `meta.versionId` with a new
   * `meta.lastUpdated`. Returns the new version.
   */
  updateResource(
    type: string,
    id: string,
    mutate: ((resource: FhirJson) => void) | ((resource: FhirJson) => FhirJson),
  ): FhirJson;
  /**
   * Adds a resource to the records of the patient who signs in as
   * `username`, as version 1 written now (an id is made when it has none;
   * its `subject`/`patient` is set when missing). Returns what was stored.
   */
  addResource(username: string, resource: FhirJson): FhirJson;
  /** Answers the next `count` FHIR data requests (reads, searches, pages, files) with this fault. */
  failNext(fault: FaultSpec): void;
  /**
   * Revokes every token, code, grant and session of `username` (of every
   * patient without it): a client's access and refresh tokens stop working.
   * Returns how many were removed.
   */
  revokeTokens(username?: string): number;
  /** Stops the portal: no socket or timer stays behind. */
  close(): Promise<void>;
};

type Portal = {
  issuer: string;
  fhirPath: string;
  host: string;
  auth: AuthorizationServer;
  fhir: FhirDeps;
  interactions: InteractionDeps;
  log: (line: string) => void;
};

const MAX_LOGGED = 10_000;
const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|consent|abort))?$/;

async function serveFhir(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  portal: Portal,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204, FHIR_PREFLIGHT);
    return void res.end();
  }
  const head = method === 'HEAD';
  try {
    const { handler, params } = matchFhirRoute(
      head ? 'GET' : method,
      url.pathname.slice(portal.fhirPath.length),
    );
    await handler({ req, res, url, head, params }, portal.fhir);
  } catch (error) {
    if (res.headersSent) {
      // a stream cut short (a client that stopped reading) is no server fault
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        portal.log(
          `provider portal: FHIR answer failed: ${(error as Error)?.stack ?? String(error)}`,
        );
      return void res.destroy();
    }
    const answer = fhirErrorAnswer(error);
    if (answer.unexpected)
      portal.log(
        `provider portal: FHIR internal error: ${(error as Error)?.stack ?? String(error)}`,
      );
    sendFhir(res, answer.status, answer.body, answer.headers, head);
  }
}

async function serveInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  match: RegExpExecArray,
  portal: Portal,
): Promise<void> {
  const [, uid, step] = match as unknown as [string, string, string | undefined];
  const method = req.method ?? 'GET';
  try {
    if (step === undefined && method === 'GET')
      return await showInteraction(req, res, uid, portal.interactions);
    if (method !== 'POST' || step === undefined) {
      res.setHeader('allow', step === undefined ? 'GET' : 'POST');
      return sendPage(
        res,
        405,
        messagePage('This page cannot do that', 'Go back to the app and start again.'),
      );
    }
    const submit =
      step === 'login' ? submitSignIn : step === 'consent' ? submitConsent : abortInteraction;
    await submit(req, res, uid, portal.interactions);
  } catch (error) {
    if (res.headersSent) return void res.destroy();
    const { status, page, unexpected } = interactionErrorPage(error);
    if (unexpected)
      portal.log(
        `provider portal: sign-in page error: ${(error as Error)?.stack ?? String(error)}`,
      );
    sendPage(res, status, page);
  }
}

/** Routes one request: the FHIR API, the sign-in pages, the home page, else the authorisation server. */
async function route(req: IncomingMessage, res: ServerResponse, portal: Portal): Promise<void> {
  // a name re-pointed at this server (DNS rebinding) still sends its own Host
  if (req.headers.host !== portal.host) {
    res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end(`This server answers to ${portal.host} only.\n`);
  }
  const url = new URL(req.url ?? '/', portal.issuer);
  const path = url.pathname;
  if (path === portal.fhirPath || path.startsWith(`${portal.fhirPath}/`))
    return serveFhir(req, res, url, portal);
  const interaction = INTERACTION.exec(path);
  if (interaction) return serveInteraction(req, res, interaction, portal);
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD'))
    return sendPage(res, 200, homePage({ fhirBase: `${portal.issuer}${portal.fhirPath}` }));
  return portal.auth.handle(req, res);
}

/**
 * Starts a provider's patient portal on 127.0.0.1: the FHIR R4 API at
 * `${url}/fhir` and its authorisation server at `${url}`, serving the
 * synthetic patients of `generateSamples(seed)` — one patient account each.
 *
 * @example
 * ```ts
 * const portal = await startProviderPortal({
 *   clients: [{ client_id: 'my-app', redirect_uris: ['http://127.0.0.1/callback'] }],
 * });
 * const discovery = await fetch(`${portal.fhirBaseUrl}/.well-known/smart-configuration`);
 * portal.failNext({ status: 503, retryAfterSeconds: 2 });
 * await portal.close();
 * ```
 */
export async function startProviderPortal(
  options: ProviderPortalOptions = {},
): Promise<ProviderPortal> {
  const settings = resolveOptions(options);
  const log = settings.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const requests: LoggedRequest[] = [];
  let portal: Portal | undefined;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    const entry = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: loggedQuery(url),
    } as LoggedRequest;
    // the status as soon as it is sent, fixed once the exchange is over
    Object.defineProperty(entry, 'status', {
      get: () => (res.headersSent ? res.statusCode : 0),
      enumerable: true,
      configurable: true,
    });
    res.once('close', () =>
      Object.defineProperty(entry, 'status', { value: res.statusCode, enumerable: true }),
    );
    // a long-running portal (npm start) keeps the latest only
    if (requests.push(entry) > MAX_LOGGED) requests.shift();
    if (!portal) {
      res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('The portal is starting.\n');
    }
    route(req, res, portal).catch((error: unknown) => {
      log(`provider portal: internal error: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });

  const url = await listen(server, settings.port, settings.host);
  try {
    const fhirPath = '/fhir';
    const fhirBase = `${url}${fhirPath}`;
    const startedAt = new Date().toISOString();
    const store = new FhirStore();
    const data = await loadPortalData({ seed: settings.seed, count: settings.patients, fhirBase });
    for (const resource of data.shared) store.put(resource, undefined);
    for (const chart of data.charts) {
      for (const resource of chart.resources) store.put(resource, chart.patientId);
      for (const file of chart.binaries)
        store.putFile(
          {
            id: file.id,
            contentType: file.contentType,
            size: file.bytes.length,
            chunks: () => [file.bytes],
          },
          chart.patientId,
        );
    }
    const [first] = data.charts;
    if (settings.hugeAttachmentBytes !== undefined && first) {
      const file = hugeFile(`${first.patientId}-large-scan`, settings.hugeAttachmentBytes);
      store.putFile(file, first.patientId);
      store.put(
        asJson(hugeDocument({ id: first.patientId, name: first.name }, file, fhirBase)),
        first.patientId,
      );
    }
    const accounts = await PatientAccounts.create(data.charts, settings.password);
    const auth = await createAuthorizationServer({
      issuer: url,
      fhirBase,
      clients: settings.clients,
      accounts,
      dynamicRegistration: settings.dynamicRegistration,
      accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds,
      log,
    });
    const endpoints: PortalEndpoints = {
      issuer: url,
      fhirBase,
      authorization: `${url}${AUTH_ROUTES.authorization}`,
      token: `${url}${AUTH_ROUTES.token}`,
      revocation: `${url}${AUTH_ROUTES.revocation}`,
      jwks: `${url}${AUTH_ROUTES.jwks}`,
      userinfo: `${url}${AUTH_ROUTES.userinfo}`,
      ...(settings.dynamicRegistration
        ? { registration: `${url}${AUTH_ROUTES.registration}` }
        : {}),
    };
    const faults = new FaultQueue();
    portal = {
      issuer: url,
      fhirPath,
      host: new URL(url).host,
      auth,
      fhir: {
        store,
        pages: new SearchPages(),
        auth,
        faults,
        endpoints,
        software: { name: 'St. Mary’s patient access API (MedVault example)', startedAt },
      },
      interactions: { auth, accounts, attempts: new SignInLimiter(), origin: url },
      log,
    };
    const accountOf = (username: string) => {
      const account = accounts.byUsername(username);
      if (!account)
        throw new UnknownAccountError(
          username,
          accounts.list.map((a) => a.username),
        );
      return account;
    };
    let closed: Promise<void> | undefined;
    return {
      url,
      fhirBaseUrl: fhirBase,
      server,
      accounts: accounts.list.map((a) => ({ ...a })),
      clients: settings.clients.map((c) => structuredClone(c)),
      get requests() {
        return requests.map((r) => ({ ...r }));
      },
      clearRequests: () => void requests.splice(0),
      updateResource: (type, id, mutate) => store.update(type, id, mutate),
      addResource: (username, resource) => {
        const account = accountOf(username);
        return store.add(account.patientId, account.name, resource);
      },
      failNext: (fault) => faults.add(fault),
      revokeTokens: (username) =>
        auth.tokens.revoke(username === undefined ? undefined : accountOf(username).patientId),
      close() {
        closed ??= shutdown(server, 2_000);
        return closed;
      },
    };
  } catch (error) {
    await shutdown(server, 0);
    throw error;
  }
}
