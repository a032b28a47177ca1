import { defineConfig } from 'tsup';

/**
 * One build config for every library package: run from the package directory
 * (`tsup --config ../../tsup.config.ts`). Each subpath of the package's
 * `exports` map is one entry, so apps import only what they use.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'pre/index': 'src/pre/index.ts',
    'ledger/index': 'src/ledger/index.ts',
    'ledger-host/index': 'src/ledger-host/index.ts',
    'chain/index': 'src/chain/index.ts',
    'envelope/index': 'src/envelope/index.ts',
    'storage/index': 'src/storage/index.ts',
    'proxy/index': 'src/proxy/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
});
