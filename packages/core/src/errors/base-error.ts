/** Options every MedVault error accepts beyond its short message. */
export type BaseErrorParameters = {
  /** What exactly was wrong with the input, for logs and developers. */
  details?: string | undefined;
  /** Path under `docs/` that explains the failure and what to do next. */
  docsPath?: string | undefined;
  /** The lower-level error that caused this one. */
  cause?: unknown;
};

/**
 * The root of every error MedVault throws. Callers branch on the subclass
 * (or on the stable `code`), never on message text.
 *
 * @example
 * ```ts
 * try { Capsule.fromBytes(bytes) } catch (e) {
 *   if (e instanceof BaseError && e.code === 'PRE_INVALID_POINT') reject(e.shortMessage)
 * }
 * ```
 */
export abstract class BaseError extends Error {
  /** Stable machine-readable identifier of the failure, e.g. `PRE_INVALID_POINT`. */
  abstract readonly code: string;
  /** One sentence saying what went wrong and what was expected. */
  readonly shortMessage: string;
  /** Specifics of the failing input, when known. */
  readonly details: string | undefined;
  /** Path under `docs/` with more on this failure. */
  readonly docsPath: string | undefined;

  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    const parts = [shortMessage];
    if (params.details) parts.push(`Details: ${params.details}`);
    if (params.docsPath) parts.push(`Docs: docs/${params.docsPath}`);
    super(parts.join('\n'), params.cause === undefined ? undefined : { cause: params.cause });
    this.shortMessage = shortMessage;
    this.details = params.details;
    this.docsPath = params.docsPath;
  }

  override get name(): string {
    return this.constructor.name;
  }
}
