/**
 * The committed module (secp256k1.wasm.ts) is what its sources build to:
 * when Debian's clang-16 and lld-16 are installed, the module is rebuilt
 * from the pinned `secp256k1` package's C sources and our wrapper, and the
 * generated file must match byte for byte. Without the toolchain, or with
 * another clang-16 release (whose code generation may differ), the test is
 * skipped and says why.
 */
import { describe, expect, test } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import * as script from '../../../scripts/build-wasm.mjs';

type BuildScript = {
  toolchainVersion(): string | undefined;
  committedToolchain(): string | undefined;
  build(): { source: string; wasm: Uint8Array };
  TARGET: string;
};
const { build, committedToolchain, toolchainVersion, TARGET } = script as BuildScript;

const installed = toolchainVersion();
const committed = committedToolchain();
const skip =
  installed === undefined
    ? 'clang-16 and wasm-ld-16 are not installed (apt-get install -y clang-16 lld-16)'
    : installed !== committed
      ? `the installed compiler (${installed}) is not the one that built the module (${committed})`
      : undefined;

describe('the committed WebAssembly module', () => {
  test.skipIf(skip !== undefined)(
    `rebuilds to the same bytes${skip ? ` — skipped: ${skip}` : ''}`,
    async () => {
      const { readFile } = await import('node:fs/promises');
      const { source } = build();
      expect(source).toBe(await readFile(TARGET, 'utf8'));
    },
    120_000,
  );
});
