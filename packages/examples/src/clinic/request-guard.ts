/**
 * Which requests the clinic's server answers at all, checked before any
 * handler runs:
 *
 * - the `Host` must be one of the site's own names — the address it
 *   listens on (and `localhost` when that is a loopback address), its public
 *   URL's host, and the names configured. A page on attacker.example whose
 *   name was re-pointed at this server (DNS rebinding) is same-origin with
 *   it in the browser's eyes, but still sends `Host: attacker.example`;
 * - a request that changes anything (not GET, HEAD or OPTIONS) must come
 *   from the site's own origin: an `Origin` equal to it, or no `Origin` and
 *   `Sec-Fetch-Site: same-origin`. SameSite=Strict keeps the staff's cookie
 *   off other sites' requests; this holds even where it does not, and for
 *   sign-in, which has no cookie yet.
 */
import { isIP } from 'node:net';
import { HttpError, type RequestContext } from '@medvault/node/http';

/**
 * Options of `requestGuard`.
 *
 * @example
 * ```ts
 * const options: RequestGuardOptions = { publicUrl: 'https://clinic.example', allowedHosts: ['clinic.internal:8443'] };
 * ```
 */
export type RequestGuardOptions = {
  /**
   * Other names the site is reached by, `name` (any port) or `name:port`:
   * the names of a reverse proxy in front of it, say.
   */
  allowedHosts?: readonly string[];
  /**
   * The URL people open, when it is not the address the server listens on
   * (e.g. `https://clinic.example` behind a TLS proxy): its host is allowed
   * and its scheme is the one expected in `Origin` for every allowed name.
   */
  publicUrl?: string;
};

type Name = { hostname: string; port: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// a host name or an IPv4 address, or an IPv6 address in brackets; an optional port
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * Whether a request with this method only reads (GET, HEAD, OPTIONS): the
 * others need the site's origin and, signed in, the CSRF token.
 *
 * @example
 * ```ts
 * isSafeMethod('POST'); // false
 * ```
 */
export const isSafeMethod = (method: string) => SAFE_METHODS.has(method);

function parseName(value: string): Name | undefined {
  const match = HOST_HEADER.exec(value.trim().toLowerCase().replace(/\.$/, ''));
  if (!match) return undefined;
  return { hostname: match[1] as string, port: match[2] ?? '' };
}

/** The address a socket was reached on, as a Host header names it. */
function addressName(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const v4 = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(v4) === 6 ? `[${v4}]` : v4;
}

const isLoopback = (hostname: string) =>
  /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';

/**
 * The check every request of a site passes first; throws the clinic's
 * `HttpError` (421 `CLINIC_WRONG_HOST`, 403 `CLINIC_CROSS_ORIGIN`) to refuse.
 *
 * @example
 * ```ts
 * const guard = requestGuard({ allowedHosts: ['clinic.example'], publicUrl: 'https://clinic.example' });
 * await startSite({ ...site, guard });
 * ```
 */
export function requestGuard(options: RequestGuardOptions = {}): (ctx: RequestContext) => void {
  const publicUrl = options.publicUrl === undefined ? undefined : new URL(options.publicUrl);
  const scheme = publicUrl?.protocol ?? 'http:';
  const named: Name[] = [
    ...(options.allowedHosts ?? []),
    ...(publicUrl ? [publicUrl.host] : []),
  ].map((entry) => {
    const name = parseName(entry);
    if (!name) throw new TypeError(`allowedHosts: ${entry} is not a host name`);
    return name;
  });

  /** The origin a page on this site has when it reached the site by `host`, or undefined when `host` is not the site. */
  function originFor(host: string | undefined, ctx: RequestContext): string | undefined {
    const name = host ? parseName(host) : undefined;
    if (!name) return undefined;
    const { localAddress, localPort } = ctx.req.socket;
    const own = addressName(localAddress);
    const ownPort = name.port === '' ? localPort === 80 : Number(name.port) === localPort;
    const direct =
      ownPort &&
      own !== undefined &&
      (name.hostname === own || (isLoopback(own) && name.hostname === 'localhost'));
    if (direct) return new URL(`http://${host}`).origin;
    const configured = named.some(
      (n) => n.hostname === name.hostname && (n.port === '' || n.port === name.port),
    );
    return configured ? new URL(`${scheme}//${host}`).origin : undefined;
  }

  return (ctx) => {
    const { headers } = ctx.req;
    const own = originFor(headers.host, ctx);
    if (own === undefined) {
      const message = `this site does not answer to the host ${headers.host ?? '(none)'}`;
      throw new HttpError(421, 'CLINIC_WRONG_HOST', message);
    }
    if (isSafeMethod(ctx.method)) return;
    const origin = headers.origin;
    const sameOrigin =
      origin === undefined ? headers['sec-fetch-site'] === 'same-origin' : origin === own;
    if (!sameOrigin) {
      const message = `changes are accepted from ${own} only, not ${origin ?? 'an unknown origin'}`;
      throw new HttpError(403, 'CLINIC_CROSS_ORIGIN', message);
    }
  };
}
