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
 * (or on the stable `code`), never on message text. Each class writes its
 * `name` out (minifiers rename classes, so `constructor.name` would not
 * survive a bundle) and its `code` as a static, so code can name a failure
 * without making one: `error.code === InvalidPointError.code`. A class whose
 * code comes from elsewhere (a server's answer) sets the instance's `code`.
 *
 * @example
 * ```ts
 * try { Capsule.fromBytes(bytes) } catch (e) {
 *   if (e instanceof BaseError && e.code === InvalidPointError.code) reject(e.shortMessage)
 * }
 * ```
 */
export abstract class BaseError extends Error {
  /** The stable code of every error of this class, e.g. `PRE_INVALID_POINT`. */
  static readonly code: string | undefined = undefined;
  override name = 'BaseError';
  /** Stable machine-readable identifier of the failure, e.g. `PRE_INVALID_POINT`. */
  readonly code: string;
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
    this.code = (new.target as typeof BaseError).code ?? 'UNKNOWN';
    this.shortMessage = shortMessage;
    this.details = params.details;
    this.docsPath = params.docsPath;
  }

  /**
   * Follows the chain of causes from this error: the first error `match`
   * accepts (or `undefined`), or without `match` the innermost cause.
   *
   * @example
   * ```ts
   * const refused = error.walk((e) => e instanceof LedgerHostRequestError && e.status === 403);
   * ```
   */
  walk(match?: (error: unknown) => boolean): unknown {
    return walkCauses(this, match);
  }
}

/** `BaseError.walk` for any value: its chain of `cause`s (at most 32 deep, so a cycle ends). */
export function walkCauses(error: unknown, match?: (error: unknown) => boolean): unknown {
  let current = error;
  for (let depth = 0; depth < 32; depth++) {
    if (match?.(current)) return current;
    const cause = (current as { cause?: unknown } | null | undefined)?.cause;
    if (cause === undefined || cause === null) return match ? undefined : current;
    current = cause;
  }
  return match ? undefined : current;
}
