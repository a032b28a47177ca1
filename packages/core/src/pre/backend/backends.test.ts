/**
 * Both curve backends give identical results: every operation of curve.ts
 * on random scalars and points, and on the edge cases — scalars 0, 1, n−1,
 * n and above, the GLV eigenvalue λ, the identity, points in projective
 * form (Z ≠ 1), bytes that are no point, batches above Pippenger's
 * threshold. Each case runs on the WASM backend, then on noble; the
 * results (or the class of the error thrown) must match.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  G,
  isIdentity,
  msmPublic,
  mulPublic,
  mulSecret,
  mulSecretByKey,
  mulSecretSum,
  N,
  Point,
  pointFromBytes,
  pointToBytes,
  U,
  verifyEcdsa,
} from '../curve.js';
import { getPreBackend, loadedBackends, usePreBackendForTests } from './index.js';

const wasmLoaded = loadedBackends().wasm !== undefined;
const initial = getPreBackend();
afterAll(() => usePreBackendForTests(initial));

/** λ, the eigenvalue of secp256k1's endomorphism: GLV splits it into (0, 1). */
const LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n;

const EDGE_SCALARS = [
  0n,
  1n,
  2n,
  3n,
  N - 1n,
  N - 2n,
  N / 2n,
  N / 2n + 1n,
  LAMBDA,
  (LAMBDA * LAMBDA) % N,
  2n ** 128n - 1n,
  2n ** 128n,
  2n ** 255n,
  N,
  N + 1n,
  2n ** 256n - 1n,
];

const scalar = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: N - 1n }), weight: 3 },
  { arbitrary: fc.constantFrom(...EDGE_SCALARS), weight: 2 },
);

/** A point: k·G for some k, sometimes in projective form (Z ≠ 1), sometimes G or U. */
const point = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.bigInt({ min: 1n, max: N - 1n }), fc.boolean())
      .map(([k, projective]) => {
        const p = Point.BASE.multiplyUnsafe(k);
        return projective ? p.double().add(p.negate()) : Point.fromAffine(p.toAffine());
      }),
    weight: 4,
  },
  { arbitrary: fc.constantFrom(G, U, Point.ZERO), weight: 1 },
);

/** What an operation gives: the result's encoding, 'identity', or the error's class. */
function outcome(op: () => Point | boolean | Uint8Array): string {
  try {
    const r = op();
    if (typeof r === 'boolean') return String(r);
    if (r instanceof Uint8Array) return bytesToHex(r);
    return isIdentity(r) ? 'identity' : bytesToHex(r.toBytes(true));
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
}

/** The outcome on each backend. */
function onBoth(op: () => Point | boolean | Uint8Array): { wasm: string; noble: string } {
  usePreBackendForTests('wasm');
  const wasm = outcome(op);
  usePreBackendForTests('noble');
  const noble = outcome(op);
  return { wasm, noble };
}

function same(op: () => Point | boolean | Uint8Array): string {
  const { wasm, noble } = onBoth(op);
  expect(wasm).toBe(noble);
  return wasm;
}

describe.runIf(wasmLoaded)('the WASM and noble backends agree', () => {
  test('secret multiplication, including 0 and n or above (rejected) and the identity', () => {
    fc.assert(
      fc.property(point, scalar, (p, k) => {
        const result = same(() => mulSecret(p, k));
        same(() => mulSecretByKey(p, k));
        if (k === 0n || k >= N) expect(result).toBe('throws InvalidScalarError');
        else if (isIdentity(p)) expect(result).toBe('identity');
      }),
      { numRuns: 150 },
    );
  });

  test('k·P and (n−k)·P are negatives; (n−1)·P is −P', () => {
    fc.assert(
      fc.property(point, fc.bigInt({ min: 1n, max: N - 1n }), (p, k) => {
        fc.pre(!isIdentity(p));
        for (const backend of ['wasm', 'noble'] as const) {
          usePreBackendForTests(backend);
          expect(mulSecret(p, N - k).equals(mulSecret(p, k).negate())).toBe(true);
          expect(mulSecret(p, N - 1n).equals(p.negate())).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('secret sums, with terms on the identity and sums that cancel to it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(point, scalar), { minLength: 1, maxLength: 5 }), (terms) => {
        same(() =>
          mulSecretSum(
            terms.map(([p]) => p),
            terms.map(([, k]) => k),
          ),
        );
      }),
      { numRuns: 80 },
    );
    const p = mulSecret(U, 12345n);
    expect(same(() => mulSecretSum([p, p], [7n, N - 7n]))).toBe('identity');
  });

  test('public multiplication (scalars reduced mod n, 0 and the identity give the identity)', () => {
    fc.assert(
      fc.property(point, scalar, (p, k) => {
        const result = same(() => mulPublic(p, k));
        if (k % N === 0n || isIdentity(p)) expect(result).toBe('identity');
      }),
      { numRuns: 150 },
    );
  });

  test('multi-scalar multiplication, Strauss and Pippenger sizes, G among the points', () => {
    const terms = fc.array(fc.tuple(point, scalar), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(terms, (ts) => {
        same(() =>
          msmPublic(
            ts.map(([p]) => p),
            ts.map(([, k]) => k),
          ),
        );
      }),
      { numRuns: 80 },
    );
    for (const size of [87, 88, 89, 150, 400]) {
      const points = Array.from({ length: size }, (_, i) =>
        i % 7 === 0 ? G : Point.BASE.multiplyUnsafe(BigInt(i + 1) * 0x9e3779b97f4a7c15n),
      );
      const scalars = points.map((_, i) => (BigInt(i) * 0x243f6a8885a308d313198a2e03707344n) % N);
      same(() => msmPublic(points, scalars));
    }
  });

  test('decoding: valid points, x with no point, x ≥ p, bad prefixes, the identity', () => {
    const P = secp256k1.Point.Fp.ORDER;
    const encoding = fc.oneof(
      fc.uint8Array({ minLength: 33, maxLength: 33 }),
      fc.bigInt({ min: 1n, max: N - 1n }).map((k) => Point.BASE.multiplyUnsafe(k).toBytes(true)),
      fc
        .tuple(fc.constantFrom(2, 3), fc.bigInt({ min: P, max: 2n ** 256n - 1n }))
        .map(([prefix, x]) =>
          Uint8Array.from([prefix, ...Buffer.from(x.toString(16).padStart(64, '0'), 'hex')]),
        ),
      fc.constantFrom(new Uint8Array(33), Uint8Array.from([2, ...new Uint8Array(32)])),
    );
    fc.assert(
      fc.property(encoding, (bytes) => {
        same(() => pointFromBytes(bytes, 'point'));
      }),
      { numRuns: 300 },
    );
  });

  test('encoding points in projective form; the identity has no encoding', () => {
    fc.assert(
      fc.property(point, (p) => {
        const result = same(() => pointToBytes(p));
        if (isIdentity(p)) expect(result).toBe('throws InvalidPointError');
      }),
      { numRuns: 100 },
    );
  });

  test('ECDSA signing: the same signature for the same key, digest and entropy', () => {
    const key = fc.bigInt({ min: 1n, max: N - 1n });
    const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(key, bytes32, bytes32, (sk, digest, entropy) => {
        const skBytes = Uint8Array.from(Buffer.from(sk.toString(16).padStart(64, '0'), 'hex'));
        const { wasm, noble } = loadedBackends();
        const ours = wasm?.signEcdsa(digest, skBytes, entropy);
        expect(ours && bytesToHex(ours)).toBe(
          bytesToHex(noble.signEcdsa(digest, skBytes, entropy) as Uint8Array),
        );
        const library = secp256k1.sign(digest, skBytes, {
          prehash: false,
          extraEntropy: entropy,
          format: 'compact',
        });
        expect(ours && bytesToHex(ours)).toBe(bytesToHex(library));
      }),
      { numRuns: 150 },
    );
  });

  test('ECDSA verification accepts exactly the same signatures', () => {
    const key = fc.bigInt({ min: 1n, max: N - 1n });
    const change = fc.oneof(fc.constant(-1), fc.nat(64 * 8 + 32 * 8 - 1));
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 40 }), change, (sk, message, flip) => {
        const digest = sha256(message);
        const skBytes = Buffer.from(sk.toString(16).padStart(64, '0'), 'hex');
        const sig = secp256k1.sign(digest, skBytes, { prehash: false, format: 'compact' });
        const pk = Point.BASE.multiplyUnsafe(sk);
        const bytes = Uint8Array.from([...sig, ...digest]);
        if (flip >= 0) bytes[flip >> 3]! ^= 1 << (flip & 7);
        const result = same(() =>
          verifyEcdsa(bytes.subarray(0, 64), bytes.subarray(64), pk, pk.toBytes(true)),
        );
        if (flip < 0) expect(result).toBe('true');
      }),
      { numRuns: 150 },
    );
  });
});
