/**
 * The options of `startProviderPortal`, their defaults, and the one check
 * that turns a bad option into a `ProviderOptionsError` naming it.
 * @module
 */
import type { ProviderClient } from './authorization-server.js';
import { ProviderOptionsError } from './errors.js';
import { HUGE_ATTACHMENT_BYTES } from './huge-attachment.js';

/**
 * Options of `startProviderPortal`.
 *
 * @example
 * ```ts
 * const options: ProviderPortalOptions = {
 *   port: 0,
 *   clients: [{ client_id: 'test-app', redirect_uris: ['http://127.0.0.1/callback'] }],
 *   accessTokenTtlSeconds: 2,
 * };
 * ```
 */
export type ProviderPortalOptions = {
  /** 0 (the default): a free port. */
  port?: number;
  /** The address to listen on (default 127.0.0.1); the issuer and every URL use it. */
  host?: string;
  /** The registered public clients (default: `DEFAULT_PROVIDER_CLIENTS`). */
  clients?: ProviderClient[];
  /** Lets clients register themselves (RFC 7591, open); off by default. */
  dynamicRegistration?: boolean;
  /** How long an access token lasts (default 3600). */
  accessTokenTtlSeconds?: number;
  /** How long a refresh token (and its grant) lasts (default 30 days). */
  refreshTokenTtlSeconds?: number;
  /** How many sample patients, one per story (1–5, default 5). */
  patients?: number;
  /** The samples' seed (default 1: helen, aisha, rosa, olivia, mei). */
  seed?: number;
  /** Every patient account's password, at least 12 characters (default `medvault-patient`). */
  password?: string;
  /**
   * Adds a document to the first patient whose attachment is a file of this
   * many bytes (`true`: 24 MiB), streamed, for testing size limits.
   */
  hugeAttachment?: boolean | { bytes: number };
  /** Where internal errors are logged (default: stderr). Never given a password or a token. */
  log?: (line: string) => void;
};

/**
 * The clients registered unless `clients` says otherwise: the MedVault
 * wallet (the extension's redirect URI under any extension id, in Chromium
 * and Firefox) and the CLI (a loopback redirect on any port).
 *
 * @example
 * ```ts
 * DEFAULT_PROVIDER_CLIENTS.map((c) => c.client_id); // ['medvault-wallet', 'medvault-cli']
 * ```
 */
export const DEFAULT_PROVIDER_CLIENTS: readonly ProviderClient[] = [
  {
    client_id: 'medvault-wallet',
    client_name: 'MedVault wallet',
    redirect_uris: [
      'https://*.chromiumapp.org/provider',
      'https://*.extensions.allizom.org/provider',
    ],
  },
  {
    client_id: 'medvault-cli',
    client_name: 'MedVault command line',
    redirect_uris: ['http://127.0.0.1/callback'],
    application_type: 'native',
  },
];

/**
 * The password of every patient account unless `password` says otherwise
 * (synthetic patients; `npm start` prints it).
 *
 * @example
 * ```ts
 * await signIn('helen', DEFAULT_PATIENT_PASSWORD);
 * ```
 */
export const DEFAULT_PATIENT_PASSWORD = 'medvault-patient';

/**
 * The options with every default filled in.
 *
 * @example
 * ```ts
 * const { port, clients, hugeAttachmentBytes }: ResolvedOptions = resolveOptions(options);
 * ```
 */
export type ResolvedOptions = Required<Omit<ProviderPortalOptions, 'hugeAttachment' | 'log'>> & {
  hugeAttachmentBytes: number | undefined;
  log: ((line: string) => void) | undefined;
};

const wholeIn = (value: unknown, min: number, max: number) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

function check(ok: boolean, message: string, got: unknown): void {
  if (!ok) throw new ProviderOptionsError(message, `got ${JSON.stringify(got)}`);
}

function checkClient(client: ProviderClient, i: number): void {
  const at = `clients[${i}]`;
  check(
    typeof client?.client_id === 'string' && /^[\x21-\x7e]{1,128}$/.test(client.client_id),
    `${at}.client_id must be 1–128 printable ASCII characters.`,
    client?.client_id,
  );
  check(
    Array.isArray(client.redirect_uris) && client.redirect_uris.length > 0,
    `${at}.redirect_uris must list at least one URI.`,
    client.redirect_uris,
  );
  for (const uri of client.redirect_uris) {
    const url = typeof uri === 'string' && URL.canParse(uri) ? new URL(uri) : undefined;
    check(
      url !== undefined && url.hash === '' && !uri.includes('#'),
      `${at}.redirect_uris must be absolute URIs without a fragment.`,
      uri,
    );
  }
  check(
    client.application_type === undefined || ['web', 'native'].includes(client.application_type),
    `${at}.application_type must be web or native.`,
    client.application_type,
  );
}

/**
 * Checks the options and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveOptions({ patients: 2 }).accessTokenTtlSeconds; // 3600
 * resolveOptions({ patients: 9 }); // throws ProviderOptionsError
 * ```
 */
export function resolveOptions(options: ProviderPortalOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    clients: options.clients ?? DEFAULT_PROVIDER_CLIENTS.map((c) => structuredClone(c)),
    dynamicRegistration: options.dynamicRegistration ?? false,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 24 * 60 * 60,
    patients: options.patients ?? 5,
    seed: options.seed ?? 1,
    password: options.password ?? DEFAULT_PATIENT_PASSWORD,
    hugeAttachmentBytes:
      options.hugeAttachment === true
        ? HUGE_ATTACHMENT_BYTES
        : options.hugeAttachment
          ? options.hugeAttachment.bytes
          : undefined,
    log: options.log,
  };
  check(wholeIn(resolved.port, 0, 65_535), 'port must be a port number (0–65535).', resolved.port);
  check(
    typeof resolved.host === 'string' && resolved.host.length > 0,
    'host must be an address.',
    resolved.host,
  );
  check(
    Array.isArray(resolved.clients) && resolved.clients.length > 0,
    'clients must list at least one client.',
    resolved.clients,
  );
  resolved.clients.forEach(checkClient);
  const ids = resolved.clients.map((c) => c.client_id);
  check(new Set(ids).size === ids.length, 'clients must have distinct client_id values.', ids);
  check(
    typeof resolved.dynamicRegistration === 'boolean',
    'dynamicRegistration must be true or false.',
    resolved.dynamicRegistration,
  );
  check(
    wholeIn(resolved.accessTokenTtlSeconds, 1, 7 * 24 * 3600),
    'accessTokenTtlSeconds must be a whole number of seconds from 1 to a week.',
    resolved.accessTokenTtlSeconds,
  );
  check(
    wholeIn(resolved.refreshTokenTtlSeconds, 60, 366 * 24 * 3600),
    'refreshTokenTtlSeconds must be a whole number of seconds from 60 to a year.',
    resolved.refreshTokenTtlSeconds,
  );
  check(
    wholeIn(resolved.patients, 1, 5),
    'patients must be a whole number from 1 to 5.',
    resolved.patients,
  );
  check(wholeIn(resolved.seed, -(2 ** 31), 2 ** 32), 'seed must be a whole number.', resolved.seed);
  check(
    typeof resolved.password === 'string' &&
      resolved.password.length >= 12 &&
      resolved.password.length <= 1024,
    'password must be 12–1024 characters.',
    typeof resolved.password === 'string'
      ? `${resolved.password.length} characters`
      : resolved.password,
  );
  check(
    resolved.hugeAttachmentBytes === undefined ||
      wholeIn(resolved.hugeAttachmentBytes, 1024, 2 ** 40),
    'hugeAttachment.bytes must be a whole number of bytes, at least 1024.',
    resolved.hugeAttachmentBytes,
  );
  return resolved;
}
