/**
 * `npm start`: the local stack, as far as it exists today — a local EVM node
 * with the registry deployed, a ledger host and a blob store, on 127.0.0.1
 * with their data under .medvault/ (kept across restarts), and a walkthrough
 * of a share against them, every step verified. Runs until Ctrl-C. Later
 * issues add proxies over HTTP and the sites.
 */
import { join } from 'node:path';
import { anchorCheckpoint, registerGrant, verifyLedgerAgainstChain } from '@medvault/core/chain';
import { collect, openRecord, sealRecordBytes } from '@medvault/core/envelope';
import { Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import {
  CapsuleFrag,
  generateKFrags,
  KeyFrag,
  reencrypt,
  SecretKey,
  Signer,
} from '@medvault/core/pre';
import { randomBytes } from '@noble/hashes/utils.js';
import { devClient, startDevChain } from './chain/dev-chain.js';
import { startLedgerHost } from './ledger-host/server.js';
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
const proxies = ['proxy-a', 'proxy-b', 'proxy-c'].map((name) => ({
  name,
  signer: new Signer(SecretKey.random()),
}));

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

// ---- the patient grants the clinic, 2 of 3 proxies -------------------------
const kfrags = generateKFrags(patientSk, clinic.publicKey(), owner, 2, proxies.length, true, true);
const grantId = randomBytes(32);
await client.submit(
  ledgerId,
  'grant',
  {
    grantId,
    grantee: clinic.publicKey().toCompressedBytes(),
    scope: { categories: ['laboratory'] },
    purpose: 'diabetes follow-up',
    expiresAt: Date.now() + 30 * 24 * 3600 * 1000,
    proxies: proxies.map((p, i) => ({
      url: `http://127.0.0.1:${9001 + i}`,
      key: p.signer.verifyingKey().toCompressedBytes(),
    })),
    threshold: 2,
  },
  owner,
);
await registerGrant(chainClient, {
  registry: chain.registry,
  relayer,
  owner: patientSk,
  grantId,
  ledgerId: local.id,
  grantee: clinic.publicKey().toCompressedBytes(),
  scope: { categories: ['laboratory'] },
  expiresAt: Date.now() + 30 * 24 * 3600 * 1000,
});
step(
  'patient granted the clinic lab results for 30 days through 3 proxies, threshold 2 (ledger + chain)',
);

// ---- two proxies re-encrypt and log the access ------------------------------
const served = await Promise.all(
  [0, 2].map(async (i) => {
    const proxy = proxies[i] as (typeof proxies)[number];
    const kfrag = KeyFrag.fromBytes((kfrags[i] as { toBytes(): Uint8Array }).toBytes()).verify(
      owner.verifyingKey(),
      patientSk.publicKey(),
      clinic.publicKey(),
    );
    const cfrag = reencrypt(capsule, kfrag).toBytes();
    await client.submit(
      ledgerId,
      'access',
      {
        grantId,
        proxy: proxy.signer.verifyingKey().toCompressedBytes(),
        capsules: [cid.toString()],
      },
      proxy.signer,
    );
    step(`${proxy.name} verified its key fragment, re-encrypted, and logged the access`);
    return cfrag;
  }),
);

const cfrags = served.map((b) =>
  CapsuleFrag.fromBytes(b).verify(
    capsule,
    owner.verifyingKey(),
    patientSk.publicKey(),
    clinic.publicKey(),
  ),
);
const plaintext = await collect(
  await openRecord(await blobs.get(cid), {
    receivingSk: clinic,
    delegatingPk: patientSk.publicKey(),
    cfrags,
  }),
);
step(
  `clinic verified both capsule fragments, read the record from the store (every block checked) and opened it: ${new TextDecoder().decode(plaintext)}`,
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
await host.close();
await chain.anvil.stop();
console.log('stopped');
