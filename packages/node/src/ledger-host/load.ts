/**
 * `npm run load:ledger-host -w @medvault/node`: the ledger host under load,
 * on each store, on this machine (docs/guides/ledger-host-operator.md §
 * Load). For each store it starts the hosts as child processes — two
 * replicas over a throwaway PostgreSQL cluster, or the one process the file
 * store allows — creates `LOAD_LEDGERS` ledgers (default 10 000), then
 * runs `LOAD_CLIENTS` concurrent clients (default 64) for `LOAD_SECONDS`
 * (default 60): each picks a ledger at random and either appends the next
 * record, signed by its owner, or reads the whole ledger with a signed
 * read, half and half, spread over the replicas. It prints appends/s,
 * reads/s, p50/p99 latency, answers by status, and the bytes the store
 * takes per entry.
 *
 * `LOAD_STORES=postgres` or `files` runs one store only; `LOAD_REPLICAS`
 * sets the PostgreSQL store's host processes (default 2).
 *
 * Last, what the database alone sustains on this machine: pgbench with 16
 * clients for 20 s, each transaction one durable insert of a 600-byte
 * entry keyed like `ledger_entries` (`LOAD_PGBENCH=0` skips it).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Entry,
  hashEntry,
  LEDGER_VERSION,
  Ledger,
  MemoryLedgerStore,
  signEntry,
} from '@medvault/core/ledger';
import { LedgerHostClient, LedgerHostRequestError } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import { postgresBinDir, startPostgres } from '@medvault/testing/postgres';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import pg from 'pg';
import { CLI } from '../cli/run-cli.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const LEDGERS = Number(process.env.LOAD_LEDGERS ?? 10_000);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 64);
const STORES = (process.env.LOAD_STORES ?? 'postgres,files')
  .split(',')
  .filter((store) => store === 'postgres' || store === 'files');
const REPLICAS = Number(process.env.LOAD_REPLICAS ?? 2);
const UNLIMITED = ['--creates-per-minute', '100000000', '--writes-per-minute', '100000000'];

type Patient = {
  id: string;
  owner: Signer;
  labKey: Uint8Array;
  head: { size: number; head: string; time: number };
};

function launch(args: string[]): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ proc, url: match[1] as string });
    });
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)
    : Number.NaN;

/** Runs `task` over `items` with `n` at a time. */
async function pool<T>(items: T[], n: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

function nextRecord(p: Patient, i: number): Entry {
  return signEntry(
    {
      v: LEDGER_VERSION,
      ledger: hexToBytes(p.id),
      seq: p.head.size,
      prev: hexToBytes(p.head.head),
      time: Math.max(Date.now(), p.head.time),
      kind: 'record',
      body: {
        cid: `bafkreiload${i}`,
        capsule: randomBytes(98),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: 2048,
        recipient: p.labKey,
      },
      author: p.owner.verifyingKey().toCompressedBytes(),
    },
    p.owner,
  );
}

/** Creates the ledgers through the hosts: genesis and the patient's laboratory key. */
async function createLedgers(urls: string[]): Promise<Patient[]> {
  const patients: Patient[] = [];
  const started = performance.now();
  await pool(
    Array.from({ length: LEDGERS }, (_, i) => i),
    CLIENTS,
    async (i) => {
      const owner = new Signer(SecretKey.random());
      const labKey = SecretKey.random().publicKey().toCompressedBytes();
      const local = await Ledger.create(owner, { store: new MemoryLedgerStore() });
      await local.append(
        'encryption-keys',
        { keys: [{ category: 'laboratory', epoch: 0, key: labKey }] },
        owner,
      );
      const client = new LedgerHostClient({ url: urls[i % urls.length] as string, signer: owner });
      const id = await client.createLedger(local.entryBytes(0));
      await client.submitSigned(id, local.entryBytes(1));
      patients.push({
        id,
        owner,
        labKey,
        head: { size: 2, head: bytesToHex(local.head), time: local.entry(1).time },
      });
    },
  );
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`  created ${LEDGERS} ledgers in ${s.toFixed(1)} s\n`);
  return patients;
}

type Result = {
  store: string;
  hosts: number;
  appends: number;
  reads: number;
  appendMs: number[];
  readMs: number[];
  statuses: Map<number, number>;
  entries: number;
  bytesPerEntry: number;
};

async function drive(store: string, urls: string[], patients: Patient[]): Promise<Result> {
  const appendMs: number[] = [];
  const readMs: number[] = [];
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < end) {
        const p = patients[Math.floor(Math.random() * patients.length)] as Patient;
        const url = urls[(c + n++) % urls.length] as string;
        const client = new LedgerHostClient({ url, signer: p.owner, maxRetries: 0 });
        const t0 = performance.now();
        try {
          if (n % 2 === 0) {
            const entry = nextRecord(p, n);
            await client.submitSigned(p.id, entry);
            p.head = { size: entry.seq + 1, head: bytesToHex(hashEntry(entry)), time: entry.time };
            appendMs.push(performance.now() - t0);
            count(201);
          } else {
            await client.entries(p.id);
            readMs.push(performance.now() - t0);
            count(200);
          }
        } catch (error) {
          if (!(error instanceof LedgerHostRequestError)) throw error;
          count(error.status);
          if (error.status === 409) p.head = error.body.head as Patient['head'];
        }
      }
    }),
  );
  return {
    store,
    hosts: urls.length,
    appends: appendMs.length,
    reads: readMs.length,
    appendMs: appendMs.sort((a, b) => a - b),
    readMs: readMs.sort((a, b) => a - b),
    statuses,
    entries: 0,
    bytesPerEntry: 0,
  };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

async function runStore(store: string): Promise<Result> {
  const children: ChildProcess[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'medvault-host-load-'));
  const postgres = store === 'postgres' ? await startPostgres() : undefined;
  try {
    let urls: string[];
    let database = '';
    if (postgres) {
      database = await postgres.createDatabase('ledgers');
      const hosts = await Promise.all(
        Array.from({ length: REPLICAS }, () =>
          launch(['ledger-host', '--port', '0', '--database', database, ...UNLIMITED]),
        ),
      );
      children.push(...hosts.map((h) => h.proc));
      urls = hosts.map((h) => h.url);
    } else {
      const host = await launch([
        'ledger-host',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'ledgers'),
        ...UNLIMITED,
      ]);
      children.push(host.proc);
      urls = [host.url];
    }
    process.stderr.write(`${store}: ${urls.length} host process(es)\n`);
    const patients = await createLedgers(urls);
    const result = await drive(store, urls, patients);
    result.entries = patients.reduce((sum, p) => sum + p.head.size, 0);
    if (postgres) {
      const db = new pg.Client({ connectionString: database });
      await db.connect();
      const { rows } = await db.query<{ bytes: string; n: string }>(
        `SELECT pg_total_relation_size('ledger_entries') + pg_total_relation_size('ledgers') AS bytes,
                (SELECT count(*) FROM ledger_entries) AS n`,
      );
      await db.end();
      result.entries = Number(rows[0]?.n);
      result.bytesPerEntry = Number(rows[0]?.bytes) / result.entries;
    } else {
      result.bytesPerEntry = (await dirBytes(join(dir, 'ledgers'))) / result.entries;
    }
    return result;
  } finally {
    // the hosts first, so that the database going away is not news to them
    await Promise.all(
      children.map((child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        return child.exitCode === null ? exited : undefined;
      }),
    );
    await postgres?.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const store of STORES) results.push(await runStore(store));
if (results.length > 0) {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  process.stdout.write(
    `\nledger host under load: ${LEDGERS} ledgers, ${CLIENTS} clients, ${SECONDS} s, half appends, half signed reads of a whole ledger\n\n`,
  );
  process.stdout.write(
    '| store | host processes | appends/s | reads/s | append p50 / p99 ms | read p50 / p99 ms | answers | bytes per entry |\n|---|---|---|---|---|---|---|---|\n',
  );
  for (const r of results) {
    const answers = [...r.statuses].map(([s, n]) => `${s}: ${n}`).join(', ');
    process.stdout.write(
      `| ${r.store === 'postgres' ? 'PostgreSQL' : 'files'} | ${r.hosts} | ${f(r.appends / SECONDS)} | ${f(r.reads / SECONDS)} | ${f(percentile(r.appendMs, 50))} / ${f(percentile(r.appendMs, 99))} | ${f(percentile(r.readMs, 50))} / ${f(percentile(r.readMs, 99))} | ${answers} | ${f(r.bytesPerEntry)} |\n`,
    );
  }
}

/** Durable single-row inserts a second the database alone sustains (pgbench). */
async function pgbench(): Promise<string> {
  const bin = postgresBinDir() as string;
  const postgres = await startPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'medvault-pgbench-'));
  try {
    const database = await postgres.createDatabase('bench');
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    await db.query(`CREATE TABLE bench_entries (ledger_id bytea, seq bigint, entry bytea, PRIMARY KEY (ledger_id, seq));
                    CREATE SEQUENCE bench_seq`);
    await db.end();
    const script = join(dir, 'insert.sql');
    await writeFile(
      script,
      "\\set l random(1, 10000)\nINSERT INTO bench_entries VALUES (sha256(:l::text::bytea), nextval('bench_seq'), convert_to(repeat('x', 600), 'UTF8'));\n",
    );
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        join(bin, 'pgbench'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(postgres.port),
          '-U',
          'medvault',
          '-n',
          '-c',
          '16',
          '-j',
          '2',
          '-T',
          '20',
          '-f',
          script,
          'bench',
        ],
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    const tps = /tps = ([0-9.]+)/.exec(out)?.[1] ?? '?';
    const latency = /latency average = ([0-9.]+) ms/.exec(out)?.[1] ?? '?';
    return `| PostgreSQL alone (pgbench, 16 clients, 20 s) | ${Number(tps).toFixed(0)} durable inserts/s | ${latency} ms average |`;
  } finally {
    await postgres.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.env.LOAD_PGBENCH !== '0') {
  process.stdout.write(`\n| what | rate | latency |\n|---|---|---|\n${await pgbench()}\n`);
}
