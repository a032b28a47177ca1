/**
 * The ledger host's routes (docs/spec/ledger-host-api.md). Writes to a
 * ledger go through its write queue, one at a time, and are acknowledged
 * only once fsync'ed.
 */
import { decodeEntry, encodeCheckpoint, Ledger } from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { HttpError, type RequestContext, type Route } from '../http/index.js';
import type { FileLedgerStore } from '../ledger/file-ledger-store.js';
import type { WriteQueue } from './write-queue.js';

const MAX_PAGE = 1000;

/** What the ledger host's handlers use. */
export type LedgerHostDeps = {
  store: FileLedgerStore;
  /** Open ledgers by lower-case hex id. */
  ledgers: Map<string, Ledger>;
  queue: WriteQueue;
};

/** The ledger host's route table. */
export const ledgerHostRoutes: Route<LedgerHostDeps>[] = [
  { method: 'GET', path: '/healthz', handler: health },
  { method: 'POST', path: '/v1/ledgers', handler: createLedger },
  { method: 'GET', path: '/v1/ledgers/:id/head', handler: head },
  { method: 'POST', path: '/v1/ledgers/:id/entries', handler: appendEntry },
  { method: 'GET', path: '/v1/ledgers/:id/entries', handler: listEntries },
  { method: 'POST', path: '/v1/ledgers/:id/checkpoints', handler: addCheckpoint },
  { method: 'GET', path: '/v1/ledgers/:id/checkpoints/latest', handler: latestCheckpoint },
  { method: 'GET', path: '/v1/ledgers/:id/proofs/inclusion', handler: inclusionProof },
  { method: 'GET', path: '/v1/ledgers/:id/proofs/consistency', handler: consistencyProof },
];

/** `GET /healthz`. */
export function health(_ctx: RequestContext, deps: LedgerHostDeps) {
  return { json: { ok: true, ledgers: deps.ledgers.size } };
}

/** `POST /v1/ledgers`: a new ledger from its signed genesis entry. */
export async function createLedger(ctx: RequestContext, deps: LedgerHostDeps) {
  const genesisBytes = hex((await jsonObject(ctx)).genesis, 'genesis');
  const genesis = decodeEntry(genesisBytes);
  if (genesis.kind !== 'genesis')
    throw new HttpError(400, 'LEDGER_HOST_NOT_GENESIS', 'a ledger starts with a genesis entry');
  const id = bytesToHex(genesis.ledger);
  return deps.queue.run(id, async () => {
    if (deps.ledgers.has(id) || (await deps.store.size(genesis.ledger)) > 0) {
      throw new HttpError(409, 'LEDGER_HOST_EXISTS', `ledger ${id} already exists`);
    }
    const ledger = await Ledger.open(genesis.ledger, { store: deps.store });
    await ledger.appendSigned(genesisBytes);
    deps.ledgers.set(id, ledger);
    return { status: 201, json: headOf(ledger) };
  });
}

/** `GET /v1/ledgers/{id}/head`. */
export function head(ctx: RequestContext, deps: LedgerHostDeps) {
  return { json: headOf(find(ctx, deps)) };
}

/** `POST /v1/ledgers/{id}/entries`: the next entry, or a 409 with the head to build on. */
export async function appendEntry(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = find(ctx, deps);
  const bytes = hex((await jsonObject(ctx)).entry, 'entry');
  const entry = decodeEntry(bytes);
  return deps.queue.run(bytesToHex(ledger.id), async () => {
    if (entry.seq !== ledger.size || bytesToHex(entry.prev) !== bytesToHex(ledger.head)) {
      const message = `the next entry is ${ledger.size} on top of the current head`;
      throw new HttpError(409, 'LEDGER_HOST_CONFLICT', message, {
        extra: { head: headOf(ledger) },
      });
    }
    await ledger.appendSigned(bytes);
    return { status: 201, json: { seq: entry.seq, hash: bytesToHex(ledger.head) } };
  });
}

/** `GET /v1/ledgers/{id}/entries?from&limit`: a page of entries. */
export function listEntries(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = find(ctx, deps);
  const from = uintParam(ctx, 'from', 0);
  const limit = Math.min(uintParam(ctx, 'limit', MAX_PAGE), MAX_PAGE);
  const entries: string[] = [];
  for (let seq = from; seq < Math.min(ledger.size, from + limit); seq++)
    entries.push(bytesToHex(ledger.entryBytes(seq)));
  return { json: { entries, size: ledger.size } };
}

/** `POST /v1/ledgers/{id}/checkpoints`: the owner's signed checkpoint. */
export async function addCheckpoint(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = find(ctx, deps);
  const bytes = hex((await jsonObject(ctx)).checkpoint, 'checkpoint');
  return deps.queue.run(bytesToHex(ledger.id), async () => {
    const cp = await ledger.addCheckpoint(bytes);
    return { status: 201, json: { size: cp.size, root: bytesToHex(cp.root) } };
  });
}

/** `GET /v1/ledgers/{id}/checkpoints/latest`. */
export function latestCheckpoint(ctx: RequestContext, deps: LedgerHostDeps) {
  const latest = find(ctx, deps).checkpoints.at(-1);
  if (!latest) {
    const message = 'the owner has not checkpointed this ledger yet';
    throw new HttpError(404, 'LEDGER_HOST_NO_CHECKPOINT', message);
  }
  return { json: { checkpoint: bytesToHex(encodeCheckpoint(latest)) } };
}

/** `GET /v1/ledgers/{id}/proofs/inclusion?seq&size`. */
export function inclusionProof(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = find(ctx, deps);
  const seq = uintParam(ctx, 'seq');
  const size = uintParam(ctx, 'size', ledger.size);
  if (size > ledger.size || seq >= size)
    throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', `need seq < size ≤ ${ledger.size}`);
  return { json: proofJson(ledger.proveInclusion(seq, size)) };
}

/** `GET /v1/ledgers/{id}/proofs/consistency?from&to`. */
export function consistencyProof(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = find(ctx, deps);
  const from = uintParam(ctx, 'from');
  const to = uintParam(ctx, 'to', ledger.size);
  if (from < 1 || from > to || to > ledger.size)
    throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', `need 1 ≤ from ≤ to ≤ ${ledger.size}`);
  return { json: proofJson(ledger.proveConsistency(from, to)) };
}

function find(ctx: RequestContext, deps: LedgerHostDeps): Ledger {
  const id = ctx.params.id as string;
  const ledger = deps.ledgers.get(id.toLowerCase());
  if (!ledger) throw new HttpError(404, 'LEDGER_HOST_NOT_FOUND', `no ledger ${id} on this host`);
  return ledger;
}

async function jsonObject(ctx: RequestContext): Promise<Record<string, unknown>> {
  const value = await ctx.json();
  if (value && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw new HttpError(400, 'LEDGER_HOST_BAD_JSON', 'the request body must be a JSON object');
}

function hex(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !/^(0x)?([0-9a-f]{2})+$/i.test(value)) {
    throw new HttpError(400, 'LEDGER_HOST_BAD_HEX', `${what} must be a hex string`);
  }
  return hexToBytes(value.replace(/^0x/, '').toLowerCase());
}

function uintParam(ctx: RequestContext, name: string, fallback?: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null && fallback !== undefined) return fallback;
  const n = Number(raw);
  if (raw === null || !Number.isSafeInteger(n) || n < 0) {
    const message = `query parameter ${name} must be a non-negative integer`;
    throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', message);
  }
  return n;
}

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
