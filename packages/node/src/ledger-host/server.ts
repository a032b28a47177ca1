/**
 * The ledger host: stores patients' ledgers and sequences the signed entries
 * submitted to it, over HTTP + JSON (docs/spec/ledger-host-api.md).
 *
 * It is not trusted. Authors sign every entry including its seq and prev, so
 * the host can only accept an entry as the next one or refuse it; it checks
 * every rule before accepting, and acknowledges (201) only once the entry is
 * fsync'ed to disk.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeEntry, encodeCheckpoint, Ledger, TornEntryError } from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.js';
import { FileLedgerStore } from '../ledger/file-ledger-store.js';
import { HttpError, toHttpError } from './http-error.js';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_PAGE = 1000;

/** Options of `startLedgerHost`. */
export type LedgerHostOptions = {
  dataDir: string;
  port?: number;
  host?: string;
  /** Where reports go (default: stderr). */
  log?: (line: string) => void;
};

/** A running ledger host. */
export type RunningLedgerHost = { url: string; close(): Promise<void> };

function hex(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !/^(0x)?([0-9a-f]{2})+$/i.test(value)) {
    throw new HttpError(400, 'LEDGER_HOST_BAD_HEX', `${what} must be a hex string`);
  }
  return hexToBytes(value.replace(/^0x/, '').toLowerCase());
}

function uintParam(url: URL, name: string, fallback?: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null && fallback !== undefined) return fallback;
  const n = Number(raw);
  if (raw === null || !Number.isSafeInteger(n) || n < 0) {
    throw new HttpError(
      400,
      'LEDGER_HOST_BAD_QUERY',
      `query parameter ${name} must be a non-negative integer`,
    );
  }
  return n;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new HttpError(413, 'LEDGER_HOST_BODY_TOO_LARGE', error.message);
    }
    throw error;
  }
  try {
    const value = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'LEDGER_HOST_BAD_JSON', 'the request body must be a JSON object');
}

const send = (res: ServerResponse, status: number, body: unknown) => sendJson(res, status, body);

function headOf(ledger: Ledger) {
  const last = ledger.size > 0 ? ledger.entry(ledger.size - 1) : undefined;
  return {
    ledgerId: bytesToHex(ledger.id),
    size: ledger.size,
    head: bytesToHex(ledger.head),
    time: last?.time ?? 0,
  };
}

const proofJson = (p: { path: Uint8Array[] } & Record<string, unknown>) => ({
  ...p,
  path: p.path.map(bytesToHex),
});

/** Starts a ledger host; resolves once it listens. */
export async function startLedgerHost(options: LedgerHostOptions): Promise<RunningLedgerHost> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = new FileLedgerStore(options.dataDir);
  const ledgers = new Map<string, Ledger>();
  const queues = new Map<string, Promise<unknown>>();

  for (const id of await store.ledgers()) {
    try {
      await store.entries(id);
    } catch (error) {
      if (!(error instanceof TornEntryError)) throw error;
      const dropped = await store.file(id).repair();
      log(
        `ledger-host: ledger ${bytesToHex(id)} ended with a torn entry at byte ${error.offset} (never acknowledged); dropped ${dropped} bytes`,
      );
    }
    ledgers.set(bytesToHex(id), await Ledger.open(id, { store }));
  }

  /** Runs writes to one ledger one at a time. */
  function serialise<T>(id: string, task: () => Promise<T>): Promise<T> {
    const run = (queues.get(id) ?? Promise.resolve()).then(task);
    queues.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  }

  function find(id: string): Ledger {
    const ledger = ledgers.get(id.toLowerCase());
    if (!ledger) throw new HttpError(404, 'LEDGER_HOST_NOT_FOUND', `no ledger ${id} on this host`);
    return ledger;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://host');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/healthz')
      return send(res, 200, { ok: true, ledgers: ledgers.size });
    if (parts[0] !== 'v1' || parts[1] !== 'ledgers')
      throw new HttpError(404, 'LEDGER_HOST_NOT_FOUND', 'no such endpoint');

    if (parts.length === 2 && method === 'POST') {
      const genesisBytes = hex((await readJson(req)).genesis, 'genesis');
      const genesis = decodeEntry(genesisBytes);
      if (genesis.kind !== 'genesis')
        throw new HttpError(400, 'LEDGER_HOST_NOT_GENESIS', 'a ledger starts with a genesis entry');
      const id = bytesToHex(genesis.ledger);
      return serialise(id, async () => {
        if (ledgers.has(id) || (await store.size(genesis.ledger)) > 0) {
          throw new HttpError(409, 'LEDGER_HOST_EXISTS', `ledger ${id} already exists`);
        }
        const ledger = await Ledger.open(genesis.ledger, { store });
        await ledger.appendSigned(genesisBytes);
        ledgers.set(id, ledger);
        send(res, 201, headOf(ledger));
      });
    }

    const id = parts[2] ?? '';
    const ledger = find(id);
    const resource = parts.slice(3).join('/');
    if (method === 'GET' && resource === 'head') return send(res, 200, headOf(ledger));
    if (method === 'POST' && resource === 'entries') {
      const bytes = hex((await readJson(req)).entry, 'entry');
      const entry = decodeEntry(bytes);
      return serialise(id, async () => {
        if (entry.seq !== ledger.size || bytesToHex(entry.prev) !== bytesToHex(ledger.head)) {
          throw new HttpError(
            409,
            'LEDGER_HOST_CONFLICT',
            `the next entry is ${ledger.size} on top of the current head`,
            {
              head: headOf(ledger),
            },
          );
        }
        await ledger.appendSigned(bytes);
        send(res, 201, { seq: entry.seq, hash: bytesToHex(ledger.head) });
      });
    }
    if (method === 'GET' && resource === 'entries') {
      const from = uintParam(url, 'from', 0);
      const limit = Math.min(uintParam(url, 'limit', MAX_PAGE), MAX_PAGE);
      const entries: string[] = [];
      for (let seq = from; seq < Math.min(ledger.size, from + limit); seq++)
        entries.push(bytesToHex(ledger.entryBytes(seq)));
      return send(res, 200, { entries, size: ledger.size });
    }
    if (method === 'POST' && resource === 'checkpoints') {
      const bytes = hex((await readJson(req)).checkpoint, 'checkpoint');
      return serialise(id, async () => {
        const cp = await ledger.addCheckpoint(bytes);
        send(res, 201, { size: cp.size, root: bytesToHex(cp.root) });
      });
    }
    if (method === 'GET' && resource === 'checkpoints/latest') {
      const latest = ledger.checkpoints.at(-1);
      if (!latest)
        throw new HttpError(
          404,
          'LEDGER_HOST_NO_CHECKPOINT',
          'the owner has not checkpointed this ledger yet',
        );
      return send(res, 200, { checkpoint: bytesToHex(encodeCheckpoint(latest)) });
    }
    if (method === 'GET' && resource === 'proofs/inclusion') {
      const seq = uintParam(url, 'seq');
      const size = uintParam(url, 'size', ledger.size);
      if (size > ledger.size || seq >= size)
        throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', `need seq < size ≤ ${ledger.size}`);
      return send(res, 200, proofJson(ledger.proveInclusion(seq, size)));
    }
    if (method === 'GET' && resource === 'proofs/consistency') {
      const from = uintParam(url, 'from');
      const to = uintParam(url, 'to', ledger.size);
      if (from < 1 || from > to || to > ledger.size)
        throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', `need 1 ≤ from ≤ to ≤ ${ledger.size}`);
      return send(res, 200, proofJson(ledger.proveConsistency(from, to)));
    }
    throw new HttpError(404, 'LEDGER_HOST_NOT_FOUND', 'no such endpoint');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const http = toHttpError(error);
      if (http.status === 500)
        log(`ledger-host: internal error: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent)
        send(res, http.status, {
          error: { code: http.code, message: http.message },
          ...http.extra,
        });
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all(queues.values());
      await store.close();
    },
  };
}
