import { caught } from '@medvault/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import {
  MalformedRequestAuthError,
  ReplayCacheFullError,
  ReplayedRequestError,
  RequestSignatureError,
  StaleRequestError,
} from './errors.js';
import { jsonBody, NonceCache, signRequest, verifyRequest } from './signed-request.js';

const reader = new Signer(SecretKey.random());
const proxyKey = SecretKey.random().publicKey();
const parts = {
  audience: proxyKey,
  method: 'POST',
  path: '/v1/reencrypt',
  body: jsonBody({ grantId: 'ab', capsules: [] }),
};
const NOW = 1_800_000_000_000;

describe('signed proxy requests', () => {
  test('a signed request verifies once, to the signer’s key; its replay is refused', () => {
    const nonces = new NonceCache();
    const headers = signRequest(reader, parts, NOW);
    const key = verifyRequest(headers, parts, { nonces, now: NOW + 1000 });
    expect(key.equals(reader.verifyingKey())).toBe(true);
    expect(caught(() => verifyRequest(headers, parts, { nonces, now: NOW + 2000 }))).toBeInstanceOf(
      ReplayedRequestError,
    );
  });

  test('any change to audience, method, path, body, nonce, timestamp or key breaks the signature', () => {
    const other = new Signer(SecretKey.random()).verifyingKey().toCompressedBytes();
    fc.assert(
      fc.property(
        fc.constantFrom('audience', 'method', 'path', 'body', 'nonce', 'timestamp', 'key'),
        fc.nat(),
        (what, n) => {
          const headers = signRequest(reader, parts, NOW);
          const p = { ...parts };
          const h = { ...headers };
          // a request signed for one proxy, verified by another
          if (what === 'audience') p.audience = SecretKey.random().publicKey();
          if (what === 'method') p.method = 'PUT';
          if (what === 'path') p.path = `/v1/reencrypt/${n}`;
          if (what === 'body') {
            p.body = Uint8Array.from(parts.body);
            p.body[n % p.body.length]! ^= 1 << (n % 8);
          }
          if (what === 'nonce')
            h['x-medvault-nonce'] = (n % 2 ** 31).toString(16).padStart(32, '0');
          if (what === 'timestamp') h['x-medvault-timestamp'] = String(NOW - 1 - (n % 1000));
          if (what === 'key') h['x-medvault-key'] = Buffer.from(other).toString('hex');
          const error = caught(() => verifyRequest(h, p, { nonces: new NonceCache(), now: NOW }));
          expect(error).toBeInstanceOf(RequestSignatureError);
          expect(error).toMatchObject({ code: 'PROXY_AUTH_SIGNATURE', status: 401 });
        },
      ),
    );
  });

  test('a timestamp outside the window is stale, either way', () => {
    for (const skew of [-61_000, 61_000, 3_600_000]) {
      const headers = signRequest(reader, parts, NOW + skew);
      expect(
        caught(() => verifyRequest(headers, parts, { nonces: new NonceCache(), now: NOW })),
      ).toBeInstanceOf(StaleRequestError);
    }
    const ok = signRequest(reader, parts, NOW - 59_000);
    expect(() => verifyRequest(ok, parts, { nonces: new NonceCache(), now: NOW })).not.toThrow();
  });

  test('malformed or missing headers are a typed 400, never a crash', () => {
    const good = signRequest(reader, parts, NOW);
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(good) as (keyof typeof good)[])),
        fc.oneof(fc.string(), fc.constant(undefined), fc.constant('zz'.repeat(33))),
        (name, value) => {
          const headers: Record<string, string | undefined> = { ...good, [name]: value };
          const error = caught(() =>
            verifyRequest(headers, parts, { nonces: new NonceCache(), now: NOW }),
          );
          // a random value could at most be another valid value: then the signature fails
          expect(
            error instanceof MalformedRequestAuthError ||
              error instanceof RequestSignatureError ||
              error instanceof StaleRequestError,
          ).toBe(true);
        },
      ),
    );
  });

  test('nonces are forgotten once their window has passed; a full cache refuses rather than forgets', () => {
    const nonces = new NonceCache(3);
    for (let i = 0; i < 3; i++)
      verifyRequest(signRequest(reader, parts, NOW), parts, { nonces, now: NOW });
    expect(nonces.size).toBe(3);
    expect(
      caught(() => verifyRequest(signRequest(reader, parts, NOW), parts, { nonces, now: NOW })),
    ).toBeInstanceOf(ReplayCacheFullError);
    const later = NOW + 61_000;
    verifyRequest(signRequest(reader, parts, later), parts, { nonces, now: later });
    expect(nonces.size).toBe(1);
  });
});
