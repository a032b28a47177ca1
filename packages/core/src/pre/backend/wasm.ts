/**
 * The WASM curve backend: libsecp256k1 compiled to WebAssembly
 * (packages/core/wasm, built by scripts/build-wasm.mjs into
 * ./secp256k1.wasm.ts). Secret multiplications run libsecp256k1's
 * constant-time `secp256k1_ecmult_const`; public work its variable-time
 * Strauss / Pippenger multiplication and ECDSA verification.
 *
 * JavaScript and the module share the module's memory: scalars and
 * coordinates are written there as 32-byte big-endian words, points in
 * @noble/curves' projective coordinates (X, Y, Z), and results come back
 * affine (Z = 1), so encoding them costs no inversion in JavaScript.
 */
import type { CurveBackend } from '../curve.js';
import { G, Point } from '../group.js';

/** The module's exports (packages/core/wasm/medvault-secp256k1.c documents each). */
type Exports = {
  memory: WebAssembly.Memory;
  mv_io(): number;
  mv_reserve(bytes: number): number;
  mv_mul_secret(): number;
  mv_mul_secret_sum(n: number): number;
  mv_normalize(): number;
  mv_mul_public(withPoint: number): number;
  mv_msm(n: number): number;
  mv_msm_bytes(n: number): number;
  mv_decode(): number;
  mv_ecdsa_verify(): number;
  mv_ecdsa_sign(): number;
};

const TERM = 128;

/** A call into the module answered with a status it should never give for checked input. */
function broken(what: string, status: number): Error {
  return new Error(`secp256k1 WASM backend: ${what} returned ${status}`);
}

/**
 * Wraps an instance of the module as a backend.
 *
 * @example
 * ```ts
 * const backend = createWasmBackend(new WebAssembly.Instance(new WebAssembly.Module(bytes)));
 * backend.mulSecret(U, rk);
 * ```
 */
export function createWasmBackend(instance: WebAssembly.Instance): CurveBackend {
  const wasm = instance.exports as unknown as Exports;
  const io = wasm.mv_io();
  let view = new DataView(wasm.memory.buffer);
  let bytes = new Uint8Array(wasm.memory.buffer);

  // Growing the memory (mv_reserve) detaches the old buffer.
  function heap(size: number): number {
    const at = wasm.mv_reserve(size);
    if (at === 0) throw new Error('secp256k1 WASM backend: out of memory');
    if (view.buffer !== wasm.memory.buffer) {
      view = new DataView(wasm.memory.buffer);
      bytes = new Uint8Array(wasm.memory.buffer);
    }
    return at;
  }

  function put(at: number, v: bigint): void {
    view.setBigUint64(at, v >> 192n);
    view.setBigUint64(at + 8, BigInt.asUintN(64, v >> 128n));
    view.setBigUint64(at + 16, BigInt.asUintN(64, v >> 64n));
    view.setBigUint64(at + 24, BigInt.asUintN(64, v));
  }

  function get(at: number): bigint {
    return (
      (view.getBigUint64(at) << 192n) |
      (view.getBigUint64(at + 8) << 128n) |
      (view.getBigUint64(at + 16) << 64n) |
      view.getBigUint64(at + 24)
    );
  }

  function putPoint(at: number, p: Point): void {
    put(at, p.X);
    put(at + 32, p.Y);
    put(at + 64, p.Z);
  }

  /** The affine result in io as a point (or the identity when `status` is 0). */
  function result(status: number, what: string): Point {
    if (status === 1) return new Point(get(io), get(io + 32), 1n);
    if (status === 0) return Point.ZERO;
    throw broken(what, status);
  }

  function putTerms(points: readonly Point[], scalars: readonly bigint[], size: number): void {
    const at = heap(size);
    points.forEach((p, i) => {
      put(at + i * TERM, scalars[i] as bigint);
      putPoint(at + i * TERM + 32, p);
    });
  }

  function mulPublic(p: Point, k: bigint): Point {
    // G's multiples come from libsecp256k1's precomputed table of G
    put(io, p === G ? 0n : k);
    put(io + 32, p === G ? k : 0n);
    if (p !== G) putPoint(io + 64, p);
    return result(wasm.mv_mul_public(p === G ? 0 : 1), 'mv_mul_public');
  }

  return {
    name: 'wasm',

    mulSecret(p, k) {
      put(io, k);
      putPoint(io + 32, p);
      const status = wasm.mv_mul_secret();
      // 0 would mean a bad point or scalar, which curve.ts never passes
      if (status !== 1) throw broken('mv_mul_secret', status);
      return result(status, 'mv_mul_secret');
    },

    mulSecretSum(points, scalars) {
      putTerms(points, scalars, points.length * TERM);
      // 0: the sum is the identity (or a bad term, which curve.ts never passes)
      return result(wasm.mv_mul_secret_sum(points.length), 'mv_mul_secret_sum');
    },

    mulPublic,

    msmPublic(points, scalars) {
      if (points.length === 1) return mulPublic(points[0] as Point, scalars[0] as bigint);
      // a·P + g·G in one call, G's term through the table of G
      const g = points.length === 2 ? points.indexOf(G) : -1;
      if (g >= 0) {
        put(io, scalars[1 - g] as bigint);
        put(io + 32, scalars[g] as bigint);
        putPoint(io + 64, points[1 - g] as Point);
        return result(wasm.mv_mul_public(1), 'mv_mul_public');
      }
      putTerms(points, scalars, wasm.mv_msm_bytes(points.length));
      return result(wasm.mv_msm(points.length), 'mv_msm');
    },

    verifyEcdsa(compact, digest, pk) {
      bytes.set(compact, io);
      bytes.set(digest, io + 64);
      putPoint(io + 96, pk);
      return wasm.mv_ecdsa_verify() === 1;
    },

    signEcdsa(digest, secretKey, entropy) {
      bytes.set(secretKey, io);
      bytes.set(digest, io + 32);
      bytes.set(entropy, io + 64);
      const ok = wasm.mv_ecdsa_sign();
      const signature = bytes.slice(io, io + 64);
      bytes.fill(0, io, io + 96);
      return ok === 1 ? signature : undefined;
    },

    decodePoint(encoded) {
      bytes.set(encoded, io);
      return wasm.mv_decode() === 1 ? new Point(get(io), get(io + 32), 1n) : undefined;
    },

    encodePoint(p) {
      const out = new Uint8Array(33);
      if (p.Z === 1n) {
        out[0] = 0x02 | Number(p.Y & 1n);
        put(io, p.X);
        out.set(bytes.subarray(io, io + 32), 1);
        return out;
      }
      putPoint(io, p);
      const status = wasm.mv_normalize();
      if (status !== 1) throw broken('mv_normalize', status);
      out[0] = 0x02 | ((bytes[io + 63] as number) & 1);
      out.set(bytes.subarray(io, io + 32), 1);
      return out;
    },
  };
}
