/**
 * The error codes a module can raise and those a spec page names, so a test
 * can hold the two together.
 */
import { BaseError } from '@medvault/core/errors';

/**
 * The static codes of the `BaseError` classes `module` exports (classes
 * whose code comes from elsewhere have none and are left out).
 *
 * @example
 * ```ts
 * errorCodesOf(await import('@medvault/core/pre')); // ['PRE_INVALID_POINT', …]
 * ```
 */
export function errorCodesOf(module: Record<string, unknown>): string[] {
  return Object.values(module)
    .filter(
      (v): v is typeof BaseError =>
        typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof BaseError,
    )
    .flatMap((C) => (C.code === undefined ? [] : [C.code]));
}

/**
 * The codes starting with one of `prefixes` (then `_`) that a text names in
 * backticks, as the specs write them.
 *
 * @example
 * ```ts
 * codesIn('`PRE_INVALID_POINT` and `STORAGE_RANGE`', ['PRE']); // ['PRE_INVALID_POINT']
 * ```
 */
export function codesIn(text: string, prefixes: readonly string[]): string[] {
  return [...text.matchAll(/`([A-Z]+_[A-Z0-9_]+)`/g)]
    .map((m) => m[1] as string)
    .filter((c) => prefixes.some((p) => c.startsWith(`${p}_`)));
}

/** The distinct codes, sorted: two lists to compare as sets. */
export function codeSet(codes: readonly string[]): string[] {
  return [...new Set(codes)].sort();
}
