/**
 * Every request of a sync goes through the caller's SMART on FHIR client
 * (`fhirclient`), which adds the access token and refreshes it: one page or
 * one attachment per call (`pageLimit: 1`), never `link[next]` followed by
 * the library — each next link is checked here first, since the library
 * would send the token to any URL a server names. Here too: the one place
 * that turns the library's failures into typed errors, the bounded waits on
 * 429, timeouts, and reading a body under a size cap.
 */
import {
  errorForStatus,
  ImportAbortedError,
  type ImportError,
  ImportForeignUrlError,
  ImportMalformedPageError,
  ImportNetworkError,
  ImportPageTooLargeError,
  ImportRateLimitedError,
  ImportUnauthorizedError,
} from './errors.js';

/**
 * What a sync needs of a SMART on FHIR client: `fhirclient`'s `Client`
 * (from `FHIR.oauth2.ready()`, `FHIR.client(state)` or, in Node,
 * `smart(req, res).client(state)`) has it. Typed by shape, so any client
 * that sends requests the same way fits.
 *
 * @example
 * ```ts
 * import FHIR from 'fhirclient';
 * const client: ProviderClient = await FHIR.oauth2.ready();
 * ```
 */
export type ProviderClient = {
  /** The server, and the token endpoint a refresh goes to (set by a SMART launch). */
  readonly state: { readonly serverUrl: string; readonly tokenUri?: string | undefined };
  /** Sends one request with the access token (fhirclient's `Client.request`). */
  request(
    requestOptions: ProviderRequestOptions,
    fhirOptions?: { pageLimit?: number; useRefreshToken?: boolean },
  ): Promise<unknown>;
};

/**
 * The options a sync passes to `client.request`: `fetch` options, the URL,
 * `includeResponse` (fhirclient then resolves `{ body, response }`), and
 * `size` (node-fetch's cap on the body, ignored by browsers).
 *
 * @example
 * ```ts
 * const options: ProviderRequestOptions = { url, includeResponse: true, headers: { accept: 'application/fhir+json' } };
 * ```
 */
export type ProviderRequestOptions = RequestInit & {
  url: string;
  includeResponse?: boolean;
  size?: number;
};

/** Redirects a page request follows, each on the server. */
const MAX_REDIRECTS = 5;

/**
 * A response as fhirclient hands it over: fetch's, or node-fetch 2's in Node.
 *
 * @example
 * ```ts
 * const type = (response as ResponseLike).headers.get('content-type');
 * ```
 */
export type ResponseLike = {
  status: number;
  url?: string;
  headers: { get(name: string): string | null };
  body?: unknown;
  arrayBuffer?(): Promise<ArrayBuffer>;
};

/**
 * How a sync sends requests.
 *
 * @example
 * ```ts
 * const ctx: RequestContext = { client, base, signal, timeoutMs: 60_000, retries: 3, maxRetryWaitMs: 60_000 };
 * ```
 */
export type RequestContext = {
  client: ProviderClient;
  /** The server's base URL (normalized). */
  base: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** How many times a 429 is waited out before the sync stops. */
  retries: number;
  /** The longest wait a Retry-After may ask for (ms); a longer one stops the sync. */
  maxRetryWaitMs: number;
};

/**
 * `url` resolved against the server's base (or `from`, the URL it was
 * found at), refused (`ImportForeignUrlError`) when it leaves the server's
 * origin.
 *
 * @example
 * ```ts
 * onServer('Binary/b1', 'https://fhir.example.org/r4', 'the attachment'); // 'https://fhir.example.org/r4/Binary/b1'
 * ```
 */
export function onServer(url: string, base: string, what: string, from = `${base}/`): string {
  let resolved: URL;
  try {
    resolved = new URL(url, from);
  } catch {
    throw new ImportForeignUrlError(what, url, new URL(base).origin);
  }
  const origin = new URL(base).origin;
  if (resolved.origin !== origin) throw new ImportForeignUrlError(what, resolved.href, origin);
  resolved.hash = '';
  return resolved.href;
}

/**
 * `Retry-After` as seconds from now (delta-seconds or an HTTP date), if it says.
 *
 * @example
 * ```ts
 * retryAfterSeconds('120'); // 120
 * retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT'); // seconds until then, at least 0
 * ```
 */
export function retryAfterSeconds(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Waits `ms`, or rejects with `ImportAbortedError` when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ImportAbortedError(signal.reason));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ImportAbortedError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The typed error for whatever `client.request` threw: fhirclient's
 * `HttpError` (a `status` and its `response`), an abort (the caller's, or
 * the timeout), node-fetch's body cap, JSON that does not parse, or a
 * network failure.
 *
 * @example
 * ```ts
 * try { await ctx.client.request(options) } catch (error) { throw requestError(error, url, ctx) }
 * ```
 */
export function requestError(error: unknown, url: string, ctx: RequestContext): ImportError {
  if (ctx.signal?.aborted) return new ImportAbortedError(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    response?: ResponseLike;
    name?: unknown;
    type?: unknown;
  };
  if (typeof e.status === 'number' && e.status >= 400 && e.status <= 599) {
    // a refresh of the token refused at the token endpoint: the authorisation is gone
    const at = typeof e.response?.url === 'string' ? e.response.url : url;
    const tokenUri = ctx.client.state.tokenUri;
    if ((e.status === 400 || e.status === 401) && tokenUri && at.split('?')[0] === tokenUri) {
      return new ImportUnauthorizedError(at, error);
    }
    return errorForStatus(
      e.status,
      url,
      retryAfterSeconds(e.response?.headers?.get('retry-after')),
      error,
    );
  }
  if (e.type === 'max-size')
    return new ImportPageTooLargeError(`The answer from ${url.slice(0, 200)}`, 'the size cap');
  if (error instanceof SyntaxError || error instanceof RangeError) {
    return new ImportMalformedPageError(
      `The answer from ${url.slice(0, 200)}`,
      'it is not JSON',
      error,
    );
  }
  return new ImportNetworkError(url, error);
}

/**
 * One request through the client, answered as `{ body, response }`: JSON
 * parsed, text as a string, anything else left unread in `response`. A
 * 429 is waited out (Retry-After, else 1, 2, 4 … s) up to `ctx.retries`
 * times if the wait is at most `ctx.maxRetryWaitMs`; every failure is a
 * typed `ImportError`.
 *
 * @example
 * ```ts
 * const { body } = await send(ctx, `${ctx.base}/Patient/p1`, { accept: 'application/fhir+json', maxBytes: 1 << 20 });
 * ```
 */
export async function send(
  ctx: RequestContext,
  url: string,
  options: { accept: string; maxBytes: number; followRedirects?: boolean },
): Promise<{ body: unknown; response: ResponseLike | undefined }> {
  let at = url;
  for (let attempt = 0, hops = 0; ; attempt++) {
    if (ctx.signal?.aborted) throw new ImportAbortedError(ctx.signal.reason);
    const timeout = AbortSignal.timeout(ctx.timeoutMs);
    try {
      const result = (await ctx.client.request(
        {
          url: at,
          headers: { accept: options.accept },
          signal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout,
          redirect: options.followRedirects ? 'follow' : 'manual',
          includeResponse: true,
          size: options.maxBytes + 1,
        },
        { pageLimit: 1 },
      )) as { body?: unknown; response?: ResponseLike } | null | undefined;
      return { body: result?.body, response: result?.response };
    } catch (error) {
      // a redirect is followed here, only on the server (the library would send the token anywhere)
      const status = (error as { status?: unknown } | null)?.status;
      if (
        !options.followRedirects &&
        typeof status === 'number' &&
        (status === 0 || (status >= 300 && status < 400))
      ) {
        const location = (error as { response?: ResponseLike }).response?.headers.get('location');
        if (!location || hops >= MAX_REDIRECTS) {
          throw new ImportForeignUrlError(
            `The answer to ${at.slice(0, 200)}`,
            location ?? 'an address the browser does not show',
            new URL(ctx.base).origin,
          );
        }
        at = onServer(location, ctx.base, `The redirect from ${at.slice(0, 200)}`, at);
        hops += 1;
        attempt -= 1;
        continue;
      }
      const mapped = requestError(error, at, ctx);
      if (mapped instanceof ImportRateLimitedError && attempt < ctx.retries) {
        const wait =
          mapped.retryAfterSeconds === undefined
            ? 2 ** attempt * 1000
            : mapped.retryAfterSeconds * 1000;
        if (wait <= ctx.maxRetryWaitMs) {
          await sleep(wait, ctx.signal);
          continue;
        }
      }
      throw mapped;
    }
  }
}

/**
 * The body of `response` read in full, refused (the error `tooLarge()`
 * makes) as soon as it passes `maxBytes` — before that when its
 * Content-Length says so. Works on fetch's streams and on node-fetch 2's.
 *
 * @example
 * ```ts
 * const bytes = await readCapped(response, 20 << 20, () => new ImportAttachmentTooLargeError(ref, url, 20 << 20));
 * ```
 */
export async function readCapped(
  response: ResponseLike,
  maxBytes: number,
  tooLarge: (size?: number) => Error,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const body = response.body as
    | {
        getReader?: () => ReadableStreamDefaultReader<Uint8Array>;
        destroy?: () => void;
        [Symbol.asyncIterator]?: unknown;
      }
    | null
    | undefined;
  const discard = () => {
    if (body?.getReader) void (body as unknown as ReadableStream).cancel().catch(() => {});
    else body?.destroy?.();
  };
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard();
    throw tooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const add = (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  };
  try {
    if (body?.getReader) {
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          add(value);
        }
      } finally {
        reader.releaseLock();
      }
    } else if (body && typeof body[Symbol.asyncIterator] === 'function') {
      for await (const chunk of body as AsyncIterable<Uint8Array>) add(new Uint8Array(chunk));
    } else if (response.arrayBuffer) {
      add(new Uint8Array(await response.arrayBuffer()));
    }
  } catch (error) {
    discard();
    if ((error as { type?: unknown }).type === 'max-size') throw tooLarge();
    throw error;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
