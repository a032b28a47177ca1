import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConsistencyProofError, InclusionProofError } from './errors.js';
import {
  EMPTY_ROOT,
  leafHash,
  MerkleFrontier,
  MerkleTree,
  nodeHash,
  verifyConsistencyProof,
  verifyInclusionProof,
} from './merkle.js';

const hashes = (n: number, salt = 0) =>
  Array.from({ length: n }, (_, i) => sha256(Uint8Array.of(salt, i & 255, i >> 8)));

/** RFC 9162 §2.1.1 MTH, straight from the definition. */
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function tree(leaves: Uint8Array[]) {
  const t = new MerkleTree();
  for (const l of leaves) t.append(l);
  return t;
}

describe('MerkleTree', () => {
  test('roots of every prefix equal the RFC definition, and the frontier agrees', () => {
    const leaves = hashes(70);
    const t = tree(leaves);
    const f = new MerkleFrontier();
    expect(f.root()).toEqual(EMPTY_ROOT);
    for (let n = 0; n <= leaves.length; n++) {
      expect(t.root(n)).toEqual(mth(leaves.slice(0, n)));
      if (n > 0) f.append(leaves[n - 1]!);
      expect(f.root()).toEqual(mth(leaves.slice(0, n)));
    }
  });

  test('RFC 9162 example tree of 7: proof shapes', () => {
    const t = tree(hashes(7));
    expect(t.proveInclusion(0, 7).path).toHaveLength(3);
    expect(t.proveInclusion(6, 7).path).toHaveLength(2);
    expect(t.proveConsistency(3, 7).path).toHaveLength(4);
    expect(t.proveConsistency(4, 7).path).toHaveLength(1);
    expect(t.proveConsistency(6, 7).path).toHaveLength(3);
  });

  test('every inclusion proof verifies, and fails for another leaf, index or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, i) => {
        const leaves = hashes(n);
        const t = tree(leaves);
        const m = i % n;
        const proof = t.proveInclusion(m);
        verifyInclusionProof(leaves[m]!, proof, t.root());
        expect(() => verifyInclusionProof(sha256(Uint8Array.of(9)), proof, t.root())).toThrow(
          InclusionProofError,
        );
        if (n > 1) {
          const other = { ...proof, leafIndex: (m + 1) % n };
          expect(() => verifyInclusionProof(leaves[m]!, other, t.root())).toThrow(
            InclusionProofError,
          );
          expect(() =>
            verifyInclusionProof(leaves[m]!, { ...proof, path: proof.path.slice(1) }, t.root()),
          ).toThrow(InclusionProofError);
        }
        expect(() =>
          verifyInclusionProof(
            leaves[m]!,
            { ...proof, path: [...proof.path, EMPTY_ROOT] },
            t.root(),
          ),
        ).toThrow(InclusionProofError);
      }),
      { numRuns: 100 },
    );
  });

  test('every consistency proof verifies, and a rewritten history never does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), (n, a, b) => {
        const leaves = hashes(n);
        const t = tree(leaves);
        const oldSize = (a % n) + 1;
        const proof = t.proveConsistency(oldSize, n);
        verifyConsistencyProof(proof, t.root(oldSize), t.root(n));
        // another history: one leaf below oldSize changed
        const rewritten = [...leaves];
        rewritten[b % oldSize] = sha256(Uint8Array.of(7, 7));
        const t2 = tree(rewritten);
        expect(() =>
          verifyConsistencyProof(t2.proveConsistency(oldSize, n), t.root(oldSize), t2.root(n)),
        ).toThrow(ConsistencyProofError);
        if (oldSize < n) {
          expect(() => verifyConsistencyProof(proof, t.root(oldSize), t2.root(n))).toThrow(
            ConsistencyProofError,
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  test('proofs are O(log n): 17 hashes at 2^16 + 1 leaves', () => {
    const t = new MerkleTree();
    const leaf = sha256(Uint8Array.of(1));
    for (let i = 0; i <= 1 << 16; i++) t.append(leaf);
    const proof = t.proveInclusion(12_345);
    expect(proof.path.length).toBe(17);
    verifyInclusionProof(leaf, proof, t.root());
  });
});
