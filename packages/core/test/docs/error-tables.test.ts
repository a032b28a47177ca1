/**
 * Each spec names exactly the error codes its module can raise: a code the
 * module exports is documented, and the spec names no code the module does
 * not have. Codes are read from the classes' static `code`, so adding an
 * error class without documenting it fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as chain from '../../src/chain/index.js';
import * as envelope from '../../src/envelope/index.js';
import { BaseError } from '../../src/errors/index.js';
import * as ledger from '../../src/ledger/index.js';
import * as pre from '../../src/pre/index.js';
import * as storage from '../../src/storage/index.js';

const SPEC = join(import.meta.dirname, '../../../../docs/spec');

/** The static codes of the BaseError classes a module exports. */
function moduleCodes(module: Record<string, unknown>): string[] {
  return Object.values(module)
    .filter(
      (v): v is typeof BaseError =>
        typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof BaseError,
    )
    .map((C) => C.code)
    .filter((c): c is string => c !== undefined);
}

/** The codes with one of `prefixes` a spec page names (as `CODE` in backticks). */
function specCodes(page: string, prefixes: string[]): string[] {
  const text = readFileSync(join(SPEC, page), 'utf8');
  const codes = [...text.matchAll(/`([A-Z]+_[A-Z0-9_]+)`/g)].map((m) => m[1] as string);
  return codes.filter((c) => prefixes.some((p) => c.startsWith(`${p}_`)));
}

const unique = (codes: string[]) => [...new Set(codes)].sort();

const PAGES = [
  { page: 'pre.md', prefixes: ['PRE'], module: pre },
  { page: 'envelope.md', prefixes: ['ENVELOPE', 'BYTES'], module: envelope },
  { page: 'ledger.md', prefixes: ['LEDGER'], module: ledger },
  { page: 'storage.md', prefixes: ['STORAGE'], module: storage },
  { page: 'registry.md', prefixes: ['CHAIN'], module: chain },
];

describe('spec error tables', () => {
  test.each(PAGES)('$page names exactly the codes of its module', ({ page, prefixes, module }) => {
    const exported = unique(
      moduleCodes(module).filter((c) => prefixes.some((p) => c.startsWith(`${p}_`))),
    );
    expect(exported.length).toBeGreaterThan(0);
    expect(unique(specCodes(page, prefixes))).toEqual(exported);
  });
});
