import type { Address } from 'viem';
import { BaseError } from '../errors/base-error.js';

const DOCS = 'spec/registry.md';

/** The chain's JSON-RPC endpoint did not answer (down, wrong URL, timeout). */
export class RpcUnreachableError extends BaseError {
  static override readonly code = 'CHAIN_RPC_UNREACHABLE';
  override readonly name = 'RpcUnreachableError';
  constructor(cause: unknown) {
    super('The chain RPC endpoint did not answer: check the --rpc URL and that the node runs.', {
      cause,
      docsPath: DOCS,
    });
  }
}

/** The registry refused a call; `errorName` is the contract's custom error. */
export class RegistryRevertError extends BaseError {
  static override readonly code: string = 'CHAIN_REVERTED';
  override readonly name: string = 'RegistryRevertError';
  /** The contract's custom error, e.g. `SizeNotIncreasing`. */
  readonly errorName: string;
  /** Its arguments. */
  readonly args: readonly unknown[];
  constructor(errorName: string, args: readonly unknown[], cause: unknown, shortMessage?: string) {
    super(
      shortMessage ??
        `The registry refused the call: ${errorName}(${args.map(String).join(', ')}).`,
      { cause, docsPath: DOCS },
    );
    this.errorName = errorName;
    this.args = args;
  }
}

/**
 * The registry refused a signature whose deadline has passed (by block
 * time): sign again, with a later `deadline`.
 *
 * @example
 * ```ts
 * try { await revokeGrant(client, { registry, owner, grantId, deadline }) } catch (e) {
 *   if (e instanceof SignatureExpiredError) await revokeGrant(client, { registry, owner, grantId });
 * }
 * ```
 */
export class SignatureExpiredError extends RegistryRevertError {
  static override readonly code = 'CHAIN_SIGNATURE_EXPIRED';
  override readonly name = 'SignatureExpiredError';
  /** The signature's deadline, seconds since the epoch (block time). */
  readonly deadline: bigint;
  constructor(deadline: bigint, cause: unknown) {
    super(
      'SignatureExpired',
      [deadline],
      cause,
      `The registry refused the call: its signature expired at ${new Date(Number(deadline) * 1000).toISOString()} (block time); sign it again.`,
    );
    this.deadline = deadline;
  }
}

/**
 * The registry refused a call signed by an identity key that was rotated
 * away (`rotateRegistryKey`): a retired key can no longer anchor, register
 * or revoke, and cannot be rotated again. Sign with the current key
 * (`currentRegistryKey`); grants of the retired key are revoked by the
 * current key with `revokeGrant({ namespace })`. Also raised when a rotation
 * names a retired key as the new one.
 *
 * @example
 * ```ts
 * try { await anchorCheckpoint(client, { registry, checkpoint, owner: oldSk }) } catch (e) {
 *   if (e instanceof KeyRetiredError) console.log(`use the key of ${e.successor}`);
 * }
 * ```
 */
export class KeyRetiredError extends RegistryRevertError {
  static override readonly code = 'CHAIN_KEY_RETIRED';
  override readonly name = 'KeyRetiredError';
  /** The retired key's address. */
  readonly key: Address;
  /** The address it was rotated to (itself possibly rotated since). */
  readonly successor: Address;
  constructor(key: Address, successor: Address, cause: unknown) {
    super(
      'KeyRetired',
      [key, successor],
      cause,
      `The registry refused the call: identity key ${key} was rotated to ${successor} and signs nothing any more; sign with the current key.`,
    );
    this.key = key;
    this.successor = successor;
  }
}

/**
 * A value given to a chain helper is malformed (a ledger id, grant id or
 * salt not 32 bytes, a ledger host that is no http(s) URL).
 *
 * @example
 * ```ts
 * grantCommitment({ ...input, ledgerHost: 'file:///x' }); // throws InvalidChainInputError
 * ```
 */
export class InvalidChainInputError extends BaseError {
  static override readonly code = 'CHAIN_INVALID_INPUT';
  override readonly name = 'InvalidChainInputError';
  constructor(what: string) {
    super(`Invalid input to the registry client: ${what}.`, { docsPath: DOCS });
  }
}

/** The ledger has no anchor on chain by its owner. */
export class NotAnchoredError extends BaseError {
  static override readonly code = 'CHAIN_NOT_ANCHORED';
  override readonly name = 'NotAnchoredError';
  constructor(ledgerId: string) {
    super(`Ledger ${ledgerId} has no anchor on chain by its owner: anchor a checkpoint first.`, {
      docsPath: DOCS,
    });
  }
}

/** The ledger or checkpoint does not match what is anchored on chain. */
export class AnchorMismatchError extends BaseError {
  static override readonly code = 'CHAIN_ANCHOR_MISMATCH';
  override readonly name = 'AnchorMismatchError';
  constructor(details: string) {
    super(`The ledger does not match its on-chain anchor: ${details}.`, { docsPath: DOCS });
  }
}

/** A write needs an account to send it (a relayer, or the client's own) and has none. */
export class MissingAccountError extends BaseError {
  static override readonly code = 'CHAIN_NO_ACCOUNT';
  override readonly name = 'MissingAccountError';
  constructor(what: string) {
    super(
      `${what} needs an account to send the transaction: pass one, or give the client an account.`,
      {
        docsPath: 'spec/registry.md',
      },
    );
  }
}

/** A transaction was mined but failed, or a deployment left no contract. */
export class TransactionFailedError extends BaseError {
  static override readonly code = 'CHAIN_TX_FAILED';
  override readonly name = 'TransactionFailedError';
  constructor(what: string, hash: string) {
    super(`${what} (transaction ${hash}) failed on chain.`, { docsPath: 'spec/registry.md' });
  }
}
