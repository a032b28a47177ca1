/**
 * Identity rotation after theft: the patient's identity key moves to a new
 * one. The old key signs a `key-rotation` entry that the new key co-signs
 * (so the ledger's owner is the new key from then on), the registry retires
 * the old key (both keys sign; it can no longer anchor, register or revoke),
 * and the new key anchors a checkpoint of the ledger at once, so every
 * verifier reads the rotation from the chain. Grants made before stay
 * active; the new key revokes them, and signs the fragments of new epochs.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { anchorCheckpoint } from '../chain/anchor-checkpoint.js';
import { rotateRegistryKey } from '../chain/rotate-key.js';
import { signCheckpoint } from '../ledger/checkpoint.js';
import { LEDGER_VERSION, signEntry } from '../ledger/entry.js';
import { signKeyRotation } from '../ledger/state.js';
import { LedgerHostRequestError } from '../ledger-host/errors.js';
import { PublicKey, type SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import type { ChainAccess, LedgerAccess } from './grant-access.js';

/** Parameters of `rotateIdentity`. */
export type RotateIdentityParams = {
  /** The identity key in use, to retire. */
  identity: SecretKey;
  /** The identity key to take its place (e.g. `PatientKeys.identity(i + 1)`, or a new phrase's). */
  next: SecretKey;
  ledger: LedgerAccess;
  chain: ChainAccess;
};

/** What `rotateIdentity` did: the rotation entry, and the anchor the new key made. */
export type RotateIdentityResult = { seq: number; anchoredSize: number; blockNumber: bigint };

/**
 * Rotates the patient's identity key in the ledger and the registry, then
 * anchors the ledger with the new key. Safe to call again after a failure
 * part-way: a ledger that already names `next` as owner, or a registry that
 * already retired the old key for it, is left as it is.
 *
 * @example
 * ```ts
 * const { seq, blockNumber } = await rotateIdentity({
 *   identity: keys.identity(0), next: keys.identity(1), ledger: { host, ledgerId }, chain,
 * });
 * ```
 */
export async function rotateIdentity(params: RotateIdentityParams): Promise<RotateIdentityResult> {
  const old = new Signer(params.identity);
  const next = new Signer(params.next);
  const { host, ledgerId } = params.ledger;
  const id = hexToBytes(ledgerId);
  const seq = await rotateInLedger(params, old, next, id);
  await rotateRegistryKey(params.chain.client, {
    registry: params.chain.registry,
    relayer: params.chain.relayer,
    oldOwner: params.identity,
    newOwner: params.next,
  });
  // the new key anchors at once: verifiers read the rotation from the chain
  const reader = host.withSigner(next);
  const verified = await reader.sync(ledgerId);
  const checkpoint = signCheckpoint(
    { ledger: id, size: verified.size, root: verified.root, time: Date.now() },
    next,
  );
  await reader.putCheckpoint(ledgerId, checkpoint);
  const { blockNumber } = await anchorCheckpoint(params.chain.client, {
    registry: params.chain.registry,
    relayer: params.chain.relayer,
    checkpoint,
    owner: params.next,
  });
  return { seq, anchoredSize: verified.size, blockNumber };
}

/** The key-rotation entry, co-signed over the head it follows (re-signed if another entry lands first). */
async function rotateInLedger(
  params: RotateIdentityParams,
  old: Signer,
  next: Signer,
  id: Uint8Array,
): Promise<number> {
  const { host, ledgerId } = params.ledger;
  const verified = await host.withSigner(old).sync(ledgerId);
  if (next.verifyingKey().equals(PublicKey.fromCompressedBytes(verified.owner))) {
    return verified.size - 1; // rotated already (a call that failed later)
  }
  let head = await host.head(ledgerId, old);
  for (let attempt = 0; ; attempt++) {
    const prev = hexToBytes(head.head);
    const entry = signEntry(
      {
        v: LEDGER_VERSION,
        ledger: id,
        seq: head.size,
        prev,
        time: Math.max(Date.now(), head.time),
        kind: 'key-rotation',
        body: signKeyRotation(next, id, prev),
        author: old.verifyingKey().toCompressedBytes(),
      },
      old,
    );
    try {
      await host.submitSigned(ledgerId, entry);
      return entry.seq;
    } catch (error) {
      if (
        !(error instanceof LedgerHostRequestError) ||
        error.code !== 'LEDGER_HOST_CONFLICT' ||
        attempt >= 5
      ) {
        throw error;
      }
      head = await host.head(ledgerId, old);
    }
  }
}
