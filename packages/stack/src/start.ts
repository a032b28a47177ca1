/**
 * `npm start`: the whole local stack on embedded defaults — a local EVM
 * node with the registry, a ledger host, a blob service, three proxies
 * (2 of 3), the hospital portal, the clinic and a provider's patient portal
 * (FHIR R4 behind SMART on FHIR sign-in) — and the extension built for
 * Chromium and Firefox. Data under the repository's .medvault/
 * (MEDVAULT_DATA_DIR), kept across restarts. The clinic's staff sign in
 * with MEDVAULT_CLINIC_USER and MEDVAULT_CLINIC_PASSWORD, or with the
 * password made at start and printed; the provider portal's synthetic
 * patients with the demo accounts printed. Ctrl-C stops everything.
 *
 * Quiet by default: one line while it comes up, then where everything is.
 * `npm start -- --verbose` also prints the extension build's output and
 * how long each part took; `npm start -- --help` says what it would use.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { StackPorts } from './local-stack.js';

// Listening from the first moment: a Ctrl-C while the stack is still coming
// up stops it as cleanly as one after. Listening for good, not once: a
// Ctrl-C can arrive twice (the terminal signals the whole process group and
// a parent may pass it on), and a second one with nobody listening would
// kill the process halfway through stopping, leaving anvil running.
const stopRequested = new Promise<void>((resolve) => {
  process.on('SIGINT', () => resolve());
  process.on('SIGTERM', () => resolve());
});

/** The repository's root, whose .medvault/ holds the data by default. */
const repo = resolve(import.meta.dirname, '../../..');
// npm runs a script in its package's directory; INIT_CWD is where the
// person typed `npm start` (the root or any directory under it), which the
// printed paths and a relative MEDVAULT_DATA_DIR are relative to.
const here = process.env.INIT_CWD ?? process.cwd();
const dataDir = process.env.MEDVAULT_DATA_DIR
  ? resolve(here, process.env.MEDVAULT_DATA_DIR)
  : resolve(repo, '.medvault');

const inside = (dir: string, path: string) => {
  const r = relative(dir, path);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
};
/** A path as the person who typed `npm start` reaches it: relative within the repository, else absolute. */
const show = (path: string) =>
  inside(here, path) || (inside(repo, here) && inside(repo, path))
    ? relative(here, path) || '.'
    : path;

const PORT_VARIABLES =
  'MEDVAULT_CHAIN_PORT, MEDVAULT_LEDGER_HOST_PORT, MEDVAULT_BLOB_PORT, MEDVAULT_PROXY_PORT, MEDVAULT_HOSPITAL_PORT, MEDVAULT_CLINIC_PORT, MEDVAULT_SHL_PORT, MEDVAULT_PROVIDER_PORT';
const usage = `npm start [-- --verbose]

Runs the whole MedVault stack on 127.0.0.1 and builds the browser extension.

  --verbose  also print the extension build's output and how long each part took
             (\`npm start --verbose\` without \`--\` does too, with npm's own log)
  --help     print this and exit

Data: ${show(dataDir)} (MEDVAULT_DATA_DIR)
Ports: ${PORT_VARIABLES}`;

const args = process.argv.slice(2);
const unknown = args.filter((a) => !['--verbose', '--help', '-h'].includes(a));
if (unknown.length > 0) {
  console.error(`npm start: unknown option ${unknown.join(' ')}\n\n${usage}`);
  process.exit(2);
}
if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
// `npm start --verbose` (no `--`) reaches us only as npm's own log level
const verbose =
  args.includes('--verbose') ||
  ['verbose', 'silly'].includes(process.env.npm_config_loglevel ?? '');

const password = process.env.MEDVAULT_CLINIC_PASSWORD;
const clinicStaff = password
  ? { username: process.env.MEDVAULT_CLINIC_USER ?? 'staff', password }
  : undefined;

const began = performance.now();
const timed = async <T>(what: string, work: Promise<T>): Promise<T> => {
  const value = await work;
  if (verbose) console.log(`${what} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  return value;
};

console.log(
  'Starting MedVault… (chain, ledger host, blob service, proxies, sites; building the extension)',
);
// Imported here, not above: --help needs neither, and esbuild (a process of
// its own) builds the extension while the stack's modules load.
const { buildExtension } = await import('@medvault/extension/build');
// into packages/extension/dist; esbuild prints its files and sizes when verbose
const building = timed(
  'extension built',
  buildExtension(undefined, { logLevel: verbose ? 'info' : 'warning' }),
);
building.catch(() => undefined); // a failure is reported below, not as an unhandled rejection
const { defaultPorts, startLocalStack } = await import('./local-stack.js');
let ports: StackPorts;
try {
  ports = defaultPorts();
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  await building.catch(() => undefined);
  process.exit(2);
}
const [built, up] = await Promise.allSettled([
  building,
  timed('stack up', startLocalStack({ dataDir, ports, clinicStaff })),
]);
if (built.status === 'rejected' || up.status === 'rejected') {
  if (up.status === 'fulfilled') await up.value.close();
  const error = (
    built.status === 'rejected' ? built.reason : (up as PromiseRejectedResult).reason
  ) as (Error & { code?: string }) | undefined;
  const inUse = /EADDRINUSE|address already in use/.test(String(error?.message));
  console.error(
    `npm start: ${verbose ? (error?.stack ?? error) : (error?.message ?? error)}${
      inUse
        ? `\nA port is taken (another npm start?). Stop it, or choose other ports: ${PORT_VARIABLES}.`
        : verbose
          ? ''
          : '\n(npm start -- --verbose says more)'
    }`,
  );
  process.exit(1);
}
const stack = up.value;
const { chain } = stack;
const { staff } = stack.clinic;
const { provider } = stack;
const [patient, ...otherPatients] = provider.accounts;

console.log(`MedVault local stack (data: ${show(dataDir)})

  hospital portal   ${stack.hospital.url}
  clinic            ${stack.clinic.url}
  clinic staff sign-in  ${staff.username} / ${password ? '(MEDVAULT_CLINIC_PASSWORD)' : staff.password}
  provider portal   ${provider.url}  (FHIR R4 ${provider.fhirBaseUrl}, SMART on FHIR sign-in)
  provider patient sign-in  ${patient?.username} / ${patient?.password}  (also ${otherPatients.map((a) => a.username).join(', ')}; synthetic patients)

  chain             ${chain.rpcUrl}  (chain id ${chain.chainId}, registry ${chain.registry})
  ledger host       ${stack.ledgerHost.url}
  blob service      ${stack.blobService.url}
  SHL host          ${stack.shlHost.url}  (SMART Health Links: encrypted files of the patient's links)
  proxies (2 of 3)  ${stack.proxies.map((p) => p.url).join('  ')}
  standby proxy     ${stack.standbyProxies.map((p) => p.url).join('  ')}

The patient's wallet (the extension) is built:
  Chromium  ${show(built.value.chrome)}   chrome://extensions → Developer mode → Load unpacked
  Firefox   ${show(built.value.firefox)}  about:debugging → This Firefox → Load Temporary Add-on → manifest.json
Its defaults point at this stack. Create an identity, then open the hospital
portal to send yourself records and the clinic (signed in as its staff) to
share them; add records from the provider portal's FHIR base, signed in as
one of its patients.

Run the whole story headless: npm run demo.   Ctrl-C stops.`);

await stopRequested;
await stack.close();
console.log('stopped');
