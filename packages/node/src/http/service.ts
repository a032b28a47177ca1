/** An HTTP service: a route table, its dependencies and the kit's one error mapping. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { errorResponse } from './error-response.js';
import { HttpError } from './http-error.js';
import { listen, shutdown } from './listen.js';
import {
  compileRoutes,
  type Reply,
  type RequestContext,
  type Route,
  type ServiceCodes,
} from './router.js';

/** Options of `startHttpService`. */
export type HttpServiceOptions<D> = {
  /** Names the service in logged internal errors. */
  name: string;
  routes: readonly Route<D>[];
  /** Passed to every handler. */
  deps: D;
  codes: ServiceCodes;
  host?: string;
  /** 0 (the default): a free port. */
  port?: number;
  /** Largest body a route reads unless it says otherwise (default 256 KiB). */
  maxBodyBytes?: number;
  /** Headers on every answer, errors included (e.g. CORS). */
  headers?: Record<string, string>;
  /** Answer `OPTIONS` on any path with 204 and `headers` (a CORS preflight). */
  preflight?: boolean;
  /** Node's server timeouts, ms (defaults: Node's). */
  timeouts?: { requestMs?: number; headersMs?: number; keepAliveMs?: number };
  /** How long `close` lets requests in flight finish (default 5 000 ms). */
  graceMs?: number;
  /** Where internal errors are logged (default: stderr). */
  log?: (line: string) => void;
  /** Called once per request with what was answered. */
  observe?: (method: string, status: number, ms: number) => void;
};

/** A running service. */
export type RunningHttpService = {
  url: string;
  server: Server;
  /** Stops accepting, finishes the requests in flight (up to `graceMs`), resolves once closed. */
  close(): Promise<void>;
};

/**
 * Starts a service on `host:port`; resolves once it listens.
 *
 * @example
 * ```ts
 * const service = await startHttpService({
 *   name: 'ledger-host',
 *   routes: [{ method: 'GET', path: '/v1/ledgers/:id/head', handler: head }],
 *   deps: { ledgers },
 *   codes: { notFound: 'LEDGER_HOST_NOT_FOUND', tooLarge: 'LEDGER_HOST_BODY_TOO_LARGE', badJson: 'LEDGER_HOST_BAD_JSON', internal: 'LEDGER_HOST_INTERNAL' },
 * });
 * await service.close();
 * ```
 */
export async function startHttpService<D>(
  options: HttpServiceOptions<D>,
): Promise<RunningHttpService> {
  const { codes, deps } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const match = compileRoutes(options.routes, codes);
  let closing = false;

  const send = (res: ServerResponse, reply: Reply, head: boolean) => {
    const body = 'json' in reply ? JSON.stringify(reply.json) : reply.body;
    res.writeHead(reply.status ?? 200, {
      ...options.headers,
      ...('json' in reply ? { 'content-type': 'application/json' } : {}),
      ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      ...reply.headers,
      // answers finished during shutdown take their sockets with them
      ...(closing ? { connection: 'close' } : {}),
    });
    res.end(head ? undefined : body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://service');
    if (options.preflight && method === 'OPTIONS') return send(res, { status: 204 }, false);
    const { route, params } = match(method, url.pathname);
    const limit = route.maxBodyBytes ?? options.maxBodyBytes ?? 256 * 1024;
    let body: Promise<Buffer> | undefined;
    const ctx: RequestContext = {
      req,
      method,
      url,
      params,
      bytes: () => {
        body ??= readBody(req, limit);
        return body;
      },
      json: async () => parseJson(await ctx.bytes(), codes.badJson),
    };
    send(res, await route.handler(ctx, deps), method === 'HEAD');
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res)
      .catch((error: unknown) => {
        const answer = errorResponse(error, codes);
        if (answer.unexpected)
          log(`${options.name}: internal error: ${(error as Error)?.stack ?? String(error)}`);
        if (res.headersSent) return void res.destroy();
        send(res, { status: answer.status, json: answer.body, headers: answer.headers }, false);
      })
      .finally(() =>
        options.observe?.(req.method ?? '', res.statusCode, performance.now() - started),
      );
  });
  const { requestMs, headersMs, keepAliveMs } = options.timeouts ?? {};
  if (requestMs !== undefined) server.requestTimeout = requestMs;
  if (headersMs !== undefined) server.headersTimeout = headersMs;
  if (keepAliveMs !== undefined) server.keepAliveTimeout = keepAliveMs;

  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  let closed: Promise<void> | undefined;
  return {
    url,
    server,
    close() {
      closing = true;
      closed ??= shutdown(server, options.graceMs ?? 5_000);
      return closed;
    },
  };
}

function parseJson(body: Buffer, code: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, code, 'the request body must be JSON');
  }
}
