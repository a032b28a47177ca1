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
  static override readonly code = 'CHAIN_REVERTED';
  override readonly name = 'RegistryRevertError';
  /** The contract's custom error, e.g. `SizeNotIncreasing`. */
  readonly errorName: string;
  /** Its arguments. */
  readonly args: readonly unknown[];
  constructor(errorName: string, args: readonly unknown[], cause: unknown) {
    super(`The registry refused the call: ${errorName}(${args.map(String).join(', ')}).`, {
      cause,
      docsPath: DOCS,
    });
    this.errorName = errorName;
    this.args = args;
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
