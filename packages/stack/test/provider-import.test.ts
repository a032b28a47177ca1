/**
 * Records in from a provider, against the real example provider portal
 * (FHIR R4 behind a real OAuth 2 / SMART authorisation server, the token
 * obtained by the real sign-in with PKCE), a real ledger host and blob
 * service: `syncFromProvider` as the wallet calls it (through `fhirclient`,
 * landing owner-signed records sealed to the patient's category keys), and
 * `medvault import` as IT staff run it. Each resource version lands once;
 * a later sync takes only what changed; a 503, a 429 or a revoked
 * authorisation part-way leaves what landed and the next sync completes
 * without duplicates; an attachment over the cap is refused whole.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, openRecord, sealRecordInto } from '@medvault/core/envelope';
import {
  currentEncryptionKey,
  DEFAULT_CATEGORIES,
  decodeEntry,
  findEncryptionKey,
  Ledger,
  type Note,
  openNote,
  sealNote,
  type VerifiedLedger,
  verifyLedger,
} from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { SecretKey } from '@medvault/core/pre';
import {
  type BuiltRecord,
  type ImportNote,
  importKey,
  importState,
  type ProviderClient,
  provenanceOf,
  type SyncReport,
  syncFromProvider,
} from '@medvault/core/provider-import';
import { indexLedger, type RecordInfo } from '@medvault/core/proxy';
import { HttpStore } from '@medvault/core/storage';
import {
  DEFAULT_PATIENT_PASSWORD,
  type ProviderPortal,
  type SmartTokenResponse,
  signInForTokens,
  startProviderPortal,
} from '@medvault/examples';
import {
  type RunningBlobService,
  type RunningLedgerHost,
  startBlobService,
  startLedgerHost,
  writeKeyFile,
} from '@medvault/node/services';
import { type TestPatient, testPatient } from '@medvault/testing';
import { hexToBytes } from '@noble/hashes/utils.js';
import smart from 'fhirclient';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'packages/node/scripts/medvault-dev.js');

let dir: string;
let portal: ProviderPortal;
let ledgerHost: RunningLedgerHost;
let blobs: RunningBlobService;
let host: LedgerHostClient;
let store: HttpStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-provider-import-'));
  portal = await startProviderPortal({ port: 0, patients: 3, hugeAttachment: true, log: () => {} });
  ledgerHost = await startLedgerHost({ dataDir: join(dir, 'ledgers'), port: 0, log: () => {} });
  blobs = await startBlobService({ dataDir: join(dir, 'blobs'), port: 0, log: () => {} });
  host = new LedgerHostClient({ url: ledgerHost.url });
  store = new HttpStore({ gateway: blobs.url });
}, 120_000);

afterAll(async () => {
  await portal?.close();
  await ledgerHost?.close();
  await blobs?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A patient with a ledger on the host and keys published for the default categories, as the wallet sets her up. */
async function newPatient(on = host): Promise<{ patient: TestPatient; ledgerId: string }> {
  const patient = testPatient();
  const ledger = await Ledger.create(patient.owner);
  const ledgerId = await on.createLedger(ledger.entryBytes(0));
  await on.submit(
    ledgerId,
    'encryption-keys',
    patient.keysEntry([...DEFAULT_CATEGORIES]),
    patient.owner,
  );
  return { patient, ledgerId };
}

/** A patient's sign-in at the portal (standalone launch, PKCE, consent): the token response. */
const signIn = (username: string) =>
  signInForTokens({
    fhirBaseUrl: portal.fhirBaseUrl,
    clientId: 'medvault-cli',
    redirectUri: 'http://127.0.0.1/callback',
    username,
    password: DEFAULT_PATIENT_PASSWORD,
  });

/**
 * `medvault import` of `username`'s records into `ledgerId`, signed with
 * `key`: her token from the real sign-in in a 0600 file, the key in a key
 * file, the records stored in the blob service.
 */
async function importCommand(
  username: string,
  key: SecretKey,
  ledgerId: string,
  extra: string[] = [],
): Promise<{ tokens: SmartTokenResponse; args: string[] }> {
  const tokens = await signIn(username);
  const tokenFile = join(dir, `${username}-token.json`);
  await writeFile(tokenFile, JSON.stringify(tokens), { mode: 0o600 });
  const keyFile = join(dir, `${username}-signer.key`);
  await writeKeyFile(keyFile, key);
  const args = [
    'import',
    '--fhir',
    portal.fhirBaseUrl,
    '--token-file',
    tokenFile,
    '--to-ledger',
    `${ledgerHost.url}/${ledgerId}`,
    '--key',
    keyFile,
    '--storage',
    blobs.url,
    ...extra,
  ];
  return { tokens, args };
}

/** fhirclient's client holding the access token (Node: no browser session to keep it in). */
function fhirClient(tokens: { access_token: string; patient: string }): ProviderClient {
  const memory = new Map<string, unknown>();
  const storage = {
    get: async (k: string) => memory.get(k),
    set: async (k: string, v: unknown) => {
      memory.set(k, v);
      return v;
    },
    unset: async (k: string) => memory.delete(k),
  };
  return smart({} as never, {} as never, storage).client({
    serverUrl: portal.fhirBaseUrl,
    tokenResponse: { access_token: tokens.access_token, patient: tokens.patient },
  });
}

/**
 * What the wallet's `land` does: seal to the patient's current key for the
 * record's category, store the blob, append the owner-signed record entry
 * with the note sealed to the same key.
 */
function landFor(patient: TestPatient, ledgerId: string, after?: (landed: number) => void) {
  let landed = 0;
  // the keys to seal to, read once (a wallet keeps its verified ledger)
  let keys: Promise<VerifiedLedger> | undefined;
  return async (record: BuiltRecord) => {
    keys ??= host.withSigner(patient.owner).sync(ledgerId);
    const { state } = await keys;
    const { key } = currentEncryptionKey(state, record.category);
    const { cid, capsule, size } = await sealRecordInto(store, key, record.bytes, {
      contentType: record.contentType,
    });
    await host.submit(
      ledgerId,
      'record',
      {
        cid: cid.toString(),
        capsule: capsule.toBytes(),
        contentType: record.contentType,
        resourceType: record.resourceType,
        category: record.category,
        size,
        recipient: key.toCompressedBytes(),
        note: sealNote(key, record.note),
      },
      patient.owner,
    );
    after?.(++landed);
  };
}

type Landed = { info: RecordInfo; note: Note; proposal: boolean };

/** The patient's records and proposals, read by her from the verified ledger, notes opened with her category keys. */
async function recordsOf(patient: TestPatient, ledgerId: string, on = host): Promise<Landed[]> {
  const entries = await on.withSigner(patient.owner).entries(ledgerId);
  const { state } = verifyLedger(entries);
  const { records, proposals } = indexLedger(entries);
  const open = (info: RecordInfo) => {
    const where = findEncryptionKey(state, info.recipient);
    if (!where || !info.note) throw new Error(`record ${info.seq} is not sealed to a key of hers`);
    return openNote(patient.secretOf(where.category, where.epoch), info.note);
  };
  return [
    ...[...records.values()].map((info) => ({ info, note: open(info), proposal: false })),
    ...[...proposals.values()].map((info) => ({ info, note: open(info), proposal: true })),
  ];
}

/** Each import key once. */
function expectNoDuplicates(records: Landed[]) {
  const keys = records.map((r) => importKey(r.note));
  expect(new Set(keys).size).toBe(keys.length);
}

const summaryOf = (report: SyncReport) => ({
  imported: report.imported,
  unchanged: report.unchanged,
  failed: report.failed.map((f) => f.error.code),
  complete: report.complete,
  stopped: report.stoppedAt?.reason,
});

/** How many records helen's chart makes (set by the first test). */
let total = 0;

describe('syncFromProvider against the provider portal', () => {
  test('every resource lands once, sealed and with its provenance; the next sync reads only what changed', async () => {
    const { patient, ledgerId } = await newPatient();
    const tokens = await signIn('helen');
    const sync = async () =>
      syncFromProvider({
        client: fhirClient(tokens),
        patientId: tokens.patient,
        state: importState((await recordsOf(patient, ledgerId)).map((r) => r.note)),
        land: landFor(patient, ledgerId),
      });

    const first = await sync();
    // the portal's huge attachment (24 MiB) is over the 20 MiB cap: that document is refused whole
    expect(summaryOf(first)).toMatchObject({
      unchanged: 0,
      failed: ['IMPORT_ATTACHMENT_TOO_LARGE'],
      complete: true,
    });
    expect(first.failed[0]?.ref).toMatch(/^DocumentReference\//);
    expect(first.imported).toBeGreaterThan(10);
    total = first.imported;

    const records = await recordsOf(patient, ledgerId);
    expect(records).toHaveLength(total);
    expectNoDuplicates(records);
    expect(records.every((r) => !r.proposal && r.note.importedFrom === 'smart-on-fhir')).toBe(true);
    expect(new Set(records.map((r) => r.info.resourceType))).toEqual(
      new Set(['Patient', ...records.map((r) => r.info.resourceType)]),
    );
    for (const { info, note } of records.slice(0, 6)) {
      const where = findEncryptionKey(
        verifyLedger(await host.withSigner(patient.owner).entries(ledgerId)).state,
        info.recipient,
      );
      expect(where?.category).toBe(info.category);
      const plaintext = await collect(
        await openRecord(await store.get(info.cid), patient.secretOf(info.category)),
      );
      const provenance = provenanceOf(plaintext);
      expect(provenance).toMatchObject({ server: portal.fhirBaseUrl, source: note.source });
      expect(`${provenance.resource.resourceType}/${provenance.resource.id}`).toBe(note.source);
      expect(info.resourceType).toBe(provenance.resource.resourceType);
    }

    const again = await sync();
    expect(summaryOf(again)).toMatchObject({
      imported: 0,
      failed: ['IMPORT_ATTACHMENT_TOO_LARGE'],
      complete: true,
    });

    const observation = records.find((r) => r.info.resourceType === 'Observation')
      ?.note as ImportNote;
    const id = observation.source.split('/')[1] as string;
    portal.updateResource('Observation', id, (r) => ({
      ...r,
      note: [{ text: 'Reviewed by the lab.' }],
    }));
    const changed = await sync();
    expect(summaryOf(changed)).toMatchObject({ imported: 1, complete: true });
    const after = await recordsOf(patient, ledgerId);
    expect(after).toHaveLength(total + 1);
    expectNoDuplicates(after);
    expect(
      after
        .filter((r) => r.note.source === observation.source)
        .map((r) => r.note.version)
        .sort(),
    ).toEqual([observation.version, String(Number(observation.version) + 1)]);
  });

  test('a 503 part-way: what landed stays, the report says incomplete, the next sync completes without duplicates', async () => {
    const { patient, ledgerId } = await newPatient();
    const tokens = await signIn('helen');
    const notes = async () => importState((await recordsOf(patient, ledgerId)).map((r) => r.note));
    const first = await syncFromProvider({
      client: fhirClient(tokens),
      patientId: tokens.patient,
      land: landFor(patient, ledgerId, (landed) => {
        if (landed === 3) portal.failNext({ status: 503 });
      }),
    });
    // the page being landed when the fault was queued still lands; the next request fails
    expect(summaryOf(first)).toMatchObject({ complete: false, stopped: 'server-error' });
    expect(first.imported).toBeGreaterThanOrEqual(3);
    expect(first.imported).toBeLessThan(total);
    const second = await syncFromProvider({
      client: fhirClient(tokens),
      patientId: tokens.patient,
      state: await notes(),
      land: landFor(patient, ledgerId),
    });
    expect(summaryOf(second)).toMatchObject({
      complete: true,
      failed: ['IMPORT_ATTACHMENT_TOO_LARGE'],
    });
    const records = await recordsOf(patient, ledgerId);
    expectNoDuplicates(records);
    expect(records).toHaveLength(total);
  });

  test('429s are waited out; a revoked authorisation stops the sync until the patient signs in again', async () => {
    const { patient, ledgerId } = await newPatient();
    const tokens = await signIn('aisha');
    portal.failNext({ status: 429, count: 2, retryAfterSeconds: 0 });
    const first = await syncFromProvider({
      client: fhirClient(tokens),
      patientId: tokens.patient,
      land: landFor(patient, ledgerId, (landed) => {
        if (landed === 2) portal.revokeTokens('aisha');
      }),
    });
    expect(summaryOf(first)).toMatchObject({ complete: false, stopped: 'unauthorized' });
    expect(first.imported).toBeGreaterThanOrEqual(2);
    expect(first.stoppedAt?.error.shortMessage).toMatch(/sign in at the provider again/);

    const renewed = await signIn('aisha');
    const second = await syncFromProvider({
      client: fhirClient(renewed),
      patientId: renewed.patient,
      state: importState((await recordsOf(patient, ledgerId)).map((r) => r.note)),
      land: landFor(patient, ledgerId),
    });
    expect(summaryOf(second)).toMatchObject({ failed: [], complete: true });
    const records = await recordsOf(patient, ledgerId);
    expectNoDuplicates(records);
    expect(records).toHaveLength(first.imported + second.imported);
    // aisha's records only
    expect(records.find((r) => r.info.resourceType === 'Patient')?.note.source).toBe(
      `Patient/${renewed.patient}`,
    );
  });
});

type CliRun = { code: number; stdout: string; stderr: string };

/** Runs `medvault …args` to completion. */
function medvault(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, MEDVAULT_DATA_DIR: join(dir, 'cli-data'), ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A relay in front of a ledger host (`target`, set once it runs) that calls `onRecord(n)` as the n-th record entry goes in. */
async function relayTo(onRecord: (n: number) => void) {
  let records = 0;
  const relay = { url: '', target: '', server: undefined as unknown as Server };
  relay.server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k),
      ),
    ) as Record<string, string>;
    const answer = await fetch(`${relay.target}${req.url}`, {
      method: req.method,
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const text = Buffer.from(await answer.arrayBuffer());
    if (req.method === 'POST' && /\/entries$/.test(req.url ?? '') && answer.status === 201) {
      const { entry } = JSON.parse(body.toString()) as { entry: string };
      if (decodeEntry(hexToBytes(entry)).kind === 'record') onRecord(++records);
    }
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  });
  await new Promise<void>((r) => relay.server.listen(0, '127.0.0.1', r));
  relay.url = `http://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
  return relay;
}

describe('medvault import', () => {
  test('imports into the ledger, then only what changed; the summary on stdout', async () => {
    const { patient, ledgerId } = await newPatient();
    const { tokens, args } = await importCommand('rosa', patient.identity, ledgerId);
    const first = await medvault(args);
    expect(first.stderr).not.toMatch(/medvault:/);
    expect(first.code).toBe(0);
    const imported = Number(
      /^imported (\d+), unchanged 0, failed 0 — from (\S+), patient (\S+), as the patient’s own records/.exec(
        first.stdout,
      )?.[1],
    );
    expect(first.stdout).toContain(`from ${portal.fhirBaseUrl}, patient ${tokens.patient}`);
    expect(first.stdout.trim().split('\n').at(-1)).toBe('complete');
    expect(imported).toBeGreaterThan(10);
    const records = await recordsOf(patient, ledgerId);
    expect(records).toHaveLength(imported);
    expect(records.every((r) => !r.proposal)).toBe(true);
    expectNoDuplicates(records);

    const second = await medvault(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^imported 0, unchanged \d+, failed 0/);

    const condition = records.find((r) => r.info.resourceType === 'Condition')?.note as ImportNote;
    portal.updateResource('Condition', condition.source.split('/')[1] as string, (r) => ({
      ...r,
      note: [{ text: 'Discussed at the follow-up visit.' }],
    }));
    const third = await medvault(args);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^imported 1, unchanged \d+, failed 0/);
    expect(await recordsOf(patient, ledgerId)).toHaveLength(imported + 1);
  });

  test('a 503 part-way: exit 1 and incomplete; the next run completes without duplicates', async () => {
    // a ledger host behind a relay that injects the portal's 503 once the fourth record is in
    let armed = true;
    const relay = await relayTo((n) => {
      if (armed && n === 4) {
        armed = false;
        portal.failNext({ status: 503 });
      }
    });
    const relayedHost = await startLedgerHost({
      dataDir: join(dir, 'relayed-ledgers'),
      port: 0,
      publicUrls: [relay.url],
      log: () => {},
    });
    relay.target = relayedHost.url;
    const on = new LedgerHostClient({ url: relayedHost.url });
    try {
      const { patient, ledgerId } = await newPatient(on);
      const tokens = await signIn('helen');
      const keyFile = join(dir, 'helen-owner.key');
      await writeKeyFile(keyFile, patient.identity);
      const args = [
        'import',
        '--fhir',
        portal.fhirBaseUrl,
        '--to-ledger',
        `${relay.url}/${ledgerId}`,
        '--key',
        keyFile,
        '--patient',
        tokens.patient,
        '--out',
        join(dir, 'helen-blobs'),
        '--quiet',
      ];
      const env = { MEDVAULT_FHIR_TOKEN: tokens.access_token };
      const first = await medvault(args, env);
      expect(first.code).toBe(1);
      const landedFirst = Number(/^imported (\d+), unchanged 0, failed 0/.exec(first.stdout)?.[1]);
      expect(landedFirst).toBeGreaterThanOrEqual(4);
      expect(first.stdout).toMatch(
        /incomplete: stopped at \w+ \[IMPORT_SERVER_ERROR\]; run the same command again to continue/,
      );
      expect(first.stderr).toMatch(
        /^medvault: import stopped at \w+: The provider's server failed \(HTTP 503\)/m,
      );
      expect(await recordsOf(patient, ledgerId, on)).toHaveLength(landedFirst);

      const second = await medvault(args, env);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/failed 1 — /);
      expect(second.stdout).toMatch(
        /failed DocumentReference\/\S+: .* \[IMPORT_ATTACHMENT_TOO_LARGE\]/,
      );
      expect(second.stdout.trim().split('\n').at(-1)).toBe('complete');
      const imported = Number(/^imported (\d+)/.exec(second.stdout)?.[1]);
      const records = await recordsOf(patient, ledgerId, on);
      expectNoDuplicates(records);
      expect(records).toHaveLength(landedFirst + imported);
      if (total > 0) expect(records).toHaveLength(total);
    } finally {
      await relayedHost.close();
      relay.server.closeAllConnections();
      await new Promise((r) => relay.server.close(r));
    }
  });

  test('with another key than the owner’s, the records are proposals for the patient to accept', async () => {
    const { patient, ledgerId } = await newPatient();
    const { args } = await importCommand('aisha', SecretKey.random(), ledgerId, [
      '--state',
      join(dir, 'aisha-journal.jsonl'),
    ]);
    const run = await medvault(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('as proposals the patient accepts or rejects in her wallet');
    const records = await recordsOf(patient, ledgerId);
    expect(records.length).toBeGreaterThan(5);
    expect(records.every((r) => r.proposal)).toBe(true);
    // the journal stands in for the notes IT staff cannot open: a second run imports nothing
    const again = await medvault(args);
    expect(again.stdout).toMatch(/^imported 0, /);
  });

  test('the command line: a token given twice or not at all, no patient, a bad URL, a refused token', async () => {
    const { patient, ledgerId } = await newPatient();
    const keyFile = join(dir, 'usage-owner.key');
    await writeKeyFile(keyFile, patient.identity);
    const base = [
      'import',
      '--fhir',
      portal.fhirBaseUrl,
      '--to-ledger',
      `${ledgerHost.url}/${ledgerId}`,
      '--key',
      keyFile,
    ];
    const none = await medvault(base, { MEDVAULT_FHIR_TOKEN: '' });
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toMatch(
      /missing the access token: --token-file FILE or MEDVAULT_FHIR_TOKEN/,
    );
    const twice = await medvault([...base, '--token', 'a', '--token-file', 'b']);
    expect(twice.code).toBe(2);
    const noPatient = await medvault([...base, '--token', 'opaque-token']);
    expect(noPatient.code).toBe(2);
    expect(noPatient.stderr).toMatch(/the token names no patient: give --patient ID/);
    const insecure = await medvault([
      'import',
      '--fhir',
      'http://fhir.example.org/r4',
      '--to-ledger',
      `${ledgerHost.url}/${ledgerId}`,
      '--key',
      keyFile,
      '--token',
      't',
      '--patient',
      'p',
    ]);
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toMatch(/is not https/);
    const refused = await medvault([
      ...base,
      '--token',
      'not-a-real-token',
      '--patient',
      'pat-1',
      '--out',
      join(dir, 'refused-blobs'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/incomplete: stopped at Patient \[IMPORT_UNAUTHORIZED\]/);
    const help = await medvault(['--help']);
    expect(help.stdout).toMatch(/import --fhir URL/);
    expect(help.stdout).toMatch(/--token shows in the process/);
  });
});
