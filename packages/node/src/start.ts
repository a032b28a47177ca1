/**
 * `npm start`: the local stack, as far as it exists today — a local EVM node
 * with the registry deployed, a ledger host, a blob store and three proxies, on 127.0.0.1
 * with their data under .medvault/ (kept across restarts), and a walkthrough
 * of a share through three re-encryption proxies, every step verified.
 * Runs until Ctrl-C. The sites come with a later issue.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { anchorCheckpoint, verifyLedgerAgainstChain } from '@medvault/core/chain';
import { collect, sealRecordBytes } from '@medvault/core/envelope';
import { Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import { grantAccess, readShared } from '@medvault/core/proxy';
import { devClient, startDevChain } from './chain/dev-chain.js';
import { readKeyFile, writeKeyFile } from './cli/key-file.js';
import { startLedgerHost } from './ledger-host/server.js';
import { startProxy } from './proxy/server.js';
import { FsStore } from './storage/fs-store.js';

const dataDir = process.env.MEDVAULT_DATA_DIR ?? join(process.cwd(), '.medvault');
const port = Number(process.env.MEDVAULT_LEDGER_HOST_PORT ?? 8787);
const chainPort = Number(process.env.MEDVAULT_CHAIN_PORT ?? 8545);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const step = (text: string) => console.log(`  ✓ ${text}`);

const chain = await startDevChain({ port: chainPort, stateDir: join(dataDir, 'chain') });
const host = await startLedgerHost({ dataDir: join(dataDir, 'ledgers'), port });
const { client: chainClient, relayer } = await devClient(chain.rpcUrl);
console.log(`MedVault local stack
  chain        ${chain.rpcUrl}  (chain id ${chain.chainId}, registry ${chain.registry})
  ledger host  ${host.url}  (data: ${dataDir})
  blob store   ${join(dataDir, 'blobs')}
`);

// ---- parties ---------------------------------------------------------------
const patientSk = SecretKey.random();
const owner = new Signer(patientSk);
const hospital = new Signer(SecretKey.random());
const clinic = SecretKey.random();
// three proxies on 127.0.0.1 (ports MEDVAULT_PROXY_PORT, +1, +2), their keys
// and fragments kept under .medvault/proxies across restarts
const proxyPort = Number(process.env.MEDVAULT_PROXY_PORT ?? 9001);
const proxies = await Promise.all(
  ['a', 'b', 'c'].map(async (name, i) => {
    const keyFile = join(dataDir, 'proxies', `${name}.key`);
    await mkdir(join(dataDir, 'proxies'), { recursive: true });
    const key = await readKeyFile(keyFile).catch(async () => {
      const fresh = SecretKey.random();
      await writeKeyFile(keyFile, fresh);
      return fresh;
    });
    return startProxy({
      dataDir: join(dataDir, 'proxies', name),
      key,
      rpcUrl: chain.rpcUrl,
      registry: chain.registry,
      port: proxyPort + i,
    });
  }),
);
console.log(`  proxies      ${proxies.map((p) => p.url).join(', ')}\n`);

// ---- the hospital seals a record to the patient ---------------------------
const record = new TextEncoder().encode(
  JSON.stringify({ resourceType: 'Observation', code: 'HbA1c', value: 6.1, unit: '%' }),
);
const blobs = await FsStore.open(join(dataDir, 'blobs'));
const sealed = await sealRecordBytes(patientSk.publicKey(), record, {
  contentType: 'application/fhir+json',
  resourceType: 'Observation',
});
const { capsule } = sealed;
const cid = await blobs.put(sealed.bytes);
if (!cid.equals(sealed.cid)) throw new Error('the store gave the sealed record another address');
step(`hospital sealed a lab result to the patient and stored it as ${cid}`);

// ---- the patient's ledger lives on the ledger host -------------------------
const client = new LedgerHostClient({ url: host.url });
const local = await Ledger.create(owner, { store: new MemoryLedgerStore() });
const ledgerId = await client.createLedger(local.entryBytes(0));
const ownerKey = owner.verifyingKey().toCompressedBytes();
await client.submit(
  ledgerId,
  'record',
  {
    cid: cid.toString(),
    capsule: capsule.toBytes(),
    contentType: 'application/fhir+json',
    resourceType: 'Observation',
    category: 'laboratory',
    size: sealed.size,
    recipient: ownerKey,
  },
  hospital,
);
step(`patient ledger ${ledgerId.slice(0, 16)}… created; the hospital appended the record entry`);

// ---- the patient grants the clinic through 3 proxies, threshold 2 ---------
const grant = await grantAccess({
  patient: patientSk,
  reader: clinic.publicKey(),
  scope: { categories: ['laboratory'] },
  purpose: 'diabetes follow-up',
  expiresAt: Date.now() + 30 * 24 * 3600 * 1000,
  proxies: proxies.map((p) => ({ url: p.url, publicKey: p.publicKey })),
  threshold: 2,
  ledger: { host: client, ledgerId },
  chain: { client: chainClient, registry: chain.registry, relayer },
});
step(
  'patient granted the clinic lab results for 30 days: a key fragment to each of 3 proxies (threshold 2), the grant on chain and in the ledger',
);

// ---- the clinic reads through the proxies --------------------------------
const { records: shared, failures } = await readShared({
  reader: clinic,
  grant,
  cids: [cid.toString()],
  store: blobs,
});
if (failures.length > 0) throw new Error(`proxies failed: ${JSON.stringify(failures)}`);
const plaintext = await collect((shared[0] as { stream: ReadableStream<Uint8Array> }).stream);
step(
  `clinic got capsule fragments from 2 proxies (each checked the chain, the ledger and the scope, and logged the access), verified them, and opened the record from the store: ${new TextDecoder().decode(plaintext)}`,
);

// ---- the patient checkpoints; anyone verifies -------------------------------
const verified = await client.sync(ledgerId);
const mirror = await Ledger.open(local.id, { store: new MemoryLedgerStore() });
for (const entry of await client.entries(ledgerId)) await mirror.appendSigned(entry);
const checkpoint = await mirror.checkpoint(owner);
await client.putCheckpoint(ledgerId, checkpoint);
await client.proveInclusion(ledgerId, mirror.entryBytes(1), 1, checkpoint);
const { blockNumber } = await anchorCheckpoint(chainClient, {
  registry: chain.registry,
  relayer,
  checkpoint,
  owner: patientSk,
});
await verifyLedgerAgainstChain(chainClient, {
  registry: chain.registry,
  entries: await client.entries(ledgerId),
});
step(
  `ledger verified: ${verified.size} entries, root ${hex(verified.root).slice(0, 16)}…; record inclusion proven; checkpoint anchored at block ${blockNumber}, the ledger verifies against the chain`,
);

console.log(`\nTry: curl ${host.url}/v1/ledgers/${ledgerId}/head\nRunning; Ctrl-C stops.`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
for (const p of proxies) await p.close();
await host.close();
await chain.anvil.stop();
console.log('stopped');
