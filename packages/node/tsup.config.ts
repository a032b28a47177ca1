import { defineConfig } from 'tsup';

/**
 * The `medvault` CLI as built JavaScript: one ES module per command, loaded
 * only when that command runs, so `medvault --help` reads a few kilobytes.
 * Dependencies (`@medvault/core`, viem, …) stay external, installed beside it.
 */
export default defineConfig({
  entry: { bin: 'src/cli/bin.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: true,
  clean: true,
  dts: false,
});
