/**
 * A re-encryption proxy (docs/spec/proxy-api.md). It holds one key fragment
 * per grant, delivered encrypted to its key and signed by the patient, and
 * re-encrypts the capsules of records in a grant's scope for the grant's
 * reader — only after checking the reader's signed request, that the grant
 * is active on chain, that each record is in the patient's (verified) ledger
 * and in the grant's scope, and after logging the access in that ledger.
 * It never sees a data key or a record: a fragment alone opens nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BaseError } from '@medvault/core';
import { isGrantActive, watchRegistry } from '@medvault/core/chain';
import { Capsule, KeyFrag, PublicKey, reencrypt, type SecretKey, Signer } from '@medvault/core/pre';
import {
  GrantInactiveError,
  GrantUnknownError,
  InvalidRequestBodyError,
  KfragDeliveryError,
  kfragDeliverySchema,
  NonceCache,
  NotAuthorizedError,
  OutOfScopeError,
  openKfragDelivery,
  ProxyBusyError,
  recordInScope,
  reencryptRequestSchema,
  UpstreamUnavailableError,
  verifyRequest,
} from '@medvault/core/proxy';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { type Address, createPublicClient, http } from 'viem';
import type { z } from 'zod';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.js';
import { AccessLog } from './access-log.js';
import { GrantStatusCache } from './grant-status-cache.js';
import { KfragStore } from './kfrag-store.js';
import { LedgerViews } from './ledger-view.js';
import { ProxyMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';

/** Options of `startProxy`. */
export type ProxyOptions = {
  /** Where key fragments are kept. */
  dataDir: string;
  /** The proxy's secret key: fragments are encrypted to it, access entries signed with it. */
  key: SecretKey;
  /** JSON-RPC URL of the chain holding the registry. */
  rpcUrl: string;
  /** The registry's address. */
  registry: Address;
  host?: string;
  port?: number;
  /** Largest request body (default 256 KiB). */
  maxBodyBytes?: number;
  /** Requests handled at once before answering 503 (default 16: at ≈ 10 ms of CPU each, more would only queue). */
  maxInFlight?: number;
  /** Requests per second per signing key before answering 429 (default 50, burst 100). */
  perKeyPerSecond?: number;
  /** Accepted clock skew of signed requests, ms (default 60 000). */
  windowMs?: number;
  /**
   * How long an on-chain grant status is reused, ms (default 1 000; 0 asks
   * the chain for every request). A revocation takes effect within this.
   */
  chainCacheMs?: number;
  /** How often to poll the registry for revocations, ms (default 1 000; 0 disables). */
  watchIntervalMs?: number;
  /** Where reports go (default: stderr). */
  log?: (line: string) => void;
};

/** A running proxy. */
export type RunningProxy = {
  url: string;
  publicKey: PublicKey;
  close(): Promise<void>;
};

type Route = (req: IncomingMessage, body: Buffer, params: string[]) => Promise<[number, unknown]>;

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

/** Starts a proxy on 127.0.0.1 (or `host`); resolves once it listens. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = await KfragStore.open(options.dataDir);
  const signer = new Signer(options.key);
  const publicKey = options.key.publicKey();
  const proxyKeyHex = bytesToHex(signer.verifyingKey().toCompressedBytes());
  const chain = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) });
  const nonces = new NonceCache();
  const limiter = new RateLimiter(
    options.perKeyPerSecond ?? 50,
    2 * (options.perKeyPerSecond ?? 50),
  );
  const metrics = new ProxyMetrics();
  const maxBody = options.maxBodyBytes ?? 256 * 1024;
  const maxInFlight = options.maxInFlight ?? 16;
  const windowMs = options.windowMs ?? 60_000;
  const views = new LedgerViews();
  const accessLog = new AccessLog(signer);
  const grantStatus = new GrantStatusCache(
    (grantId) => isGrantActive(chain, { registry: options.registry, grantId: hexToBytes(grantId) }),
    options.chainCacheMs ?? 1_000,
  );
  let inFlight = 0;

  const authenticate = (req: IncomingMessage, body: Buffer, path: string) => {
    const key = verifyRequest(
      req.headers,
      { audience: publicKey, method: req.method ?? '', path, body },
      { nonces, windowMs },
    );
    limiter.take(bytesToHex(key.toCompressedBytes()));
    return key;
  };

  const deliver: Route = async (req, body, [grantId]) => {
    const signerKey = authenticate(req, body, `/v1/grants/${grantId}/kfrag`);
    const delivery = parseBody(kfragDeliverySchema, body);
    if (!signerKey.equals(PublicKey.fromCompressedBytes(hexToBytes(delivery.verifyingKey)))) {
      throw new NotAuthorizedError("the key that signed the fragment (the body's verifyingKey)");
    }
    const kfrag = openKfragDelivery(options.key, delivery.kfrag);
    let verified: ReturnType<KeyFrag['verify']>;
    try {
      verified = kfrag.verify(
        signerKey,
        PublicKey.fromCompressedBytes(hexToBytes(delivery.patient)),
        PublicKey.fromCompressedBytes(hexToBytes(delivery.reader)),
      );
    } catch (cause) {
      throw new KfragDeliveryError(
        'it does not verify against the patient, the reader and the signing key',
        cause,
      );
    }
    const kfragHex = bytesToHex(verified.toBytes());
    const held = store.get(grantId as string);
    if (held) {
      if (held.kfrag === kfragHex) return [200, { grantId, stored: true }];
      return [
        409,
        {
          error: {
            code: 'PROXY_GRANT_EXISTS',
            message: `grant ${grantId} already has another fragment here`,
          },
        },
      ];
    }
    await store.put({
      grantId: grantId as string,
      ledgerId: delivery.ledgerId,
      ledgerHost: delivery.ledgerHost,
      patient: delivery.patient,
      verifyingKey: delivery.verifyingKey,
      reader: delivery.reader,
      kfrag: kfragHex,
      storedAt: Date.now(),
    });
    metrics.count('medvault_proxy_kfrags_stored_total');
    return [201, { grantId, stored: true }];
  };

  const forget: Route = async (req, body, [grantId]) => {
    const signerKey = authenticate(req, body, `/v1/grants/${grantId}`);
    const held = store.get(grantId as string);
    if (!held) return [204, undefined];
    const allowed = [held.verifyingKey, held.patient];
    if (!allowed.includes(bytesToHex(signerKey.toCompressedBytes()))) {
      throw new NotAuthorizedError('the patient or the key that signed the fragment');
    }
    await store.delete(grantId as string);
    return [204, undefined];
  };

  const reencryptRoute: Route = async (req, body) => {
    const readerKey = authenticate(req, body, '/v1/reencrypt');
    const request = parseBody(reencryptRequestSchema, body);
    const held = store.get(request.grantId);
    if (!held) throw new GrantUnknownError(request.grantId);
    if (bytesToHex(readerKey.toCompressedBytes()) !== held.reader) {
      throw new NotAuthorizedError("the grant's reader");
    }
    let active: boolean;
    try {
      active = await grantStatus.isActive(request.grantId);
    } catch (cause) {
      throw new UpstreamUnavailableError('the chain', cause);
    }
    if (!active)
      throw new GrantInactiveError(request.grantId, 'revoked, expired or unknown on chain');
    const { client, index } = await views
      .refresh(held.ledgerHost, held.ledgerId)
      .catch((cause: unknown) => {
        throw new UpstreamUnavailableError(
          "a ledger host serving the patient's verified ledger",
          cause,
        );
      });
    const grant = index.grants.get(request.grantId);
    if (!grant || grant.revoked || grant.expiresAt <= Date.now()) {
      throw new GrantInactiveError(request.grantId, 'revoked, expired or missing in the ledger');
    }
    if (bytesToHex(grant.grantee) !== held.reader) {
      throw new GrantInactiveError(request.grantId, 'the ledger names another reader');
    }
    const kfrag = KeyFrag.fromBytes(hexToBytes(held.kfrag)).skipVerification();
    const cfrags = request.cids.map((cid) => {
      const record = index.records.get(cid);
      if (!record) throw new OutOfScopeError(cid, "it is not in the patient's ledger");
      if (!recordInScope(grant.scope, record))
        throw new OutOfScopeError(cid, 'it is outside the grant’s scope');
      return {
        cid,
        cfrag: bytesToHex(reencrypt(Capsule.fromBytes(record.capsule), kfrag).toBytes()),
      };
    });
    // Logged before answering: no access goes unrecorded in the patient's ledger.
    try {
      await accessLog.record(client, held.ledgerId, request.grantId, request.cids);
    } catch (cause) {
      if (cause instanceof BaseError && cause.code.startsWith('LEDGER_ACCESS')) {
        throw new GrantInactiveError(request.grantId, 'the ledger refuses the access entry');
      }
      throw new UpstreamUnavailableError('the ledger host, to log the access', cause);
    }
    metrics.count('medvault_proxy_reencryptions_total', cfrags.length);
    return [200, { cfrags }];
  };

  const routes: [string, RegExp, Route][] = [
    ['PUT', /^\/v1\/grants\/([0-9a-f]{64})\/kfrag$/, deliver],
    ['DELETE', /^\/v1\/grants\/([0-9a-f]{64})$/, forget],
    ['POST', /^\/v1\/reencrypt$/, reencryptRoute],
  ];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (req.method === 'GET' && path === '/v1/health') {
      return sendJson(res, 200, { status: 'ok', publicKey: proxyKeyHex, grants: store.size });
    }
    if (req.method === 'GET' && path === '/metrics') {
      const text = metrics.render({
        medvault_proxy_grants: store.size,
        medvault_proxy_in_flight: inFlight,
      });
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(text);
    }
    const match = routes
      .map(([method, pattern, route]) => ({ method, route, m: pattern.exec(path) }))
      .find((r) => r.m);
    if (!match?.m)
      return sendJson(res, 404, {
        error: { code: 'PROXY_NOT_FOUND', message: `no route ${path}` },
      });
    if (match.method !== req.method) {
      return sendJson(
        res,
        405,
        { error: { code: 'PROXY_METHOD', message: `use ${match.method}` } },
        { allow: match.method },
      );
    }
    if (inFlight >= maxInFlight) throw new ProxyBusyError();
    inFlight += 1;
    try {
      const body = await readBody(req, maxBody);
      const [status, answer] = await match.route(req, body, match.m.slice(1));
      if (answer === undefined) {
        res.writeHead(status);
        res.end();
      } else sendJson(res, status, answer);
    } finally {
      inFlight -= 1;
    }
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res)
      .catch((error: unknown) => {
        const [status, code, message, headers] = describeError(error);
        if (status >= 500 && !(error instanceof BaseError))
          log(`proxy: ${String((error as Error)?.stack ?? error)}`);
        if (!res.headersSent) sendJson(res, status, { error: { code, message } }, headers);
        else res.destroy();
      })
      .finally(() => {
        metrics.observe(req.method ?? '', res.statusCode, performance.now() - started);
      });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });

  const stopWatching =
    options.watchIntervalMs === 0
      ? () => {}
      : watchRegistry(chain, {
          registry: options.registry,
          pollingInterval: options.watchIntervalMs ?? 1_000,
          onGrantRevoked: (logs) => {
            for (const entry of logs) {
              const grantId = (entry as { args?: { grantId?: string } }).args?.grantId;
              if (!grantId) continue;
              const id = grantId.replace(/^0x/, '').toLowerCase();
              grantStatus.forget(id);
              void store.delete(id);
            }
          },
          onError: (error) => log(`proxy: watching the registry: ${error.message}`),
        });

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    publicKey,
    async close() {
      stopWatching();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeError(error: unknown): [number, string, string, Record<string, string>] {
  if (error instanceof BodyTooLargeError) return [413, 'PROXY_BODY_TOO_LARGE', error.message, {}];
  if (error instanceof BaseError) {
    const status = (error as { status?: number }).status ?? 400;
    const headers: Record<string, string> =
      status === 429 || status === 503 ? { 'retry-after': '1' } : {};
    return [status, error.code, error.shortMessage, headers];
  }
  return [500, 'PROXY_INTERNAL', 'internal error', {}];
}
