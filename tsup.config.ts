import { defineConfig, type Options } from 'tsup';

const shared = {
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
} satisfies Options;

/**
 * One build config for every library package: run from the package directory
 * (`tsup --config ../../tsup.config.ts`). Each subpath of the package's
 * `exports` map is one entry, so apps import only what they use.
 */
export default defineConfig([
  {
    ...shared,
    entry: {
      index: 'src/index.ts',
      'pre/index': 'src/pre/index.ts',
      'ledger/index': 'src/ledger/index.ts',
      'ledger-host/index': 'src/ledger-host/index.ts',
      'chain/index': 'src/chain/index.ts',
      'envelope/index': 'src/envelope/index.ts',
      'storage/index': 'src/storage/index.ts',
      'proxy/index': 'src/proxy/index.ts',
      'share-button/index': 'src/share-button/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    // The standalone share button below is built at the same time, into the
    // same folder: spare it from this build's clean.
    clean: ['!medvault-share-button.js*'],
    platform: 'neutral',
    splitting: true,
  },
  {
    ...shared,
    // The share button for sites without a bundler: one ES module, no chunk
    // imports, loaded with one <script type="module"> tag.
    entry: { 'medvault-share-button': 'src/share-button/index.ts' },
    format: ['esm'],
    platform: 'browser',
    splitting: false,
    minify: true,
    clean: false,
    dts: false,
  },
]);
