/**
 * Fixed vectors of signed proxy requests (docs/spec/vectors/proxy-request.json,
 * written once by scripts/make-vectors.ts). Nonces and signatures are
 * randomized, so the committed headers are verified here, never re-signed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { encodeCanonical } from '../ledger/index.js';
import { PublicKey, SecretKey, Signature } from '../pre/index.js';
import { NonceCache, type RequestAuthHeaders, verifyRequest } from './index.js';

type Vector = {
  id: string;
  signerSecretKey: string;
  audience: string;
  method: string;
  path: string;
  body: string;
  bodyHex: string;
  bodySha256: string;
  nonce: string;
  timestamp: number;
  message: string;
  signature: string;
  headers: RequestAuthHeaders;
  verify: { windowMs: number; acceptedAt: number[]; result: string };
};
type Negative = {
  id: string;
  of: string;
  audience?: string;
  method?: string;
  path?: string;
  bodyHex?: string;
  headers?: Record<string, string | null>;
  now: number;
  replay?: boolean;
  code: string;
};

const file = join(import.meta.dirname, '../../../../docs/spec/vectors/proxy-request.json');
const { vectors, negative } = JSON.parse(readFileSync(file, 'utf8')) as {
  vectors: Vector[];
  negative: Negative[];
};
const hex = bytesToHex;
const partsOf = (v: Pick<Vector, 'audience' | 'method' | 'path' | 'bodyHex'>) => ({
  audience: PublicKey.fromCompressedBytes(hexToBytes(v.audience)),
  method: v.method,
  path: v.path,
  body: hexToBytes(v.bodyHex),
});

describe.each(vectors)('signed request "$id"', (v) => {
  const signerKey = SecretKey.fromBEBytes(hexToBytes(v.signerSecretKey)).publicKey();

  test('the headers carry the signer’s key, the nonce, the timestamp and the signature', () => {
    expect(v.headers).toEqual({
      'x-medvault-key': hex(signerKey.toCompressedBytes()),
      'x-medvault-nonce': v.nonce,
      'x-medvault-timestamp': String(v.timestamp),
      'x-medvault-signature': v.signature,
    });
    expect(v.bodyHex).toBe(hex(utf8ToBytes(v.body)));
    expect(hex(sha256(hexToBytes(v.bodyHex)))).toBe(v.bodySha256);
  });

  test('the message is the deterministic CBOR of the v2 array, and the signature verifies over it', () => {
    const message = encodeCanonical([
      'medvault/proxy-request/v2',
      hexToBytes(v.audience),
      v.method.toUpperCase(),
      v.path,
      hexToBytes(v.bodySha256),
      hexToBytes(v.nonce),
      v.timestamp,
    ]);
    expect(hex(message)).toBe(v.message);
    const signature = Signature.fromBEBytes(hexToBytes(v.signature));
    expect(signature.verify(signerKey, hexToBytes(v.message))).toBe(true);
  });

  test.each(v.verify.acceptedAt)('verifyRequest at %i returns the signer’s key', (now) => {
    const key = verifyRequest(v.headers, partsOf(v), {
      nonces: new NonceCache(),
      windowMs: v.verify.windowMs,
      now,
    });
    expect(hex(key.toCompressedBytes())).toBe(v.verify.result);
  });
});

describe('negative cases', () => {
  test.each(negative)('$id: $code', async (n) => {
    const base = vectors.find((v) => v.id === n.of) as Vector;
    expect(base).toBeDefined();
    const parts = partsOf({ ...base, ...n });
    const headers: Record<string, string | undefined> = { ...base.headers };
    for (const [name, value] of Object.entries(n.headers ?? {})) headers[name] = value ?? undefined;
    const options = { nonces: new NonceCache(), windowMs: base.verify.windowMs, now: n.now };
    if (n.replay) verifyRequest(headers, parts, options);
    await expect(
      Promise.resolve().then(() => verifyRequest(headers, parts, options)),
    ).rejects.toMatchObject({ code: n.code });
  });
});
