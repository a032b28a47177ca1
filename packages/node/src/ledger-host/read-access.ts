/**
 * Who may read a ledger on this host, and what of it: every read is a
 * signed request addressed to this host (docs/spec/ledger-host-api.md §
 * Reads). The owner gets every entry in full; a grant's reader and proxies
 * get what their grants need, the rest as stubs; anyone else 403.
 */
import {
  type Entry,
  encodeEntry,
  type Ledger,
  stubOf,
  type Visibility,
  visibilityFor,
} from '@medvault/core/ledger';
import { hostAudience } from '@medvault/core/ledger-host';
import { type NonceCache, RequestSignatureError, verifyRequest } from '@medvault/core/proxy';
import { bytesToHex } from '@noble/hashes/utils.js';
import { clientKey, HttpError, type RequestContext } from '../http/index.js';

/** What checking a read needs. */
export type ReadAccessDeps = {
  /** The URLs clients reach this host by (their origins are the audiences accepted). */
  publicUrls: readonly string[];
  nonces: NonceCache;
  /** Accepted clock skew of signed requests, ms. */
  windowMs: number;
  /**
   * Where replicas share the nonces they accepted (the database): refuses
   * with `ReplayedRequestError` one that any replica accepted before.
   */
  shared?: { claim(nonce: string, expiresAt: number): Promise<void> };
};

/** Entries decoded once per ledger object, extended as it grows. */
const decoded = new WeakMap<Ledger, Entry[]>();

/** The ledger's entries, decoded (cached per ledger object). */
export function entriesOf(ledger: Ledger): Entry[] {
  let list = decoded.get(ledger);
  if (!list) {
    list = [];
    decoded.set(ledger, list);
  }
  for (let seq = list.length; seq < ledger.size; seq++) list.push(ledger.entry(seq));
  return list;
}

/**
 * The key that signed this request for this host (any of its public URLs).
 * Throws 401 when the request is unsigned or its signature fails, or when
 * its nonce was used before — on any replica, when they share one store.
 */
export async function authenticate(
  ctx: RequestContext,
  deps: ReadAccessDeps,
  body: Uint8Array,
): Promise<Uint8Array> {
  const key = verifiedKey(ctx, deps, body);
  if (deps.shared) {
    const headers = ctx.req.headers;
    const nonce = `${bytesToHex(key)}:${String(headers['x-medvault-nonce']).toLowerCase()}`;
    await deps.shared.claim(nonce, Number(headers['x-medvault-timestamp']) + deps.windowMs);
  }
  return key;
}

function verifiedKey(ctx: RequestContext, deps: ReadAccessDeps, body: Uint8Array): Uint8Array {
  if (ctx.req.headers['x-medvault-key'] === undefined) {
    throw new HttpError(
      401,
      'LEDGER_HOST_UNAUTHENTICATED',
      'reads are signed requests (x-medvault-key, -nonce, -timestamp, -signature) addressed to this host',
    );
  }
  const audiences = [...new Set(deps.publicUrls.map(hostAudience))];
  let last: unknown;
  for (const audience of audiences) {
    try {
      const key = verifyRequest(
        ctx.req.headers,
        { audience, method: ctx.method, path: `${ctx.url.pathname}${ctx.url.search}`, body },
        {
          nonces: deps.nonces,
          windowMs: deps.windowMs,
          partition: clientKey(ctx.req),
        },
      );
      return key.toCompressedBytes();
    } catch (error) {
      last = error;
      if (!(error instanceof RequestSignatureError)) break; // stale, malformed, replayed: the same for every audience
    }
  }
  throw last;
}

/**
 * What the request's signer may see of `ledger`. A key that is neither the
 * owner nor a reader or proxy of one of its grants (an author about to seal
 * a record) sees whose ledger it is and the encryption keys to seal to, in
 * full, and every other entry as a stub.
 */
export async function authorizeRead(
  ctx: RequestContext,
  deps: ReadAccessDeps,
  ledger: Ledger,
): Promise<Visibility> {
  const key = await authenticate(ctx, deps, new Uint8Array(0));
  return visibilityFor(entriesOf(ledger), key);
}

/** Entry `seq` as this party is served it: in full, or as a stub. */
export function servedEntry(ledger: Ledger, visibility: Visibility, seq: number): Uint8Array {
  if (visibility.full(seq)) return ledger.entryBytes(seq);
  return encodeEntry(stubOf(entriesOf(ledger)[seq] as Entry));
}
