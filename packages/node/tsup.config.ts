import { defineConfig } from 'tsup';

/**
 * The `medvault` CLI as built JavaScript: one ES module per command, loaded
 * only when that command runs, so `medvault --help` reads a few kilobytes.
 * Beside it, the HTTP kit (`@medvault/node/http`) and the servers as
 * functions (`@medvault/node/services`), with their types.
 * Dependencies (`@medvault/core`, viem, …) stay external, installed beside it.
 */
export default defineConfig({
  entry: {
    bin: 'src/cli/bin.ts',
    'http/index': 'src/http/index.ts',
    'services/index': 'src/services/index.ts',
  },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: true,
  clean: true,
  dts: { entry: { 'http/index': 'src/http/index.ts', 'services/index': 'src/services/index.ts' } },
});
