/**
 * Checkpoints: the owner's signed statement "ledger L had `size` entries
 * with Merkle root `root` at `time`" — what gets anchored on chain and what
 * inclusion and consistency proofs are checked against.
 *
 * Encoding: deterministic CBOR { v, ledger, size, root, time, signer, sig },
 * sig over "medvault/ledger/checkpoint/v1" ‖ 0x00 ‖ CBOR(without sig).
 */
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { PublicKey } from '../pre/keys.js';
import { Signature, type Signer } from '../pre/signing.js';
import { decodeCanonical, encodeCanonical } from './cbor.js';
import { LEDGER_VERSION } from './entry.js';
import { LedgerSignatureError, MalformedLedgerDataError } from './errors.js';

const CHECKPOINT_TAG = utf8ToBytes('medvault/ledger/checkpoint/v1\0');
const bytes = (n: number) =>
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length === n, {
    message: `expected ${n} bytes`,
  });

/** Schema of a checkpoint's fields (docs/spec/ledger.md). */
export const checkpointSchema = z.strictObject({
  v: z.literal(LEDGER_VERSION),
  ledger: bytes(32),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  root: bytes(32),
  time: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  signer: bytes(33),
  sig: bytes(64),
});

/** A signed checkpoint. */
export type Checkpoint = z.infer<typeof checkpointSchema>;

function payload(cp: Omit<Checkpoint, 'sig'>): Uint8Array {
  const { v, ledger, size, root, time, signer } = cp;
  return concatBytes(CHECKPOINT_TAG, encodeCanonical({ v, ledger, size, root, time, signer }));
}

/** Signs a checkpoint of `size` entries with Merkle root `root`. */
export function signCheckpoint(
  fields: { ledger: Uint8Array; size: number; root: Uint8Array; time: number },
  signer: Signer,
): Checkpoint {
  const unsigned = {
    v: LEDGER_VERSION,
    ...fields,
    signer: signer.verifyingKey().toCompressedBytes(),
  } as const;
  return { ...unsigned, sig: signer.sign(payload(unsigned)).toBEBytes() };
}

/** Checks shape and signature (by the key it names); returns it typed. */
export function parseCheckpoint(value: unknown): Checkpoint {
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    throw new MalformedLedgerDataError(
      'checkpoint',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const cp = parsed.data;
  let valid = false;
  try {
    valid = Signature.fromBEBytes(cp.sig).verify(
      PublicKey.fromCompressedBytes(cp.signer),
      payload(cp),
    );
  } catch {
    valid = false;
  }
  if (!valid) throw new LedgerSignatureError('checkpoint');
  return cp;
}

/** Canonical bytes of a checkpoint. */
export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  return encodeCanonical(cp);
}

/** Parses canonical checkpoint bytes and checks its signature. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  return parseCheckpoint(decodeCanonical(bytes, 'checkpoint'));
}
