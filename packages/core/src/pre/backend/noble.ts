/**
 * The fallback curve backend: @noble/curves in JavaScript. Secret scalars
 * go through the library's constant-time, blinded `Point.multiply`; public
 * work through its variable-time paths. Used where WebAssembly is not
 * available (a page whose CSP forbids it) or fails its self-test, with
 * results identical to the WASM backend's.
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, bytesToNumberBE } from '@noble/curves/utils.js';
import type { CurveBackend } from '../curve.js';
import { Fn, G, Point } from '../group.js';

/**
 * G without a table. A process's first secret multiplications of G use it
 * (constant-time as well, ~2 ms each), so a one-shot command such as
 * `medvault seal` never waits for G's table (70–170 ms to build); processes
 * that go on multiplying switch to the table after `PLAIN_G_USES`.
 */
const G_PLAIN: Point = Point.fromAffine(Point.BASE.toAffine());
const PLAIN_G_USES = 16;
let plainGUses = 0;

// Keys used again and again — a patient's key sealing every record, the
// authors and proxies whose signatures fill a ledger — earn a precomputed
// window table. A table costs ~40 ms and ~0.6 MB, so only keys seen often
// get one, and only a few are kept (least recently used evicted).
const TABLE_AFTER_USES = 16;
const MAX_TABLES = 32;
const MAX_TRACKED = 1024;
const keyUses = new Map<string, number>();
const tables = new Map<string, Point>();

/**
 * The copy of a public-key point that carries a precomputed table, once the
 * key was used `TABLE_AFTER_USES` times; `undefined` until then. `id` is the
 * key's compressed encoding in hex.
 */
function tableFor(p: Point, id: string): Point | undefined {
  const table = tables.get(id);
  if (table) {
    tables.delete(id);
    tables.set(id, table);
    return table;
  }
  const uses = (keyUses.get(id) ?? 0) + 1;
  keyUses.delete(id);
  if (uses < TABLE_AFTER_USES) {
    keyUses.set(id, uses);
    if (keyUses.size > MAX_TRACKED) keyUses.delete(keyUses.keys().next().value as string);
    return undefined;
  }
  const fresh = Point.fromAffine(p.toAffine()).precompute(8, false);
  tables.set(id, fresh);
  if (tables.size > MAX_TABLES) tables.delete(tables.keys().next().value as string);
  return fresh;
}

function mulSecret(p: Point, k: bigint, longLivedKey?: boolean): Point {
  if (p === G && plainGUses < PLAIN_G_USES) {
    plainGUses += 1;
    return G_PLAIN.multiply(k);
  }
  if (longLivedKey) return (tableFor(p, bytesToHex(p.toBytes(true))) ?? p).multiply(k);
  return p.multiply(k);
}

/**
 * ECDSA verification of a 32-byte digest. For a key seen often (a ledger's
 * authors, a grant's delegator) it evaluates u₁·G + u₂·P with precomputed
 * tables for both points — about twice as fast as the library's verify —
 * and otherwise defers to the library. Both paths accept exactly the same
 * signatures (low-S only; the property test compares them).
 */
function verifyEcdsa(compact: Uint8Array, digest: Uint8Array, pk: Point, pkBytes: Uint8Array) {
  const table = tableFor(pk, bytesToHex(pkBytes));
  try {
    if (!table) {
      return secp256k1.verify(compact, digest, pkBytes, {
        prehash: false,
        lowS: true,
        format: 'compact',
      });
    }
    const sig = secp256k1.Signature.fromBytes(compact, 'compact');
    if (sig.hasHighS()) return false;
    const w = Fn.inv(sig.s);
    const z = Fn.create(bytesToNumberBE(digest)); // 256-bit digest, 256-bit order: no truncation
    const r = G.multiplyUnsafe(Fn.mul(z, w)).add(table.multiplyUnsafe(Fn.mul(sig.r, w)));
    return !r.is0() && Fn.create(r.toAffine().x) === sig.r;
  } catch {
    return false;
  }
}

/**
 * The @noble/curves backend.
 *
 * @example
 * ```ts
 * nobleBackend.mulSecret(G, secret).toBytes(true);
 * ```
 */
export const nobleBackend: CurveBackend = {
  name: 'noble',
  mulSecret,
  mulSecretSum(points, scalars) {
    let acc = Point.ZERO;
    points.forEach((p, i) => {
      acc = acc.add(mulSecret(p, scalars[i] as bigint));
    });
    return acc;
  },
  mulPublic(p, k) {
    return p.multiplyUnsafe(k);
  },
  msmPublic(points, scalars) {
    // Strauss for a handful of terms, Pippenger for batches.
    return points.length <= 24
      ? mulAddUnsafe(Point, points as Point[], scalars as bigint[])
      : pippenger(Point, points as Point[], scalars as bigint[]);
  },
  verifyEcdsa,
  signEcdsa(digest, secretKey, entropy) {
    return secp256k1.sign(digest, secretKey, {
      prehash: false,
      lowS: true,
      extraEntropy: entropy,
      format: 'compact',
    });
  },
  decodePoint(bytes) {
    try {
      return Point.fromBytes(bytes);
    } catch {
      return undefined;
    }
  },
  encodePoint(p) {
    return p.toBytes(true);
  },
};
