/**
 * The known-answer self-test a backend passes before it is used: each
 * operation of the interface on fixed inputs, compared with answers
 * computed by @noble/curves (self-test.test.ts recomputes them with the
 * noble backend, so the two cannot drift apart). About a millisecond for
 * the WASM backend.
 */
import { bytesToHex, bytesToNumberBE, hexToBytes, numberToBytesBE } from '@noble/curves/utils.js';
import type { CurveBackend } from '../curve.js';
import { G, N, type Point, U } from '../group.js';

/** Fixed scalars below n (k3 = n − 2). */
const K1 = 0x4d65645661756c742073656c662d7465737420312c2061207365637265742121n;
const K2 = 0x0123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f0n;
const K3 = N - 2n;
/** SHA-256("MedVault self-test") and its low-S ECDSA signature (RFC 6979) under K2·G, by @noble/curves. */
const DIGEST = hexToBytes('627be605b1b95a9f47051f0de1185977f09378a3431e3ede6a368f2d9bb0ddf7');
const SIGNATURE = hexToBytes(
  '3c68b70820eafea5ca0770171e6819f6a4a4a29af87a1d81d4f284e861af07ed' +
    '5fcebabe09005e70b46c551fe1d8b33b025c7d53636a03ce2b4e01e27b5f7149',
);
/** Fixed entropy for the hedged signature. */
const ENTROPY = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
/** x = 5 has no point on the curve. */
const OFF_CURVE = hexToBytes('020000000000000000000000000000000000000000000000000000000000000005');

/**
 * The self-test's answers, computed with @noble/curves.
 *
 * @example
 * ```ts
 * selfTestResults(nobleBackend); // deep-equals SELF_TEST_ANSWERS
 * ```
 */
export const SELF_TEST_ANSWERS: Readonly<Record<string, string>> = {
  mulSecret: '022b825ef57e8f18ff7e4529f9d3f0447cfbb3cb6f10811bbb2f74b5af46337143',
  mulSecretG: '03eb6021ff62c093006830de58f35b79f267dcd7e6a2208f60a695310c892fef33',
  mulSecretByKey: '03a26095fab45ef95eb055c0bd1f993087544e69397b327bf41179bdeff8ef0a86',
  mulSecretMinusOne: '032b825ef57e8f18ff7e4529f9d3f0447cfbb3cb6f10811bbb2f74b5af46337143',
  mulSecretSum: '038415b7cf06e1b34a05096881ab8fc383d55a781cc470b7abeaa7a29c49e34b94',
  mulPublic: '020d17f72e73eba8425c20b3c5b98190d77d02524b1f4ada9a1731e12af53acdcb',
  mulPublicG: '03c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5',
  msmWithG: '03dff8076ea47d6daee2437abbcd572f0d2a06d1830e6b121e0c03544459f242ad',
  msm: '0287589fda7b0726ad300eca378c4ce06201e7f210229503b12fc88c1a51bd8923',
  encodeProjective: '02cf9e7bcaf9450bd42a14065f68b597dc95b232e626dd58440980cff9b360c418',
  decode: '022b825ef57e8f18ff7e4529f9d3f0447cfbb3cb6f10811bbb2f74b5af46337143',
  decodeOffCurve: 'none',
  verify: 'true',
  verifyTampered: 'false',
  verifyHighS: 'false',
  sign: '7bcae17013eef3e5675fd8faf02e4cc7bbb58e023b75536ff9e92c90be711a4645fb59b708f19b3aca70258667591d01262fb1d83234dd74831b0c501293c354',
};

/**
 * Runs the self-test's computations on `backend`: name → hex result.
 *
 * @example
 * ```ts
 * selfTestResults(backend).mulSecret; // '022b825e…'
 * ```
 */
export function selfTestResults(backend: CurveBackend): Record<string, string> {
  const hex = (p: Point) => bytesToHex(backend.encodePoint(p));
  const p1 = backend.mulSecret(U, K1);
  const p2 = backend.mulSecret(G, K2);
  const p2Bytes = backend.encodePoint(p2);
  const tampered = Uint8Array.from(DIGEST);
  tampered[0] = (tampered[0] as number) ^ 1;
  const highS = Uint8Array.from(SIGNATURE);
  highS.set(numberToBytesBE(N - bytesToNumberBE(SIGNATURE.subarray(32)), 32), 32);
  const decoded = backend.decodePoint(hexToBytes(hex(p1)));
  return {
    mulSecret: hex(p1),
    mulSecretG: hex(p2),
    mulSecretByKey: hex(backend.mulSecret(p2, K3, true)),
    mulSecretMinusOne: hex(backend.mulSecret(p1, N - 1n)),
    mulSecretSum: hex(backend.mulSecretSum([U, G, p1], [K1, K2, K3])),
    mulPublic: hex(backend.mulPublic(p1, K2)),
    mulPublicG: hex(backend.mulPublic(G, K3)),
    msmWithG: hex(backend.msmPublic([p1, G], [K1, K2])),
    msm: hex(backend.msmPublic([G, U, p1, p2], [K3, K2, K1, 1n])),
    encodeProjective: hex(U.add(p1)),
    decode: decoded ? hex(decoded) : 'none',
    decodeOffCurve: backend.decodePoint(OFF_CURVE) ? 'decoded' : 'none',
    verify: String(backend.verifyEcdsa(SIGNATURE, DIGEST, p2, p2Bytes)),
    verifyTampered: String(backend.verifyEcdsa(SIGNATURE, tampered, p2, p2Bytes)),
    verifyHighS: String(backend.verifyEcdsa(highS, DIGEST, p2, p2Bytes)),
    sign: bytesToHex(
      backend.signEcdsa(DIGEST, numberToBytesBE(K2, 32), ENTROPY) ?? new Uint8Array(),
    ),
  };
}

/**
 * Runs the self-test: `undefined` when every answer matches, otherwise an
 * Error naming the first mismatch (or what threw).
 *
 * @example
 * ```ts
 * const problem = selfTest(createWasmBackend(instance));
 * if (problem) useNoble(problem);
 * ```
 */
export function selfTest(backend: CurveBackend): Error | undefined {
  let results: Record<string, string>;
  try {
    results = selfTestResults(backend);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  for (const [name, expected] of Object.entries(SELF_TEST_ANSWERS)) {
    if (results[name] !== expected) {
      return new Error(`self-test ${name}: expected ${expected}, got ${results[name]}`);
    }
  }
  return undefined;
}
