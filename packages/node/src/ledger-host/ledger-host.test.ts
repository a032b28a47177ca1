/**
 * The ledger host as a real child process, over real HTTP, with the
 * verifying client from @medvault/core.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Checkpoint,
  decodeAnyEntry,
  type Entry,
  encodeEntry,
  isStub,
  LEDGER_VERSION,
  Ledger,
  LedgerError,
  MemoryLedgerStore,
  openNote,
  sealNote,
  signEntry,
  TruncatedLedgerError,
  verifyLedger,
} from '@medvault/core/ledger';
import { LedgerHostClient, LedgerHostRequestError } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import { indexLedger } from '@medvault/core/proxy';
import { testPatient } from '@medvault/testing';
import { type PostgresCluster, startPostgres } from '@medvault/testing/postgres';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { killAll, spawnHost, stopHost as stop } from './host-processes.js';

const startHost = (dataDir: string) => spawnHost(['--data-dir', dataDir]);

afterEach(killAll);

let dir: string;
let postgres: PostgresCluster;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-host-'));
  postgres = await startPostgres();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await postgres?.destroy();
});

/** The two stores the same cases run on: a host per case, on its own directory or database. */
const STORES = [
  { store: 'files', start: (name: string) => startHost(join(dir, name)) },
  {
    store: 'PostgreSQL',
    start: async (name: string) => spawnHost(['--database', await postgres.createDatabase(name)]),
  },
];

/** A patient's ledger started locally: genesis and a grant naming one proxy. */
async function newPatient() {
  const keys = testPatient();
  const owner = keys.owner;
  const hospital = new Signer(SecretKey.random());
  const proxy = new Signer(SecretKey.random());
  const clinic = SecretKey.random();
  const local = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  const grantId = randomBytes(32);
  const grant = {
    grantId,
    grantee: clinic.publicKey().toCompressedBytes(),
    scope: { categories: ['laboratory'] },
    note: sealNote(owner.verifyingKey(), { purpose: 'follow-up', readerName: 'Riverside Clinic' }),
    readerNote: sealNote(clinic.publicKey(), { purpose: 'follow-up' }),
    ledgerHost: 'http://127.0.0.1:8787',
    salt: new Uint8Array(32).fill(7),
    expiresAt: Date.now() + 3_600_000,
    proxies: [{ url: 'http://127.0.0.1:1', key: proxy.verifyingKey().toCompressedBytes() }],
    threshold: 1,
    categories: ['laboratory'],
  };
  return {
    keys,
    owner,
    hospital,
    proxy,
    clinic,
    local,
    grantId,
    grant,
    ownerKey: owner.verifyingKey().toCompressedBytes(),
    /** The patient's laboratory key: what lab records are sealed to. */
    labKey: keys.recipientOf('laboratory'),
  };
}

/** Creates the patient's ledger on the host and publishes the encryption keys (seq 1), as the wallet does. */
async function created(
  client: LedgerHostClient,
  p: Awaited<ReturnType<typeof newPatient>>,
): Promise<string> {
  const id = await client.createLedger(p.local.entryBytes(0));
  await client.submit(id, 'encryption-keys', p.keys.keysEntry(), p.owner);
  return id;
}

const record = (recipient: Uint8Array, i: number) => ({
  cid: `bafkrei${i}`,
  capsule: randomBytes(105),
  contentType: 'application/fhir+json',
  resourceType: 'Observation',
  category: 'laboratory',
  size: 100 + i,
  recipient,
});

function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e) => e,
  );
}

/** A record entry the hospital signs as the next after the host's `head`, dated `time`. */
function hospitalRecord(
  p: Awaited<ReturnType<typeof newPatient>>,
  head: { size: number; head: string },
  n: number,
  time: number,
) {
  return signEntry(
    {
      v: LEDGER_VERSION,
      ledger: p.local.id,
      seq: head.size,
      prev: Buffer.from(head.head, 'hex'),
      time,
      kind: 'record',
      body: record(p.labKey, n),
      author: p.hospital.verifyingKey().toCompressedBytes(),
    },
    p.hospital,
  );
}

describe.each(STORES)('ledger host on $store', ({ start }) => {
  test('three writers submitting concurrently lose nothing, and the result verifies', async () => {
    const host = await start('concurrent');
    const p = await newPatient();
    const client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const id = await created(client, p);
    await client.submit(id, 'grant', p.grant, p.owner);
    // three writers, each submitting its ten entries one after another, all at once
    const writer = (write: (i: number) => Promise<unknown>) => async () => {
      const done = [];
      for (let i = 0; i < 10; i++) done.push(await write(i));
      return done;
    };
    const written = (
      await Promise.all(
        [
          writer((i) => client.submit(id, 'record', record(p.labKey, i), p.hospital)),
          writer(() =>
            client.submit(
              id,
              'access',
              {
                grantId: p.grantId,
                proxy: p.proxy.verifyingKey().toCompressedBytes(),
                capsules: ['bafkrei0'],
              },
              p.proxy,
            ),
          ),
          writer((i) =>
            client.submit(
              id,
              'emergency',
              {
                grantee: p.ownerKey,
                note: new TextEncoder().encode(`drill ${i}`),
                expiresAt: Date.now() + 60_000,
              },
              p.owner,
            ),
          ),
        ].map((w) => w()),
      )
    ).flat() as Parameters<typeof encodeEntry>[0][];
    const verified = await client.sync(id);
    expect(verified.size).toBe(33);
    const stored = new Set((await client.entries(id)).map((e) => bytesToHex(e)));
    for (const entry of written) expect(stored.has(bytesToHex(encodeEntry(entry)))).toBe(true);
    await stop(host);
  });

  test('an entry dated far in the future is refused, and the ledger goes on', async () => {
    const host = await start('future');
    const p = await newPatient();
    const client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const id = await created(client, p);
    // the attack: anyone may append a record; dated at the end of time, it
    // would make every later entry "before" it
    const head = await client.head(id);
    const future = hospitalRecord(p, head, 7, Number.MAX_SAFE_INTEGER);
    expect(await caught(client.submitSigned(id, future))).toMatchObject({
      status: 400,
      code: 'LEDGER_FUTURE_ENTRY',
    });
    expect((await client.head(id)).size).toBe(head.size);
    // the patient's next entry, dated now, is taken as usual
    await client.submit(id, 'grant', p.grant, p.owner);
    expect((await client.head(id)).size).toBe(head.size + 1);
    await stop(host);
  });

  test('reads are private: anonymous 401, a stranger only the public entries, a reader its grant and records in scope, the rest as stubs that verify', async () => {
    const host = await start('private');
    const p = await newPatient();
    const owner = new LedgerHostClient({ url: host.url, signer: p.owner });
    const id = await created(owner, p);
    const recordAs = (cid: string, category: string) =>
      owner.submit(id, 'record', { ...record(p.labKey, 0), cid, category }, p.owner);
    await recordAs('bafkreilab', 'laboratory');
    await owner.submit(
      id,
      'record',
      {
        ...record(p.keys.recipientOf('psychiatry'), 1),
        cid: 'bafkreipsych',
        category: 'psychiatry',
      },
      p.owner,
    );
    await owner.submit(id, 'grant', p.grant, p.owner);
    // a stranger's proposal in the grant's category: not served in full to anyone but the owner
    await owner.submit(
      id,
      'record',
      { ...record(p.labKey, 9), category: 'laboratory' },
      p.hospital,
    );

    // the attacker of today: no credentials at all
    const anonymous = await fetch(`${host.url}/v1/ledgers/${id}/entries`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('LEDGER_HOST_UNAUTHENTICATED');
    // a stranger who signs its request
    const stranger = new LedgerHostClient({
      url: host.url,
      signer: new Signer(SecretKey.random()),
    });
    // an author about to seal: whose ledger it is and the keys to seal to, nothing else
    const strangerView = await stranger.entries(id);
    expect(
      strangerView
        .map((b) => decodeAnyEntry(b))
        .filter((e) => !isStub(e))
        .map((e) => e.kind),
    ).toEqual(['genesis', 'encryption-keys']);
    expect(verifyLedger(strangerView).size).toBe(strangerView.length);
    expect(indexLedger(strangerView).records.size).toBe(0);
    // a request signed for another host is refused
    const elsewhere = new LedgerHostClient({
      url: host.url,
      signer: p.owner,
      fetch: (input, init) => fetch(String(input).replace('127.0.0.1', 'localhost'), init),
    });
    expect((await elsewhere.entries(id)).length).toBe(6); // localhost is this host's own name too

    const ownerView = await owner.entries(id);
    const reader = new LedgerHostClient({ url: host.url, signer: new Signer(p.clinic) });
    const readerView = await reader.entries(id);
    // the same ledger, verified to the same root; the reader sees its grant and the lab record only
    expect(verifyLedger(readerView).root).toEqual(verifyLedger(ownerView).root);
    const shown = readerView.map((b) =>
      isStub(decodeAnyEntry(b)) ? 'stub' : decodeAnyEntry(b).kind,
    );
    expect(shown).toEqual(['genesis', 'encryption-keys', 'record', 'stub', 'grant', 'stub']);
    expect(indexLedger(readerView).records.has('bafkreilab')).toBe(true);
    const proxyView = await new LedgerHostClient({ url: host.url, signer: p.proxy }).entries(id);
    expect(proxyView).toEqual(readerView);
    // the purpose the reader sees is sealed to it; the host's copy never has it in clear
    const grant = decodeAnyEntry(readerView[4]!) as Entry<'grant'>;
    expect(openNote(p.clinic, grant.body.readerNote)).toEqual({ purpose: 'follow-up' });
    await stop(host);
  });

  test('invalid and unauthorised entries are refused with typed errors', async () => {
    const host = await start('refusals');
    const p = await newPatient();
    const client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const id = await created(client, p);
    await client.submit(id, 'grant', p.grant, p.owner);

    // the hospital may not revoke the patient's grant
    const unauthorised = await caught(
      client.submit(id, 'revoke', { grantId: p.grantId }, p.hospital),
    );
    expect(unauthorised).toBeInstanceOf(LedgerHostRequestError);
    expect(unauthorised).toMatchObject({ status: 403, code: 'LEDGER_UNAUTHORIZED' });

    // a bad signature
    const head = await client.head(id);
    const entry = hospitalRecord(p, head, 1, Date.now());
    const forged = { ...entry, sig: Uint8Array.from(entry.sig) };
    forged.sig[10]! ^= 1;
    expect(await caught(client.submitSigned(id, forged))).toMatchObject({
      status: 403,
      code: 'LEDGER_BAD_SIGNATURE',
    });
    // a wrong seq is a conflict, answered with the head
    expect(await caught(client.submitSigned(id, { ...entry, seq: 99 }))).toMatchObject({
      status: 409,
      code: 'LEDGER_HOST_CONFLICT',
    });

    const post = (path: string, body: string) =>
      fetch(`${host.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const badHex = await post(`/v1/ledgers/${id}/entries`, JSON.stringify({ entry: 'zz' }));
    expect(badHex.status).toBe(400);
    expect(await badHex.json()).toMatchObject({ error: { code: 'LEDGER_HOST_BAD_HEX' } });
    const garbage = await post(`/v1/ledgers/${id}/entries`, JSON.stringify({ entry: 'a0' }));
    expect(await garbage.json()).toMatchObject({ error: { code: 'LEDGER_MALFORMED' } });
    const notJson = await post(`/v1/ledgers/${id}/entries`, '{');
    expect(await notJson.json()).toMatchObject({ error: { code: 'LEDGER_HOST_BAD_JSON' } });
    const huge = await post(
      `/v1/ledgers/${id}/entries`,
      JSON.stringify({ entry: 'ab'.repeat(600_000) }),
    );
    expect(huge.status).toBe(413);
    const unknown = await caught(client.head('00'.repeat(32)));
    expect(unknown).toMatchObject({ status: 404 });
    expect((await client.sync(id)).size).toBe(3); // nothing refused was stored
    await stop(host);
  });

  test('proofs from the host verify against the owner’s checkpoints', async () => {
    const host = await start('proofs');
    const p = await newPatient();
    const client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const id = await created(client, p);
    for (let i = 0; i < 5; i++) await client.submit(id, 'record', record(p.labKey, i), p.hospital);
    const synced = await client.sync(id);
    const mirror = await Ledger.open(p.local.id, { store: new MemoryLedgerStore() });
    for (const e of await client.entries(id)) await mirror.appendSigned(e);
    const early = await mirror.checkpoint(p.owner);
    await client.putCheckpoint(id, early);
    for (let i = 5; i < 9; i++) await client.submit(id, 'record', record(p.labKey, i), p.hospital);
    for (const e of await client.entries(id, mirror.size)) await mirror.appendSigned(e);
    const late = await mirror.checkpoint(p.owner);
    await client.putCheckpoint(id, late);
    expect((await client.latestCheckpoint(id, synced.owner)).size).toBe(11);
    await client.proveInclusion(id, mirror.entryBytes(3), 3, late);
    await client.proveConsistency(id, early, late);
    await client.verifyAgainst(id, early);
    await stop(host);
  });
});

describe('ledger host on files', () => {
  test('a host serving a cut or rewritten history is caught against a checkpoint the client holds', async () => {
    const dataDir = join(dir, 'rewrite');
    let host = await startHost(dataDir);
    const p = await newPatient();
    let client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const id = await created(client, p);
    for (let i = 0; i < 6; i++) await client.submit(id, 'record', record(p.labKey, i), p.hospital);
    const mirror = await Ledger.open(p.local.id, { store: new MemoryLedgerStore() });
    for (const e of await client.entries(id)) await mirror.appendSigned(e);
    const held: Checkpoint = await mirror.checkpoint(p.owner);
    await client.putCheckpoint(id, held);
    await stop(host);

    // the host cuts the last three entries
    const file = join(dataDir, `${id}.ledger`);
    const original = await readFile(file);
    const cut = Buffer.concat(
      mirror
        .allEntryBytes()
        .slice(0, 4)
        .map((b) => Buffer.from(b)),
    );
    await writeFile(file, cut);
    host = await startHost(dataDir);
    client = new LedgerHostClient({ url: host.url, signer: p.owner });
    expect(await caught(client.sync(id, { checkpoints: [held] }))).toBeInstanceOf(
      TruncatedLedgerError,
    );
    await stop(host);

    // the host serves another history of the same ledger (same genesis, other entries)
    const other = await Ledger.open(p.local.id, { store: new MemoryLedgerStore() });
    await other.appendSigned(mirror.entryBytes(0));
    for (let i = 0; i < 8; i++) await other.append('record', record(p.labKey, 100 + i), p.hospital);
    const otherCheckpoint = await other.checkpoint(p.owner); // say the owner was tricked into signing it
    const { encodeCheckpoint } = await import('@medvault/core/ledger');
    await writeFile(
      file,
      Buffer.concat(
        [...other.allEntryBytes(), encodeCheckpoint(otherCheckpoint)].map((b) => Buffer.from(b)),
      ),
    );
    host = await startHost(dataDir);
    client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const error = await caught(client.sync(id, { checkpoints: [held] }));
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('LEDGER_CHECKPOINT_MISMATCH');
    expect(await caught(client.verifyAgainst(id, held))).toMatchObject({
      code: 'LEDGER_CONSISTENCY_PROOF',
    });
    await stop(host);
    await writeFile(file, original);
  });

  test('kill -9 mid-write loses no acknowledged entry; a torn tail is reported and repaired', async () => {
    const dataDir = join(dir, 'crash');
    let host = await startHost(dataDir);
    const p = await newPatient();
    let client = new LedgerHostClient({
      url: host.url,
      signer: p.owner,
      timeoutMs: 2000,
      maxRetries: 50,
    });
    const id = await created(client, p);
    const acknowledged: Uint8Array[] = [];
    let crashed = false;
    const writer = async (w: number) => {
      for (let i = 0; !crashed; i++) {
        try {
          acknowledged.push(
            encodeEntry(
              await client.submit(id, 'record', record(p.labKey, w * 1000 + i), p.hospital),
            ),
          );
        } catch {
          return; // the host is gone
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // crash mid-stream: once a few entries are acknowledged (however loaded the machine)
    const since = Date.now();
    while (acknowledged.length < 8 && Date.now() - since < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 100));
    crashed = true;
    const killed = stop(host, 'SIGKILL');
    await Promise.all(writers);
    await killed;
    expect(acknowledged.length).toBeGreaterThan(5);

    // simulate the worst crash: half of an entry written past the last acknowledged one
    const file = join(dataDir, `${id}.ledger`);
    const torn = encodeEntry(
      signEntry(
        {
          v: LEDGER_VERSION,
          ledger: p.local.id,
          seq: 10_000,
          prev: new Uint8Array(32),
          time: Date.now(),
          kind: 'record',
          body: record(p.labKey, 9),
          author: p.hospital.verifyingKey().toCompressedBytes(),
        },
        p.hospital,
      ),
    );
    await appendFile(file, torn.subarray(0, 60));

    host = await startHost(dataDir);
    client = new LedgerHostClient({ url: host.url, signer: p.owner });
    const entries = await client.entries(id);
    const stored = new Set(entries.map((e) => bytesToHex(e)));
    for (const entry of acknowledged) expect(stored.has(bytesToHex(entry))).toBe(true);
    expect(verifyLedger(entries).size).toBe(entries.length);
    expect(host.stderr()).toMatch(/torn entry.*never acknowledged/);
    await stop(host);
  });
});
