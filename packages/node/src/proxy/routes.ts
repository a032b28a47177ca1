/**
 * The proxy's routes (docs/spec/proxy-api.md): health and metrics, key
 * fragment delivery and removal, and re-encryption.
 */

import { grantCommitment, type OnChainGrant } from '@medvault/core/chain';
import { BaseError, walkCauses } from '@medvault/core/errors';
import { AccessOutsideGrantError, recordInScope } from '@medvault/core/ledger';
import {
  Capsule,
  KeyFrag,
  PublicKey,
  reencrypt,
  type SecretKey,
  type VerifiedKeyFrag,
} from '@medvault/core/pre';
import {
  GrantInactiveError,
  GrantUnknownError,
  InvalidRequestBodyError,
  KfragDeliveryError,
  kfragDeliverySchema,
  type NonceCache,
  NotAuthorizedError,
  OutOfScopeError,
  openKfragDelivery,
  ProxyBusyError,
  reencryptRequestSchema,
  UpstreamUnavailableError,
  verifyRequest,
} from '@medvault/core/proxy';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { z } from 'zod';
import {
  clientKey,
  type Handler,
  HttpError,
  type RequestContext,
  type Route,
} from '../http/index.js';
import type { AccessLog } from './access-log.js';
import type { GrantStatusCache } from './grant-status-cache.js';
import type { KfragStore, StoredGrant } from './kfrag-store.js';
import type { LedgerViews } from './ledger-view.js';
import type { ProxyMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limiter.js';

/** What the proxy's handlers use. */
export type ProxyDeps = {
  key: SecretKey;
  publicKey: PublicKey;
  store: KfragStore;
  nonces: NonceCache;
  limiter: RateLimiter;
  metrics: ProxyMetrics;
  views: LedgerViews;
  accessLog: AccessLog;
  grantStatus: GrantStatusCache;
  /** The grant as the registry holds it under the owner's key (undefined: not registered). */
  onChainGrant: (owner: Uint8Array, grantId: string) => Promise<OnChainGrant | undefined>;
  /**
   * Whether `signer` is the registry's current key for `owner` (the key
   * `owner` was rotated to, directly or through later rotations).
   */
  isCurrentKeyOf: (owner: Uint8Array, signer: Uint8Array) => Promise<boolean>;
  /** Accepted clock skew of signed requests, ms. */
  windowMs: number;
  /** Requests handled at once before answering 503. */
  maxInFlight: number;
  /** Requests in progress now. */
  load: { inFlight: number };
};

const GRANT_ID = { grantId: /^[0-9a-f]{64}$/ };

/** The proxy's route table. */
export const proxyRoutes: Route<ProxyDeps>[] = [
  { method: 'GET', path: '/v1/health', handler: health },
  { method: 'GET', path: '/metrics', handler: metricsText },
  {
    method: 'PUT',
    path: '/v1/grants/:grantId/kfrag',
    params: GRANT_ID,
    handler: limited(deliverKfrag),
  },
  {
    method: 'DELETE',
    path: '/v1/grants/:grantId',
    params: GRANT_ID,
    handler: limited(forgetGrant),
  },
  { method: 'POST', path: '/v1/reencrypt', handler: limited(reencryptRecords) },
];

/** `GET /v1/health`: the proxy's key and how many grants it holds. */
export function health(_ctx: RequestContext, deps: ProxyDeps) {
  const publicKey = bytesToHex(deps.publicKey.toCompressedBytes());
  return { json: { status: 'ok', publicKey, grants: deps.store.size } };
}

/** `GET /metrics`: Prometheus text. */
export function metricsText(_ctx: RequestContext, deps: ProxyDeps) {
  const text = deps.metrics.render({
    medvault_proxy_grants: deps.store.size,
    medvault_proxy_in_flight: deps.load.inFlight,
  });
  return { body: text, headers: { 'content-type': 'text/plain; version=0.0.4' } };
}

/**
 * `PUT /v1/grants/{id}/kfrag`: takes a patient's key fragments for a grant —
 * one per delegated encryption key — only from the patient who registered
 * the grant on chain, and only when the registered commitment binds exactly
 * the ledger, reader, scope and ledger host delivered (so the proxy later
 * contacts only that host, and logs accesses in that ledger). A later
 * delivery of the same grant adds fragments for other keys (a category's
 * next epoch after a rotation); a different fragment for a key already held
 * is refused.
 */
export async function deliverKfrag(ctx: RequestContext, deps: ProxyDeps) {
  const { grantId } = ctx.params as { grantId: string };
  const body = await ctx.bytes();
  const signerKey = authenticate(ctx, deps, body);
  const delivery = parseBody(kfragDeliverySchema, body);
  if (!signerKey.equals(PublicKey.fromCompressedBytes(hexToBytes(delivery.verifyingKey)))) {
    throw new NotAuthorizedError("the key that signed the fragment (the body's verifyingKey)");
  }
  // the patient who registered the grant, or the key the registry says replaced theirs —
  // never a key the registry retired
  await requireCurrentKey(deps, delivery.patient, delivery.verifyingKey);
  const reader = PublicKey.fromCompressedBytes(hexToBytes(delivery.reader));
  const kfrags = delivery.fragments.map(({ key, kfrag }) => {
    let verified: VerifiedKeyFrag;
    try {
      verified = openKfragDelivery(deps.key, kfrag).verify(
        signerKey,
        PublicKey.fromCompressedBytes(hexToBytes(key)),
        reader,
      );
    } catch (cause) {
      throw new KfragDeliveryError(
        `its fragment for key ${key.slice(0, 16)}… does not verify against that key, the reader and the signing key`,
        cause,
      );
    }
    return { key, kfrag: bytesToHex(verified.toBytes()), verifyingKey: delivery.verifyingKey };
  });
  await checkOnChain(deps, grantId, delivery);
  const { ledgerId, ledgerHost, patient, scope, expiresAt, salt } = delivery;
  const terms = { ledgerId, ledgerHost, patient, reader: delivery.reader, scope, expiresAt, salt };
  let added = 0;
  await deps.store.update(grantId, (held) => {
    if (!held) {
      added = kfrags.length;
      const by = delivery.verifyingKey;
      return { grantId, ...terms, verifyingKey: by, kfrags, storedAt: Date.now() };
    }
    const {
      grantId: _id,
      kfrags: heldKfrags,
      storedAt: _at,
      verifyingKey: _by,
      ...heldTerms
    } = held;
    if (JSON.stringify(heldTerms) !== JSON.stringify(terms)) {
      throw new HttpError(
        409,
        'PROXY_GRANT_EXISTS',
        `grant ${grantId} is held here with other terms`,
      );
    }
    const fresh = kfrags.filter((k) => {
      const same = heldKfrags.find((h) => h.key === k.key);
      if (same && same.kfrag !== k.kfrag) {
        throw new HttpError(
          409,
          'PROXY_GRANT_EXISTS',
          `grant ${grantId} already has another fragment here for key ${k.key.slice(0, 16)}…`,
        );
      }
      return !same;
    });
    added = fresh.length;
    return fresh.length > 0 ? { ...held, kfrags: [...heldKfrags, ...fresh] } : undefined;
  });
  // 201 when fragments were added, 200 when all were already held (a replay)
  if (added === 0) return { json: { grantId, stored: true } };
  deps.metrics.count('medvault_proxy_kfrags_stored_total', added);
  return { status: 201, json: { grantId, stored: true } };
}

/** Refuses unless the registry's current key for `owner` is `signer` (both hex). */
async function requireCurrentKey(deps: ProxyDeps, owner: string, signer: string): Promise<void> {
  let current: boolean;
  try {
    current = await deps.isCurrentKeyOf(hexToBytes(owner), hexToBytes(signer));
  } catch (cause) {
    throw new UpstreamUnavailableError('the chain', cause);
  }
  if (!current) {
    throw new NotAuthorizedError(
      'the patient who registered the grant, or the key the registry rotated it to',
    );
  }
}

/** The delivery matches the grant its patient registered on chain, active. */
async function checkOnChain(
  deps: ProxyDeps,
  grantId: string,
  delivery: z.infer<typeof kfragDeliverySchema>,
): Promise<void> {
  let onChain: OnChainGrant | undefined;
  try {
    onChain = await deps.onChainGrant(hexToBytes(delivery.patient), grantId);
  } catch (cause) {
    throw new UpstreamUnavailableError('the chain', cause);
  }
  if (!onChain) {
    throw new KfragDeliveryError('the patient has registered no grant with this id on chain');
  }
  if (onChain.revoked || onChain.expiresAt <= Date.now()) {
    throw new GrantInactiveError(grantId, 'revoked or expired on chain');
  }
  const commitment = grantCommitment({
    ledgerId: hexToBytes(delivery.ledgerId),
    grantee: hexToBytes(delivery.reader),
    scope: delivery.scope,
    ledgerHost: delivery.ledgerHost,
    salt: hexToBytes(delivery.salt),
  });
  if (
    commitment !== onChain.commitment ||
    Math.floor(delivery.expiresAt / 1000) !== Math.floor(onChain.expiresAt / 1000)
  ) {
    throw new KfragDeliveryError(
      'its ledger, reader, scope, ledger host or expiry differ from the grant registered on chain',
    );
  }
}

/** `DELETE /v1/grants/{id}`: the patient (or the fragment's signer) takes a fragment back. */
export async function forgetGrant(ctx: RequestContext, deps: ProxyDeps) {
  const { grantId } = ctx.params as { grantId: string };
  const signerKey = authenticate(ctx, deps, await ctx.bytes());
  const held = deps.store.get(grantId);
  if (!held) return { status: 204 };
  // only the patient's current key (a retired one could deny the reader service)
  await requireCurrentKey(deps, held.patient, bytesToHex(signerKey.toCompressedBytes()));
  await deps.store.delete(grantId);
  return { status: 204 };
}

/**
 * `POST /v1/reencrypt`: capsule fragments for the grant's reader, for records
 * the patient signed or endorsed, in the patient's verified ledger and the
 * grant's scope, once the access is logged in that ledger. The answer is per
 * record: a record that is missing, out of scope or malformed gets its
 * reason in place of a fragment and never fails the others.
 */
export async function reencryptRecords(ctx: RequestContext, deps: ProxyDeps) {
  const body = await ctx.bytes();
  const readerKey = authenticate(ctx, deps, body);
  const { grantId, cids } = parseBody(reencryptRequestSchema, body);
  const held = deps.store.get(grantId);
  if (!held) throw new GrantUnknownError(grantId);
  if (bytesToHex(readerKey.toCompressedBytes()) !== held.reader) {
    throw new NotAuthorizedError("the grant's reader");
  }
  const { client, index, grant } = await activeGrant(deps, grantId, held);
  const kfrags = new Map(
    held.kfrags.map(({ key, kfrag, verifyingKey }) => [
      key,
      {
        kfrag: KeyFrag.fromBytes(hexToBytes(kfrag)).skipVerification(),
        verifyingKey: verifyingKey ?? held.verifyingKey,
      },
    ]),
  );
  const served: string[] = [];
  const cfrags = cids.map((cid) => {
    const record = index.records.get(cid);
    const refuse = (error: BaseError) => ({
      cid,
      error: { code: error.code, message: error.shortMessage },
    });
    if (!record) {
      return refuse(new OutOfScopeError(cid, 'it is not a record the patient signed or endorsed'));
    }
    if (!recordInScope(grant.scope, record) || !recordInScope(held.scope, record)) {
      return refuse(new OutOfScopeError(cid, 'it is outside the grant’s scope'));
    }
    // the fragment of the record's own key: a grant re-encrypts only the
    // categories and epochs the patient delegated to it
    const key = bytesToHex(record.recipient);
    const fragment = kfrags.get(key);
    if (!fragment) {
      return refuse(
        new OutOfScopeError(
          cid,
          `the grant holds no fragment for its key (category ${record.category}); the patient has not delegated that key to this grant`,
        ),
      );
    }
    try {
      const cfrag = reencrypt(Capsule.fromBytes(record.capsule), fragment.kfrag);
      served.push(cid);
      return { cid, cfrag: bytesToHex(cfrag.toBytes()), key, verifyingKey: fragment.verifyingKey };
    } catch (error) {
      return refuse(
        error instanceof BaseError ? error : new OutOfScopeError(cid, 'its capsule is malformed'),
      );
    }
  });
  // Logged before answering: no access goes unrecorded in the patient's ledger.
  if (served.length > 0) {
    try {
      await deps.accessLog.record(client, held.ledgerId, grantId, served);
    } catch (cause) {
      // the host refused the entry by the ledger's own rule (its code, or the error itself)
      if (walkCauses(cause, (e) => (e as BaseError)?.code === AccessOutsideGrantError.code)) {
        throw new GrantInactiveError(grantId, 'the ledger refuses the access entry');
      }
      throw new UpstreamUnavailableError('the ledger host, to log the access', cause);
    }
  }
  deps.metrics.count('medvault_proxy_reencryptions_total', served.length);
  return { json: { cfrags } };
}

/** The grant, active on chain and in the patient's verified ledger, for the reader held. */
async function activeGrant(deps: ProxyDeps, grantId: string, held: StoredGrant) {
  let active: boolean;
  try {
    active = await deps.grantStatus.isActive(grantId);
  } catch (cause) {
    throw new UpstreamUnavailableError('the chain', cause);
  }
  if (!active) throw new GrantInactiveError(grantId, 'revoked, expired or unknown on chain');
  const { client, index } = await deps.views
    .refresh(held.ledgerHost, held.ledgerId)
    .catch((cause: unknown) => {
      throw new UpstreamUnavailableError(
        "a ledger host serving the patient's verified ledger",
        cause,
      );
    });
  const grant = index.grants.get(grantId);
  if (!grant || grant.revoked || grant.expiresAt <= Date.now()) {
    throw new GrantInactiveError(grantId, 'revoked, expired or missing in the ledger');
  }
  if (
    bytesToHex(grant.grantee) !== held.reader ||
    bytesToHex(grant.salt) !== held.salt ||
    grant.ledgerHost !== held.ledgerHost
  ) {
    throw new GrantInactiveError(grantId, 'the ledger names another reader, salt or ledger host');
  }
  return { client, index, grant };
}

/**
 * Past its address's rate, answers 429; past `maxInFlight` requests at once,
 * 503 — both before reading the body.
 */
function limited(handler: Handler<ProxyDeps>): Handler<ProxyDeps> {
  return async (ctx, deps) => {
    deps.limiter.takeAddress(clientKey(ctx.req));
    if (deps.load.inFlight >= deps.maxInFlight) throw new ProxyBusyError();
    deps.load.inFlight += 1;
    try {
      return await handler(ctx, deps);
    } finally {
      deps.load.inFlight -= 1;
    }
  };
}

/** The key that signed the request (for this proxy, this path and body), within its rate. */
function authenticate(ctx: RequestContext, deps: ProxyDeps, body: Buffer): PublicKey {
  const key = verifyRequest(
    ctx.req.headers,
    { audience: deps.publicKey, method: ctx.method, path: ctx.url.pathname, body },
    { nonces: deps.nonces, windowMs: deps.windowMs, partition: clientKey(ctx.req) },
  );
  deps.limiter.take(bytesToHex(key.toCompressedBytes()));
  return key;
}

function parseBody<T extends z.ZodType>(schema: T, body: Buffer): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidRequestBodyError('not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidRequestBodyError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}
