import { BaseError, type BaseErrorParameters } from '../errors/base-error.js';

/** Base of every error raised by the ledger layer. `seq` names the entry at fault, when one is. */
export abstract class LedgerError extends BaseError {
  override readonly name: string = 'LedgerError';
  /** Sequence number of the entry at fault, when one is. */
  readonly seq: number | undefined;
  constructor(
    shortMessage: string,
    params: BaseErrorParameters & { seq?: number | undefined } = {},
  ) {
    const at = params.seq === undefined ? '' : ` (entry ${params.seq})`;
    super(`${shortMessage}${at}`, { docsPath: 'spec/ledger.md', ...params });
    this.seq = params.seq;
  }
}

/** Bytes that are not a canonical encoding of a well-formed entry, checkpoint or proof. */
export class MalformedLedgerDataError extends LedgerError {
  static override readonly code = 'LEDGER_MALFORMED';
  override readonly name = 'MalformedLedgerDataError';
  constructor(what: string, details: string, params: { seq?: number; cause?: unknown } = {}) {
    super(`Malformed ${what}: ${details}.`, params);
  }
}

/** A signature over an entry, checkpoint or key rotation does not verify. */
export class LedgerSignatureError extends LedgerError {
  static override readonly code = 'LEDGER_BAD_SIGNATURE';
  override readonly name = 'LedgerSignatureError';
  constructor(what: string, seq?: number) {
    super(`The ${what} signature does not verify for its author's key.`, { seq });
  }
}

/** An entry belongs to another ledger. */
export class WrongLedgerError extends LedgerError {
  static override readonly code = 'LEDGER_WRONG_LEDGER';
  override readonly name = 'WrongLedgerError';
  constructor(seq?: number) {
    super('The entry names another ledger id.', { seq });
  }
}

/** An entry is not the next one: dropped, duplicated or reordered entries. */
export class SequenceError extends LedgerError {
  static override readonly code = 'LEDGER_SEQUENCE';
  override readonly name = 'SequenceError';
  constructor(expected: number, found: number) {
    super(
      `Expected entry ${expected} next, found entry ${found}: an entry was dropped, duplicated or reordered.`,
      {
        seq: found,
      },
    );
  }
}

/** An entry's `prev` is not the hash of the entry before it. */
export class ChainBrokenError extends LedgerError {
  static override readonly code = 'LEDGER_CHAIN_BROKEN';
  override readonly name = 'ChainBrokenError';
  constructor(seq: number) {
    super("The entry's prev hash is not the hash of the entry before it.", { seq });
  }
}

/** An entry's time is earlier than the entry before it. */
export class TimeOrderError extends LedgerError {
  static override readonly code = 'LEDGER_TIME_ORDER';
  override readonly name = 'TimeOrderError';
  constructor(seq: number) {
    super('The entry is dated before the entry it follows: times must not decrease.', { seq });
  }
}

/**
 * An entry dated further ahead of this clock than clocks drift
 * (`MAX_CLOCK_SKEW_MS`). Accepted, it would fix the ledger's time in the
 * future: later entries could not be dated before it, so every grant would
 * start after its own expiry and every access be late.
 */
export class FutureEntryError extends LedgerError {
  static override readonly code = 'LEDGER_FUTURE_ENTRY';
  override readonly name = 'FutureEntryError';
  constructor(seq: number, time: number, now: number) {
    super('The entry is dated in the future: check the clock of whoever signed it.', {
      seq,
      // a time past year 275760 has no calendar date
      details: `dated ${Number.isNaN(new Date(time).getTime()) ? `${time} ms` : new Date(time).toISOString()}, ${Math.round((time - now) / 1000)} s ahead of this clock`,
    });
  }
}

/** An entry is signed by a key not allowed to write its kind, or breaks a rule of its kind. */
export class UnauthorizedEntryError extends LedgerError {
  static override readonly code = 'LEDGER_UNAUTHORIZED';
  override readonly name = 'UnauthorizedEntryError';
  constructor(reason: string, seq?: number) {
    super(`Entry not allowed: ${reason}.`, { seq });
  }
}

/**
 * A `record` entry repeats the CID or the capsule of an earlier one. Each
 * record is written once: were a later entry for the same capsule allowed,
 * anyone could re-label a record (say, as `laboratory`) to bring it into a
 * grant's scope.
 */
export class DuplicateRecordError extends LedgerError {
  static override readonly code = 'LEDGER_DUPLICATE_RECORD';
  override readonly name = 'DuplicateRecordError';
  constructor(what: 'CID' | 'capsule', seq?: number) {
    super(`Entry not allowed: a record with this ${what} is already in the ledger.`, { seq });
  }
}

/** An `access` entry names a grant that is unknown, revoked, expired or does not list its proxy. */
export class AccessOutsideGrantError extends LedgerError {
  static override readonly code = 'LEDGER_ACCESS_OUTSIDE_GRANT';
  override readonly name = 'AccessOutsideGrantError';
  constructor(reason: string, seq?: number) {
    super(`Access outside its grant: ${reason}.`, { seq });
  }
}

/** Two different entries are signed for one sequence number: the ledger was forked. */
export class ForkError extends LedgerError {
  static override readonly code = 'LEDGER_FORK';
  override readonly name = 'ForkError';
  /** The two conflicting entries, as evidence. */
  readonly evidence: readonly [Uint8Array, Uint8Array];
  constructor(seq: number, a: Uint8Array, b: Uint8Array) {
    super('Two different signed entries exist for one sequence number: the ledger was forked.', {
      seq,
    });
    this.evidence = [a, b];
  }
}

/** A checkpoint's size or root does not match the ledger. */
export class CheckpointMismatchError extends LedgerError {
  static override readonly code = 'LEDGER_CHECKPOINT_MISMATCH';
  override readonly name = 'CheckpointMismatchError';
  constructor(details: string) {
    super(`The checkpoint does not match the ledger: ${details}.`);
  }
}

/** The ledger is shorter than a checkpoint already seen: entries were cut off. */
export class TruncatedLedgerError extends LedgerError {
  static override readonly code = 'LEDGER_TRUNCATED';
  override readonly name = 'TruncatedLedgerError';
  constructor(size: number, checkpointSize: number) {
    super(`The ledger has ${size} entries but a signed checkpoint covers ${checkpointSize}.`);
  }
}

/** An inclusion proof does not lead to the checkpoint's root. */
export class InclusionProofError extends LedgerError {
  static override readonly code = 'LEDGER_INCLUSION_PROOF';
  override readonly name = 'InclusionProofError';
  constructor(details: string) {
    super(`Inclusion proof rejected: ${details}.`);
  }
}

/** A consistency proof does not link the two checkpoints: different histories. */
export class ConsistencyProofError extends LedgerError {
  static override readonly code = 'LEDGER_CONSISTENCY_PROOF';
  override readonly name = 'ConsistencyProofError';
  constructor(details: string) {
    super(`Consistency proof rejected: ${details}.`);
  }
}

/** The last entry of a stored ledger was cut short by a crash mid-write. */
export class TornEntryError extends LedgerError {
  static override readonly code = 'LEDGER_TORN_ENTRY';
  override readonly name = 'TornEntryError';
  /** How many complete entries precede the torn one. */
  readonly completeEntries: number;
  /** Byte offset where the torn entry starts. */
  readonly offset: number;
  constructor(completeEntries: number, offset: number) {
    super(
      `The stored ledger ends with a torn entry at byte ${offset} after ${completeEntries} complete entries; it was never acknowledged. Repair the store to drop it.`,
      { seq: completeEntries },
    );
    this.completeEntries = completeEntries;
    this.offset = offset;
  }
}

/** A sealed note cannot be opened with this key: sealed to another key, or altered. */
export class NoteUnreadableError extends LedgerError {
  static override readonly code = 'LEDGER_NOTE_UNREADABLE';
  override readonly name = 'NoteUnreadableError';
  constructor(cause?: unknown) {
    super('The sealed note does not open with this key: it was sealed to another key or altered.', {
      cause,
    });
  }
}

/**
 * A stub (an entry with its body withheld) where a verifier needs the body:
 * a genesis or key-rotation entry, which every party must see in full.
 */
export class WithheldEntryError extends LedgerError {
  static override readonly code = 'LEDGER_WITHHELD';
  override readonly name = 'WithheldEntryError';
  constructor(kind: string, seq?: number) {
    super(`A ${kind} entry was served as a stub; every party must see it in full.`, { seq });
  }
}

/**
 * A record sealed to a key that is not one of the patient's published
 * encryption keys for the record's category (docs/spec/keys.md): the
 * patient could not open it, or it would land in the wrong category's
 * shares.
 */
export class WrongRecipientError extends LedgerError {
  static override readonly code = 'LEDGER_WRONG_RECIPIENT';
  override readonly name = 'WrongRecipientError';
  constructor(category: string, published: number, seq?: number) {
    super(
      published === 0
        ? `The record is in category "${category}", for which the patient has published no encryption key yet: ask the patient's wallet to publish one, then seal to it.`
        : `The record is sealed to a key that is not one of the patient's ${published} published encryption key${published === 1 ? '' : 's'} for category "${category}": seal it to the category's current key (an encryption-keys entry of the ledger).`,
      { seq },
    );
  }
}
