/**
 * One small HTTP server per example site: its page, its browser bundle
 * (built once at start by esbuild, `@medvault/core` from source), and its
 * JSON API. Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';

const coreSrc = join(import.meta.dirname, '../../../core/src');

/** An API error answered as `{ error: { code, message } }`. */
export class SiteError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** A route's answer: JSON, or raw bytes with a content type. */
export type RouteResult =
  | { json: unknown; status?: number }
  | { bytes: Uint8Array; contentType: string };

/** A route handler; `params` are the `:name` parts of its pattern. */
export type Route = (
  req: IncomingMessage,
  params: Record<string, string>,
) => Promise<RouteResult> | RouteResult;

/** What a site serves. */
export type SiteOptions = {
  /** The page at `/` (a full HTML document). */
  page: () => string;
  /** The browser entry bundled to `/app.js`. */
  entry: string;
  /** Other origins the page may fetch from (its CSP's connect-src). */
  connectTo?: string[];
  /** `METHOD /path/:param` → handler. */
  routes?: Record<string, Route>;
  port?: number;
  host?: string;
  log?: (line: string) => void;
};

/** A running site. */
export type RunningSite = { url: string; server: Server; close(): Promise<void> };

/** Bundles a browser entry (ESM, `@medvault/core` from source, no node: imports). */
export async function bundleBrowserEntry(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox128'],
    alias: { '@medvault/core': coreSrc },
    external: ['node:*'],
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return (result.outputFiles[0] as { text: string }).text;
}

function compile(routes: Record<string, Route>) {
  return Object.entries(routes).map(([key, handler]) => {
    const [method, path] = key.split(' ') as [string, string];
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    return { method, pattern, names, handler };
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Starts a site; resolves once it listens. */
export async function startSite(options: SiteOptions): Promise<RunningSite> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const script = await bundleBrowserEntry(options.entry);
  const routes = compile(options.routes ?? {});
  const connect = ["'self'", ...(options.connectTo ?? []).map((url) => new URL(url).origin)];
  // the page runs only its own bundle; records render as inert HTML
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    'frame-src blob:',
    'object-src blob:',
    `connect-src ${connect.join(' ')}`,
  ].join('; ');

  async function route(req: IncomingMessage, res: ServerResponse) {
    const { pathname } = new URL(req.url ?? '/', 'http://site');
    const method = req.method ?? 'GET';
    if (method === 'GET' && pathname === '/') {
      const html = options.page();
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        'cache-control': 'no-store',
      });
      return void res.end(html);
    }
    if (method === 'GET' && pathname === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return void res.end(script);
    }
    for (const r of routes) {
      const match = r.method === method ? r.pattern.exec(pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(
        r.names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]),
      );
      const result = await r.handler(req, params);
      if ('json' in result) return sendJson(res, result.status ?? 200, result.json);
      res.writeHead(200, {
        'content-type': result.contentType,
        'content-length': String(result.bytes.length),
      });
      return void res.end(result.bytes);
    }
    throw new SiteError(404, 'NOT_FOUND', `no ${method} ${pathname} here`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const known = error instanceof SiteError;
      if (!known) log(`site: ${(error as Error)?.stack ?? String(error)}`);
      const status = known ? error.status : 500;
      const code = known ? error.code : ((error as { code?: string })?.code ?? 'INTERNAL');
      const message = (error as Error)?.message ?? 'internal error';
      if (!res.headersSent) sendJson(res, status, { error: { code, message } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    server,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Reads a JSON request body of at most `limit` bytes. */
export async function readJsonBody(req: IncomingMessage, limit = 256 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new SiteError(413, 'TOO_LARGE', `request bodies are limited to ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new SiteError(400, 'BAD_JSON', 'the request body must be JSON');
  }
}

/** Escapes text for HTML (the pages the servers write carry config values). */
export function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
