/**
 * The SHL host: the server part of a SMART Health Links sharing
 * application (https://docs.smarthealthit.org/smart-health-links/spec/,
 * docs/spec/shl-host-api.md). It holds only ciphertext — compact JWE strings
 * the link's creator encrypted with a key that lives in the link and never
 * reaches the host — plus, per link, a slow hash of its passcode, a hash of
 * its management token, and a signed log of every manifest request.
 *
 * - `POST /shl/{id}` (public, CORS): the manifest, while the link is active
 *   and the passcode right; `location` URLs work for an hour.
 * - `GET /shl/{id}/files/{fileId}?t=…` (public, CORS): one file's JWE.
 * - `POST /api/links`, `GET|DELETE /api/links/{id}`, `PUT /api/links/{id}/files`:
 *   the owner API, with `Authorization: Bearer <management token>`.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestUrl, newLinkId } from '@medvault/core/health-links';
import { SecretKey, Signer } from '@medvault/core/pre';
import { bytesToHex } from '@noble/hashes/utils.js';
import { readKeyFile } from '../cli/key-file.js';
import { RateLimiter, startHttpService } from '../http/index.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { LinkStore } from './link-store.js';
import { LocationTokens } from './locations.js';
import { PASSCODE_SCRYPT, type PasscodeHash } from './passcode.js';
import {
  SHL_HOST_LIMITS,
  type ShlHostDeps,
  type ShlHostLimits,
  shlHostRoutes,
  statusOf,
} from './routes.js';

export { SHL_HOST_LIMITS, type ShlHostLimits };

/**
 * Options of `startShlHost`.
 *
 * @example
 * ```ts
 * const options: ShlHostOptions = { dataDir: '/var/lib/medvault-shl', port: 8791, publicUrl: 'https://shl.example.org' };
 * ```
 */
export type ShlHostOptions = {
  /** Links, their files and logs, and the host's log key (`host.key`). */
  dataDir: string;
  /** 0 (the default): a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * The base URL receivers reach this host by, which manifest and location
   * URLs start with (default: the URL it listens on). Keep it short: a
   * manifest URL (`{publicUrl}/shl/{43 characters}`) may have at most 128.
   */
  publicUrl?: string;
  /** The clock, ms since the epoch (default `Date.now`): expiry, location URLs, log times. */
  now?: () => number;
  /** Limits other than the defaults (`SHL_HOST_LIMITS`). */
  limits?: Partial<ShlHostLimits>;
  /** scrypt parameters for new passcodes (default N = 2^15, r = 8, p = 1). */
  passcodeScrypt?: Omit<PasscodeHash, 'salt' | 'hash'>;
  /** Where reports go (default: stderr). */
  log?: (line: string) => void;
};

/**
 * A running SHL host.
 *
 * @example
 * ```ts
 * const shl: RunningShlHost = await startShlHost({ dataDir });
 * console.log(shl.url, shl.hostKey);
 * await shl.close();
 * ```
 */
export type RunningShlHost = {
  url: string;
  /** The key its access logs are signed with, 33-byte compressed secp256k1 in hex. */
  hostKey: string;
  close(): Promise<void>;
};

/** How often the files of links that ended (expired, mostly) are deleted. */
const SWEEP_MS = 10 * 60 * 1000;

/**
 * Starts an SHL host; resolves once it listens.
 *
 * @example
 * ```ts
 * const shl = await startShlHost({ dataDir: '.medvault/shl', port: 8791 });
 * const created = await fetch(`${shl.url}/api/links`, {
 *   method: 'POST',
 *   body: JSON.stringify({ files: [{ contentType: 'application/fhir+json', jwe }], passcode: '1234' }),
 * }).then((r) => r.json()); // { id, manifestUrl, managementToken, flag: 'P', hostKey }
 * await shl.close();
 * ```
 */
export async function startShlHost(options: ShlHostOptions): Promise<RunningShlHost> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // a manifest URL has at most 128 characters: refuse a public URL too long for one
  if (options.publicUrl !== undefined) manifestUrlOn(options.publicUrl, newLinkId());
  const limits: ShlHostLimits = { ...SHL_HOST_LIMITS, ...definedOnly(options.limits ?? {}) };
  const now = options.now ?? Date.now;
  const signer = new Signer(await hostKey(options.dataDir));
  const store = await LinkStore.open(options.dataDir, signer, log);
  const deps: ShlHostDeps = {
    store,
    locations: new LocationTokens({ ttlMs: limits.locationTtlMs }),
    limits,
    rate: {
      uploads: new RateLimiter({ rate: limits.uploadsPerMinute, what: 'uploads' }),
      manifests: new RateLimiter({ rate: limits.manifestsPerMinute, what: 'manifest requests' }),
      files: new RateLimiter({ rate: limits.filesPerMinute, what: 'file downloads' }),
      owner: new RateLimiter({ rate: limits.ownerRequestsPerMinute, what: 'owner requests' }),
    },
    now,
    publicUrl: '',
    hostKey: bytesToHex(signer.verifyingKey().toCompressedBytes()),
    scrypt: options.passcodeScrypt ?? PASSCODE_SCRYPT,
  };
  const sweep = async () => {
    for (const id of store.ids()) {
      const state = store.get(id);
      if (state && !state.purged && statusOf(state, now()) !== 'active') {
        await store
          .run(id, () => store.purgeFiles(id))
          .catch((error: unknown) => {
            log(`shl-host: could not delete the files of an ended link: ${String(error)}`);
          });
      }
    }
  };
  await sweep();
  const service = await startHttpService({
    name: 'shl-host',
    routes: shlHostRoutes(limits),
    deps,
    codes: {
      notFound: 'SHL_HOST_NOT_FOUND',
      method: 'SHL_HOST_METHOD',
      tooLarge: 'SHL_HOST_TOO_LARGE',
      badJson: 'SHL_HOST_BAD_JSON',
      internal: 'SHL_HOST_INTERNAL',
    },
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    timeouts: { requestMs: 120_000 },
    log,
  });
  deps.publicUrl = (options.publicUrl ?? service.url).replace(/\/+$/, '');
  const timer = setInterval(() => void sweep(), SWEEP_MS);
  timer.unref();
  return {
    url: service.url,
    hostKey: deps.hostKey,
    close: async () => {
      clearInterval(timer);
      await service.close();
      await store.idle();
    },
  };
}

/** The host's access-log key, `<dataDir>/host.key` (a `medvault keygen` key file), made on first start. */
async function hostKey(dataDir: string): Promise<SecretKey> {
  const path = join(dataDir, 'host.key');
  const exists = await stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  if (exists) return readKeyFile(path);
  const key = SecretKey.random();
  await mkdir(join(dataDir, 'tmp'), { recursive: true });
  const text = new TextEncoder().encode(`${bytesToHex(key.toBEBytes())}\n`);
  await writeFileAtomic(path, text, join(dataDir, 'tmp'));
  return key;
}

/**
 * The manifest URL of link `id` on a host reached at `publicUrl`:
 * `{publicUrl}/shl/{id}`, at most 128 characters (else `ShlUrlTooLongError`).
 *
 * @example
 * ```ts
 * manifestUrlOn('https://shl.example.org', id); // 'https://shl.example.org/shl/I91rhba3…'
 * ```
 */
export function manifestUrlOn(publicUrl: string, id: string): string {
  return manifestUrl(`${publicUrl.replace(/\/+$/, '')}/shl`, id);
}

/** The limits among `limits` that are set. */
function definedOnly(limits: Partial<ShlHostLimits>): Partial<ShlHostLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}
