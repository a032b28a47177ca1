/** One signed JSON call to a proxy, with a timeout; every failure is a `ProxyCallError`. */
import type { Signer } from '../pre/signing.js';
import { jsonBody, signRequest } from '../request-auth/signed-request.js';
import { errorResponseSchema } from './api.js';
import { ProxyCallError, type ProxyFailure } from './errors.js';

/** A proxy as patients and readers know it. */
export type ProxyEndpoint = {
  /** Base URL, e.g. `https://proxy-a.example`. */
  url: string;
  /** The proxy's public key (fragments are encrypted to it; it signs access entries). */
  publicKey: import('../pre/keys.js').PublicKey;
};

/** Options of a call. */
export type CallOptions = { fetch?: typeof fetch; timeoutMs?: number; signal?: AbortSignal };

/** Sends `body` (JSON, or none) signed by `signer`; returns the JSON answer (undefined for 204). */
export async function callProxy(
  proxy: ProxyEndpoint,
  method: 'PUT' | 'POST' | 'DELETE',
  path: string,
  body: unknown,
  signer: Signer,
  options: CallOptions = {},
): Promise<unknown> {
  const bytes = body === undefined ? new Uint8Array(0) : jsonBody(body);
  const headers = {
    ...signRequest(signer, { audience: proxy.publicKey, method, path, body: bytes }),
    'content-type': 'application/json',
  };
  const base = proxy.url.replace(/\/$/, '');
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 10_000)];
  if (options.signal) signals.push(options.signal);
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(`${base}${path}`, {
      method,
      headers,
      body: bytes.length > 0 ? (bytes as BodyInit) : undefined,
      signal: AbortSignal.any(signals),
    });
  } catch (cause) {
    const timedOut = (cause as Error)?.name === 'TimeoutError';
    throw new ProxyCallError(
      proxy.url,
      timedOut ? 'PROXY_TIMEOUT' : 'PROXY_UNREACHABLE',
      timedOut ? 'no answer in time' : 'cannot connect',
      undefined,
      cause,
    );
  }
  if (response.status === 204) return undefined;
  let json: unknown;
  try {
    json = await response.json();
  } catch (cause) {
    throw new ProxyCallError(
      proxy.url,
      'PROXY_BAD_ANSWER',
      'the answer is not JSON',
      response.status,
      cause,
    );
  }
  if (!response.ok) {
    const parsed = errorResponseSchema.safeParse(json);
    throw new ProxyCallError(
      proxy.url,
      parsed.success ? parsed.data.error.code : 'PROXY_BAD_ANSWER',
      parsed.success ? parsed.data.error.message : `status ${response.status}`,
      response.status,
    );
  }
  return json;
}

/** A proxy failure in reportable form. */
export function failureOf(proxy: ProxyEndpoint, error: unknown): ProxyFailure {
  if (error instanceof ProxyCallError) {
    return { proxy: proxy.url, code: error.proxyCode, message: error.shortMessage };
  }
  const e = error as { code?: string; shortMessage?: string; message?: string };
  return {
    proxy: proxy.url,
    code: e?.code ?? 'PROXY_ERROR',
    message: e?.shortMessage ?? e?.message ?? String(error),
  };
}
