/**
 * Ledger-host replicas over one PostgreSQL database, as real processes over
 * real HTTP: two hosts racing for one ledger's next entry, one killed with
 * SIGKILL mid-append, the database restarted under load, limits and read
 * nonces shared, and the operator's mistakes said in one line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeEntry,
  LEDGER_VERSION,
  Ledger,
  MemoryLedgerStore,
  signEntry,
  TruncatedLedgerError,
  verifyLedger,
} from '@medvault/core/ledger';
import { LedgerHostClient, LedgerHostRequestError } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import { testPatient } from '@medvault/testing';
import { type PostgresCluster, startPostgres } from '@medvault/testing/postgres';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { medvault } from '../cli/run-cli.js';
import { type HostProcess as Host, killAll, spawnHost, stopHost } from './host-processes.js';

const replica = (database: string, ...flags: string[]) =>
  spawnHost(['--database', database, ...flags]);

afterEach(killAll);

let postgres: PostgresCluster;
let dir: string;
beforeAll(async () => {
  postgres = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'medvault-replicas-'));
});
afterAll(async () => {
  await postgres?.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** A patient whose ledger (genesis + encryption keys) is created through `url`. */
async function patientOn(url: string) {
  const keys = testPatient();
  const hospital = new Signer(SecretKey.random());
  const local = await Ledger.create(keys.owner, { store: new MemoryLedgerStore() });
  const owner = new LedgerHostClient({ url, signer: keys.owner });
  const id = await owner.createLedger(local.entryBytes(0));
  await owner.submit(id, 'encryption-keys', keys.keysEntry(), keys.owner);
  const record = (i: number) => ({
    cid: `bafkrei${i}`,
    capsule: randomBytes(105),
    contentType: 'application/fhir+json',
    resourceType: 'Observation',
    category: 'laboratory',
    size: 100 + i,
    recipient: keys.recipientOf('laboratory'),
  });
  /** The hospital's record `i`, signed as the next entry after `head`. */
  const next = (head: { size: number; head: string; time: number }, i: number) =>
    signEntry(
      {
        v: LEDGER_VERSION,
        ledger: hexToBytes(id),
        seq: head.size,
        prev: hexToBytes(head.head),
        time: Math.max(Date.now(), head.time),
        kind: 'record',
        body: record(i),
        author: hospital.verifyingKey().toCompressedBytes(),
      },
      hospital,
    );
  return { keys, hospital, id, owner, record, next };
}

/** Rounds of the same-seq race (each one a fresh pair of entries for one place). */
const ROUNDS = 12;

const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('replicas over one database', () => {
  test('two processes racing for the same seq: exactly one wins each time, the other answers 409 with the winner as head', async () => {
    const database = await postgres.createDatabase('race');
    const [a, b] = await Promise.all([replica(database), replica(database)]);
    const p = await patientOn(a.url);
    const viaA = new LedgerHostClient({ url: a.url, signer: p.keys.owner, maxRetries: 0 });
    const viaB = new LedgerHostClient({ url: b.url, signer: p.keys.owner, maxRetries: 0 });
    let winsA = 0;
    let winsB = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const head = await viaA.head(p.id);
      // two different entries for one place in the history, one through each replica, at once
      const [entryA, entryB] = [p.next(head, 2 * round), p.next(head, 2 * round + 1)];
      const [ra, rb] = await Promise.all([
        caught(viaA.submitSigned(p.id, entryA)),
        caught(viaB.submitSigned(p.id, entryB)),
      ]);
      const outcomes = [ra, rb].map((r) =>
        r === undefined ? 'won' : (r as { code: string }).code,
      );
      expect(outcomes.sort()).toEqual(['LEDGER_HOST_CONFLICT', 'won']);
      const loser = (ra ?? rb) as LedgerHostRequestError;
      const winner = ra === undefined ? entryA : entryB;
      if (ra === undefined) winsA += 1;
      else winsB += 1;
      // the 409 names the head the winner left, whichever replica answered it
      const after = loser.body.head as { size: number; head: string };
      expect(after.size).toBe(head.size + 1);
      const stored = await viaB.entries(p.id, head.size);
      expect(stored.map(bytesToHex)).toEqual([bytesToHex(encodeEntry(winner))]);
    }
    expect(winsA + winsB).toBe(ROUNDS);
    // and writers retrying through both replicas at once lose nothing
    const writers = [a, b, a, b].map((host, w) => async () => {
      const client = new LedgerHostClient({ url: host.url, signer: p.keys.owner });
      const done: Uint8Array[] = [];
      for (let i = 0; i < 5; i++)
        done.push(
          encodeEntry(await client.submit(p.id, 'record', p.record(100 * w + i), p.hospital)),
        );
      return done;
    });
    const written = (await Promise.all(writers.map((w) => w()))).flat();
    const all = await viaA.entries(p.id);
    expect(verifyLedger(all).size).toBe(2 + ROUNDS + 4 * 5);
    const set = new Set(all.map(bytesToHex));
    for (const entry of written) expect(set.has(bytesToHex(entry))).toBe(true);
  });

  test('kill -9 of one replica mid-append: no acknowledged entry lost, no seq used twice, the other goes on', async () => {
    const database = await postgres.createDatabase('crash');
    const [a, b] = await Promise.all([replica(database), replica(database)]);
    const p = await patientOn(a.url);
    const acknowledged: Uint8Array[] = [];
    let stop = false;
    const writer = (host: Host, w: number) => async () => {
      const client = new LedgerHostClient({
        url: host.url,
        signer: p.keys.owner,
        timeoutMs: 2000,
      });
      for (let i = 0; !stop; i++) {
        try {
          acknowledged.push(
            encodeEntry(await client.submit(p.id, 'record', p.record(w * 1000 + i), p.hospital)),
          );
        } catch {
          if (host === a) return; // killed
          throw new Error('the surviving replica failed a write');
        }
      }
    };
    const writers = [writer(a, 0)(), writer(a, 1)(), writer(b, 2)(), writer(b, 3)()];
    const since = Date.now();
    while (acknowledged.length < 10 && Date.now() - since < 20_000)
      await new Promise((r) => setTimeout(r, 25));
    await stopHost(a, 'SIGKILL'); // mid-stream: its writers have requests in flight
    const afterKill = acknowledged.length;
    while (acknowledged.length < afterKill + 10 && Date.now() - since < 40_000)
      await new Promise((r) => setTimeout(r, 25));
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(afterKill + 10);

    const entries = await new LedgerHostClient({ url: b.url, signer: p.keys.owner }).entries(p.id);
    // every seq once, each chained to the one before: the ledger verifies
    expect(verifyLedger(entries).size).toBe(entries.length);
    const stored = new Set(entries.map(bytesToHex));
    for (const entry of acknowledged) expect(stored.has(bytesToHex(entry))).toBe(true);
    // a new replica started after the crash serves the same ledger
    const c = await replica(database);
    const fromC = await new LedgerHostClient({ url: c.url, signer: p.keys.owner }).entries(p.id);
    expect(fromC.map(bytesToHex)).toEqual(entries.map(bytesToHex));
  });

  test('the database restarted under load: 503, never 500, and the same processes recover by themselves', async () => {
    const database = await postgres.createDatabase('restart');
    const [a, b] = await Promise.all([replica(database), replica(database)]);
    const p = await patientOn(a.url);
    const statuses = new Map<number, number>();
    const acknowledged: Uint8Array[] = [];
    let stop = false;
    const loop = (host: Host, w: number) => async () => {
      const client = new LedgerHostClient({
        url: host.url,
        signer: p.keys.owner,
        timeoutMs: 20_000,
        maxRetries: 5,
      });
      for (let i = 0; !stop; i++) {
        let status = 201;
        try {
          if (i % 2 === 0) {
            acknowledged.push(
              encodeEntry(await client.submit(p.id, 'record', p.record(w * 1000 + i), p.hospital)),
            );
          } else {
            await client.head(p.id);
            status = 200;
          }
        } catch (error) {
          if (!(error instanceof LedgerHostRequestError)) throw error;
          status = error.status;
          if (status === 503) expect(error.code).toBe('LEDGER_STORE_UNAVAILABLE');
          await new Promise((r) => setTimeout(r, 50));
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    const loops = [loop(a, 0)(), loop(b, 1)(), loop(a, 2)()];
    await new Promise((r) => setTimeout(r, 500));
    await postgres.stop('fast');
    // a load balancer's health check sees it too
    const health = await fetch(`${b.url}/healthz`);
    expect([health.status, (await health.json()).error.code]).toEqual([
      503,
      'LEDGER_STORE_UNAVAILABLE',
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    const duringOutage = statuses.get(503) ?? 0;
    await postgres.start();
    const before = acknowledged.length;
    const since = Date.now();
    while (acknowledged.length < before + 6 && Date.now() - since < 30_000)
      await new Promise((r) => setTimeout(r, 50));
    stop = true;
    await Promise.all(loops);
    expect(duringOutage).toBeGreaterThan(0);
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(before + 6); // recovered, no restart
    // nothing half-written: every acknowledged entry is there and the ledger verifies
    const entries = await new LedgerHostClient({ url: b.url, signer: p.keys.owner }).entries(p.id);
    expect(verifyLedger(entries).size).toBe(entries.length);
    const stored = new Set(entries.map(bytesToHex));
    for (const entry of acknowledged) expect(stored.has(bytesToHex(entry))).toBe(true);
    expect(a.stderr()).not.toMatch(/internal error|TypeError|at .*\.js:\d+/);
  });

  test('rate limits count a client across replicas, and a read nonce one replica accepted is refused by the other', async () => {
    const database = await postgres.createDatabase('limits');
    const publicUrl = 'http://ledgers.medvault.test';
    const flags = ['--creates-per-minute', '2', '--public-url', publicUrl];
    const [a, b] = await Promise.all([replica(database, ...flags), replica(database, ...flags)]);
    const create = async (host: Host) => {
      const owner = new Signer(SecretKey.random());
      const ledger = await Ledger.create(owner, { store: new MemoryLedgerStore() });
      return caught(
        new LedgerHostClient({ url: host.url, signer: owner }).createLedger(ledger.entryBytes(0)),
      );
    };
    expect(await create(a)).toBeUndefined();
    expect(await create(b)).toBeUndefined();
    // the third from this address, through either replica: over the shared limit
    expect(await create(a)).toMatchObject({ status: 429, code: 'HTTP_RATE_LIMITED' });
    expect(await create(b)).toMatchObject({ status: 429, code: 'HTTP_RATE_LIMITED' });

    // a signed read addressed to the public URL, sent to A, then replayed to B
    const owner = testPatient().owner;
    let sent: { url: string; init: RequestInit } | undefined;
    const client = new LedgerHostClient({
      url: publicUrl,
      signer: owner,
      fetch: (input, init) => {
        sent = { url: String(input), init: init ?? {} };
        return fetch(String(input).replace(publicUrl, a.url), init);
      },
    });
    const unknown = '00'.repeat(32);
    expect(await caught(client.head(unknown))).toMatchObject({ status: 404 });
    const replay = await fetch((sent as { url: string }).url.replace(publicUrl, b.url), {
      headers: (sent as { init: RequestInit }).init.headers as Record<string, string>,
    });
    expect(replay.status).toBe(409);
    expect((await replay.json()).error.code).toBe('PROXY_AUTH_REPLAY');
  });

  test('a rewritten history in the database is caught by the client holding a checkpoint', async () => {
    const database = await postgres.createDatabase('rewrite');
    let host = await replica(database);
    const p = await patientOn(host.url);
    for (let i = 0; i < 6; i++) await p.owner.submit(p.id, 'record', p.record(i), p.hospital);
    const mirror = await Ledger.open(hexToBytes(p.id), { store: new MemoryLedgerStore() });
    for (const e of await p.owner.entries(p.id)) await mirror.appendSigned(e);
    const held = await mirror.checkpoint(p.keys.owner);
    await p.owner.putCheckpoint(p.id, held);
    // whoever runs the database cuts the last three entries
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    await db.query('DELETE FROM ledger_entries WHERE ledger_id = $1 AND seq >= 5', [
      Buffer.from(hexToBytes(p.id)),
    ]);
    await db.end();
    await stopHost(host, 'SIGKILL');
    host = await replica(database);
    const client = new LedgerHostClient({ url: host.url, signer: p.keys.owner });
    expect(await caught(client.sync(p.id, { checkpoints: [held] }))).toBeInstanceOf(
      TruncatedLedgerError,
    );

    // a row forged into the database (the hospital's record, its signature broken) is served to no one
    const head = await client.head(p.id);
    const forged = encodeEntry(p.next(head, 99));
    forged[forged.length - 5] = (forged[forged.length - 5] as number) ^ 1;
    const writer = new pg.Client({ connectionString: database });
    await writer.connect();
    await writer.query('INSERT INTO ledger_entries (ledger_id, seq, entry) VALUES ($1, $2, $3)', [
      Buffer.from(hexToBytes(p.id)),
      head.size,
      Buffer.from(forged),
    ]);
    await writer.end();
    expect(await caught(client.entries(p.id))).toMatchObject({
      status: 500,
      code: 'LEDGER_HOST_STORE_INVALID',
    });
  });
});

describe("an operator's mistakes, in one line", () => {
  test('a database that cannot be reached, and one a newer MedVault wrote', async () => {
    const unreachable = await medvault(
      ...[
        'ledger-host',
        '--port',
        '0',
        '--database',
        'postgres://medvault:secret-password@127.0.0.1:1/ledgers',
      ],
    );
    expect(unreachable.code).toBe(1);
    const lines = unreachable.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^medvault: ledger-host: Cannot connect to the ledger database at postgres:\/\/medvault:\*\*\*@127\.0\.0\.1:1\/ledgers: ECONNREFUSED/,
    );
    expect(unreachable.stderr).not.toContain('secret-password');

    const database = await postgres.createDatabase('newer');
    const first = await replica(database); // creates the schema
    await stopHost(first, 'SIGKILL');
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    await db.query('UPDATE medvault_schema SET version = 99');
    await db.end();
    const refused = await medvault(...['ledger-host', '--port', '0', '--database', database]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'medvault: ledger-host: The ledger database is at schema version 99; this MedVault knows up to 1: upgrade MedVault before serving it.',
    ]);
  });

  test('--database and --data-dir together, or neither, is a usage error', async () => {
    const both = await medvault(
      ...['ledger-host', '--data-dir', dir, '--database', 'postgres://x/y'],
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('(--data-dir DIR | --database URL)');
    const neither = await medvault(...['ledger-host', '--port', '0']);
    expect(neither.code).toBe(2);
  });
});
