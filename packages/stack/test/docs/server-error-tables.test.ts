/**
 * The API specs of the servers name exactly the error codes a client can
 * meet: those the server answers with and the reasons the core client
 * reports (literals in their sources), and those it raises (the module's
 * classes); the hospital-site guide, those of the example clinic. Here,
 * beside the other tests that span packages. A code added on either side
 * without a line in the spec fails here, and so does a spec line for a code gone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ledgerHost from '@medvault/core/ledger-host';
import * as proxy from '@medvault/core/proxy';
import { codeSet, codesIn, errorCodesOf } from '@medvault/testing';
import { describe, expect, test } from 'vitest';

const REPO = join(import.meta.dirname, '../../../..');

/**
 * The code literals (`'PREFIX_…'`) in a folder's non-test sources: what a
 * server answers with, and the reasons a client reports per proxy.
 */
function literalCodes(folder: string, prefix: string): string[] {
  const dir = join(REPO, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !/\.(test|bench)\.ts$/.test(f))
    .flatMap((f) => [
      ...readFileSync(join(dir, f), 'utf8').matchAll(new RegExp(`'(${prefix}_[A-Z_]+)'`, 'g')),
    ])
    .map((m) => m[1] as string);
}

/** The codes with `prefix` a spec page names. */
const specCodes = (page: string, prefix: string) =>
  codesIn(readFileSync(join(REPO, 'docs/spec', page), 'utf8'), [prefix]);

describe('server API specs name exactly their codes', () => {
  test('proxy-api.md: the proxy server and the proxy client', () => {
    const codes = [
      ...literalCodes('packages/node/src/proxy', 'PROXY'),
      ...literalCodes('packages/core/src/proxy', 'PROXY'),
      ...errorCodesOf(proxy).filter((c) => c.startsWith('PROXY_')),
    ];
    expect(codeSet(specCodes('proxy-api.md', 'PROXY'))).toEqual(codeSet(codes));
  });

  test('ledger-host-api.md: the ledger host and its client', () => {
    const codes = [
      ...literalCodes('packages/node/src/ledger-host', 'LEDGER_HOST'),
      ...literalCodes('packages/core/src/ledger-host', 'LEDGER_HOST'),
      ...errorCodesOf(ledgerHost).filter((c) => c.startsWith('LEDGER_HOST_')),
    ];
    expect(codeSet(specCodes('ledger-host-api.md', 'LEDGER_HOST'))).toEqual(codeSet(codes));
  });

  test('shl-host-api.md: the SHL host', () => {
    const codes = literalCodes('packages/node/src/shl-host', 'SHL_HOST');
    expect(codeSet(specCodes('shl-host-api.md', 'SHL_HOST'))).toEqual(codeSet(codes));
  });

  test('hospital-site.md: the example clinic’s own refusals', () => {
    const guide = readFileSync(join(REPO, 'docs/guides/hospital-site.md'), 'utf8');
    const codes = literalCodes('packages/examples/src/clinic', 'CLINIC');
    expect(codes).toContain('CLINIC_NOT_SIGNED_IN');
    expect(codeSet(codesIn(guide, ['CLINIC']))).toEqual(codeSet(codes));
  });
});
