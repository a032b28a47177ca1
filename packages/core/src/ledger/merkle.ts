/**
 * RFC 9162 (Certificate Transparency v2) Merkle trees over entry hashes:
 * leaf = SHA-256(0x00 ‖ entry hash), node = SHA-256(0x01 ‖ left ‖ right),
 * the tree of n leaves splits at the largest power of two below n.
 * Inclusion and consistency proofs and their verification follow RFC 9162
 * §2.1.3 and §2.1.4 to the letter.
 */

import { equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ConsistencyProofError, InclusionProofError } from './errors.js';

/** SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_ROOT = sha256(new Uint8Array(0));

/** Leaf hash of one entry hash. */
export function leafHash(entryHash: Uint8Array): Uint8Array {
  return sha256.create().update(Uint8Array.of(0)).update(entryHash).digest();
}

/** Interior node hash. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(Uint8Array.of(1)).update(left).update(right).digest();
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** An inclusion proof: the audit path of `leafIndex` in the tree of `treeSize` leaves. */
export type InclusionProof = { leafIndex: number; treeSize: number; path: Uint8Array[] };
/** A consistency proof between the trees of `oldSize` and `newSize` leaves. */
export type ConsistencyProof = { oldSize: number; newSize: number; path: Uint8Array[] };

/**
 * A Merkle tree that grows by appending leaves and keeps every perfect
 * subtree hash (≈ 2n hashes), so roots and proofs for any earlier size cost
 * O(log n) hashes.
 */
export class MerkleTree {
  // levels[k][i] = hash of the perfect subtree of 2^k leaves starting at i·2^k
  readonly #levels: Uint8Array[][] = [[]];

  /** Number of leaves. */
  get size(): number {
    return (this.#levels[0] as Uint8Array[]).length;
  }

  /** Appends the leaf for `entryHash`. */
  append(entryHash: Uint8Array): void {
    let hash = leafHash(entryHash);
    let level = 0;
    for (;;) {
      const row = this.#levels[level] as Uint8Array[];
      row.push(hash);
      if (row.length % 2 === 1) break;
      hash = nodeHash(row[row.length - 2] as Uint8Array, hash);
      level += 1;
      if (!this.#levels[level]) this.#levels[level] = [];
    }
  }

  /** MTH of leaves [start, start + n). */
  #hash(start: number, n: number): Uint8Array {
    if (n === 0) return EMPTY_ROOT;
    // a perfect, aligned subtree is stored
    if ((n & (n - 1)) === 0 && start % n === 0) {
      return (this.#levels[Math.log2(n)] as Uint8Array[])[start / n] as Uint8Array;
    }
    const k = split(n);
    return nodeHash(this.#hash(start, k), this.#hash(start + k, n - k));
  }

  /** The root of the tree of the first `size` leaves (default: all). */
  root(size = this.size): Uint8Array {
    this.#checkSize(size);
    return this.#hash(0, size);
  }

  /** RFC 9162 PATH(m, D[0:size]). */
  proveInclusion(leafIndex: number, size = this.size): InclusionProof {
    this.#checkSize(size);
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= size) {
      throw new RangeError(`leaf index ${leafIndex} is outside a tree of ${size} leaves`);
    }
    const path: Uint8Array[] = [];
    const walk = (m: number, start: number, n: number) => {
      if (n <= 1) return;
      const k = split(n);
      if (m < k) {
        walk(m, start, k);
        path.push(this.#hash(start + k, n - k));
      } else {
        walk(m - k, start + k, n - k);
        path.push(this.#hash(start, k));
      }
    };
    walk(leafIndex, 0, size);
    return { leafIndex, treeSize: size, path };
  }

  /** RFC 9162 PROOF(oldSize, D[0:newSize]). */
  proveConsistency(oldSize: number, newSize = this.size): ConsistencyProof {
    this.#checkSize(newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > newSize) {
      throw new RangeError(`old size ${oldSize} must be in [1, ${newSize}]`);
    }
    const path: Uint8Array[] = [];
    const subproof = (m: number, start: number, n: number, complete: boolean) => {
      if (m === n) {
        if (!complete) path.push(this.#hash(start, n));
        return;
      }
      const k = split(n);
      if (m <= k) {
        subproof(m, start, k, complete);
        path.push(this.#hash(start + k, n - k));
      } else {
        subproof(m - k, start + k, n - k, false);
        path.push(this.#hash(start, k));
      }
    };
    subproof(oldSize, 0, newSize, true);
    return { oldSize, newSize, path };
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} is outside [0, ${this.size}]`);
    }
  }
}

/**
 * The right edge of a tree: the roots of its perfect subtrees, largest first.
 * Enough to append and to compute the root in O(log n) without the leaves —
 * what incremental verification keeps.
 */
export class MerkleFrontier {
  #size = 0;
  #peaks: Uint8Array[] = [];

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  /** Appends the leaf for `entryHash`. */
  append(entryHash: Uint8Array): void {
    let hash = leafHash(entryHash);
    let size = this.#size;
    while (size & 1) {
      hash = nodeHash(this.#peaks.pop() as Uint8Array, hash);
      size >>= 1;
    }
    this.#peaks.push(hash);
    this.#size += 1;
  }

  /** The root of the tree. */
  root(): Uint8Array {
    if (this.#peaks.length === 0) return EMPTY_ROOT;
    let hash = this.#peaks[this.#peaks.length - 1] as Uint8Array;
    for (let i = this.#peaks.length - 2; i >= 0; i--)
      hash = nodeHash(this.#peaks[i] as Uint8Array, hash);
    return hash;
  }

  /** An independent copy. */
  clone(): MerkleFrontier {
    const copy = new MerkleFrontier();
    copy.#size = this.#size;
    copy.#peaks = [...this.#peaks];
    return copy;
  }
}

/** RFC 9162 §2.1.3.2: checks that `entryHash` is leaf `leafIndex` of the tree with `root`. */
export function verifyInclusionProof(
  entryHash: Uint8Array,
  proof: InclusionProof,
  root: Uint8Array,
): void {
  const { leafIndex, treeSize, path } = proof;
  if (
    !Number.isSafeInteger(leafIndex) ||
    !Number.isSafeInteger(treeSize) ||
    leafIndex < 0 ||
    leafIndex >= treeSize
  ) {
    throw new InclusionProofError(`leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash(entryHash);
  for (const p of path) {
    if (sn === 0) throw new InclusionProofError('the path is longer than the tree is deep');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new InclusionProofError('the path is shorter than the tree is deep');
  if (!equalBytes(r, root)) throw new InclusionProofError('the path does not lead to the root');
}

/** RFC 9162 §2.1.4.2: checks that the tree with `newRoot` extends the tree with `oldRoot`. */
export function verifyConsistencyProof(
  proof: ConsistencyProof,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): void {
  const { oldSize, newSize, path } = proof;
  if (
    !Number.isSafeInteger(oldSize) ||
    !Number.isSafeInteger(newSize) ||
    oldSize < 1 ||
    oldSize > newSize
  ) {
    throw new ConsistencyProofError(`sizes ${oldSize} → ${newSize} are not a valid pair`);
  }
  if (oldSize === newSize) {
    if (path.length !== 0) throw new ConsistencyProofError('equal sizes take an empty proof');
    if (!equalBytes(oldRoot, newRoot))
      throw new ConsistencyProofError('equal sizes with different roots');
    return;
  }
  const nodes = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...path] : [...path];
  if (nodes.length === 0) throw new ConsistencyProofError('the proof is empty');
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = nodes[0] as Uint8Array;
  let sr = nodes[0] as Uint8Array;
  for (const c of nodes.slice(1)) {
    if (sn === 0) throw new ConsistencyProofError('the proof is longer than the trees are deep');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ConsistencyProofError('the proof is shorter than the trees are deep');
  if (!equalBytes(fr, oldRoot))
    throw new ConsistencyProofError('it does not lead to the old root: different histories');
  if (!equalBytes(sr, newRoot)) throw new ConsistencyProofError('it does not lead to the new root');
}
