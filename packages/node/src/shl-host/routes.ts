/**
 * The SHL host's routes (docs/spec/shl-host-api.md): the public manifest
 * endpoint and file locations that SMART Health Link receivers call (CORS
 * open: viewers are web apps), and the owner API that the link's creator
 * calls with its management token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  manifestRequestSchema,
  manifestUrl,
  SHL_CONTENT_TYPES,
  SHL_LABEL_MAX_LENGTH,
  SHL_PASSCODE_MAX_LENGTH,
} from '@medvault/core/health-links';
import { z } from 'zod';
import {
  BodyTooLargeError,
  clientKey,
  HttpError,
  type RateLimiter,
  type Reply,
  type RequestContext,
  type Route,
} from '../http/index.js';
import type { AccessLogEntry } from './access-log.js';
import type { LinkState, LinkStore, StoredFile, UploadedFile } from './link-store.js';
import type { LocationTokens } from './locations.js';
import { checkPasscode, hashPasscode, type PasscodeHash } from './passcode.js';

/**
 * Limits of an SHL host by default (docs/spec/shl-host-api.md § Limits).
 *
 * @example
 * ```ts
 * await startShlHost({ dataDir, limits: { maxAttempts: 5, locationTtlMs: 10 * 60_000 } });
 * SHL_HOST_LIMITS.maxFileBytes; // 10 MiB
 * ```
 */
export const SHL_HOST_LIMITS = {
  /** Files in one link. */
  maxFiles: 20,
  /** Characters of one file's JWE. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Characters of all of one link's JWEs together (and so of one upload). */
  maxLinkBytes: 32 * 1024 * 1024,
  /** Wrong passcodes a link accepts in its life unless its creator chose another number. */
  maxAttempts: 10,
  /** How long a `location` URL works, ms (the spec: at most an hour). */
  locationTtlMs: 60 * 60 * 1000,
  /** Links created or files replaced per client address per minute. */
  uploadsPerMinute: 30,
  /** Manifest requests per client address per minute. */
  manifestsPerMinute: 60,
  /** File downloads per client address per minute. */
  filesPerMinute: 600,
  /** Owner API reads and revocations per client address per minute. */
  ownerRequestsPerMinute: 120,
};

/**
 * The limits an SHL host runs with.
 *
 * @example
 * ```ts
 * const limits: ShlHostLimits = { ...SHL_HOST_LIMITS, manifestsPerMinute: 600 };
 * ```
 */
export type ShlHostLimits = typeof SHL_HOST_LIMITS;

/**
 * What the SHL host's handlers use (`startShlHost` assembles it).
 *
 * @example
 * ```ts
 * const answer = await manifest(ctx, deps); // deps: ShlHostDeps
 * ```
 */
export type ShlHostDeps = {
  store: LinkStore;
  locations: LocationTokens;
  limits: ShlHostLimits;
  rate: {
    uploads: RateLimiter;
    manifests: RateLimiter;
    files: RateLimiter;
    owner: RateLimiter;
  };
  /** The clock, ms since the epoch. */
  now: () => number;
  /** The base URL manifest and location URLs start with (known once the host listens). */
  publicUrl: string;
  /** The host's access-log key, 33-byte compressed secp256k1 in hex. */
  hostKey: string;
  /** scrypt parameters for new passcodes. */
  scrypt: Omit<PasscodeHash, 'salt' | 'hash'>;
};

/**
 * The state of a link at a time: only `active` links resolve.
 *
 * @example
 * ```ts
 * const status: LinkStatus = statusOf(state, Date.now()); // 'active' | 'expired' | 'revoked' | 'locked'
 * ```
 */
export type LinkStatus = 'active' | 'expired' | 'revoked' | 'locked';

/** Largest manifest request body. */
const MANIFEST_BODY_BYTES = 8 * 1024;
/** Room for an upload's JSON around its JWEs. */
const UPLOAD_OVERHEAD_BYTES = 256 * 1024;

/** Open to any origin: receivers are often web apps, and nothing here uses cookies. */
const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'retry-after',
};

/**
 * The SHL host's route table for `limits`.
 *
 * @example
 * ```ts
 * await startHttpService({ name: 'shl-host', routes: shlHostRoutes(SHL_HOST_LIMITS), deps, codes });
 * ```
 */
export function shlHostRoutes(limits: ShlHostLimits): Route<ShlHostDeps>[] {
  const uploadBytes = limits.maxLinkBytes + UPLOAD_OVERHEAD_BYTES;
  return [
    { method: 'GET', path: '/health', handler: health },
    { method: 'POST', path: '/shl/:id', handler: manifest, maxBodyBytes: MANIFEST_BODY_BYTES },
    { method: 'OPTIONS', path: '/shl/:id', handler: preflight },
    { method: 'GET', path: '/shl/:id/files/:fileId', handler: getFile },
    { method: 'OPTIONS', path: '/shl/:id/files/:fileId', handler: preflight },
    { method: 'POST', path: '/api/links', handler: createLink, maxBodyBytes: uploadBytes },
    { method: 'GET', path: '/api/links/:id', handler: linkInfo },
    { method: 'DELETE', path: '/api/links/:id', handler: revokeLink },
    {
      method: 'PUT',
      path: '/api/links/:id/files',
      handler: replaceFiles,
      maxBodyBytes: uploadBytes,
    },
  ];
}

/**
 * Where a link stands at `nowMs`: revoked, locked (wrong passcodes used
 * up), expired, or active.
 *
 * @example
 * ```ts
 * statusOf(store.get(id), Date.now()); // 'active'
 * ```
 */
export function statusOf(state: LinkState, nowMs: number): LinkStatus {
  const { record } = state;
  if (record.revokedAt) return 'revoked';
  if (record.passcode && state.wrongAttempts >= record.maxAttempts) return 'locked';
  if (record.exp !== undefined && nowMs >= record.exp * 1000) return 'expired';
  return 'active';
}

/**
 * `GET /health`: up, and the key its access logs are signed with.
 *
 * @example
 * ```ts
 * await fetch(`${url}/health`).then((r) => r.json()); // { ok: true, hostKey: '02…' }
 * ```
 */
export function health(_ctx: RequestContext, deps: ShlHostDeps) {
  return { json: { ok: true, hostKey: deps.hostKey } };
}

/**
 * `OPTIONS` on a public route: the CORS preflight of a browser receiver.
 *
 * @example
 * ```ts
 * (await fetch(manifestUrl, { method: 'OPTIONS' })).status; // 204, Access-Control-Allow-Origin: *
 * ```
 */
export function preflight(): Reply {
  return {
    status: 204,
    headers: {
      ...CORS,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    },
  };
}

// ---------------------------------------------------------------- public

/**
 * `POST /shl/{id}`: the SHL manifest request. Unknown, expired, revoked and
 * locked links are one and the same 404; a wrong passcode is a 401 with
 * `remainingAttempts`. Every request to a link this host has is logged.
 *
 * @example
 * ```ts
 * await fetch(manifestUrl, { method: 'POST', body: JSON.stringify({ recipient: 'Dr. Ada', passcode }) });
 * // 200 { files: [{ contentType, lastUpdated, location }], status: 'finalized' }
 * ```
 */
export function manifest(ctx: RequestContext, deps: ShlHostDeps): Promise<Reply> {
  return publicAnswer(async () => {
    deps.rate.manifests.take(clientKey(ctx.req));
    const request = parse(manifestRequestSchema, await ctx.json());
    const id = ctx.params.id as string;
    if (!deps.store.get(id)) throw noLink();
    return deps.store.run(id, async () => {
      const state = deps.store.get(id) as LinkState;
      const { record } = state;
      const now = deps.now();
      const log = (entry: Omit<AccessLogEntry, 'seq' | 'prev' | 'sig' | 'at' | 'recipient'>) =>
        deps.store.appendAccess(id, {
          at: new Date(now).toISOString(),
          recipient: request.recipient,
          ...entry,
        });
      const status = statusOf(state, now);
      if (status !== 'active') {
        await log({ outcome: 'refused', reason: status });
        await deps.store.purgeFiles(id);
        throw noLink();
      }
      if (record.passcode) {
        const remaining = () => record.maxAttempts - state.wrongAttempts;
        if (request.passcode === undefined) {
          await log({ outcome: 'refused', reason: 'no-passcode', remainingAttempts: remaining() });
          throw new HttpError(401, 'SHL_HOST_PASSCODE_REQUIRED', 'this link needs a passcode', {
            extra: { remainingAttempts: remaining() },
          });
        }
        if (!(await checkPasscode(request.passcode, record.passcode))) {
          await log({ outcome: 'wrong-passcode', remainingAttempts: remaining() - 1 });
          if (remaining() === 0) await deps.store.purgeFiles(id);
          throw new HttpError(401, 'SHL_HOST_WRONG_PASSCODE', 'wrong passcode', {
            extra: { remainingAttempts: remaining() },
          });
        }
      }
      const files = [];
      for (const file of record.files) files.push(await manifestFile(deps, id, file, now, request));
      await log({
        outcome: 'served',
        ...(record.passcode ? { remainingAttempts: record.maxAttempts - state.wrongAttempts } : {}),
      });
      return {
        json: { files, status: record.longTerm ? 'can-change' : 'finalized' },
        headers: { 'cache-control': 'no-store' },
      };
    });
  });
}

async function manifestFile(
  deps: ShlHostDeps,
  id: string,
  file: StoredFile,
  now: number,
  request: z.infer<typeof manifestRequestSchema>,
) {
  const common = { contentType: file.contentType, lastUpdated: file.lastUpdated };
  if (request.embeddedLengthMax !== undefined && file.length <= request.embeddedLengthMax) {
    return { ...common, embedded: await deps.store.readFile(id, file.fileId) };
  }
  const token = deps.locations.issue(id, file.fileId, now);
  const location = `${deps.publicUrl}/shl/${id}/files/${file.fileId}?t=${token}`;
  return { ...common, location };
}

/**
 * `GET /shl/{id}/files/{fileId}?t=…`: one file's JWE, while its location URL
 * is fresh and the link active.
 *
 * @example
 * ```ts
 * const jwe = await fetch(manifest.files[0].location).then((r) => r.text()); // application/jose
 * ```
 */
export function getFile(ctx: RequestContext, deps: ShlHostDeps): Promise<Reply> {
  return publicAnswer(async () => {
    deps.rate.files.take(clientKey(ctx.req));
    const id = ctx.params.id as string;
    const fileId = ctx.params.fileId as string;
    const now = deps.now();
    const state = deps.store.get(id);
    const fresh =
      state !== undefined &&
      deps.locations.check(ctx.url.searchParams.get('t') ?? '', id, fileId, now) &&
      statusOf(state, now) === 'active' &&
      state.record.files.some((f) => f.fileId === fileId);
    if (!fresh) throw new HttpError(404, 'SHL_HOST_NOT_FOUND', 'this file location expired');
    let jwe: string;
    try {
      jwe = await deps.store.readFile(id, fileId);
    } catch {
      // replaced or revoked meanwhile
      throw new HttpError(404, 'SHL_HOST_NOT_FOUND', 'this file location expired');
    }
    return {
      body: jwe,
      headers: { 'content-type': 'application/jose', 'cache-control': 'no-store' },
    };
  });
}

// ---------------------------------------------------------------- owner

const UploadedFileSchema = z.object({ contentType: z.enum(SHL_CONTENT_TYPES), jwe: z.string() });

const CreateLink = z.object({
  files: z.array(UploadedFileSchema).min(1),
  passcode: z.string().min(1).max(SHL_PASSCODE_MAX_LENGTH).optional(),
  exp: z.number().int().positive().optional(),
  label: z.string().max(SHL_LABEL_MAX_LENGTH).optional(),
  longTerm: z.boolean().optional(),
  maxAttempts: z.number().int().min(1).max(1000).optional(),
});

const ReplaceFiles = z.object({ files: z.array(UploadedFileSchema).min(1) });

/**
 * `POST /api/links`: a new link holding the creator's encrypted files;
 * answers its management token, once.
 *
 * @example
 * ```ts
 * const body = { files: [{ contentType: 'application/fhir+json', jwe }], passcode: 'tulip-42', exp };
 * await fetch(`${url}/api/links`, { method: 'POST', body: JSON.stringify(body) });
 * // 201 { id, manifestUrl, managementToken, flag: 'P', hostKey }
 * ```
 */
export async function createLink(ctx: RequestContext, deps: ShlHostDeps): Promise<Reply> {
  deps.rate.uploads.take(clientKey(ctx.req));
  const body = parse(CreateLink, await ctx.json());
  checkFiles(body.files, deps.limits);
  const now = deps.now();
  if (body.exp !== undefined && body.exp * 1000 <= now) {
    throw new HttpError(400, 'SHL_HOST_BAD_REQUEST', 'exp is in the past');
  }
  const token = randomBytes(32).toString('base64url');
  const longTerm = body.longTerm ?? false;
  const id = await deps.store.create({
    files: body.files,
    ...(body.passcode === undefined
      ? {}
      : { passcode: await hashPasscode(body.passcode, deps.scrypt) }),
    ...(body.exp === undefined ? {} : { exp: body.exp }),
    ...(body.label === undefined ? {} : { label: body.label }),
    longTerm,
    maxAttempts: body.maxAttempts ?? deps.limits.maxAttempts,
    tokenHash: tokenHash(token),
    created: new Date(now).toISOString(),
  });
  return {
    status: 201,
    json: {
      id,
      manifestUrl: manifestUrlOf(deps, id),
      managementToken: token,
      flag: `${longTerm ? 'L' : ''}${body.passcode === undefined ? '' : 'P'}`,
      hostKey: deps.hostKey,
    },
  };
}

/**
 * `GET /api/links/{id}` (owner): the link's state, attempts left, files and
 * signed access log.
 *
 * @example
 * ```ts
 * const info = await fetch(`${url}/api/links/${id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
 * verifyAccessLog(id, info.log, info.hostKey);
 * ```
 */
export async function linkInfo(ctx: RequestContext, deps: ShlHostDeps): Promise<Reply> {
  const state = authorize(ctx, deps);
  const id = state.record.id;
  const { record } = state;
  return {
    json: {
      id,
      manifestUrl: manifestUrlOf(deps, id),
      status: statusOf(state, deps.now()),
      created: record.created,
      ...(record.exp === undefined ? {} : { exp: record.exp }),
      ...(record.label === undefined ? {} : { label: record.label }),
      longTerm: record.longTerm,
      passcode: record.passcode !== undefined,
      maxAttempts: record.maxAttempts,
      ...(record.passcode
        ? { remainingAttempts: Math.max(0, record.maxAttempts - state.wrongAttempts) }
        : {}),
      ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
      files: publicFiles(record.files),
      hostKey: deps.hostKey,
      log: await deps.store.readLog(id),
    },
    headers: { 'cache-control': 'no-store' },
  };
}

/**
 * `PUT /api/links/{id}/files` (owner): new files for a long-term (`L`) link
 * that is still active, encrypted under the same link key.
 *
 * @example
 * ```ts
 * await fetch(`${url}/api/links/${id}/files`, { method: 'PUT', headers, body: JSON.stringify({ files }) });
 * ```
 */
export async function replaceFiles(ctx: RequestContext, deps: ShlHostDeps): Promise<Reply> {
  const state = authorize(ctx, deps);
  deps.rate.uploads.take(clientKey(ctx.req));
  const body = parse(ReplaceFiles, await ctx.json());
  checkFiles(body.files, deps.limits);
  const id = state.record.id;
  return deps.store.run(id, async () => {
    const now = deps.now();
    const status = statusOf(state, now);
    if (status !== 'active') {
      throw new HttpError(409, 'SHL_HOST_LINK_ENDED', `this link is ${status}; make a new one`);
    }
    if (!state.record.longTerm) {
      throw new HttpError(
        409,
        'SHL_HOST_NOT_LONG_TERM',
        'only a long-term (L) link may change its files',
      );
    }
    const files = await deps.store.replaceFiles(id, body.files, new Date(now).toISOString());
    return { json: { id, files: publicFiles(files) } };
  });
}

/**
 * `DELETE /api/links/{id}` (owner): revokes the link at once and deletes its
 * files; its record and log stay.
 *
 * @example
 * ```ts
 * await fetch(`${url}/api/links/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
 * // 200 { id, status: 'revoked', revokedAt }
 * ```
 */
export async function revokeLink(ctx: RequestContext, deps: ShlHostDeps): Promise<Reply> {
  const state = authorize(ctx, deps);
  const id = state.record.id;
  return deps.store.run(id, async () => {
    await deps.store.revoke(id, new Date(deps.now()).toISOString());
    return { json: { id, status: 'revoked', revokedAt: state.record.revokedAt } };
  });
}

// ---------------------------------------------------------------- helpers

function manifestUrlOf(deps: ShlHostDeps, id: string): string {
  return manifestUrl(`${deps.publicUrl}/shl`, id);
}

function publicFiles(files: StoredFile[]) {
  return files.map(({ contentType, length, lastUpdated }) => ({
    contentType,
    length,
    lastUpdated,
  }));
}

function noLink(): HttpError {
  return new HttpError(404, 'SHL_HOST_NOT_FOUND', 'no active SMART Health Link here');
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The link the bearer token manages; any mismatch is the same 404 as an unknown link. */
function authorize(ctx: RequestContext, deps: ShlHostDeps): LinkState {
  deps.rate.owner.take(clientKey(ctx.req));
  const match = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(ctx.req.headers.authorization ?? '');
  if (!match) {
    throw new HttpError(
      401,
      'SHL_HOST_UNAUTHENTICATED',
      'the owner API needs Authorization: Bearer <management token>',
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  const state = deps.store.get(ctx.params.id as string);
  const given = Buffer.from(tokenHash(match[1] as string), 'hex');
  if (!state || !timingSafeEqual(given, Buffer.from(state.record.tokenHash, 'hex'))) {
    throw new HttpError(404, 'SHL_HOST_NOT_FOUND', 'no link with this id for this token');
  }
  return state;
}

/** `dir` + `A256GCM` compact JWE: header, no encrypted key, IV, ciphertext, tag. */
const COMPACT_DIR_JWE =
  /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)$/;

/** Count and sizes within the limits, and each file a compact JWE the receiver can open with the link's key. */
function checkFiles(files: UploadedFile[], limits: ShlHostLimits): void {
  if (files.length > limits.maxFiles) {
    throw new HttpError(
      413,
      'SHL_HOST_TOO_MANY_FILES',
      `a link holds at most ${limits.maxFiles} files`,
    );
  }
  let total = 0;
  for (const [i, file] of files.entries()) {
    if (file.jwe.length > limits.maxFileBytes) {
      throw new HttpError(
        413,
        'SHL_HOST_FILE_TOO_LARGE',
        `files[${i}] is over ${limits.maxFileBytes} characters`,
      );
    }
    total += file.jwe.length;
    const match = COMPACT_DIR_JWE.exec(file.jwe);
    let header: { alg?: unknown; enc?: unknown } | undefined;
    try {
      header = match ? JSON.parse(Buffer.from(match[1] as string, 'base64url').toString()) : {};
    } catch {
      header = undefined;
    }
    if (header?.alg !== 'dir' || header?.enc !== 'A256GCM') {
      throw new HttpError(
        400,
        'SHL_HOST_BAD_FILE',
        `files[${i}].jwe must be a compact JWE with alg "dir" and enc "A256GCM"`,
      );
    }
  }
  if (total > limits.maxLinkBytes) {
    throw new HttpError(
      413,
      'SHL_HOST_FILE_TOO_LARGE',
      `a link's files are limited to ${limits.maxLinkBytes} characters together`,
    );
  }
}

function parse<T extends z.ZodType>(schema: T, json: unknown): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw new HttpError(400, 'SHL_HOST_BAD_REQUEST', issues);
  }
  return parsed.data;
}

/**
 * Runs a public route's handler and puts the CORS headers on whatever it
 * answers, refusals included (a browser receiver must read the 401's
 * `remainingAttempts` and the 404).
 */
async function publicAnswer(task: () => Promise<Reply>): Promise<Reply> {
  try {
    const reply = await task();
    return { ...reply, headers: { ...CORS, ...reply.headers } } as Reply;
  } catch (error) {
    if (error instanceof HttpError) {
      throw new HttpError(error.status, error.code, error.shortMessage, {
        extra: error.extra,
        headers: { ...error.headers, ...CORS },
      });
    }
    if (error instanceof BodyTooLargeError) {
      throw new HttpError(413, 'SHL_HOST_TOO_LARGE', error.shortMessage, { headers: CORS });
    }
    throw error;
  }
}
