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
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
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
  /** The proxy the request is for: its public key (a proxy checks it is its own). */
  audience: PublicKey;
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
    parts.audience.toCompressedBytes(),
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

/**
 * Remembers the nonces of accepted requests for as long as their timestamps
 * are within the window, so a replay within the window is refused and one
 * after it is refused as stale. Bounded: when full it refuses new requests
 * (`ReplayCacheFullError`, a 503) rather than forget a nonce.
 */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity = 200_000) {
    this.#capacity = capacity;
  }

  /** Records `id`, valid until `expiresAt`; throws if it is already there. */
  remember(id: string, expiresAt: number, now: number): void {
    for (const [key, expiry] of this.#seen) {
      if (expiry > now) break; // insertion order is close to expiry order
      this.#seen.delete(key);
    }
    if (this.#seen.has(id)) throw new ReplayedRequestError();
    if (this.#seen.size >= this.#capacity) throw new ReplayCacheFullError();
    this.#seen.set(id, expiresAt);
  }

  /** Number of nonces held. */
  get size(): number {
    return this.#seen.size;
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
};

/**
 * Checks a signed request: well-formed headers, a timestamp within the
 * window, a signature by the given key over exactly this request addressed
 * to `parts.audience` (the verifying proxy's own key: a request signed for
 * another proxy fails), and a nonce not seen before. Returns the signer's
 * public key.
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
  options.nonces.remember(`${keyHex}/${bytesToHex(nonce)}`, timestamp + windowMs, now);
  return key;
}

/** Encodes a JSON body as the bytes that are signed and sent. */
export function jsonBody(value: unknown): Uint8Array {
  return utf8ToBytes(JSON.stringify(value));
}
