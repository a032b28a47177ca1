/**
 * The clinic's API: staff sign-in, the grants patients shared with it, read
 * with the clinic's reader key on this server, and where each record's
 * ledger entry stands against the chain. Every grant route is for signed-in
 * staff only: what it answers is a patient's records.
 */
import { BaseError } from '@medvault/core';
import type { LedgerHostClient } from '@medvault/core/ledger-host';
import type { SecretKey } from '@medvault/core/pre';
import { type Grant, grantFromJson, grantToJson, listSharedRecords } from '@medvault/core/proxy';
import type { HttpStore } from '@medvault/core/storage';
import { HttpError, type RequestContext, type Route } from '@medvault/node/http';
import type { GrantBook } from './grant-book.js';
import { openHealthLink } from './health-link.js';
import { type AnchorChain, findAnchor, proofJson, provenanceOf } from './provenance.js';
import { endedAtOf, readGrant, refusalOf } from './read-grant.js';
import { readingJson } from './reading-json.js';
import { type StaffDeps, sessionState, signIn, signOut, staffOnly } from './session-routes.js';
import { shareList } from './share-list.js';

/** What the clinic's handlers use. */
export type ClinicDeps = StaffDeps & {
  /** The clinic's reader key (kept on this server, never sent to a browser). */
  readerKey: SecretKey;
  host: LedgerHostClient;
  store: HttpStore;
  chain: AnchorChain;
  rpcUrl: string;
  grants: GrantBook;
  /** How the clinic names itself to a SMART Health Link's host (`recipient`). */
  readerName: string;
};

/** The clinic's API routes. */
export const clinicRoutes: Route<ClinicDeps>[] = [
  { method: 'POST', path: '/api/session', handler: signIn, maxBodyBytes: 4096 },
  { method: 'GET', path: '/api/session', handler: sessionState },
  { method: 'DELETE', path: '/api/session', handler: signOut },
  { method: 'GET', path: '/api/grants', handler: staffOnly(listGrants) },
  { method: 'GET', path: '/api/shares', handler: staffOnly(listShares) },
  { method: 'POST', path: '/api/grants', handler: staffOnly(receiveGrant) },
  { method: 'POST', path: '/api/grants/:id/read', handler: staffOnly(readHeldGrant) },
  { method: 'GET', path: '/api/grants/:id/proofs/:seq', handler: staffOnly(recordProof) },
  { method: 'GET', path: '/api/grants/:id/anchor', handler: staffOnly(ledgerAnchor) },
  {
    method: 'POST',
    path: '/api/health-links/open',
    handler: staffOnly(async (ctx, deps) => ({
      json: await openHealthLink(await ctx.json(), deps.readerName),
    })),
    maxBodyBytes: 8192,
  },
];

/** `GET /api/grants`: the grants held. */
export function listGrants(_ctx: RequestContext, deps: ClinicDeps) {
  return { json: deps.grants.all().map(grantToJson) };
}

/**
 * `GET /api/shares`: the grants held as the page lists them (`ShareJson`):
 * newest first, with when and by whom each was received and whether it
 * still stands.
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'GET', path: '/api/shares', handler: staffOnly(listShares) }];
 * ```
 */
export function listShares(_ctx: RequestContext, deps: ClinicDeps) {
  return { json: shareList(deps.grants.held()) };
}

/**
 * `POST /api/grants`: a grant a patient shared with this clinic, kept (with
 * when, and which staff member was signed in) and read at once.
 *
 * @example
 * ```ts
 * const routes: Route<ClinicDeps>[] = [{ method: 'POST', path: '/api/grants', handler: staffOnly(receiveGrant) }];
 * ```
 */
export async function receiveGrant(ctx: RequestContext, deps: ClinicDeps) {
  const body = (await ctx.json()) as { grant?: unknown } | null;
  let grant: Grant;
  try {
    grant = grantFromJson(body?.grant);
  } catch (error) {
    throw new HttpError(400, 'BAD_GRANT', (error as Error).message);
  }
  if (!grant.reader.equals(deps.readerKey.publicKey())) {
    const message = 'this grant is for another reader, not this clinic';
    throw new HttpError(422, 'NOT_OUR_GRANT', message);
  }
  const receivedBy = deps.sessions.find(ctx.req)?.username;
  await deps.grants.add(grant, { receivedAt: Date.now(), ...(receivedBy ? { receivedBy } : {}) });
  return read(deps, grant);
}

/** `POST /api/grants/{id}/read`: the shared records, read again. */
export function readHeldGrant(ctx: RequestContext, deps: ClinicDeps) {
  return read(deps, grantOf(ctx, deps));
}

/** `GET /api/grants/{id}/proofs/{seq}`: where one shared record's entry stands. */
export async function recordProof(ctx: RequestContext, deps: ClinicDeps) {
  const grant = grantOf(ctx, deps);
  const seq = ctx.params.seq as string;
  const listed = await listSharedRecords({ host: deps.host, grant, reader: deps.readerKey }).catch(
    upstream,
  );
  if (!listed.records.some((r) => r.seq === Number(seq)))
    throw new HttpError(404, 'NO_RECORD', `entry ${seq} is not a record this grant covers`);
  const found = await findAnchor(deps.chain, listed.entries).catch(upstream);
  const provenance = provenanceOf(listed.entries, Number(seq), found);
  return { json: proofJson(grant.ledgerId, listed.entries, provenance) };
}

/** `GET /api/grants/{id}/anchor`: whether the ledger's anchored root checks out. */
export async function ledgerAnchor(ctx: RequestContext, deps: ClinicDeps) {
  const grant = grantOf(ctx, deps);
  const { registry } = deps.chain;
  const listed = await listSharedRecords({ host: deps.host, grant, reader: deps.readerKey }).catch(
    upstream,
  );
  const found = await findAnchor(deps.chain, listed.entries).catch(upstream);
  if (!('anchor' in found)) return { json: { ledgerId: grant.ledgerId, registry, ...found } };
  return {
    json: {
      ledgerId: grant.ledgerId,
      registry,
      rpcUrl: deps.rpcUrl,
      size: found.anchor.size,
      root: found.anchor.root,
      blockNumber: Number(found.anchor.blockNumber),
      verified: 'the ledger’s first entries hash to the anchored root',
    },
  };
}

function grantOf(ctx: RequestContext, deps: ClinicDeps): Grant {
  const id = ctx.params.id as string;
  const grant = deps.grants.get(id);
  if (!grant) throw new HttpError(404, 'NO_GRANT', `this clinic holds no grant ${id}`);
  return grant;
}

/**
 * Reads a grant. The patient's ledger is listed first: when it says the
 * patient ended the share, the book notes when. The proxies are asked all
 * the same (they decide); a refusal is a 502 with the library's code and,
 * beside it, what the clinic knows of the share (`refusal`, `RefusalJson`)
 * for the page to say why in words.
 */
async function read(deps: ClinicDeps, grant: Grant) {
  const { readerKey: reader, host, store, chain } = deps;
  let endedAt = deps.grants.heldOf(grant.grantId)?.endedAt;
  try {
    const listed = await listSharedRecords({ host, grant, reader });
    const ended = endedAtOf(listed, grant.grantId);
    if (ended !== undefined) {
      endedAt = ended;
      await deps.grants.markEnded(grant.grantId, ended);
    }
    const reading = await readGrant({ grant, reader, host, store, chain, listed });
    return { json: readingJson(grant.grantId, reading) };
  } catch (error) {
    if (!(error instanceof BaseError) || error instanceof HttpError) throw error;
    throw new HttpError(502, error.code, error.message, {
      extra: { refusal: refusalOf(error, grant, endedAt) },
    });
  }
}

/**
 * What the library refuses while the clinic reads a share (the ledger host,
 * the proxies, the chain) is an upstream failure: a 502 with its code, for
 * the page to show.
 */
function upstream(error: unknown): never {
  if (error instanceof BaseError) throw new HttpError(502, error.code, error.message);
  throw error;
}
