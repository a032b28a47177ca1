/**
 * One small HTTP server per example site: its page, its browser bundle
 * (built once at start by esbuild, `@medvault/core` from its sources), and its
 * JSON API, on the node package's HTTP kit. Listens on 127.0.0.1 unless told
 * otherwise.
 */
import type { Server } from 'node:http';
import { type RequestContext, type Route, startHttpService } from '@medvault/node/http';
import { build } from 'esbuild';
import { type SiteDeps, siteRoutes } from './routes.js';

/** What a site serves. */
export type SiteOptions<D> = {
  /** The page at `/` (a full HTML document). */
  page: () => string;
  /** The browser entry bundled to `/app.js`. */
  entry: string;
  /** Other origins the page may fetch from (its CSP's connect-src). */
  connectTo?: string[];
  /** The site's API. */
  routes: Route<D>[];
  /** What its handlers use. */
  deps: D;
  /**
   * Runs before every route's handler, the page's and the bundle's too;
   * throws to refuse the request (e.g. a Host that is not the site's).
   */
  guard?: (ctx: RequestContext) => void;
  port?: number;
  host?: string;
  log?: (line: string) => void;
};

/** A running site. */
export type RunningSite = { url: string; server: Server; close(): Promise<void> };

/**
 * Bundles a browser entry (ESM, no node: imports). `@medvault/core` comes
 * from its sources through the repository's tsconfig paths, which esbuild
 * reads from the nearest tsconfig.json.
 */
export async function bundleBrowserEntry(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox128'],
    external: ['node:*'],
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return (result.outputFiles[0] as { text: string }).text;
}

/** Starts a site; resolves once it listens. */
export async function startSite<D extends object>(options: SiteOptions<D>): Promise<RunningSite> {
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
  const site = { page: options.page, csp, script: await bundleBrowserEntry(options.entry) };
  const { guard } = options;
  const routes: Route<D & SiteDeps>[] = [...siteRoutes, ...options.routes].map((route) =>
    guard
      ? {
          ...route,
          handler: (ctx, deps) => {
            guard(ctx);
            return route.handler(ctx, deps);
          },
        }
      : route,
  );
  return startHttpService({
    name: 'site',
    routes,
    deps: { ...options.deps, site },
    codes: {
      notFound: 'NOT_FOUND',
      tooLarge: 'TOO_LARGE',
      badJson: 'BAD_JSON',
      internal: 'INTERNAL',
    },
    host: options.host,
    port: options.port,
    headers: { 'cache-control': 'no-store' },
    log: options.log,
  });
}

/** Escapes text for HTML (the pages the servers write carry config values). */
export function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
