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
import {
  jsonBody,
  NonceCache,
  type RequestAuthHeaders,
  signRequest,
  verifyRequest,
} from './signed-request.js';

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

  test('nonces are forgotten once their window has passed; a full partition refuses rather than forgets', () => {
    const nonces = new NonceCache({ perPartition: 3 });
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

describe('the nonce cache under a flood', () => {
  const attacker = '198.51.100.66';
  const honest = '203.0.113.7';

  test('one address sending twice its share refuses only itself; replays are still refused', () => {
    const nonces = new NonceCache({ perPartition: 20, capacity: 1000 });
    const accepted: ReturnType<typeof signRequest>[] = [];
    let full = 0;
    for (let i = 0; i < 40; i++) {
      // valid requests, a fresh key each: free for the attacker
      const headers = signRequest(new Signer(SecretKey.random()), parts, NOW);
      const error = caught(() =>
        verifyRequest(headers, parts, { nonces, now: NOW, partition: attacker }),
      );
      if (error === undefined) accepted.push(headers);
      else if (error instanceof ReplayCacheFullError) full++;
      else throw error;
    }
    expect(accepted).toHaveLength(20);
    expect(full).toBe(20);
    expect(nonces.held(attacker)).toBe(20);
    // another client is served
    const mine = signRequest(reader, parts, NOW);
    expect(() =>
      verifyRequest(mine, parts, { nonces, now: NOW + 10, partition: honest }),
    ).not.toThrow();
    // a replay within the window is refused, from any address, full or not
    for (const from of [attacker, honest, 'elsewhere']) {
      for (const headers of [accepted[0], accepted[19], mine]) {
        expect(
          caught(() =>
            verifyRequest(headers as RequestAuthHeaders, parts, {
              nonces,
              now: NOW + 60_000, // the last moment the timestamp is accepted
              partition: from,
            }),
          ),
        ).toBeInstanceOf(ReplayedRequestError);
      }
    }
    // once the window has passed: stale, and the attacker's share is free again
    expect(
      caught(() =>
        verifyRequest(accepted[0] as RequestAuthHeaders, parts, {
          nonces,
          now: NOW + 60_001,
          partition: attacker,
        }),
      ),
    ).toBeInstanceOf(StaleRequestError);
    const later = NOW + 62_000;
    verifyRequest(signRequest(reader, parts, later), parts, {
      nonces,
      now: later,
      partition: attacker,
    });
    expect(nonces.held(attacker)).toBe(1);
    expect(nonces.partitions).toBe(1);
  });

  test('near capacity the partition holding the most is refused first, a newcomer served', () => {
    const nonces = new NonceCache({ perPartition: 40, capacity: 100 });
    /** Adds nonces for `p` until refused; returns how many it took. */
    const fill = (p: string) => {
      for (let n = 0; ; n++) {
        try {
          nonces.remember(`${p}/${n}`, NOW + 60_000, NOW, p);
        } catch (error) {
          expect(error).toBeInstanceOf(ReplayCacheFullError);
          return n;
        }
      }
    };
    // refused when T ≥ 100 · (1 − n/80): a, alone, up to its share; then each less
    expect([fill('a'), fill('b'), fill('c')]).toEqual([40, 27, 15]);
    expect(nonces.size).toBe(82);
    // the three are refused; someone new is not
    for (const p of ['a', 'b', 'c']) {
      expect(caught(() => nonces.remember(`${p}/x`, NOW + 60_000, NOW, p))).toBeInstanceOf(
        ReplayCacheFullError,
      );
    }
    nonces.remember('d/0', NOW + 60_000, NOW, 'd');
    // however many come, the total never passes the capacity
    for (let i = 0; i < 200; i++) fill(`newcomer-${i}`);
    expect(nonces.size).toBe(100);
    expect(caught(() => nonces.remember('last', NOW + 60_000, NOW, 'last'))).toBeInstanceOf(
      ReplayCacheFullError,
    );
  });

  test('property: bounded, a partition within its share, nothing forgotten before it expires', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            partition: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
            advance: fc.constantFrom(0, 0, 0, 10, 700, 30_000),
            expiresIn: fc.integer({ min: -10, max: 120_000 }),
            replay: fc.boolean(),
          }),
          { maxLength: 400 },
        ),
        (ops) => {
          const nonces = new NonceCache({ perPartition: 12, capacity: 40 });
          const held: { id: string; expiresAt: number }[] = [];
          let now = NOW;
          for (const [i, op] of ops.entries()) {
            now += op.advance;
            const live = held.filter((h) => h.expiresAt >= now);
            const old = live[i % Math.max(1, live.length)];
            if (op.replay && old) {
              // a nonce not yet expired is refused as a replay, from any partition
              expect(
                caught(() => nonces.remember(old.id, old.expiresAt, now, op.partition)),
              ).toBeInstanceOf(ReplayedRequestError);
              continue;
            }
            const id = `n${i}`;
            const expiresAt = now + op.expiresIn;
            const before = nonces.held(op.partition);
            const error = caught(() => nonces.remember(id, expiresAt, now, op.partition));
            if (error === undefined) {
              if (expiresAt >= now) held.push({ id, expiresAt });
            } else {
              expect(error).toBeInstanceOf(ReplayCacheFullError);
              // refused: its share is used, or the cache is nearly full for its size
              expect(before >= 12 || nonces.size >= 40 * (1 - before / 24)).toBe(true);
            }
            expect(nonces.size).toBeLessThanOrEqual(40);
            expect(nonces.held(op.partition)).toBeLessThanOrEqual(12);
          }
        },
      ),
    );
  });
});
