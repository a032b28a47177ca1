/**
 * Signed requests from readers (and patients) to proxies. The signer covers
 * the proxy the request is for (its public key), the method, the path, the
 * SHA-256 of the body, a random 16-byte nonce and the time, so a request
 * cannot be altered, moved to another endpoint or another proxy, or
 * replayed: the proxy refuses timestamps outside a window and remembers every
 * nonce it accepted until the window has passed.
 *
 * Headers: `x-medvault-key` (compressed secp256k1 key, hex),
 * `x-medvault-nonce` (32 hex digits), `x-medvault-timestamp` (ms since the
 * epoch), `x-medvault-signature` (64-byte r‖s, hex).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  concatBytes,
  hexToBytes,
  randomBytes,
  utf8ToBytes,
} from '@noble/hashes/utils.js';
import { encodeCanonical } from '../ledger/cbor.js';
import { PublicKey } from '../pre/keys.js';
import { Signature, type Signer } from '../pre/signing.js';
import {
  MalformedRequestAuthError,
  ReplayCacheFullError,
  ReplayedRequestError,
  RequestSignatureError,
  StaleRequestError,
} from './errors.js';

const DOMAIN = 'medvault/proxy-request/v2';

/** The parts of an HTTP request a signature covers. */
export type SignedRequestParts = {
  /**
   * Who the request is for: a proxy's public key (a proxy checks it is its
   * own), or a string naming a server that has no key — a ledger host's
   * `hostAudience(url)`.
   */
  audience: PublicKey | string;
  method: string;
  path: string;
  body: Uint8Array;
};

/** The four authentication headers. */
export type RequestAuthHeaders = {
  'x-medvault-key': string;
  'x-medvault-nonce': string;
  'x-medvault-timestamp': string;
  'x-medvault-signature': string;
};

function message(parts: SignedRequestParts, nonce: Uint8Array, timestamp: number): Uint8Array {
  return encodeCanonical([
    DOMAIN,
    typeof parts.audience === 'string'
      ? utf8ToBytes(parts.audience)
      : parts.audience.toCompressedBytes(),
    parts.method.toUpperCase(),
    parts.path,
    sha256(parts.body),
    nonce,
    timestamp,
  ]);
}

/**
 * Signs a request; send the returned headers with it.
 *
 * @example
 * ```ts
 * const body = new TextEncoder().encode(JSON.stringify(payload));
 * const headers = signRequest(readerSigner, {
 *   audience: proxy.publicKey, method: 'POST', path: '/v1/reencrypt', body,
 * });
 * await fetch(proxyUrl + '/v1/reencrypt', { method: 'POST', headers, body });
 * ```
 */
export function signRequest(
  signer: Signer,
  parts: SignedRequestParts,
  now: number = Date.now(),
): RequestAuthHeaders {
  const nonce = randomBytes(16);
  const timestamp = Math.floor(now);
  return {
    'x-medvault-key': bytesToHex(signer.verifyingKey().toCompressedBytes()),
    'x-medvault-nonce': bytesToHex(nonce),
    'x-medvault-timestamp': String(timestamp),
    'x-medvault-signature': bytesToHex(signer.sign(message(parts, nonce, timestamp)).toBEBytes()),
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string {
  const value = headers[name];
  return typeof value === 'string' ? value : '';
}

function parseHex(value: string, bytes: number, name: string): Uint8Array {
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value)) {
    throw new MalformedRequestAuthError(name, `${bytes * 2} lowercase hex digits`);
  }
  return hexToBytes(value);
}

/** Options of `NonceCache`. */
export type NonceCacheOptions = {
  /**
   * Nonces one partition (one client address) may have held at once
   * (default 10 000: over a nonce's lifetime of at most twice the window,
   * 2 min by default, a sustained 80 requests a second from one address).
   */
  perPartition?: number;
  /** Nonces held in all, at most (default 500 000, some 50 MB): the memory bound. */
  capacity?: number;
};

/** Expiry buckets are this wide, ms: a nonce is kept until the end of its bucket. */
const BUCKET_MS = 1000;

type Partition = { key: string; count: number };

/**
 * Remembers the nonces of accepted requests for as long as their timestamps
 * are within the window, so that a replay within the window is refused (and
 * one after it is refused as stale). Memory is bounded, and when it is short
 * the cache refuses new requests (`ReplayCacheFullError`, a 503) rather than
 * forget a nonce — but only from the clients using the most of it, so that
 * nobody can flood it into refusing everyone.
 *
 * The rules, for a request from partition `p` (the caller's partition: the
 * client's address) holding `n` nonces, with `T` nonces held in all:
 *
 * 1. **Replays, across partitions.** Nonces are looked up in one map for
 *    all partitions, so a request replayed from another address is still a
 *    replay (`ReplayedRequestError`, whatever the limits below).
 * 2. **Nothing forgotten early.** A nonce with expiry `t + window` (`t` its
 *    timestamp) is dropped only once the clock has passed the end of its
 *    1 s bucket, ≥ `t + window`; until then `verifyRequest` could still
 *    accept timestamp `t`, and finds it. A refusal drops nothing.
 * 3. **A partition's share.** `p` is refused once `n ≥ perPartition`:
 *    a client flooding with valid self-signed requests (a fresh key costs
 *    nothing) refuses only itself.
 * 4. **The largest first.** `p` is refused when `T ≥ capacity · (1 − n /
 *    (2 · perPartition))`: below half the capacity nobody is refused by it;
 *    beyond, the more a partition holds the sooner it is refused, and only
 *    a partition holding nothing may take the last place. So `T` never
 *    exceeds `capacity`, and a newcomer is refused only when `T` reaches
 *    `capacity` — which each partition can push towards only while it holds
 *    little: with the defaults it takes 274 addresses, each filling the
 *    most it may within one window, to refuse a client that arrives with
 *    nothing, 143 to refuse one holding 100 nonces (and getting 500 000
 *    signatures verified within two minutes would exhaust the CPU first).
 *    A partition whose nonces have all expired is forgotten.
 *
 * @example
 * ```ts
 * const nonces = new NonceCache({ perPartition: 10_000, capacity: 500_000 });
 * verifyRequest(req.headers, parts, { nonces, partition: clientKey(req) });
 * ```
 */
export class NonceCache {
  readonly perPartition: number;
  readonly capacity: number;
  /** Every nonce held, to its partition. */
  readonly #seen = new Map<string, Partition>();
  readonly #partitions = new Map<string, Partition>();
  /** The nonces expiring in each bucket, by the bucket's end. */
  readonly #buckets = new Map<number, string[]>();
  /** The buckets' ends, in increasing order. */
  readonly #ends: number[] = [];

  constructor(options: NonceCacheOptions = {}) {
    this.capacity = options.capacity ?? 500_000;
    this.perPartition = Math.min(options.perPartition ?? 10_000, this.capacity);
    if (!(this.capacity >= 1 && this.perPartition >= 1)) {
      throw new RangeError('a nonce cache holds at least one nonce, and one per partition');
    }
  }

  /**
   * Records nonce `id` of `partition` (default `''`), valid until
   * `expiresAt`; throws `ReplayedRequestError` if it is held (for any
   * partition), `ReplayCacheFullError` if this partition may not add one now.
   */
  remember(id: string, expiresAt: number, now: number, partition = ''): void {
    this.#expire(now);
    if (this.#seen.has(id)) throw new ReplayedRequestError();
    if (expiresAt < now) return; // nothing left to refuse it for
    const held = this.#partitions.get(partition);
    const n = held?.count ?? 0;
    const total = this.#seen.size;
    // rule 4 as integers: T < C · (1 − n / 2K)
    const k2 = 2 * this.perPartition;
    if (n >= this.perPartition || k2 * total + n * this.capacity >= k2 * this.capacity) {
      throw new ReplayCacheFullError();
    }
    const p = held ?? { key: partition, count: 0 };
    if (!held) this.#partitions.set(partition, p);
    p.count += 1;
    this.#seen.set(id, p);
    const end = Math.ceil(expiresAt / BUCKET_MS) * BUCKET_MS;
    const bucket = this.#buckets.get(end);
    if (bucket) bucket.push(id);
    else this.#addBucket(end, [id]);
  }

  /** Number of nonces held. */
  get size(): number {
    return this.#seen.size;
  }

  /** Number of partitions holding a nonce. */
  get partitions(): number {
    return this.#partitions.size;
  }

  /** Number of nonces `partition` holds. */
  held(partition: string): number {
    return this.#partitions.get(partition)?.count ?? 0;
  }

  /** Drops the buckets that ended before `now` (strictly: `expiresAt` itself still counts). */
  #expire(now: number): void {
    let drop = 0;
    while (drop < this.#ends.length && (this.#ends[drop] as number) < now) {
      const end = this.#ends[drop] as number;
      for (const id of this.#buckets.get(end) ?? []) {
        const p = this.#seen.get(id);
        this.#seen.delete(id);
        if (p && --p.count === 0) this.#partitions.delete(p.key);
      }
      this.#buckets.delete(end);
      drop += 1;
    }
    if (drop > 0) this.#ends.splice(0, drop);
  }

  #addBucket(end: number, ids: string[]): void {
    this.#buckets.set(end, ids);
    // most buckets are added last; else a binary search for the place
    let lo = 0;
    let hi = this.#ends.length;
    if (hi === 0 || (this.#ends[hi - 1] as number) < end) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#ends[mid] as number) < end) lo = mid + 1;
      else hi = mid;
    }
    this.#ends.splice(lo, 0, end);
  }
}

/** Options of `verifyRequest`. */
export type VerifyRequestOptions = {
  /** The nonces already accepted (one cache per server). */
  nonces: NonceCache;
  /** Accepted clock difference either way, in ms (default 60 000). */
  windowMs?: number;
  /** The server's clock (for tests). */
  now?: number;
  /**
   * Who the request comes from, as the nonce cache shares its room out: the
   * client's address (`clientKey(req)` in @medvault/node/http). Default `''`
   * (everyone one client). A flood from one partition refuses only it.
   */
  partition?: string;
};

/**
 * Checks a signed request: well-formed headers, a timestamp within the
 * window, a signature by the given key over exactly this request addressed
 * to `parts.audience` (the verifying proxy's own key: a request signed for
 * another proxy fails), and a nonce not seen before. Returns the signer's
 * public key.
 *
 * @example
 * ```ts
 * const key = verifyRequest(req.headers, { audience: proxyKey, method, path, body }, {
 *   nonces, // one NonceCache per server
 *   partition: clientKey(req), // the client's address: a flood refuses only it
 * });
 * ```
 */
export function verifyRequest(
  headers: Record<string, string | string[] | undefined>,
  parts: SignedRequestParts,
  options: VerifyRequestOptions,
): PublicKey {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now();
  const keyHex = header(headers, 'x-medvault-key');
  let key: PublicKey;
  try {
    key = PublicKey.fromCompressedBytes(parseHex(keyHex, 33, 'x-medvault-key'));
  } catch {
    throw new MalformedRequestAuthError(
      'x-medvault-key',
      'a compressed secp256k1 public key in hex',
    );
  }
  const nonce = parseHex(header(headers, 'x-medvault-nonce'), 16, 'x-medvault-nonce');
  const timestampText = header(headers, 'x-medvault-timestamp');
  if (!/^[0-9]{1,16}$/.test(timestampText)) {
    throw new MalformedRequestAuthError('x-medvault-timestamp', 'milliseconds since the epoch');
  }
  const timestamp = Number(timestampText);
  const signatureBytes = parseHex(
    header(headers, 'x-medvault-signature'),
    64,
    'x-medvault-signature',
  );
  let signature: Signature;
  try {
    signature = Signature.fromBEBytes(signatureBytes);
  } catch {
    throw new MalformedRequestAuthError('x-medvault-signature', 'a 64-byte r‖s ECDSA signature');
  }
  if (Math.abs(now - timestamp) > windowMs) throw new StaleRequestError(now - timestamp, windowMs);
  if (!signature.verify(key, message(parts, nonce, timestamp))) throw new RequestSignatureError();
  options.nonces.remember(nonceId(key, nonce), timestamp + windowMs, now, options.partition ?? '');
  return key;
}

/**
 * What the nonce cache keeps of a key and nonce: SHA-256 of both, as a flat
 * 32-character string — some 100 bytes a nonce held in all, where the hex
 * of both took four times that.
 */
function nonceId(key: PublicKey, nonce: Uint8Array): string {
  return String.fromCharCode(...sha256(concatBytes(key.toCompressedBytes(), nonce)));
}

/** Encodes a JSON body as the bytes that are signed and sent. */
export function jsonBody(value: unknown): Uint8Array {
  return utf8ToBytes(JSON.stringify(value));
}
