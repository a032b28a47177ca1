/** What every example site serves besides its API: its page and its browser bundle. */
import type { RequestContext, Route } from '@medvault/node/http';

/** What the page and bundle handlers use. */
export type SiteDeps = {
  site: {
    /** The page at `/` (a full HTML document). */
    page: () => string;
    /** The page's Content-Security-Policy. */
    csp: string;
    /** The browser bundle served at `/app.js`. */
    script: string;
  };
};

/** The routes every site has. */
export const siteRoutes: Route<SiteDeps>[] = [
  { method: 'GET', path: '/', handler: page },
  { method: 'GET', path: '/app.js', handler: appScript },
];

/** `GET /`: the page, allowed to run only its own bundle. */
export function page(_ctx: RequestContext, { site }: SiteDeps) {
  return {
    body: site.page(),
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': site.csp,
    },
  };
}

/** `GET /app.js`: the page's script. */
export function appScript(_ctx: RequestContext, { site }: SiteDeps) {
  return { body: site.script, headers: { 'content-type': 'text/javascript; charset=utf-8' } };
}
