#!/usr/bin/env node
// The CLI from its TypeScript sources, through tsx (a devDependency of the
// workspace): what the tests and `npm run medvault` run, so they never see a
// stale build. The published bin is the built dist/bin.js.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
