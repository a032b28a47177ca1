/**
 * `npm run demo`: the whole story, headless, against a real stack started
 * for it (free ports, a temporary data directory) — each step printed with
 * what was verified. Nothing is taken on trust: every step checks its
 * outcome and the demo stops with an error at the first that does not hold.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseError } from '@medvault/core';
import { anchorCheckpoint, verifyLedgerAgainstChain } from '@medvault/core/chain';
import { collect, openRecord, sealRecordBytes } from '@medvault/core/envelope';
import { encodeLink, encryptFile, newLinkKey, resolveLink } from '@medvault/core/health-links';
import {
  DEFAULT_CATEGORIES,
  decodeEntry,
  hashEntry,
  Ledger,
  MemoryLedgerStore,
  nextEncryptionKeys,
  PatientKeys,
  sealNote,
} from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import {
  type Grant,
  grantAccess,
  grantToJson,
  revokeAccess,
  rotateCategories,
} from '@medvault/core/proxy';
import { HttpStore } from '@medvault/core/storage';
import { generateSamples, type ReadingJson } from '@medvault/examples';
import { devClient } from '@medvault/node/services';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { FREE_PORTS, type LocalStack, startLocalStack } from '../local-stack.js';

/** A step of the story that did not turn out as it must. */
export class DemoStepError extends BaseError {
  static override readonly code = 'DEMO_STEP_FAILED';
  override readonly name = 'DemoStepError';
}

const DAY = 86_400_000;
function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new DemoStepError(what);
}

/** What the clinic's server answered. */
type ClinicAnswer =
  | { ok: true; reading: ReadingJson }
  | { ok: false; code: string; message: string };

/** What a call to the clinic's API carries: its origin, and the staff's session when signed in. */
type ClinicCaller = { cookie?: string; csrfToken?: string };

async function clinicCall(
  stack: LocalStack,
  caller: ClinicCaller,
  path: string,
  body?: unknown,
): Promise<ClinicAnswer> {
  const response = await fetch(`${stack.clinic.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: stack.clinic.url,
      ...(caller.cookie ? { cookie: caller.cookie } : {}),
      ...(caller.csrfToken ? { 'x-csrf-token': caller.csrfToken } : {}),
    },
    body: JSON.stringify(body ?? {}),
  });
  const json = await response.json();
  return response.ok
    ? { ok: true, reading: json as ReadingJson }
    : { ok: false, code: json.error?.code, message: json.error?.message };
}

/** Signs in to the clinic as its staff, as its page does. */
async function clinicStaff(stack: LocalStack): Promise<ClinicCaller> {
  const response = await fetch(`${stack.clinic.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.clinic.url },
    body: JSON.stringify(stack.clinic.staff),
  });
  const json = await response.json();
  check(response.ok, `the clinic's staff could not sign in: ${json.error?.code}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  return { cookie, csrfToken: json.csrfToken };
}

/**
 * Runs the story; `print` gets each line. Resolves with a summary, throws
 * `DemoStepError` (or the library's typed error) when a step fails.
 *
 * @example
 * ```ts
 * await runDemo({ print: console.log });
 * ```
 */
export async function runDemo(options: { print?: (line: string) => void } = {}) {
  const print = options.print ?? ((line: string) => console.log(line));
  const step = (text: string) => print(`  ✓ ${text}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'medvault-demo-'));
  const stack = await startLocalStack({ dataDir, ports: FREE_PORTS, log: () => {} });
  try {
    print(`MedVault demo: a stack on 127.0.0.1 — chain ${stack.chain.rpcUrl}, ledger host ${stack.ledgerHost.url},
  blob service ${stack.blobService.url}, proxies ${stack.proxies.map((p) => p.url).join(' ')},
  hospital ${stack.hospital.url}, clinic ${stack.clinic.url}\n`);
    const { client: chainClient, relayer } = await devClient(stack.chain.rpcUrl);
    const chain = { client: chainClient, registry: stack.chain.registry, relayer };
    // the patient's wallet reads the ledger as its owner (reads are signed requests)
    // one seed: the identity key signs, a key per category receives records
    const keys = PatientKeys.fromSeed(randomBytes(64));
    const patient = keys.identity();
    const owner = new Signer(patient);
    const host = new LedgerHostClient({ url: stack.ledgerHost.url, signer: owner });
    const store = new HttpStore({ gateway: stack.blobService.url });

    // ---- the patient's ledger --------------------------------------------
    const genesis = await Ledger.create(owner, { store: new MemoryLedgerStore() });
    const ledgerId = await host.createLedger(genesis.entryBytes(0));
    const published = nextEncryptionKeys(keys, genesis.state, DEFAULT_CATEGORIES);
    check(published, 'no encryption keys to publish');
    await host.submit(ledgerId, 'encryption-keys', published, owner);
    const keyOf = (category: string) => keys.encryptionKey(category, 0).publicKey();
    step(
      `the patient's ledger ${ledgerId.slice(0, 16)}… is on the ledger host, with the patient's encryption keys for ${DEFAULT_CATEGORIES.length} categories (the identity key only signs)`,
    );

    // ---- 1. the hospital writes records ------------------------------------
    const hospital = new Signer(SecretKey.random());
    const [chart] = await generateSamples(1);
    check(chart, 'the sample generator gave no patient');
    const written: { cid: string; category: string | undefined; title: string }[] = [];
    for (const record of chart.records) {
      const category = record.category ?? 'other';
      const sealed = await sealRecordBytes(keyOf(category), record.bytes, {
        contentType: record.contentType,
        ...(record.resourceType ? { resourceType: record.resourceType } : {}),
      });
      const cid = await store.put(sealed.bytes);
      check(cid.equals(sealed.cid), `the blob service stored ${record.name} under another CID`);
      const proposal = await host.submit(
        ledgerId,
        'record',
        {
          cid: cid.toString(),
          capsule: sealed.capsule.toBytes(),
          contentType: record.contentType,
          ...(record.resourceType ? { resourceType: record.resourceType } : {}),
          category,
          size: sealed.size,
          recipient: keyOf(category).toCompressedBytes(),
          note: sealNote(keyOf(category), { title: record.title, origin: stack.hospital.url }),
        },
        hospital,
      );
      // the patient, in the wallet, accepts the hospital's record: only then does it count
      await host.submit(
        ledgerId,
        'endorse',
        { proposal: proposal.seq, entryHash: hashEntry(proposal), accept: true },
        owner,
      );
      written.push({ cid: cid.toString(), category: record.category, title: record.title });
    }
    const labs = written.filter((r) => r.category === 'laboratory');
    check(labs.length > 0 && labs.length < written.length, 'the chart needs lab and other records');
    step(
      `St. Mary's sealed ${written.length} records of ${chart.name}, each to the patient's key for its category (${labs.length} lab results), stored them as ciphertext by CID and proposed a record entry for each; the patient endorsed each one`,
    );

    // a stranger (anyone who learns the ledger id) proposes a fake lab result: never endorsed
    const forged = await sealRecordBytes(
      keyOf('laboratory'),
      new TextEncoder().encode('{"resourceType":"Observation","code":"potassium","value":1.9}'),
      { contentType: 'application/fhir+json', resourceType: 'Observation' },
    );
    const forgedCid = (await store.put(forged.bytes)).toString();
    await host.submit(
      ledgerId,
      'record',
      {
        cid: forgedCid,
        capsule: forged.capsule.toBytes(),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: forged.size,
        recipient: keyOf('laboratory').toCompressedBytes(),
      },
      new Signer(SecretKey.random()),
    );
    step('a stranger proposed a fake lab result into the ledger; the patient never endorsed it');

    // the patient checkpoints and anchors what is there so far
    const anchorNow = async () => {
      const mirror = await Ledger.open(genesis.id, { store: new MemoryLedgerStore() });
      for (const entry of await host.entries(ledgerId)) await mirror.appendSigned(entry);
      const checkpoint = await mirror.checkpoint(owner);
      await host.putCheckpoint(ledgerId, checkpoint);
      const { blockNumber } = await anchorCheckpoint(chainClient, {
        registry: stack.chain.registry,
        relayer,
        checkpoint,
        owner: patient,
      });
      return { size: mirror.size, blockNumber };
    };
    const first = await anchorNow();
    step(
      `the patient anchored a checkpoint of ${first.size} entries at block ${first.blockNumber}`,
    );

    // ---- 2. the patient grants the clinic lab results for 30 days --------
    const grant: Grant = await grantAccess({
      identity: patient,
      delegations: [
        { category: 'laboratory', epoch: 0, secretKey: keys.encryptionKey('laboratory', 0) },
      ],
      notesKey: keys.notesKey().publicKey(),
      reader: stack.clinicKey.publicKey(),
      scope: { categories: ['laboratory'] },
      purpose: 'Diabetes follow-up',
      expiresAt: Date.now() + 30 * DAY,
      proxies: stack.proxies.map((p) => ({ url: p.url, publicKey: p.publicKey })),
      standby: stack.standbyProxies.map((p) => ({ url: p.url, publicKey: p.publicKey })),
      threshold: 2,
      ledger: { host, ledgerId },
      chain,
    });
    step(
      `the patient granted Riverside Clinic their lab results for 30 days: a fragment of the laboratory key to each of 3 proxies (any 2 suffice; no other key is delegated), the grant registered on chain and in the ledger`,
    );

    // ---- 3. the clinic reads through 2 of 3 proxies ------------------------
    const staff = await clinicStaff(stack);
    const read = await clinicCall(stack, staff, '/api/grants', { grant: grantToJson(grant) });
    check(read.ok, `the clinic could not read: ${!read.ok && `${read.message} [${read.code}]`}`);
    const got = read.reading.records.map((r) => r.cid).sort();
    check(
      JSON.stringify(got) === JSON.stringify(labs.map((r) => r.cid).sort()),
      'the clinic read other records than the lab results (or the stranger’s fake one)',
    );
    check(
      read.reading.records.every(
        (r) =>
          r.author.by === 'endorsed' &&
          r.author.key === bytesToHex(hospital.verifyingKey().toCompressedBytes()),
      ),
      'the clinic does not show each record as the hospital’s, endorsed by the patient',
    );
    check(
      read.reading.records.every((r) => r.verification.status === 'anchored'),
      'a record read is not proven against the chain anchor',
    );
    for (const r of read.reading.records) {
      const body = JSON.parse(Buffer.from(r.body, 'base64').toString('utf8'));
      check(body.resourceType, `record ${r.cid} did not open as FHIR`);
    }
    const stranger = await clinicCall(stack, {}, `/api/grants/${grant.grantId}/read`);
    check(
      !stranger.ok && stranger.code === 'CLINIC_NOT_SIGNED_IN',
      'the clinic read the records for a caller who is not its staff',
    );
    step(
      `the clinic's staff signed in and read ${got.length} lab records through the proxies: every capsule fragment verified, every block checked against its CID, each record proven in the checkpoint anchored at block ${read.reading.records[0]?.verification.blockNumber}; nothing outside the grant was readable, and a caller without a staff session is refused — ${stranger.code}`,
    );

    // ---- 4. one proxy down: still works ---------------------------------
    await stack.stopProxy(0);
    const again = await clinicCall(stack, staff, `/api/grants/${grant.grantId}/read`);
    check(
      again.ok && again.reading.records.length === labs.length,
      'with one proxy down the read failed',
    );
    step(
      `proxy ${stack.proxies[0]?.url} stopped: the clinic still read all ${labs.length} records through the other two`,
    );

    // ---- 5. revoke → refused ---------------------------------------------
    const { unreachable } = await revokeAccess({
      identity: patient,
      grant,
      ledger: { host, ledgerId },
      chain,
    });
    const refused = await clinicCall(stack, staff, `/api/grants/${grant.grantId}/read`);
    check(!refused.ok, 'after revocation the clinic could still read');
    check(
      /PROXY_GRANT_(INACTIVE|UNKNOWN)/.test(refused.message),
      `the refusal does not say the grant ended: ${refused.message}`,
    );
    // the laboratory key moves to a new epoch: what the proxies and the clinic kept opens
    // nothing sealed from now on
    const mirror = await Ledger.open(genesis.id, { store: new MemoryLedgerStore() });
    for (const entry of await host.entries(ledgerId)) await mirror.appendSigned(entry);
    const { rotated } = await rotateCategories({
      identity: patient,
      keys,
      ledger: { host, ledgerId },
      verified: { state: mirror.state, entries: mirror.allEntryBytes() },
      categories: grant.categories,
    });
    check(
      rotated.length === 1 && rotated[0]?.category === 'laboratory' && rotated[0].epoch === 1,
      'revoking did not move the laboratory key to epoch 1',
    );
    step(
      `the patient revoked the grant (on chain, in the ledger, and told the proxies to forget${unreachable.length ? `; ${unreachable.length} unreachable` : ''}): the clinic is refused — ${refused.code}; new lab results are now sealed to the laboratory key of epoch 1, which the revoked clinic and its proxies never get`,
    );

    // ---- 6. the ledger, verified against the chain anchor ---------------
    const last = await anchorNow();
    const entries = await host.entries(ledgerId);
    const { anchor } = await verifyLedgerAgainstChain(chainClient, {
      registry: stack.chain.registry,
      entries,
    });
    check(anchor.size === entries.length, 'the anchor does not cover the whole ledger');
    const kinds = entries.map((e) => decodeEntry(e).kind);
    const accesses = kinds.filter((k) => k === 'access').length;
    check(accesses >= 2 * 2, 'the proxies did not log every access');
    step(
      `the ledger verifies against the chain: ${entries.length} signed entries (${kinds.filter((k) => k === 'record').length} records proposed, ${kinds.filter((k) => k === 'endorse').length} endorsed by the patient, 1 grant, ${accesses} accesses logged by the proxies, 1 revocation, ${kinds.filter((k) => k === 'encryption-keys').length} encryption-key entries), anchored at block ${last.blockNumber}`,
    );
    // ---- 7. a link for a clinic that runs no MedVault -------------------
    // the patient opens her lab results herself and sends them as a SMART Health Link
    const linkKey = newLinkKey();
    const linkFiles = [];
    for (const lab of labs) {
      const plaintext = await collect(
        await openRecord(await store.get(lab.cid), keys.encryptionKey('laboratory', 0)),
      );
      linkFiles.push({
        contentType: 'application/fhir+json',
        jwe: await encryptFile(plaintext, linkKey, { contentType: 'application/fhir+json' }),
      });
    }
    const passcode = 'K7QM-4WXP';
    const madeLink = (await (
      await fetch(`${stack.shlHost.url}/api/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          files: linkFiles,
          passcode,
          label: 'Lab results for Harbour Walk-in Clinic',
          exp: Math.floor(Date.now() / 1000) + 7 * 86_400,
        }),
      })
    ).json()) as { id: string; manifestUrl: string; managementToken: string };
    const shlink = encodeLink({
      url: madeLink.manifestUrl,
      key: linkKey,
      flag: 'P',
      label: 'Lab results for Harbour Walk-in Clinic',
      exp: Math.floor(Date.now() / 1000) + 7 * 86_400,
    });
    // the walk-in clinic's SHL viewer: it knows the link and the passcode the patient told it
    const viewed = await resolveLink(shlink, {
      recipient: 'Harbour Walk-in Clinic',
      passcode,
    });
    check(viewed.files.length === labs.length, 'the walk-in clinic did not get every lab file');
    const linkLog = (await (
      await fetch(`${stack.shlHost.url}/api/links/${madeLink.id}`, {
        headers: { authorization: `Bearer ${madeLink.managementToken}` },
      })
    ).json()) as { log: { recipient: string; outcome: string }[] };
    check(
      linkLog.log.some((e) => e.recipient === 'Harbour Walk-in Clinic' && e.outcome === 'served'),
      'the link host did not log the opening',
    );
    step(
      `the patient sent ${labs.length} lab results as a SMART Health Link (${shlink.length} characters, passcode told separately) to a clinic that runs no MedVault; its SHL viewer opened them, and the link host logged "Harbour Walk-in Clinic" for the patient to see`,
    );
    print('\nThe story holds, end to end.');
    return {
      ledgerId,
      entries: entries.length,
      accesses,
      records: written.length,
      labs: labs.length,
    };
  } finally {
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
