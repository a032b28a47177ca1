/**
 * `npm start`: the whole local stack on embedded defaults — a local EVM
 * node with the registry, a ledger host, a blob service, three proxies
 * (2 of 3), the hospital portal and the clinic — and the extension built
 * for Chromium and Firefox. Data under .medvault/ (MEDVAULT_DATA_DIR), kept
 * across restarts. The clinic's staff sign in with MEDVAULT_CLINIC_USER and
 * MEDVAULT_CLINIC_PASSWORD, or with the password made at start and printed.
 * Ctrl-C stops everything.
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
const password = process.env.MEDVAULT_CLINIC_PASSWORD;
const clinicStaff = password
  ? { username: process.env.MEDVAULT_CLINIC_USER ?? 'staff', password }
  : undefined;
const [built, stack] = await Promise.all([
  buildExtension(), // into packages/extension/dist
  startLocalStack({ dataDir, ports: defaultPorts(), clinicStaff }),
]);
const { chain } = stack;
const { staff } = stack.clinic;
const rel = (path: string) => relative(here, path) || '.';

console.log(`MedVault local stack (data: ${rel(dataDir)})

  hospital portal   ${stack.hospital.url}
  clinic            ${stack.clinic.url}
  clinic staff sign-in  ${staff.username} / ${staff.password}

  chain             ${chain.rpcUrl}  (chain id ${chain.chainId}, registry ${chain.registry})
  ledger host       ${stack.ledgerHost.url}
  blob service      ${stack.blobService.url}
  proxies (2 of 3)  ${stack.proxies.map((p) => p.url).join('  ')}
  standby proxy     ${stack.standbyProxies.map((p) => p.url).join('  ')}

The patient's wallet (the extension) is built:
  Chromium  ${rel(built.chrome)}   chrome://extensions → Developer mode → Load unpacked
  Firefox   ${rel(built.firefox)}  about:debugging → This Firefox → Load Temporary Add-on → manifest.json
Its defaults point at this stack. Create an identity, then open the hospital
portal to send yourself records and the clinic (signed in as its staff) to
share them.

Run the whole story headless: npm run demo.   Ctrl-C stops.`);

await stopRequested;
await stack.close();
console.log('stopped');
