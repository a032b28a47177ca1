/**
 * The ledger host's routes (docs/spec/ledger-host-api.md). Writes to a
 * ledger go through its write queue, one at a time, and are acknowledged
 * only once fsync'ed. Reads are signed requests: the owner is served every
 * entry, a grant's reader and proxies what their grants need (the rest as
 * stubs), anyone else 403 (read-access.ts).
 */
import {
  decodeEntry,
  encodeCheckpoint,
  Ledger,
  LedgerError,
  type LedgerStore,
  SequenceError,
} from '@medvault/core/ledger';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { clientKey, HttpError, type RequestContext, type Route } from '../http/index.js';
import { authenticate, authorizeRead, type ReadAccessDeps, servedEntry } from './read-access.js';
import type { HostLedgers } from './shared-ledgers.js';
import type { Limit } from './shared-limits.js';
import type { WriteQueue } from './write-queue.js';

const MAX_PAGE = 1000;

/** What the ledger host's handlers use. */
export type LedgerHostDeps = {
  store: LedgerStore;
  /** The host's ledgers by lower-case hex id (the most recently used in memory). */
  ledgers: HostLedgers;
  queue: WriteQueue;
  /** Per client address: ledger creations, and entries written (per process, or shared by replicas). */
  limits: { create: Limit; write: Limit };
  /** How reads are authenticated (the host's public URLs, the nonces seen). */
  read: ReadAccessDeps;
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
export async function health(_ctx: RequestContext, deps: LedgerHostDeps) {
  return { json: { ok: true, ledgers: await deps.ledgers.count() } };
}

/** `POST /v1/ledgers`: a new ledger from its signed genesis entry. */
export async function createLedger(ctx: RequestContext, deps: LedgerHostDeps) {
  await deps.limits.create.take(clientKey(ctx.req));
  const genesisBytes = hex((await jsonObject(ctx)).genesis, 'genesis');
  const genesis = decodeEntry(genesisBytes);
  if (genesis.kind !== 'genesis')
    throw new HttpError(400, 'LEDGER_HOST_NOT_GENESIS', 'a ledger starts with a genesis entry');
  const id = bytesToHex(genesis.ledger);
  return deps.queue.run(id, async () => {
    if ((await deps.ledgers.has(id)) || (await deps.store.size(genesis.ledger)) > 0) {
      throw new HttpError(409, 'LEDGER_HOST_EXISTS', `ledger ${id} already exists`);
    }
    const ledger = await Ledger.open(genesis.ledger, { store: deps.store });
    try {
      await ledger.appendSigned(genesisBytes);
    } catch (error) {
      // another replica created it first
      if (error instanceof SequenceError)
        throw new HttpError(409, 'LEDGER_HOST_EXISTS', `ledger ${id} already exists`);
      throw error;
    }
    deps.ledgers.set(id, ledger);
    return { status: 201, json: headOf(ledger) };
  });
}

/**
 * `GET /v1/ledgers/{id}/head`: size, head hash and time — to anyone who
 * signs the request (an author needs them to write; a 409 tells them too).
 */
export async function head(ctx: RequestContext, deps: LedgerHostDeps) {
  await authenticate(ctx, deps.read, new Uint8Array(0));
  return { json: headOf(await find(ctx, deps)) };
}

/** `POST /v1/ledgers/{id}/entries`: the next entry, or a 409 with the head to build on. */
export async function appendEntry(ctx: RequestContext, deps: LedgerHostDeps) {
  await deps.limits.write.take(clientKey(ctx.req));
  const id = bytesToHex((await find(ctx, deps)).id);
  const bytes = hex((await jsonObject(ctx)).entry, 'entry');
  const entry = decodeEntry(bytes);
  return deps.queue.run(id, async () => {
    const ledger = await find(ctx, deps); // in the queue: the ledger as the writes before left it
    if (entry.seq !== ledger.size || bytesToHex(entry.prev) !== bytesToHex(ledger.head))
      throw conflict(ledger);
    try {
      await ledger.appendSigned(bytes);
    } catch (error) {
      if (!(error instanceof SequenceError)) throw error;
      // another replica stored this seq first: the same answer, with the head it left
      await ledger.refresh();
      throw conflict(ledger);
    }
    return { status: 201, json: { seq: entry.seq, hash: bytesToHex(ledger.head) } };
  });
}

/** `GET /v1/ledgers/{id}/entries?from&limit`: a page of entries, in full or as stubs. */
export async function listEntries(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = await find(ctx, deps);
  const visibility = await authorizeRead(ctx, deps.read, ledger);
  const from = uintParam(ctx, 'from', 0);
  const limit = Math.min(uintParam(ctx, 'limit', MAX_PAGE), MAX_PAGE);
  const entries: string[] = [];
  for (let seq = from; seq < Math.min(ledger.size, from + limit); seq++)
    entries.push(bytesToHex(servedEntry(ledger, visibility, seq)));
  return { json: { entries, size: ledger.size } };
}

/** `POST /v1/ledgers/{id}/checkpoints`: the owner's signed checkpoint. */
export async function addCheckpoint(ctx: RequestContext, deps: LedgerHostDeps) {
  await deps.limits.write.take(clientKey(ctx.req));
  const id = bytesToHex((await find(ctx, deps)).id);
  const bytes = hex((await jsonObject(ctx)).checkpoint, 'checkpoint');
  return deps.queue.run(id, async () => {
    const cp = await (await find(ctx, deps)).addCheckpoint(bytes);
    return { status: 201, json: { size: cp.size, root: bytesToHex(cp.root) } };
  });
}

/** `GET /v1/ledgers/{id}/checkpoints/latest`. */
export async function latestCheckpoint(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = await find(ctx, deps);
  await authorizeRead(ctx, deps.read, ledger);
  const latest = ledger.checkpoints.at(-1);
  if (!latest) {
    const message = 'the owner has not checkpointed this ledger yet';
    throw new HttpError(404, 'LEDGER_HOST_NO_CHECKPOINT', message);
  }
  return { json: { checkpoint: bytesToHex(encodeCheckpoint(latest)) } };
}

/** `GET /v1/ledgers/{id}/proofs/inclusion?seq&size`. */
export async function inclusionProof(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = await find(ctx, deps);
  await authorizeRead(ctx, deps.read, ledger);
  const seq = uintParam(ctx, 'seq');
  const size = uintParam(ctx, 'size', ledger.size);
  if (size > ledger.size || seq >= size)
    throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', `need seq < size ≤ ${ledger.size}`);
  return { json: proofJson(ledger.proveInclusion(seq, size)) };
}

/** `GET /v1/ledgers/{id}/proofs/consistency?from&to`. */
export async function consistencyProof(ctx: RequestContext, deps: LedgerHostDeps) {
  const ledger = await find(ctx, deps);
  await authorizeRead(ctx, deps.read, ledger);
  const from = uintParam(ctx, 'from');
  const to = uintParam(ctx, 'to', ledger.size);
  if (from < 1 || from > to || to > ledger.size)
    throw new HttpError(400, 'LEDGER_HOST_BAD_QUERY', `need 1 ≤ from ≤ to ≤ ${ledger.size}`);
  return { json: proofJson(ledger.proveConsistency(from, to)) };
}

function conflict(ledger: Ledger): HttpError {
  const message = `the next entry is ${ledger.size} on top of the current head`;
  return new HttpError(409, 'LEDGER_HOST_CONFLICT', message, { extra: { head: headOf(ledger) } });
}

async function find(ctx: RequestContext, deps: LedgerHostDeps): Promise<Ledger> {
  const id = ctx.params.id as string;
  let ledger: Ledger | undefined;
  try {
    ledger = await deps.ledgers.get(id.toLowerCase());
  } catch (error) {
    // what the store holds breaks a rule (written behind the host's back): served to no one
    if (!(error instanceof LedgerError)) throw error;
    const message = `ledger ${id} as stored fails verification (${error.code}); it is not served`;
    throw new HttpError(500, 'LEDGER_HOST_STORE_INVALID', message);
  }
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
