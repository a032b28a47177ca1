/**
 * The whole MedVault stack on one machine, as `npm start`, `npm run demo`
 * and the end-to-end tests run it: a local EVM chain with the registry, a
 * ledger host, a blob service, an SHL host (SMART Health Links), three
 * re-encryption proxies (2 of 3) and a fourth standing by (it takes a
 * fragment when one of the three is down as the patient shares), the
 * hospital portal, the clinic and a provider's patient portal (a FHIR R4
 * API behind SMART on FHIR sign-in, its synthetic patients in memory) — on
 * 127.0.0.1, with every key and datum under one directory, kept across
 * restarts.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretKey } from '@medvault/core/pre';
import {
  type ClinicSite,
  type ProviderPortal,
  type RunningSite,
  type StaffCredentials,
  startClinicSite,
  startHospitalSite,
  startProviderPortal,
} from '@medvault/examples';
import {
  type DevChain,
  type RunningBlobService,
  type RunningLedgerHost,
  type RunningProxy,
  type RunningShlHost,
  readKeyFile,
  startBlobService,
  startDevChain,
  startLedgerHost,
  startProxy,
  startShlHost,
  writeKeyFile,
} from '@medvault/node/services';

/** Ports of the stack; 0 picks a free one (tests). */
export type StackPorts = {
  chain: number;
  ledgerHost: number;
  blobService: number;
  /** The SHL host's (SMART Health Links); absent: a free one. */
  shlHost?: number;
  /** The first proxy's; the others follow (0: each a free one). */
  proxy: number;
  hospital: number;
  clinic: number;
  /** The provider's patient portal's; absent: a free one. */
  provider?: number;
};

/** The ports `npm start` uses, each overridable by its environment variable. */
export function defaultPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const port = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65_535)
      throw new Error(`${name} must be a port number (0–65535), not ${env[name]}`);
    return value;
  };
  return {
    chain: port('MEDVAULT_CHAIN_PORT', 8545),
    ledgerHost: port('MEDVAULT_LEDGER_HOST_PORT', 8787),
    blobService: port('MEDVAULT_BLOB_PORT', 8790),
    shlHost: port('MEDVAULT_SHL_PORT', 8791),
    proxy: port('MEDVAULT_PROXY_PORT', 9001),
    hospital: port('MEDVAULT_HOSPITAL_PORT', 3000),
    clinic: port('MEDVAULT_CLINIC_PORT', 3001),
    provider: port('MEDVAULT_PROVIDER_PORT', 8792),
  };
}

/** Every port 0: the stack of a test. */
export const FREE_PORTS: StackPorts = {
  chain: 0,
  ledgerHost: 0,
  blobService: 0,
  shlHost: 0,
  proxy: 0,
  hospital: 0,
  clinic: 0,
  provider: 0,
};

/** A running stack. */
export type LocalStack = {
  dataDir: string;
  chain: DevChain;
  ledgerHost: RunningLedgerHost;
  blobService: RunningBlobService;
  /** The SHL host: links' ciphertext, passcode hashes and access logs, under `<dataDir>/shl`. */
  shlHost: RunningShlHost;
  /** The three proxies a share uses (2 of 3). */
  proxies: RunningProxy[];
  /** The proxy standing by for a share when one of the three is down. */
  standbyProxies: RunningProxy[];
  hospital: RunningSite;
  /** The clinic; `clinic.staff` is who signs in to it. */
  clinic: ClinicSite;
  /** The clinic's reader key (on its server). */
  clinicKey: SecretKey;
  /**
   * A provider's patient portal: FHIR R4 at `provider.fhirBaseUrl` behind
   * SMART on FHIR sign-in (`provider.accounts`), for "Add records from my provider".
   */
  provider: ProviderPortal;
  /** Stops one proxy (the demo's "one proxy down"). */
  stopProxy(index: number): Promise<void>;
  /** Stops everything, in reverse order. */
  close(): Promise<void>;
};

/** A key kept in `file`, made on first use. */
async function keptKey(file: string): Promise<SecretKey> {
  return readKeyFile(file).catch(async () => {
    const fresh = SecretKey.random();
    await writeKeyFile(file, fresh);
    return fresh;
  });
}

/**
 * Starts the stack with its data under `dataDir`.
 *
 * @example
 * ```ts
 * const stack = await startLocalStack({ dataDir: '.medvault', ports: defaultPorts() });
 * console.log(stack.clinic.url, stack.clinic.staff.username, stack.clinic.staff.password);
 * await stack.close();
 * ```
 */
export async function startLocalStack(options: {
  dataDir: string;
  ports?: StackPorts;
  /** The clinic's staff sign-in (default: user `staff`, a random password). */
  clinicStaff?: StaffCredentials;
  log?: (line: string) => void;
}): Promise<LocalStack> {
  const { dataDir } = options;
  const ports = options.ports ?? defaultPorts();
  const log = options.log;
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    await mkdir(join(dataDir, 'proxies'), { recursive: true });
    const chain = await startDevChain({ port: ports.chain, stateDir: join(dataDir, 'chain') });
    stops.push(() => chain.anvil.stop());
    const ledgerHost = await startLedgerHost({
      dataDir: join(dataDir, 'ledgers'),
      port: ports.ledgerHost,
      ...(log ? { log } : {}),
    });
    stops.push(() => ledgerHost.close());
    const blobService = await startBlobService({
      dataDir: join(dataDir, 'blobs'),
      port: ports.blobService,
      ...(log ? { log } : {}),
    });
    stops.push(() => blobService.close());
    const shlHost = await startShlHost({
      dataDir: join(dataDir, 'shl'),
      port: ports.shlHost ?? 0,
      ...(log ? { log } : {}),
    });
    stops.push(() => shlHost.close());
    const proxies: RunningProxy[] = [];
    const stopped = new Set<number>();
    for (const [i, name] of ['a', 'b', 'c', 'd'].entries()) {
      const proxy = await startProxy({
        dataDir: join(dataDir, 'proxies', name),
        key: await keptKey(join(dataDir, 'proxies', `${name}.key`)),
        rpcUrl: chain.rpcUrl,
        registry: chain.registry,
        port: ports.proxy === 0 ? 0 : ports.proxy + i,
        ...(log ? { log } : {}),
      });
      proxies.push(proxy);
      stops.push(async () => {
        if (!stopped.has(i)) await proxy.close();
      });
    }
    const hospital = await startHospitalSite({
      blobService: blobService.url,
      port: ports.hospital,
      ...(log ? { log } : {}),
    });
    stops.push(() => hospital.close());
    await mkdir(join(dataDir, 'clinic'), { recursive: true });
    const clinicKey = await keptKey(join(dataDir, 'clinic', 'reader.key'));
    const clinic = await startClinicSite({
      readerKey: clinicKey,
      ledgerHost: ledgerHost.url,
      blobService: blobService.url,
      rpcUrl: chain.rpcUrl,
      registry: chain.registry,
      dataDir: join(dataDir, 'clinic'),
      staff: options.clinicStaff,
      port: ports.clinic,
      ...(log ? { log } : {}),
    });
    stops.push(() => clinic.close());
    const provider = await startProviderPortal({
      port: ports.provider ?? 0,
      ...(log ? { log } : {}),
    });
    stops.push(() => provider.close());
    return {
      dataDir,
      chain,
      ledgerHost,
      blobService,
      shlHost,
      proxies: proxies.slice(0, 3),
      standbyProxies: proxies.slice(3),
      hospital,
      clinic,
      clinicKey,
      provider,
      stopProxy: async (index) => {
        if (stopped.has(index)) return;
        stopped.add(index);
        await proxies[index]?.close();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
