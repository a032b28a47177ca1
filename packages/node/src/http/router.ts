/** A route table: method and path pattern → a named handler. */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** What a handler answers: JSON, or a body (string or bytes) with its headers, or only a status. */
export type Reply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; body?: string | Uint8Array; headers?: Record<string, string> };

/** One request, as a handler sees it. */
export type RequestContext = {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The request URL (`url.pathname` is what the route matched; `url.searchParams` the query). */
  readonly url: URL;
  /** The `:name` segments of the route's path, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The body, at most the route's `maxBodyBytes` (else a 413). */
  bytes(): Promise<Buffer>;
  /** The body parsed as JSON (else a 400 with the service's `badJson` code). */
  json(): Promise<unknown>;
};

/** A named handler: the request, and the service's dependencies. */
export type Handler<D> = (ctx: RequestContext, deps: D) => Promise<Reply> | Reply;

/**
 * One row of a route table.
 *
 * @example
 * ```ts
 * const row: Route<Deps> = { method: 'POST', path: '/v1/ledgers/:id/entries', handler: appendEntry };
 * ```
 */
export type Route<D> = {
  method: string;
  /** `/literal/:name/literal`: each `:name` matches one non-empty segment. */
  path: string;
  handler: Handler<D>;
  /** Patterns a param must match, else the route does not match (a 404). */
  params?: Record<string, RegExp>;
  /** Largest body this route reads (default: the service's). */
  maxBodyBytes?: number;
};

/** The codes a service answers its own refusals with. */
export type ServiceCodes = {
  /** 404: no route has this path. */
  notFound: string;
  /** 405 with `Allow`: a route has this path, not this method. Without it, a 404 as well. */
  method?: string;
  /** 413: a body over the route's limit. */
  tooLarge: string;
  /** 400: `ctx.json()` on a body that is not JSON. */
  badJson: string;
  /** 500: anything unexpected (logged; the body says only "internal error"). */
  internal: string;
};

type Compiled<D> = { route: Route<D>; segments: string[] };

/**
 * Compiles a table once; the function it returns finds the route for a
 * method and path, or throws the 404 or 405 the service answers.
 *
 * @example
 * ```ts
 * const match = compileRoutes(routes, codes);
 * const { route, params } = match('GET', '/v1/ledgers/ab/head'); // params.id === 'ab'
 * ```
 */
export function compileRoutes<D>(routes: readonly Route<D>[], codes: ServiceCodes) {
  const table: Compiled<D>[] = routes.map((route) => {
    if (!route.path.startsWith('/')) throw new Error(`route path ${route.path} must start with /`);
    return { route, segments: route.path.split('/') };
  });
  return (method: string, path: string): { route: Route<D>; params: Record<string, string> } => {
    const parts = path.split('/');
    const allow: string[] = [];
    for (const { route, segments } of table) {
      const params = matchPath(segments, parts, route.params);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allow.push(route.method);
    }
    if (allow.length === 0 || !codes.method)
      throw new HttpError(404, codes.notFound, `no ${method} ${path} here`);
    throw new HttpError(405, codes.method, `use ${allow.join(' or ')}`, {
      headers: { allow: allow.join(', ') },
    });
  };
}

function matchPath(
  segments: string[],
  parts: string[],
  patterns: Record<string, RegExp> = {},
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] as string;
    if (!segment.startsWith(':')) {
      if (segment !== part) return undefined;
      continue;
    }
    const name = segment.slice(1);
    const value = decode(part);
    if (!value || (patterns[name] && !patterns[name].test(value))) return undefined;
    params[name] = value;
  }
  return params;
}

// a malformed escape matches no route
function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
