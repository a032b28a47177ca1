/**
 * The FHIR R4 patient-access API: a table of routes to named handlers.
 * Discovery (`metadata`, `.well-known/smart-configuration`) is open; every
 * other request needs a bearer token, and the token's patient confines it:
 * a resource outside that patient's compartment is "not found", a search
 * naming another patient is forbidden, and results only ever hold the
 * patient's own resources (and the shared hospital and clinicians).
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readBody } from '@medvault/node/http';
import type { AuthorizationServer, TokenInfo } from './authorization-server.js';
import { capabilityStatement, type PortalEndpoints, smartConfiguration } from './discovery.js';
import { FhirProblem, sendFhir, streamHeaders } from './fhir-response.js';
import { FHIR_ID, type FhirStore, type StoredFile } from './fhir-store.js';
import type { FhirJson } from './fhir-types.js';
import { SERVED_TYPES } from './resource-types.js';
import type { SearchPages } from './search-pages.js';
import {
  DEFAULT_COUNT,
  MAX_COUNT,
  matchesInstant,
  parseSearch,
  type SearchQuery,
} from './search-params.js';
import { neededScope, permits } from './smart-scopes.js';
import type { FaultQueue } from './test-controls.js';

/**
 * What the FHIR handlers use.
 *
 * @example
 * ```ts
 * const deps: FhirDeps = { store, pages: new SearchPages(), auth, faults: new FaultQueue(), endpoints, software };
 * ```
 */
export type FhirDeps = {
  store: FhirStore;
  pages: SearchPages;
  auth: AuthorizationServer;
  faults: FaultQueue;
  endpoints: PortalEndpoints;
  software: { name: string; startedAt: string };
};

/**
 * One FHIR request, as a handler sees it.
 *
 * @example
 * ```ts
 * await readResource({ req, res, url, head: false, params: { type: 'Observation', id: 'obs-1' } }, deps);
 * ```
 */
export type FhirRequest = {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** HEAD: answer the headers only. */
  head: boolean;
  params: Record<string, string>;
};

type FhirHandler = (request: FhirRequest, deps: FhirDeps) => Promise<void>;

const TYPE = '([A-Z][A-Za-z]{1,63})';
const ID = '([A-Za-z0-9\\-.]{1,64})';

/**
 * `GET {fhirBase}/metadata`: the CapabilityStatement.
 *
 * @example
 * ```ts
 * await metadata(request, deps); // 200 CapabilityStatement
 * ```
 */
export async function metadata(request: FhirRequest, deps: FhirDeps): Promise<void> {
  checkFormat(request);
  sendFhir(request.res, 200, capabilityStatement(deps.endpoints, deps.software), {}, request.head);
}

/**
 * `GET {fhirBase}/.well-known/smart-configuration` (plain JSON, as SMART has it).
 *
 * @example
 * ```ts
 * await smartConfigurationDocument(request, deps); // 200 { authorization_endpoint, token_endpoint, … }
 * ```
 */
export async function smartConfigurationDocument(
  { res, head }: FhirRequest,
  deps: FhirDeps,
): Promise<void> {
  sendFhir(
    res,
    200,
    smartConfiguration(deps.endpoints),
    { 'content-type': 'application/json' },
    head,
  );
}

/** The token of the request, or the 401 a FHIR server answers without one. */
async function authorise(req: IncomingMessage, deps: FhirDeps): Promise<TokenInfo> {
  const realm = `Bearer realm="${deps.endpoints.fhirBase}"`;
  const header = req.headers.authorization;
  const token = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? '')?.[1];
  if (!token)
    throw new FhirProblem(
      401,
      'login',
      'This request needs an access token (Authorization: Bearer …): sign in through SMART on FHIR first.',
      { 'www-authenticate': realm },
    );
  const info = await deps.auth.tokenInfo(token);
  if (!info)
    throw new FhirProblem(
      401,
      'expired',
      'The access token is not valid: it expired, was revoked or was not issued here. Refresh it or sign in again.',
      {
        'www-authenticate': `${realm}, error="invalid_token", error_description="The access token expired, was revoked or is unknown"`,
      },
    );
  return info;
}

/** A 403 naming the scope that would have allowed the request. */
function insufficientScope(type: string, action: 'read' | 'search', deps: FhirDeps): FhirProblem {
  const scope = neededScope(type, action);
  return new FhirProblem(
    403,
    'forbidden',
    `The token's scopes do not allow this; it needs e.g. ${scope}.`,
    {
      'www-authenticate': `Bearer realm="${deps.endpoints.fhirBase}", error="insufficient_scope", scope="${scope}"`,
    },
  );
}

/**
 * What every data request passes first: an injected fault (as a gateway
 * would answer, before looking at the token), then the token.
 */
async function admit(request: FhirRequest, deps: FhirDeps): Promise<TokenInfo> {
  const fault = deps.faults.take();
  if (fault) throw fault;
  return authorise(request.req, deps);
}

/** FHIR JSON only: `_format` and `Accept` must allow it. */
function checkFormat({ req, url }: FhirRequest): void {
  const format = url.searchParams.get('_format');
  const accept = req.headers.accept;
  const json = (value: string) => /json|\*\/\*|application\/\*/.test(value);
  if ((format !== null && !json(format) && format !== 'json') || (accept && !json(accept)))
    throw new FhirProblem(
      406,
      'not-supported',
      'This server answers in FHIR JSON only (application/fhir+json).',
    );
}

function servedType(type: string): void {
  if (!SERVED_TYPES.has(type))
    throw new FhirProblem(404, 'not-supported', `This server does not serve ${type} resources.`);
}

const httpDate = (instant: string | undefined) => new Date(instant ?? Date.now()).toUTCString();

/**
 * `GET {fhirBase}/{type}/{id}`: one resource of the token's patient (or a
 * shared one), with its version as ETag; `Binary/{id}` is an attachment.
 *
 * @example
 * ```ts
 * await readResource(request, deps); // 200 Observation, ETag W/"1"
 * ```
 */
export async function readResource(request: FhirRequest, deps: FhirDeps): Promise<void> {
  const { type, id } = request.params as { type: string; id: string };
  servedType(type);
  const token = await admit(request, deps);
  if (!permits(token.scopes, type, 'read')) throw insufficientScope(type, 'read', deps);
  if (type === 'Binary') return sendBinary(request, deps, token);
  checkFormat(request);
  const stored = deps.store.get(type, id);
  if (!stored || (stored.patientId !== undefined && stored.patientId !== token.patientId))
    throw new FhirProblem(404, 'not-found', `${type}/${id} is not in your records.`);
  const { resource } = stored;
  const etag = `W/"${resource.meta?.versionId ?? '1'}"`;
  const headers = { etag, 'last-modified': httpDate(resource.meta?.lastUpdated) };
  if (request.req.headers['if-none-match'] === etag) {
    request.res.writeHead(304, streamHeaders(headers));
    return void request.res.end();
  }
  sendFhir(request.res, 200, resource, headers, request.head);
}

/** Whether the client asked for the Binary resource (JSON) rather than the file itself. */
function wantsBinaryResource({ req, url }: FhirRequest, file: StoredFile): boolean {
  const format = url.searchParams.get('_format');
  if (format !== null) return /json/.test(format);
  const accept = req.headers.accept ?? '';
  return /application\/(fhir\+)?json/.test(accept) && !accept.includes(file.contentType);
}

/** The Binary resource's JSON up to the base64 of the file. */
function binaryJsonHead(file: StoredFile): string {
  const meta = { versionId: file.versionId, lastUpdated: file.lastUpdated };
  return `{"resourceType":"Binary","id":${JSON.stringify(file.id)},"meta":${JSON.stringify(meta)},"contentType":${JSON.stringify(file.contentType)},"data":"`;
}

/** The Binary resource of a file, as JSON chunks (the base64 streamed, 3-byte aligned). */
function* binaryJson(file: StoredFile): Iterable<string> {
  yield binaryJsonHead(file);
  let carry = Buffer.alloc(0);
  for (const chunk of file.chunks()) {
    const bytes = Buffer.concat([carry, chunk]);
    const whole = bytes.length - (bytes.length % 3);
    yield bytes.subarray(0, whole).toString('base64');
    carry = bytes.subarray(whole);
  }
  yield `${carry.toString('base64')}"}`;
}

/**
 * An attachment of the token's patient: the file itself (its own content
 * type, streamed) or, when the client asks for FHIR JSON, the Binary
 * resource with the file in `data`.
 */
async function sendBinary(request: FhirRequest, deps: FhirDeps, token: TokenInfo): Promise<void> {
  const { id } = request.params as { id: string };
  const file = deps.store.file(id);
  if (!file || file.patientId !== token.patientId)
    throw new FhirProblem(404, 'not-found', `Binary/${id} is not in your records.`);
  const asResource = wantsBinaryResource(request, file);
  const length = asResource
    ? Buffer.byteLength(binaryJsonHead(file)) + 4 * Math.ceil(file.size / 3) + 2
    : file.size;
  request.res.writeHead(
    200,
    streamHeaders({
      'content-type': asResource ? 'application/fhir+json; charset=utf-8' : file.contentType,
      'content-length': String(length),
      etag: `W/"${file.versionId}"`,
      'last-modified': httpDate(file.lastUpdated),
    }),
  );
  if (request.head) return void request.res.end();
  const source = asResource ? binaryJson(file) : file.chunks();
  await pipeline(Readable.from(source, { objectMode: false }), request.res);
}

/** The resources of `type` the token's patient may see that match the query, in order. */
function matching(
  type: string,
  query: SearchQuery,
  token: TokenInfo,
  store: FhirStore,
): FhirJson[] {
  const { ids, lastUpdated, sort } = query;
  const found = store
    .all(type)
    .filter((s) => s.patientId === undefined || s.patientId === token.patientId)
    .map((s) => s.resource)
    .filter((r) => ids === undefined || ids.has(r.id ?? ''))
    .filter((r) => {
      const at = Date.parse(r.meta?.lastUpdated ?? '');
      return lastUpdated.every((condition) => matchesInstant(at, condition));
    });
  const byField =
    sort.field === '_id'
      ? (a: FhirJson, b: FhirJson) => (a.id ?? '').localeCompare(b.id ?? '')
      : (a: FhirJson, b: FhirJson) =>
          Date.parse(a.meta?.lastUpdated ?? '') - Date.parse(b.meta?.lastUpdated ?? '') ||
          (a.id ?? '').localeCompare(b.id ?? '');
  found.sort(sort.descending ? (a, b) => byField(b, a) : byField);
  return found;
}

/** A searchset Bundle. */
function searchset(params: {
  total: number;
  resources: FhirJson[];
  links: [relation: string, url: string][];
  fhirBase: string;
  at: string;
}) {
  const { total, resources, links, fhirBase, at } = params;
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    // the instant the search ran: a client may sync from it with _lastUpdated=gt
    meta: { lastUpdated: at },
    type: 'searchset',
    total,
    link: links.map(([relation, url]) => ({ relation, url })),
    entry: resources.map((resource) => ({
      fullUrl: `${fhirBase}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

const pageUrl = (fhirBase: string, id: string, offset: number, count: number) =>
  `${fhirBase}?_getpages=${id}&_getpagesoffset=${offset}&_count=${count}&_bundletype=searchset`;

async function runSearch(
  request: FhirRequest,
  deps: FhirDeps,
  params: URLSearchParams,
  token: TokenInfo,
): Promise<void> {
  const { type } = request.params as { type: string };
  const { fhirBase } = deps.endpoints;
  checkFormat(request);
  if (type === 'Binary')
    throw new FhirProblem(
      405,
      'not-supported',
      'Binary is read by id (from an attachment URL), not searched.',
    );
  if (!permits(token.scopes, type, 'search')) throw insufficientScope(type, 'search', deps);
  const strict = /handling\s*=\s*strict/.test(String(request.req.headers.prefer ?? ''));
  const query = parseSearch(type, params, { fhirBase, strict });
  const other = query.patients.find((p) => p !== token.patientId);
  if (other !== undefined)
    throw new FhirProblem(
      403,
      'forbidden',
      `This token is for Patient/${token.patientId}; it cannot search Patient/${other}'s records.`,
    );
  const at = deps.store.stamp();
  const found = matching(type, query, token, deps.store);
  const applied = query.applied.toString();
  const self = `${fhirBase}/${type}${applied ? `?${applied}` : ''}`;
  if (query.totalOnly)
    return sendFhir(
      request.res,
      200,
      searchset({ total: found.length, resources: [], links: [['self', self]], fhirBase, at }),
      {},
      request.head,
    );
  const links: [string, string][] = [['self', self]];
  if (found.length > query.count) {
    const id = deps.pages.keep({
      type,
      keys: found.map((r) => `${r.resourceType}/${r.id}`),
      patientId: token.patientId,
      self,
      createdAt: Date.now(),
    });
    links.push(['next', pageUrl(fhirBase, id, query.count, query.count)]);
  }
  sendFhir(
    request.res,
    200,
    searchset({ total: found.length, resources: found.slice(0, query.count), links, fhirBase, at }),
    {},
    request.head,
  );
}

/**
 * `GET {fhirBase}/{type}?…`: a search in the token's patient's records.
 *
 * @example
 * ```ts
 * await searchResources(request, deps); // 200 searchset Bundle, link next when there is more
 * ```
 */
export async function searchResources(request: FhirRequest, deps: FhirDeps): Promise<void> {
  servedType(request.params.type as string);
  const token = await admit(request, deps);
  await runSearch(request, deps, request.url.searchParams, token);
}

/**
 * `POST {fhirBase}/{type}/_search` with the parameters form-encoded.
 *
 * @example
 * ```ts
 * await searchResourcesByPost(request, deps);
 * ```
 */
export async function searchResourcesByPost(request: FhirRequest, deps: FhirDeps): Promise<void> {
  servedType(request.params.type as string);
  const token = await admit(request, deps);
  if (!String(request.req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
    throw new FhirProblem(415, 'not-supported', 'POST _search takes its parameters form-encoded.');
  const body = new URLSearchParams((await readBody(request.req, 16 * 1024)).toString('utf8'));
  for (const [name, value] of request.url.searchParams) body.append(name, value);
  await runSearch(request, deps, body, token);
}

/**
 * `GET {fhirBase}?_getpages=…`: a further page of a search this patient ran.
 *
 * @example
 * ```ts
 * await searchPage(request, deps); // 200 searchset Bundle with link previous / next
 * ```
 */
export async function searchPage(request: FhirRequest, deps: FhirDeps): Promise<void> {
  const token = await admit(request, deps);
  checkFormat(request);
  const { fhirBase } = deps.endpoints;
  const params = request.url.searchParams;
  const id = params.get('_getpages');
  if (id === null)
    throw new FhirProblem(
      400,
      'not-supported',
      'Search a resource type ({fhirBase}/Observation?patient=…); this server has no system-wide search.',
    );
  const offset = Number(params.get('_getpagesoffset') ?? '0');
  const count = Math.min(Number(params.get('_count') ?? DEFAULT_COUNT), MAX_COUNT);
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(count) || count < 1)
    throw new FhirProblem(
      400,
      'invalid',
      'This page link is malformed: follow the next link as given.',
    );
  const set = deps.pages.get(id);
  if (!set || set.patientId !== token.patientId)
    throw new FhirProblem(
      410,
      'not-found',
      'This search has expired (or is not yours): run it again.',
    );
  if (!permits(token.scopes, set.type, 'search')) throw insufficientScope(set.type, 'search', deps);
  const at = deps.store.stamp();
  const resources = set.keys
    .slice(offset, offset + count)
    .map((key) => {
      const [type, rid] = key.split('/') as [string, string];
      return deps.store.get(type, rid)?.resource;
    })
    .filter((r): r is FhirJson => r !== undefined);
  const links: [string, string][] = [['self', pageUrl(fhirBase, id, offset, count)]];
  links.push(['first', set.self]);
  if (offset > 0)
    links.push(['previous', pageUrl(fhirBase, id, Math.max(0, offset - count), count)]);
  if (offset + count < set.keys.length)
    links.push(['next', pageUrl(fhirBase, id, offset + count, count)]);
  sendFhir(
    request.res,
    200,
    searchset({ total: set.keys.length, resources, links, fhirBase, at }),
    {},
    request.head,
  );
}

/**
 * The FHIR routes, below the FHIR base path: method, path pattern, handler.
 *
 * @example
 * ```ts
 * const route = FHIR_ROUTES.find((r) => r.method === 'GET' && r.path.test('/metadata'));
 * ```
 */
export const FHIR_ROUTES: readonly {
  method: string;
  path: RegExp;
  names: string[];
  handler: FhirHandler;
}[] = [
  { method: 'GET', path: /^\/metadata$/, names: [], handler: metadata },
  {
    method: 'GET',
    path: /^\/\.well-known\/smart-configuration$/,
    names: [],
    handler: smartConfigurationDocument,
  },
  { method: 'GET', path: /^\/?$/, names: [], handler: searchPage },
  { method: 'GET', path: new RegExp(`^/${TYPE}$`), names: ['type'], handler: searchResources },
  {
    method: 'POST',
    path: new RegExp(`^/${TYPE}/_search$`),
    names: ['type'],
    handler: searchResourcesByPost,
  },
  {
    method: 'GET',
    path: new RegExp(`^/${TYPE}/${ID}$`),
    names: ['type', 'id'],
    handler: readResource,
  },
];

/**
 * The handler and path parameters for a request below the FHIR base, or
 * the FHIR refusal (404 no such endpoint, 405 with Allow).
 *
 * @example
 * ```ts
 * const { handler, params } = matchFhirRoute('GET', '/Observation/obs-1'); // readResource, { type: 'Observation', id: 'obs-1' }
 * ```
 */
export function matchFhirRoute(
  method: string,
  path: string,
): { handler: FhirHandler; params: Record<string, string> } {
  const allow: string[] = [];
  for (const route of FHIR_ROUTES) {
    const match = route.path.exec(path);
    if (!match) continue;
    if (route.method !== method) {
      allow.push(route.method);
      continue;
    }
    const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1] as string]));
    if (params.id !== undefined && !FHIR_ID.test(params.id)) break;
    return { handler: route.handler, params };
  }
  if (allow.length > 0)
    throw new FhirProblem(
      405,
      'not-supported',
      `This endpoint answers ${allow.join(', ')} (read-only API).`,
      {
        allow: [...allow, 'HEAD', 'OPTIONS'].join(', '),
      },
    );
  throw new FhirProblem(404, 'not-found', 'This FHIR server has no such endpoint.');
}
