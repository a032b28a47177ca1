import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = fileURLToPath(new URL('./packages/core/src/', import.meta.url));
const nodeSrc = fileURLToPath(new URL('./packages/node/src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, not a stale build.
    alias: [
      { find: /^@medvault\/core$/, replacement: `${coreSrc}index.ts` },
      { find: /^@medvault\/core\/(.+)$/, replacement: `${coreSrc}$1/index.ts` },
      { find: /^@medvault\/node\/(.+)$/, replacement: `${nodeSrc}$1/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // CI also writes a machine-readable summary that .ci/run prints as one line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'artifacts/vitest.json' },
    // two files at a time: vitest's default is one worker per core but one, which
    // on a 2-core machine runs the suite strictly in series (about 15 minutes);
    // three made the longest CLI tests time out
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // a browser page or a server under a busy machine may take more than the default 1 s
    expect: { poll: { timeout: 10_000 } },
  },
});
