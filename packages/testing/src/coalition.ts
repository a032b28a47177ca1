/**
 * The coalition attack on Umbral, written from the public spec
 * (docs/spec/pre.md §2 and §7) the way an attacker would, with no MedVault
 * code: t proxies of a grant pool their key fragments, the grant's reader
 * adds its secret key, and together they interpolate the polynomial's
 * constant f(0) = a·d⁻¹ and multiply by d — recovering a, the delegating
 * secret key the fragments were made from. Tests use it to show exactly
 * which key a coalition gets (a category key of one epoch) and which it
 * never does (the identity key, other categories, later epochs).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const { Point } = secp256k1;
const N = Point.Fn.ORDER;
const mod = (a: bigint) => ((a % N) + N) % N;
const inv = (a: bigint) => Point.Fn.inv(mod(a));

/** Umbral's hash to a non-zero scalar: SHA-256(u32 len ‖ DST ‖ parts) mod (n − 1) + 1. */
function hashToScalar(dst: string, parts: Uint8Array[]): bigint {
  const tag = utf8ToBytes(dst);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, tag.length);
  const digest = sha256(concatBytes(len, tag, ...parts));
  return (bytesToNumberBE(digest) % (N - 1n)) + 1n;
}

/** id, rk and precursor of a key fragment's bytes (pre.md §7: fixed offsets after the U point). */
function parseKfrag(bytes: Uint8Array): { id: Uint8Array; rk: bigint; precursor: Uint8Array } {
  const at = (offset: number, tag: number, size: number) => {
    if (bytes[offset] !== 0xc4 || bytes[offset + 1] !== tag) {
      throw new Error(`not a key fragment: expected bin8(${size}) at byte ${offset}`);
    }
    return bytes.slice(offset + 2, offset + 2 + size);
  };
  return { id: at(37, 32, 32), rk: bytesToNumberBE(at(71, 32, 32)), precursor: at(105, 33, 33) };
}

/**
 * The delegating secret key (32 bytes, big-endian) of the fragments, from
 * at least t fragments of one set and the reader's secret key.
 *
 * @example
 * ```ts
 * const stolen = recoverDelegatingKey([kfragA, kfragB], readerSecretBytes);
 * SecretKey.fromBEBytes(stolen).publicKey(); // the patient's laboratory key
 * ```
 */
export function recoverDelegatingKey(kfrags: Uint8Array[], readerSecret: Uint8Array): Uint8Array {
  const b = bytesToNumberBE(readerSecret);
  const receiving = Point.BASE.multiply(b).toBytes(true);
  const parsed = kfrags.map(parseKfrag);
  const precursor = parsed[0]?.precursor;
  if (!precursor) throw new Error('no fragments');
  const dh = Point.fromBytes(precursor).multiply(b).toBytes(true);
  const d = hashToScalar('SHARED_SECRET', [precursor, receiving, dh]);
  const xs = parsed.map((k) => hashToScalar('POLYNOMIAL_ARG', [precursor, receiving, dh, k.id]));
  // Lagrange at 0: f(0) = Σ rkᵢ · Π_{j≠i} xⱼ / (xⱼ − xᵢ)
  let f0 = 0n;
  parsed.forEach((k, i) => {
    let coefficient = 1n;
    xs.forEach((xj, j) => {
      if (j !== i) coefficient = mod(coefficient * xj * inv(xj - (xs[i] as bigint)));
    });
    f0 = mod(f0 + k.rk * coefficient);
  });
  return numberToBytesBE(mod(f0 * d), 32);
}
