/**
 * Errors a page sees from `window.medvault.request`, shaped like EIP-1193's
 * `ProviderRpcError`: a numeric `code` from that standard (or JSON-RPC's),
 * a message saying what happened and what to do, optional `data`.
 */

/** The codes this provider answers with. */
export const RPC_ERROR = {
  /** The patient said no (or closed the prompt, or let it time out). */
  userRejected: 4001,
  /** The site is not connected, or the wallet is not set up. */
  unauthorized: 4100,
  /** No such method. */
  unsupportedMethod: 4200,
  /** Too many requests from this site are already waiting (EIP-1474). */
  resourceUnavailable: -32002,
  /** The parameters are not what the method expects. */
  invalidParams: -32602,
  /** Something failed inside the wallet (proxy, chain or ledger host down…). */
  internal: -32603,
} as const;

/** One of `RPC_ERROR`'s codes. */
export type RpcErrorCode = (typeof RPC_ERROR)[keyof typeof RPC_ERROR];

/** The error object crossing from the background to the page. */
export type RpcErrorJson = { code: RpcErrorCode; message: string; data?: unknown };

/**
 * An error answered to a provider request.
 *
 * @example
 * ```ts
 * throw new ProviderRpcError(RPC_ERROR.userRejected, 'The patient denied the share.');
 * ```
 */
export class ProviderRpcError extends Error {
  readonly code: RpcErrorCode;
  readonly data: unknown;
  constructor(code: RpcErrorCode, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
  override get name(): string {
    return 'ProviderRpcError';
  }
  /** The plain object sent over the message channels. */
  toJSON(): RpcErrorJson {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** Any thrown value as the error a page may see (internal details stay out). */
export function toRpcError(error: unknown): ProviderRpcError {
  if (error instanceof ProviderRpcError) return error;
  const message = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
  const code = (error as { code?: unknown })?.code;
  return new ProviderRpcError(
    RPC_ERROR.internal,
    `The wallet could not complete the request: ${message}`,
    typeof code === 'string' ? { code } : undefined,
  );
}
