/**
 * The module's errors as the other modules' are held (packages/core/test/docs
 * and the errors test, which scan the root export and the specs it lists):
 * every class names itself, carries a unique `SHL_` static code its instances
 * share and points at its spec page; and docs/spec/health-links.md names
 * exactly these codes, each in a row of its error table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeSet, codesIn, errorCodesOf } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
import { BaseError } from '../errors/base-error.js';
import * as healthLinks from './index.js';
import { ShlError } from './index.js';

const classes = Object.entries(healthLinks).filter(
  ([, v]) =>
    typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof BaseError,
) as [string, typeof BaseError & (new (...args: unknown[]) => BaseError)][];

function instanceOf(Class: new (...args: unknown[]) => BaseError): BaseError {
  for (const args of [['x', 'y'], [1, 2], []]) {
    try {
      return new Class(...args);
    } catch {}
  }
  throw new Error(`cannot make ${Class.name}`);
}

describe('health-links errors', () => {
  test('every concrete class names itself, with a unique SHL_ code, under ShlError', () => {
    const concrete = classes.filter(([name]) => name !== 'ShlError');
    expect(concrete.length).toBeGreaterThanOrEqual(25);
    const codes = new Set<string>();
    for (const [name, Class] of concrete) {
      const error = instanceOf(Class);
      expect(error).toBeInstanceOf(ShlError);
      expect(Object.hasOwn(error, 'name') && error.name).toBe(name);
      expect(error.code).toBe(Class.code);
      expect(error.code).toMatch(/^SHL_[A-Z0-9_]+$/);
      expect(error.docsPath).toBe('spec/health-links.md');
      expect(error.shortMessage).not.toBe('');
      codes.add(error.code);
    }
    expect(codes.size).toBe(concrete.length);
    expect(ShlError.code).toBeUndefined();
  });

  test('docs/spec/health-links.md names exactly the codes of the module, each in its error table', () => {
    const spec = readFileSync(
      join(import.meta.dirname, '../../../../docs/spec/health-links.md'),
      'utf8',
    );
    const exported = codeSet(errorCodesOf(healthLinks));
    expect(codeSet(codesIn(spec, ['SHL']))).toEqual(exported);
    const table = spec.slice(spec.indexOf('## 9. Errors'));
    for (const [name, Class] of classes) {
      if (Class.code === undefined) continue;
      expect(table).toContain(`| \`${name}\` | \`${Class.code}\` |`);
    }
  });
});
