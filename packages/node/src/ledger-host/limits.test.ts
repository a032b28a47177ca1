/**
 * The ledger host's limits, over real HTTP on 127.0.0.1: open files stay
 * bounded however many ledgers it holds (the CLI under `ulimit -n 128`),
 * in-memory ledgers are evicted and reloaded, verified, from disk; a ledger
 * is created only from a genesis its owner signed, and nothing is written
 * otherwise; creations and writes are rate-limited per client address — the
 * last two on both stores, files and PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeEntry,
  LEDGER_VERSION,
  Ledger,
  MemoryLedgerStore,
  signEntry,
  type UnsignedEntry,
} from '@medvault/core/ledger';
import { hostAudience } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import { signRequest } from '@medvault/core/proxy';
import { type PostgresCluster, startPostgres } from '@medvault/testing/postgres';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, medvault, ROOT } from '../cli/run-cli.js';
import { type LedgerHostOptions, startLedgerHost } from './server.js';

let dir: string;
let postgres: PostgresCluster;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-host-limits-'));
  postgres = await startPostgres();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await postgres?.destroy();
});

/** A store for one case: the host's options, and the ids of the ledgers it holds. */
type StoreCase = { options: LedgerHostOptions; stored(): Promise<string[]> };

/** The same cases on a fresh directory, or a fresh database. */
const STORES = [
  {
    store: 'files',
    open: async (name: string): Promise<StoreCase> => {
      const dataDir = join(dir, name);
      return {
        options: { dataDir },
        stored: async () =>
          (await readdir(dataDir).catch(() => [] as string[])).map((f) =>
            f.replace(/\.ledger$/, ''),
          ),
      };
    },
  },
  {
    store: 'PostgreSQL',
    open: async (name: string): Promise<StoreCase> => {
      const database = await postgres.createDatabase(name);
      return {
        options: { database },
        stored: async () => {
          const db = new pg.Client({ connectionString: database });
          await db.connect();
          try {
            const { rows } = await db.query<{ id: string }>(
              "SELECT encode(id, 'hex') AS id FROM ledgers ORDER BY id",
            );
            return rows.map((r) => r.id);
          } catch {
            return []; // no schema yet
          } finally {
            await db.end();
          }
        },
      };
    },
  },
];

/** `medvault ledger-host …` with at most `fdLimit` descriptors (`ulimit -n`). */
async function startLimitedHost(fdLimit: number, args: string[]) {
  const proc: ChildProcess = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${fdLimit} && exec "$@"`,
      'bash',
      process.execPath,
      CLI,
      'ledger-host',
      ...args,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1] as string);
    });
    proc.once('exit', (code) => reject(new Error(`ledger-host exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    proc,
    stderr: () => stderr,
    /** Ledger files the host process has open now. */
    ledgerFds: async () => {
      const fds = await readdir(`/proc/${proc.pid}/fd`);
      const targets = await Promise.all(
        fds.map((fd) => readlink(`/proc/${proc.pid}/fd/${fd}`).catch(() => '')),
      );
      return targets.filter((t) => t.endsWith('.ledger')).length;
    },
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

const record = (recipient: Uint8Array, i: number) => ({
  cid: `bafkrei${bytesToHex(randomBytes(8))}${i}`,
  capsule: randomBytes(105),
  contentType: 'application/fhir+json',
  resourceType: 'Observation',
  category: 'laboratory',
  size: 100 + i,
  recipient,
});

/** Runs `work` over `items` with `width` at once. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe.skipIf(process.platform !== 'linux')('bounded open files', () => {
  test('300 ledgers under ulimit -n 128: mixed reads and appends all succeed, descriptors stay bounded', async () => {
    const LEDGERS = 300;
    const WIDTH = 8;
    const MAX_OPEN = 16;
    const host = await startLimitedHost(128, [
      ...['--port', '0', '--data-dir', join(dir, 'many')],
      ...['--max-open-ledgers', String(MAX_OPEN), '--max-cached-ledgers', '32'],
      ...['--creates-per-minute', '100000', '--writes-per-minute=100000'],
    ]);
    try {
      let peak = 0;
      const sample = async () => {
        peak = Math.max(peak, await host.ledgerFds());
      };
      const sampler = setInterval(() => void sample().catch(() => {}), 10);

      const hospital = new Signer(SecretKey.random());
      /** `acked`: the entries (hex) the host has acknowledged; the mirror may be one ahead. */
      type Patient = {
        id: string;
        mirror: Ledger;
        owner: Uint8Array;
        signer: Signer;
        acked: string[];
      };
      const patients: Patient[] = [];
      const post = async (path: string, body: unknown) => {
        const r = await fetch(`${host.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: r.status, json: (await r.json()) as Record<string, unknown> };
      };
      /** A read signed as the ledger's owner. */
      const get = async (path: string, signer: Signer) => {
        const r = await fetch(`${host.url}${path}`, {
          headers: {
            ...signRequest(signer, {
              audience: hostAudience(host.url),
              method: 'GET',
              path,
              body: new Uint8Array(0),
            }),
          },
        });
        return { status: r.status, json: (await r.json()) as Record<string, unknown> };
      };
      const append = async (p: Patient, i: number) => {
        const entry = await p.mirror.append('record', record(p.owner, i), hospital);
        const r = await post(`/v1/ledgers/${p.id}/entries`, {
          entry: bytesToHex(p.mirror.entryBytes(entry.seq)),
        });
        expect(r, `append to ${p.id}`).toMatchObject({ status: 201, json: { seq: entry.seq } });
        p.acked = p.mirror.allEntryBytes().map((b) => bytesToHex(b));
      };
      const any = () => shuffled(patients)[0] as Patient;
      /** Reads head and entries: all acknowledged, perhaps one more being appended meanwhile. */
      const read = async (p: Patient) => {
        const acked = p.acked;
        const head = await get(`/v1/ledgers/${p.id}/head`, p.signer);
        expect(head.status, `head of ${p.id}`).toBe(200);
        expect(head.json.size).toBeGreaterThanOrEqual(acked.length);
        const entries = await get(`/v1/ledgers/${p.id}/entries`, p.signer);
        expect(entries.status).toBe(200);
        const got = entries.json.entries as string[];
        expect(got.slice(0, acked.length)).toEqual(acked);
        expect(got.length).toBeLessThanOrEqual(acked.length + 1);
      };
      /** With nothing in flight: exactly what the mirror has. */
      const readAll = async (p: Patient) => {
        const head = await get(`/v1/ledgers/${p.id}/head`, p.signer);
        expect(head.json).toMatchObject({ size: p.mirror.size, head: bytesToHex(p.mirror.head) });
        const entries = await get(`/v1/ledgers/${p.id}/entries`, p.signer);
        expect(entries.json.entries).toEqual(p.mirror.allEntryBytes().map((b) => bytesToHex(b)));
      };

      // creates them all, appending to and reading some already created as it goes
      await pool(
        Array.from({ length: LEDGERS }, (_, i) => i),
        WIDTH,
        async (i) => {
          const owner = new Signer(SecretKey.random());
          const mirror = await Ledger.create(owner, { store: new MemoryLedgerStore() });
          const created = await post('/v1/ledgers', { genesis: bytesToHex(mirror.entryBytes(0)) });
          expect(
            created.status,
            `${JSON.stringify(created.json)} ${host.stderr().slice(-400)}`,
          ).toBe(201);
          const owned = owner.verifyingKey().toCompressedBytes();
          const acked = [bytesToHex(mirror.entryBytes(0))];
          patients.push({ id: bytesToHex(mirror.id), mirror, owner: owned, signer: owner, acked });
          if (i % 3 === 0) await read(any());
        },
      );
      // every ledger appended to, and some read, in mixed order
      await pool(shuffled(patients), WIDTH, async (p) => {
        await append(p, 1);
        await read(any());
      });
      await pool(patients, WIDTH, readAll);
      clearInterval(sampler);
      await sample();
      expect(host.stderr()).not.toMatch(/EMFILE|internal error/);
      // the files open at once never exceeded the bound, and it was used
      expect(peak).toBeLessThanOrEqual(MAX_OPEN);
      expect(peak).toBeGreaterThan(1);
    } finally {
      await host.stop();
    }
  }, 180_000);
});

/** POSTs JSON from the local address `from` (any 127.x.y.z is this machine). */
function postFrom(
  from: string,
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** A new patient's genesis, signed by them. */
async function genesisOf(owner = new Signer(SecretKey.random())) {
  const mirror = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  return { owner, mirror, hex: bytesToHex(mirror.entryBytes(0)), id: bytesToHex(mirror.id) };
}

describe.each(STORES)('who may create a ledger, on $store', ({ open }) => {
  test('only from a genesis signed by the owner it names; a refused one writes nothing', async () => {
    const store = await open('genesis');
    const host = await startLedgerHost({ ...store.options, log: () => {} });
    try {
      const post = (body: unknown) => postFrom('127.0.0.1', `${host.url}/v1/ledgers`, body);
      const owner = new Signer(SecretKey.random());
      const stranger = new Signer(SecretKey.random());
      const unsigned: UnsignedEntry<'genesis'> = {
        v: LEDGER_VERSION,
        ledger: randomBytes(32),
        seq: 0,
        prev: new Uint8Array(32),
        time: Date.now(),
        kind: 'genesis',
        body: { owner: owner.verifyingKey().toCompressedBytes() },
        author: stranger.verifyingKey().toCompressedBytes(),
      };
      // signed by a stranger, naming the owner
      const byStranger = signEntry(unsigned, stranger);
      expect(await post({ genesis: bytesToHex(encodeEntry(byStranger)) })).toMatchObject({
        status: 403,
        json: { error: { code: 'LEDGER_UNAUTHORIZED' } },
      });
      // the owner's, with its signature broken
      const own = signEntry(
        { ...unsigned, author: owner.verifyingKey().toCompressedBytes() },
        owner,
      );
      const broken = { ...own, sig: Uint8Array.from(own.sig) };
      broken.sig[7] = (broken.sig[7] as number) ^ 1;
      expect(await post({ genesis: bytesToHex(encodeEntry(broken)) })).toMatchObject({
        status: 403,
        json: { error: { code: 'LEDGER_BAD_SIGNATURE' } },
      });
      // not an entry, not hex, not a genesis
      expect((await post({ genesis: 'a0' })).json).toMatchObject({
        error: { code: 'LEDGER_MALFORMED' },
      });
      expect((await post({ genesis: 'zz' })).json).toMatchObject({
        error: { code: 'LEDGER_HOST_BAD_HEX' },
      });
      const p = await genesisOf();
      const lab = SecretKey.random().publicKey().toCompressedBytes();
      const next = await p.mirror.append(
        'encryption-keys',
        { keys: [{ category: 'laboratory', epoch: 0, key: lab }] },
        p.owner,
      );
      expect(
        (await post({ genesis: bytesToHex(p.mirror.entryBytes(next.seq)) })).json,
      ).toMatchObject({ error: { code: 'LEDGER_HOST_NOT_GENESIS' } });
      expect(await store.stored()).toEqual([]);
      // the owner's own genesis makes one ledger
      expect(await post({ genesis: bytesToHex(encodeEntry(own)) })).toMatchObject({ status: 201 });
      expect(await store.stored()).toEqual([bytesToHex(unsigned.ledger)]);
      expect(await (await fetch(`${host.url}/healthz`)).json()).toMatchObject({ ledgers: 1 });
    } finally {
      await host.close();
    }
  });
});

describe.each(STORES)('rate limits per client address, on $store', ({ open }) => {
  test('creations: past the limit 429 with Retry-After and nothing stored; another address goes on', async () => {
    const store = await open('creations');
    const host = await startLedgerHost({ ...store.options, createsPerMinute: 2, log: () => {} });
    try {
      const create = async (from: string) => {
        const g = await genesisOf();
        return {
          ...(await postFrom(from, `${host.url}/v1/ledgers`, { genesis: g.hex })),
          id: g.id,
        };
      };
      expect((await create('127.0.0.1')).status).toBe(201);
      expect((await create('127.0.0.1')).status).toBe(201);
      const refused = await create('127.0.0.1');
      expect(refused).toMatchObject({
        status: 429,
        headers: { 'retry-after': '30' },
        json: { error: { code: 'HTTP_RATE_LIMITED' } },
      });
      expect(await store.stored()).not.toContain(refused.id);
      expect(await store.stored()).toHaveLength(2);
      // another client (address) is not held up by the first one's flood
      expect((await create('127.0.0.2')).status).toBe(201);
    } finally {
      await host.close();
    }
  });

  test('writes: past the limit 429, other addresses and reads go on', async () => {
    const host = await startLedgerHost({
      ...(await open('writes')).options,
      writesPerMinute: 3,
      log: () => {},
    });
    try {
      const p = await genesisOf();
      expect(
        (await postFrom('127.0.0.1', `${host.url}/v1/ledgers`, { genesis: p.hex })).status,
      ).toBe(201);
      const hospital = new Signer(SecretKey.random());
      const append = async (from: string, i: number) => {
        const entry = await p.mirror.append(
          'record',
          record(p.owner.verifyingKey().toCompressedBytes(), i),
          hospital,
        );
        return postFrom(from, `${host.url}/v1/ledgers/${p.id}/entries`, {
          entry: bytesToHex(p.mirror.entryBytes(entry.seq)),
        });
      };
      for (let i = 0; i < 3; i++) expect((await append('127.0.0.1', i)).status).toBe(201);
      const refused = await append('127.0.0.1', 3);
      expect(refused).toMatchObject({
        status: 429,
        headers: { 'retry-after': '20' },
        json: { error: { code: 'HTTP_RATE_LIMITED' } },
      });
      // the refused entry was not taken: the same one from another address is the next
      const entry = p.mirror.entryBytes(p.mirror.size - 1);
      const again = await postFrom('127.0.0.3', `${host.url}/v1/ledgers/${p.id}/entries`, {
        entry: bytesToHex(entry),
      });
      expect(again).toMatchObject({ status: 201, json: { seq: 4 } });
      expect((await fetch(`${host.url}/healthz`)).status).toBe(200);
    } finally {
      await host.close();
    }
  });
});

test('the CLI refuses a limit that is not a positive integer', async () => {
  for (const bad of [
    ['--max-open-ledgers', '0'],
    ['--writes-per-minute=x'],
    ['--creates-per-minute'],
  ]) {
    const r = await medvault('ledger-host', '--port', '0', '--data-dir', join(dir, 'cli'), ...bad);
    expect(r.code, bad.join(' ')).toBe(2);
    expect(r.stderr).toMatch(/must be a positive integer/);
  }
});
