/**
 * Catching what a call throws, for assertions on typed errors.
 */
import { expect } from 'vitest';

/** The error `fn` throws, or undefined. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The error `promise` rejects with, or undefined if it resolves. */
export function caughtAsync(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error) => error,
  );
}

/** Asserts `fn` throws an instance of `cls` with the stable `code`. */
export function expectError(
  fn: () => unknown,
  cls: abstract new (...args: never[]) => Error,
  code: string,
): void {
  const error = caught(fn);
  expect(error).toBeInstanceOf(cls);
  expect((error as { code: string }).code).toBe(code);
}
