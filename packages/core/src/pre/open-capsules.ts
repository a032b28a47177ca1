/**
 * Batch opening: a reader verifies and decrypts many records shared under
 * one grant in one pass.
 *
 * - Each distinct key-fragment signature is checked once, however many
 *   capsule fragments carry it.
 * - All correctness proofs are checked by one multi-scalar multiplication
 *   over a random linear combination of their equations.
 * - The receiver's Diffie-Hellman with each precursor, the share indices and
 *   Lagrange coefficients are computed once per key-fragment set.
 * If a batch check fails, items are checked one by one and the first bad
 * one is named (`BatchItemError` with the item and fragment index).
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { Capsule } from './capsule.js';
import { addProofEquations, CapsuleFrag, cfragSignedMessage } from './capsule-frag.js';
import { BatchInvariantError, BatchItemError, InvalidArgumentError, PreError } from './errors.js';
import { assertBytes, assertInstance, PublicKey, SecretKey } from './keys.js';
import { openReencrypted } from './open-reencrypted.js';
import { EquationBatch } from './proof-batch.js';

/** One record to open: its capsule, the unverified fragments from proxies, its ciphertext. */
export type CapsuleToOpen = {
  capsule: Capsule;
  cfrags: CapsuleFrag[];
  ciphertext: Uint8Array;
};

function checkItems(items: unknown): asserts items is CapsuleToOpen[] {
  if (!Array.isArray(items))
    throw new InvalidArgumentError('items', 'an array of { capsule, cfrags, ciphertext }');
  items.forEach((item: CapsuleToOpen, i) => {
    assertInstance(item?.capsule, Capsule, `items[${i}].capsule`);
    assertBytes(item.ciphertext, `items[${i}].ciphertext`);
    if (!Array.isArray(item.cfrags))
      throw new InvalidArgumentError(`items[${i}].cfrags`, 'an array of CapsuleFrag');
    for (const c of item.cfrags) assertInstance(c, CapsuleFrag, `items[${i}].cfrags[]`);
  });
}

/** Whether every fragment's signature and proof hold, checked as one batch. */
function batchVerifies(
  items: CapsuleToOpen[],
  verifyingPk: PublicKey,
  delegatingPk: PublicKey,
  receivingPk: PublicKey,
): boolean {
  const signatures = new Map<string, boolean>();
  const proofs = new EquationBatch();
  for (const { capsule, cfrags } of items) {
    for (const { parts } of cfrags) {
      const message = cfragSignedMessage(parts, delegatingPk, receivingPk);
      const key = bytesToHex(message) + bytesToHex(parts.kfragSignature.toBEBytes());
      let valid = signatures.get(key);
      if (valid === undefined) {
        valid = parts.kfragSignature.verify(verifyingPk, message);
        signatures.set(key, valid);
      }
      if (!valid) return false;
      addProofEquations(proofs, capsule, parts);
    }
  }
  return proofs.holds();
}

/** Verifies fragments one by one and throws for the first bad one. */
function findBadFragment(
  items: CapsuleToOpen[],
  verifyingPk: PublicKey,
  delegatingPk: PublicKey,
  receivingPk: PublicKey,
): never {
  items.forEach(({ capsule, cfrags }, itemIndex) => {
    cfrags.forEach((cfrag, cfragIndex) => {
      try {
        cfrag.verify(capsule, verifyingPk, delegatingPk, receivingPk);
      } catch (error) {
        if (error instanceof PreError) throw new BatchItemError(itemIndex, cfragIndex, error);
        throw error;
      }
    });
  });
  // The random combination failed although every equation holds alone:
  // probability 2⁻¹²⁸, so treat it as an internal error, not as success.
  throw new BatchInvariantError();
}

/**
 * Verifies every capsule fragment and decrypts every item, returning the
 * plaintexts in order. Accepts exactly what verifying each fragment with
 * `CapsuleFrag.verify` and calling `decryptReencrypted` per item accepts,
 * in a fraction of the time.
 *
 * @example
 * ```ts
 * const plaintexts = openCapsules(readerSk, patientPk, patientVerifyingPk, records.map((r) => ({
 *   capsule: r.capsule,
 *   cfrags: r.cfragBytes.map((b) => CapsuleFrag.fromBytes(b)),
 *   ciphertext: r.ciphertext,
 * })));
 * ```
 */
export function openCapsules(
  receivingSk: SecretKey,
  delegatingPk: PublicKey,
  verifyingPk: PublicKey,
  items: CapsuleToOpen[],
): Uint8Array[] {
  assertInstance(receivingSk, SecretKey, 'receivingSk');
  assertInstance(delegatingPk, PublicKey, 'delegatingPk');
  assertInstance(verifyingPk, PublicKey, 'verifyingPk');
  checkItems(items);
  const receivingPk = receivingSk.publicKey();
  if (!batchVerifies(items, verifyingPk, delegatingPk, receivingPk)) {
    findBadFragment(items, verifyingPk, delegatingPk, receivingPk);
  }
  return openReencrypted(
    receivingSk,
    delegatingPk,
    items.map(({ capsule, cfrags, ciphertext }) => ({
      capsule,
      cfrags: cfrags.map((c) => c.parts),
      ciphertext,
    })),
  );
}
