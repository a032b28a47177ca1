/**
 * Each spec names exactly the error codes its module can raise: a code the
 * module exports is documented, and the spec names no code the module does
 * not have. Codes are read from the classes' static `code`, so adding an
 * error class without documenting it fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeSet, codesIn, errorCodesOf } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
import * as chain from '../../src/chain/index.js';
import * as envelope from '../../src/envelope/index.js';
import * as healthLinks from '../../src/health-links/index.js';
import * as keys from '../../src/keys/index.js';
import * as ledger from '../../src/ledger/index.js';
import * as pre from '../../src/pre/index.js';
import * as providerImport from '../../src/provider-import/index.js';
import * as storage from '../../src/storage/index.js';

const SPEC = join(import.meta.dirname, '../../../../docs/spec');

/** The codes with one of `prefixes` a spec page names. */
const specCodes = (page: string, prefixes: string[]) =>
  codesIn(readFileSync(join(SPEC, page), 'utf8'), prefixes);

const PAGES = [
  { page: 'pre.md', prefixes: ['PRE'], module: pre },
  { page: 'envelope.md', prefixes: ['ENVELOPE', 'BYTES'], module: envelope },
  { page: 'keys.md', prefixes: ['KEYS'], module: keys },
  { page: 'ledger.md', prefixes: ['LEDGER'], module: ledger },
  { page: 'storage.md', prefixes: ['STORAGE'], module: storage },
  { page: 'registry.md', prefixes: ['CHAIN'], module: chain },
  { page: 'health-links.md', prefixes: ['SHL'], module: healthLinks },
  { page: 'provider-import.md', prefixes: ['IMPORT'], module: providerImport },
];

describe('spec error tables', () => {
  test.each(PAGES)('$page names exactly the codes of its module', ({ page, prefixes, module }) => {
    const exported = codeSet(
      errorCodesOf(module).filter((c) => prefixes.some((p) => c.startsWith(`${p}_`))),
    );
    expect(exported.length).toBeGreaterThan(0);
    expect(codeSet(specCodes(page, prefixes))).toEqual(exported);
  });
});
