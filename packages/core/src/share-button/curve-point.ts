/**
 * Is a hex string a compressed secp256k1 public key? The wallet checks
 * only the shape of the reader's key before it prompts; a key mangled in a
 * copy-paste would be found out after the patient approved, as an internal
 * error. The button checks the point itself so a site sees its typo at once.
 *
 * Euler's criterion is all that takes (x is on the curve iff x³ + 7 is a
 * square mod p), a few lines of BigInt; @noble/curves would add ~40 kB to a
 * bundle whose job is to draw one button. The key is public, so the check
 * needs no constant-time care.
 */

/** The field prime of secp256k1. */
const P = 2n ** 256n - 2n ** 32n - 977n;
const COMPRESSED = /^0[23][0-9a-f]{64}$/;

function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/**
 * True iff `hex` (lowercase, 66 characters) is a compressed secp256k1 point:
 * prefix 02 or 03 and an x coordinate below p for which y exists. (No point
 * of secp256k1 has y = 0, so x³ + 7 ≡ 0 is rejected too.)
 *
 * @example
 * ```ts
 * isCompressedSecp256k1Point('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'); // true (G)
 * isCompressedSecp256k1Point('02' + '00'.repeat(32)); // false: x = 0 is not on the curve
 * ```
 */
export function isCompressedSecp256k1Point(hex: string): boolean {
  if (!COMPRESSED.test(hex)) return false;
  const x = BigInt(`0x${hex.slice(2)}`);
  if (x >= P) return false;
  return powMod((x * x * x + 7n) % P, (P - 1n) / 2n, P) === 1n;
}
