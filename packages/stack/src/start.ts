/**
 * `npm start`: the whole local stack on embedded defaults — a local EVM
 * node with the registry, a ledger host, a blob service, three proxies
 * (2 of 3), the hospital portal and the clinic — and the extension built
 * for Chromium and Firefox. Data under .medvault/ (MEDVAULT_DATA_DIR), kept
 * across restarts. Ctrl-C stops everything.
 */
import { join, relative } from 'node:path';
import { buildExtension } from '@medvault/extension/build';
import { defaultPorts, startLocalStack } from './local-stack.js';

// Listening from the first moment: a Ctrl-C while the stack is still coming
// up stops it as cleanly as one after.
const stopRequested = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
// npm runs this in packages/stack; INIT_CWD is where the person typed
// `npm start` (the repository's root), which the docs and paths speak of.
const here = process.env.INIT_CWD ?? process.cwd();
const dataDir = process.env.MEDVAULT_DATA_DIR ?? join(here, '.medvault');
const [built, stack] = await Promise.all([
  buildExtension(), // into packages/extension/dist
  startLocalStack({ dataDir, ports: defaultPorts() }),
]);
const { chain } = stack;
const rel = (path: string) => relative(here, path) || '.';

console.log(`MedVault local stack (data: ${rel(dataDir)})

  hospital portal   ${stack.hospital.url}
  clinic            ${stack.clinic.url}

  chain             ${chain.rpcUrl}  (chain id ${chain.chainId}, registry ${chain.registry})
  ledger host       ${stack.ledgerHost.url}
  blob service      ${stack.blobService.url}
  proxies (2 of 3)  ${stack.proxies.map((p) => p.url).join('  ')}

The patient's wallet (the extension) is built:
  Chromium  ${rel(built.chrome)}   chrome://extensions → Developer mode → Load unpacked
  Firefox   ${rel(built.firefox)}  about:debugging → This Firefox → Load Temporary Add-on → manifest.json
Its defaults point at this stack. Create an identity, then open the hospital
portal to send yourself records and the clinic to share them.

Run the whole story headless: npm run demo.   Ctrl-C stops.`);

await stopRequested;
await stack.close();
console.log('stopped');
