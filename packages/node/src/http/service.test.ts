/**
 * The kit over real HTTP on 127.0.0.1: routing, body limits and the one
 * error→status mapping, as every server built on it answers.
 */

import { SequenceError, TimeOrderError, UnauthorizedEntryError } from '@medvault/core/ledger';
import { InvalidPointError } from '@medvault/core/pre';
import { GrantUnknownError, ProxyBusyError, RateLimitedError } from '@medvault/core/proxy';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  HttpError,
  type RequestContext,
  type Route,
  type RunningHttpService,
  type ServiceCodes,
  startHttpService,
} from './index.js';

const codes: ServiceCodes = {
  notFound: 'TEST_NOT_FOUND',
  method: 'TEST_METHOD',
  tooLarge: 'TEST_TOO_LARGE',
  badJson: 'TEST_BAD_JSON',
  internal: 'TEST_INTERNAL',
};

type Deps = { greeting: string; thrown: Map<string, unknown> };

function greet(ctx: RequestContext, deps: Deps) {
  return { json: { text: `${deps.greeting} ${ctx.params.name}`, query: ctx.url.search } };
}
function entry(ctx: RequestContext) {
  return { json: { ...ctx.params } };
}
async function echo(ctx: RequestContext) {
  return { status: 201, json: { got: await ctx.json() } };
}
async function upload(ctx: RequestContext) {
  const bytes = await ctx.bytes();
  return { body: bytes, headers: { 'content-type': 'application/octet-stream' } };
}
function fail(ctx: RequestContext, deps: Deps): never {
  throw deps.thrown.get(ctx.params.kind as string);
}

const routes: Route<Deps>[] = [
  { method: 'GET', path: '/hello/:name', handler: greet },
  { method: 'GET', path: '/v1/ledgers/:id/entries/:seq', params: { seq: /^\d+$/ }, handler: entry },
  {
    method: 'POST',
    path: '/v1/ledgers/:id/entries/:seq',
    params: { seq: /^\d+$/ },
    handler: entry,
  },
  { method: 'POST', path: '/echo', handler: echo },
  { method: 'PUT', path: '/upload', handler: upload, maxBodyBytes: 1000 },
  { method: 'GET', path: '/fail/:kind', handler: fail },
];

const thrown = new Map<string, unknown>([
  [
    'http',
    new HttpError(409, 'TEST_CONFLICT', 'taken', {
      extra: { head: 7 },
      headers: { 'x-why': 'taken' },
    }),
  ],
  ['proxy-404', new GrantUnknownError('ab')],
  ['proxy-429', new RateLimitedError()],
  ['proxy-503', new ProxyBusyError()],
  ['ledger-403', new UnauthorizedEntryError('only the owner grants')],
  ['ledger-409', new SequenceError(1, 2)],
  ['ledger-400', new TimeOrderError(3)],
  ['pre-400', new InvalidPointError('key')],
  ['bug', new Error('secret path /home/alice/key.json')],
  ['not-an-error', 'a string'],
]);

const logged: string[] = [];
let service: RunningHttpService;
beforeAll(async () => {
  service = await startHttpService({
    name: 'test',
    routes,
    deps: { greeting: 'hi', thrown },
    codes,
    maxBodyBytes: 100,
    log: (line) => logged.push(line),
  });
});
afterAll(() => service.close());

async function call(path: string, init?: RequestInit) {
  const response = await fetch(`${service.url}${path}`, init);
  const text = await response.text();
  const json =
    response.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, json };
}

describe('routing', () => {
  test('a route gets its named params, percent-decoded, and the query', async () => {
    expect(await call('/hello/J%C3%BCrgen?x=1')).toMatchObject({
      status: 200,
      json: { text: 'hi Jürgen', query: '?x=1' },
    });
    expect((await call('/v1/ledgers/ab/entries/12')).json).toEqual({ id: 'ab', seq: '12' });
  });

  test('no route is a 404 with the service code; a param off its pattern matches no route', async () => {
    for (const path of [
      '/nowhere',
      '/hello',
      '/hello/a/b',
      '/hello/',
      '/v1/ledgers/ab/entries/x',
    ]) {
      const r = await call(path);
      expect(r.status, path).toBe(404);
      expect(r.json.error.code).toBe('TEST_NOT_FOUND');
    }
  });

  test('a known path with another method is a 405 that says what is allowed', async () => {
    const r = await call('/v1/ledgers/ab/entries/1', { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, POST');
    expect(r.json.error).toEqual({ code: 'TEST_METHOD', message: 'use GET or POST' });
  });

  test('without a method code, a wrong method is a 404 (the ledger host and sites)', async () => {
    const plain = await startHttpService({
      name: 'plain',
      routes,
      deps: { greeting: 'hi', thrown },
      codes: { ...codes, method: undefined },
    });
    try {
      const r = await fetch(`${plain.url}/echo`);
      expect(r.status).toBe(404);
      expect(r.headers.get('allow')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

describe('bodies', () => {
  test('JSON in, JSON out', async () => {
    const r = await call('/echo', { method: 'POST', body: '{"a":[1,2]}' });
    expect(r).toMatchObject({ status: 201, json: { got: { a: [1, 2] } } });
  });

  test('a body that is not JSON is a 400 with the service code', async () => {
    const r = await call('/echo', { method: 'POST', body: '{' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('TEST_BAD_JSON');
  });

  test('bodies over the limit are 413: the service default, or the route its own', async () => {
    const over = await call('/echo', { method: 'POST', body: `"${'x'.repeat(200)}"` });
    expect(over.status).toBe(413);
    expect(over.json.error).toEqual({
      code: 'TEST_TOO_LARGE',
      message: 'request bodies are limited to 100 bytes',
    });
    const bytes = new Uint8Array(1000).fill(9);
    const fits = await fetch(`${service.url}/upload`, { method: 'PUT', body: bytes });
    expect(new Uint8Array(await fits.arrayBuffer())).toEqual(bytes);
    const big = await call('/upload', { method: 'PUT', body: new Uint8Array(1001) });
    expect(big.status).toBe(413);
  });
});

describe('errors: one mapping', () => {
  test.each([
    ['http', 409, 'TEST_CONFLICT'],
    ['proxy-404', 404, 'PROXY_GRANT_UNKNOWN'],
    ['proxy-429', 429, 'PROXY_RATE_LIMITED'],
    ['proxy-503', 503, 'PROXY_BUSY'],
    ['ledger-403', 403, 'LEDGER_UNAUTHORIZED'],
    ['ledger-409', 409, 'LEDGER_SEQUENCE'],
    ['ledger-400', 400, 'LEDGER_TIME_ORDER'],
    ['pre-400', 400, 'PRE_INVALID_POINT'],
  ])('%s → %i %s, the short message only', async (kind, status, code) => {
    const r = await call(`/fail/${kind}`);
    expect(r.status).toBe(status);
    expect(Object.keys(r.json.error)).toEqual(['code', 'message']);
    expect(r.json.error.code).toBe(code);
    const error = thrown.get(kind) as Error & { shortMessage?: string };
    expect(r.json.error.message).toBe(error.shortMessage ?? error.message);
    expect(r.headers.get('retry-after')).toBe(status === 429 || status === 503 ? '1' : null);
  });

  test('an HttpError brings its extra fields and headers', async () => {
    const r = await call('/fail/http');
    expect(r.json).toEqual({ error: { code: 'TEST_CONFLICT', message: 'taken' }, head: 7 });
    expect(r.headers.get('x-why')).toBe('taken');
  });

  test('anything else is a 500 that says nothing more, logged with its stack', async () => {
    logged.length = 0;
    for (const kind of ['bug', 'not-an-error']) {
      const r = await call(`/fail/${kind}`);
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { code: 'TEST_INTERNAL', message: 'internal error' } });
    }
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^test: internal error: Error: secret path[\s\S]*service\.test\.ts/);
    // library errors are answers, not bugs
    await call('/fail/ledger-403');
    expect(logged).toHaveLength(2);
  });
});

describe('headers', () => {
  test('service headers go on every answer; preflight answers OPTIONS with 204', async () => {
    const cors = await startHttpService({
      name: 'cors',
      routes,
      deps: { greeting: 'hi', thrown },
      codes,
      headers: { 'access-control-allow-origin': '*' },
      preflight: true,
      log: () => {},
    });
    try {
      for (const path of ['/hello/a', '/nowhere', '/fail/bug']) {
        const r = await fetch(`${cors.url}${path}`);
        expect(r.headers.get('access-control-allow-origin'), path).toBe('*');
      }
      const preflight = await fetch(`${cors.url}/anything`, { method: 'OPTIONS' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await cors.close();
    }
  });
});
