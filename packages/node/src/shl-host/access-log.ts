/**
 * A link's access log, as the SHL host keeps and serves it to the link's
 * owner: one entry per manifest request (when, the recipient as the
 * requester named itself, what was answered), each naming the hash of the
 * one before it and signed by the host's own secp256k1 key (kept in its
 * data directory). The signature makes the host accountable for what it
 * showed: it cannot later deny an entry it signed, nor rewrite one without
 * breaking the chain. It cannot prove that the host logged every request —
 * a host that lies can leave entries out (docs/guides/shl-host-operator.md).
 */
import { BaseError } from '@medvault/core/errors';
import { PublicKey, Signature, type Signer } from '@medvault/core/pre';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

/**
 * What the host answered a manifest request.
 *
 * @example
 * ```ts
 * const outcome: AccessOutcome = 'wrong-passcode';
 * ```
 */
export type AccessOutcome = 'served' | 'wrong-passcode' | 'refused';

/**
 * Why a request was refused (outcome `refused`).
 *
 * @example
 * ```ts
 * const reason: RefusalReason = 'revoked';
 * ```
 */
export type RefusalReason = 'no-passcode' | 'expired' | 'revoked' | 'locked';

/**
 * One signed entry of a link's access log.
 *
 * @example
 * ```ts
 * const entry: AccessLogEntry = {
 *   seq: 0, at: '2025-01-02T03:04:05.000Z', recipient: 'Dr. Ada, St. Elsewhere',
 *   outcome: 'served', prev: GENESIS_HASH, sig: '…128 hex digits…',
 * };
 * ```
 */
export type AccessLogEntry = {
  /** 0, 1, 2, … in the order the host answered. */
  seq: number;
  /** When the request was answered, ISO 8601 UTC. */
  at: string;
  /** The `recipient` the request named (the host cannot check it). */
  recipient: string;
  outcome: AccessOutcome;
  /** For `refused`: why. */
  reason?: RefusalReason;
  /** On a link with a passcode: wrong passcodes it still accepts after this request. */
  remainingAttempts?: number;
  /** Hex SHA-256 of the previous entry's signed bytes (64 zeros for the first). */
  prev: string;
  /** Hex of the host's ECDSA secp256k1 signature (r ‖ s) over SHA-256 of the signed bytes. */
  sig: string;
};

/**
 * The `prev` of a log's first entry.
 *
 * @example
 * ```ts
 * log[0].prev === GENESIS_HASH; // true
 * ```
 */
export const GENESIS_HASH = '0'.repeat(64);

const DOMAIN = 'medvault-shl-access-log-v1\n';

/**
 * An access log that does not verify: a signature from another key, a
 * broken chain, entries out of order.
 *
 * @example
 * ```ts
 * try { verifyAccessLog(id, log, hostKey) } catch (e) { if (e instanceof AccessLogError) console.error(e.shortMessage) }
 * ```
 */
export class AccessLogError extends BaseError {
  static override readonly code = 'SHL_HOST_LOG_INVALID';
  override readonly name = 'AccessLogError';
}

/**
 * The bytes an entry's signature covers: a domain line, then the JSON
 * array `[linkId, seq, at, recipient, outcome, reason, remainingAttempts, prev]`
 * (absent fields as `null`).
 *
 * @example
 * ```ts
 * const bytes = accessEntryBytes(linkId, entry);
 * Signature.fromBEBytes(hexToBytes(entry.sig)).verify(hostKey, bytes); // true
 * ```
 */
export function accessEntryBytes(linkId: string, entry: Omit<AccessLogEntry, 'sig'>): Uint8Array {
  const fields = [
    linkId,
    entry.seq,
    entry.at,
    entry.recipient,
    entry.outcome,
    entry.reason ?? null,
    entry.remainingAttempts ?? null,
    entry.prev,
  ];
  return new TextEncoder().encode(DOMAIN + JSON.stringify(fields));
}

/**
 * The hash the next entry names as its `prev`.
 *
 * @example
 * ```ts
 * const next = signAccessEntry(signer, linkId, { ...fields, seq: 1, prev: accessEntryHash(linkId, first) });
 * ```
 */
export function accessEntryHash(linkId: string, entry: Omit<AccessLogEntry, 'sig'>): string {
  return bytesToHex(sha256(accessEntryBytes(linkId, entry)));
}

/**
 * Signs a new entry with the host's key.
 *
 * @example
 * ```ts
 * const entry = signAccessEntry(signer, linkId, { seq: 0, at, recipient, outcome: 'served', prev: GENESIS_HASH });
 * ```
 */
export function signAccessEntry(
  signer: Signer,
  linkId: string,
  fields: Omit<AccessLogEntry, 'sig'>,
): AccessLogEntry {
  const unsigned: Omit<AccessLogEntry, 'sig'> = {
    seq: fields.seq,
    at: fields.at,
    recipient: fields.recipient,
    outcome: fields.outcome,
    ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    ...(fields.remainingAttempts === undefined
      ? {}
      : { remainingAttempts: fields.remainingAttempts }),
    prev: fields.prev,
  };
  const sig = bytesToHex(signer.sign(accessEntryBytes(linkId, unsigned)).toBEBytes());
  return { ...unsigned, sig };
}

/**
 * Checks a whole log as the host served it: entries numbered 0, 1, 2, …,
 * each naming the hash of the one before, each signed by `hostKey`
 * (a `PublicKey` or its 33-byte compressed hex). Throws `AccessLogError`
 * naming the first entry that fails.
 *
 * @example
 * ```ts
 * const status = await (await fetch(`${host}/api/links/${id}`, { headers })).json();
 * verifyAccessLog(id, status.log, status.hostKey); // throws if anything was altered
 * ```
 */
export function verifyAccessLog(
  linkId: string,
  entries: readonly AccessLogEntry[],
  hostKey: PublicKey | string,
): void {
  let key: PublicKey;
  try {
    key =
      typeof hostKey === 'string' ? PublicKey.fromCompressedBytes(hexToBytes(hostKey)) : hostKey;
  } catch (error) {
    throw new AccessLogError('the host key is not a compressed secp256k1 public key', {
      cause: error,
    });
  }
  let prev = GENESIS_HASH;
  for (const [i, entry] of entries.entries()) {
    if (entry.seq !== i) throw new AccessLogError(`access log entry ${i} is numbered ${entry.seq}`);
    if (entry.prev !== prev) {
      throw new AccessLogError(`access log entry ${i} does not follow entry ${i - 1}`);
    }
    const { sig, ...unsigned } = entry;
    let valid = false;
    try {
      valid = Signature.fromBEBytes(hexToBytes(sig)).verify(
        key,
        accessEntryBytes(linkId, unsigned),
      );
    } catch {
      valid = false;
    }
    if (!valid) throw new AccessLogError(`access log entry ${i} is not signed by the host key`);
    prev = accessEntryHash(linkId, unsigned);
  }
}
