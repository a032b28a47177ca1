/**
 * Every error class MedVault exports names itself (a bundle's minifier
 * renames classes, so `constructor.name` would lie), carries its stable code
 * as a static that equals every instance's, and walks its causes.
 */
import { describe, expect, test } from 'vitest';
import * as core from '../index.js';
import { BaseError, walkCauses } from './base-error.js';

/** Every exported class of `@medvault/core` that is a BaseError. */
const errorClasses = Object.entries(core).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof BaseError,
) as [string, typeof BaseError & (new (...args: unknown[]) => BaseError)][];

/** An instance made with placeholder arguments (messages are not checked here). */
function instanceOf(Class: new (...args: unknown[]) => BaseError): BaseError | undefined {
  const placeholders = ['x', 'y', 'z', 'w'];
  for (const args of [placeholders, [1, 2, 3, 4], []]) {
    try {
      return new Class(...args);
    } catch {}
  }
  return undefined;
}

describe('error classes', () => {
  test('there are many (the export scan works)', () => {
    expect(errorClasses.length).toBeGreaterThan(60);
  });

  /** Classes whose code comes from elsewhere: the ledger host's answer. */
  const DYNAMIC = new Set(['LedgerHostRequestError']);
  /** A family's base (abstract in TypeScript): another exported class extends it. */
  const isFamily = (Class: typeof BaseError) =>
    errorClasses.some(([, Other]) => Other.prototype instanceof Class);

  test('each class without a static code is a family base or takes its code from an answer', () => {
    const without = errorClasses
      .filter(([, C]) => C.code === undefined)
      .map(([name, C]) => ({ name, C }));
    const stray = without.filter(({ name, C }) => !isFamily(C) && !DYNAMIC.has(name));
    expect(stray.map((s) => s.name)).toEqual([]);
  });

  test('each concrete class names itself and has a module-prefixed static code its instances carry', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [exported, Class] of errorClasses) {
      if (Class.code === undefined) continue;
      const instance = instanceOf(Class);
      if (!instance) continue; // abstract, or needs real arguments
      checked += 1;
      // written out in the class (an own field), not read from the constructor
      if (!Object.hasOwn(instance, 'name') || instance.name !== exported) {
        problems.push(
          `${exported}: name is ${instance.name}, own: ${Object.hasOwn(instance, 'name')}`,
        );
      }
      if (instance.code !== Class.code) {
        problems.push(`${exported}: instance code ${instance.code}, static ${Class.code}`);
      }
      if (!/^[A-Z]+_[A-Z0-9_]+$/.test(instance.code)) {
        problems.push(`${exported}: code ${instance.code} has no module prefix`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(errorClasses.length * 0.7);
  });

  test('codes are unique across classes', () => {
    const codes = errorClasses.map(([, C]) => C.code).filter((c) => c !== undefined);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('walk', () => {
  class Outer extends BaseError {
    static override readonly code = 'TEST_OUTER';
    override readonly name = 'Outer';
  }
  const root = new TypeError('root cause');
  const middle = new Error('middle', { cause: root });
  const outer = new Outer('outer', { cause: middle });

  test('without a match: the innermost cause', () => {
    expect(outer.walk()).toBe(root);
    expect(walkCauses(root)).toBe(root);
  });

  test('with a match: the first error it accepts, else undefined', () => {
    expect(outer.walk((e) => e instanceof TypeError)).toBe(root);
    expect(outer.walk((e) => e === middle)).toBe(middle);
    expect(outer.walk((e) => e instanceof RangeError)).toBeUndefined();
  });

  test('a cycle of causes ends', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect([a, b]).toContain(walkCauses(a));
  });
});
