/**
 * The SMART Health Link payload and its `shlink:/` text
 * (docs/spec/health-links.md § Payload): making links (strict: only what the
 * specification allows a sharer to write) and reading them (what it requires
 * a receiver to accept: unknown properties and flags are ignored).
 */
import { z } from 'zod';
import { base64urlDecode, base64urlEncode, isBase64url32, random32 } from './encoding.js';
import {
  ShlExpiredError,
  ShlInvalidFlagError,
  ShlInvalidKeyError,
  ShlInvalidLinkIdError,
  ShlInvalidUrlError,
  ShlLabelTooLongError,
  ShlLowEntropyUrlError,
  ShlMalformedLinkError,
  ShlUnknownFlagError,
  ShlUnsupportedVersionError,
  ShlUrlTooLongError,
} from './errors.js';

/**
 * The longest manifest `url` a link may carry, in characters.
 *
 * @example
 * ```ts
 * if (url.length > SHL_URL_MAX_LENGTH) shortenHostBase();
 * ```
 */
export const SHL_URL_MAX_LENGTH = 128;
/**
 * The longest `label` a link may carry, in characters (UTF-16 code units).
 *
 * @example
 * ```ts
 * input.maxLength = SHL_LABEL_MAX_LENGTH; // the label field of a share form
 * ```
 */
export const SHL_LABEL_MAX_LENGTH = 80;
/**
 * The longest link text `decodeLink` reads (viewer prefix included), in characters.
 *
 * @example
 * ```ts
 * if (scanned.length <= SHL_LINK_MAX_LENGTH) decodeLink(scanned);
 * ```
 */
export const SHL_LINK_MAX_LENGTH = 16_384;
/**
 * The flags of version 1: `L` long-term, `P` passcode, `U` direct file (never with `P`).
 *
 * @example
 * ```ts
 * SHL_FLAGS.filter((f) => hasFlag(payload, f)); // e.g. ['L', 'P']
 * ```
 */
export const SHL_FLAGS = ['L', 'P', 'U'] as const;
/**
 * One flag of version 1.
 *
 * @example
 * ```ts
 * const flag: ShlFlag = 'P';
 * ```
 */
export type ShlFlag = (typeof SHL_FLAGS)[number];

const PREFIX = 'shlink:/';

/**
 * A SMART Health Link payload: the JSON object a `shlink:/` link encodes.
 *
 * @example
 * ```ts
 * const payload: ShlPayload = {
 *   url: manifestUrl('https://shl.example.org/m', newLinkId()),
 *   key: newLinkKey(),
 *   exp: Math.floor(Date.now() / 1000) + 86_400,
 *   flag: 'P',
 *   label: 'Allergies and medications',
 * };
 * ```
 */
export type ShlPayload = {
  /** The manifest URL (at most 128 characters, with 256 bits of entropy). */
  url: string;
  /** The file key: 43 base64url characters, 32 bytes. */
  key: string;
  /** Expiry, seconds since the epoch (a hint: the host enforces it). */
  exp?: number;
  /** Single-letter flags in alphabetical order (`L`, `P`, `U`). */
  flag?: string;
  /** A description for the receiver, at most 80 characters. */
  label?: string;
  /** Protocol version; absent means 1. */
  v?: number;
};

/**
 * Whether `text` parses as an absolute http: or https: URL.
 *
 * @example
 * ```ts
 * isHttpUrl('https://shl.example.org/m/abc'); // true
 * isHttpUrl('ftp://x'); // false
 * ```
 */
export function isHttpUrl(text: string): boolean {
  return parseHttpUrl(text) !== undefined;
}

/**
 * `text` as an absolute http(s) URL, or undefined.
 *
 * @example
 * ```ts
 * parseHttpUrl('https://a.example/x')?.origin; // 'https://a.example'
 * ```
 */
export function parseHttpUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
}

/** Whether `flag` is distinct upper-case letters in alphabetical order, without both U and P. */
function flagProblem(flag: string): string | undefined {
  if (!/^[A-Z]*$/.test(flag)) return 'expected single upper-case letters such as "LP"';
  for (let i = 1; i < flag.length; i++) {
    if (flag[i - 1]! >= flag[i]!) return 'expected each letter once, in alphabetical order';
  }
  if (flag.includes('U') && flag.includes('P')) {
    return 'U (direct file) cannot be combined with P (passcode)';
  }
  return undefined;
}

/**
 * The payload as a receiver accepts it (zod): what `decodeLink` checks,
 * minus expiry. Unknown properties are dropped, unknown flag letters kept.
 * For hosts and tools that validate payloads themselves.
 *
 * @example
 * ```ts
 * const result = shlPayloadSchema.safeParse(JSON.parse(json));
 * if (result.success) use(result.data.url);
 * ```
 */
export const shlPayloadSchema = z.object({
  url: z
    .string()
    .max(SHL_URL_MAX_LENGTH)
    .refine(isHttpUrl, { message: 'expected an absolute http(s) URL' }),
  key: z.string().refine(isBase64url32, { message: 'expected 43 base64url characters (32 bytes)' }),
  exp: z.number().positive().optional(),
  flag: z
    .string()
    .refine((f) => flagProblem(f) === undefined, { message: 'invalid flag' })
    .optional(),
  label: z.string().max(SHL_LABEL_MAX_LENGTH).optional(),
  v: z.number().int().positive().optional(),
});

/** A short, safe description of a value for error messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

/**
 * `key` if it is a canonical 43-character base64url link key, else `ShlInvalidKeyError`.
 *
 * @example
 * ```ts
 * checkKey(payload.key); // the key, or throws ShlInvalidKeyError
 * ```
 */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string') throw new ShlInvalidKeyError(`got ${describe(key)}`);
  if (key.length !== 43) throw new ShlInvalidKeyError(`got ${key.length} characters`);
  if (!isBase64url32(key)) {
    throw new ShlInvalidKeyError(
      /^[A-Za-z0-9_-]*$/.test(key)
        ? 'its last character sets bits beyond the 32 bytes (not canonical base64url)'
        : 'it has characters outside the base64url alphabet',
    );
  }
  return key;
}

function checkLabel(label: unknown): string {
  if (typeof label !== 'string') {
    throw new ShlMalformedLinkError(`label: expected a string, got ${describe(label)}`);
  }
  if (label.length > SHL_LABEL_MAX_LENGTH) throw new ShlLabelTooLongError(label.length);
  return label;
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string') {
    throw new ShlInvalidUrlError('url', `expected a string, got ${describe(url)}`);
  }
  if (url.length > SHL_URL_MAX_LENGTH) throw new ShlUrlTooLongError(url.length);
  if (!isHttpUrl(url)) {
    throw new ShlInvalidUrlError('url', `expected an absolute http(s) URL, got ${describe(url)}`);
  }
  return url;
}

function checkFlag(flag: unknown): string {
  if (typeof flag !== 'string') throw new ShlInvalidFlagError(describe(flag), 'expected a string');
  const problem = flagProblem(flag);
  if (problem) throw new ShlInvalidFlagError(flag, problem);
  return flag;
}

/**
 * Checks a decoded payload object as a receiver must (unknown properties
 * and flags ignored), throwing the typed error of the first field at fault.
 */
function checkReceived(raw: unknown): ShlPayload {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShlMalformedLinkError(`the payload is ${describe(raw)}, expected a JSON object`);
  }
  const o = raw as Record<string, unknown>;
  const payload: ShlPayload = { url: checkUrl(o.url), key: checkKey(o.key) };
  if (o.exp !== undefined) {
    if (typeof o.exp !== 'number' || !(o.exp > 0) || !Number.isFinite(o.exp)) {
      throw new ShlMalformedLinkError(
        `exp: expected a positive number of seconds since the epoch, got ${describe(o.exp)}`,
      );
    }
    payload.exp = o.exp;
  }
  if (o.flag !== undefined) payload.flag = checkFlag(o.flag);
  if (o.label !== undefined) payload.label = checkLabel(o.label);
  if (o.v !== undefined) {
    if (typeof o.v !== 'number' || !Number.isSafeInteger(o.v) || o.v < 1) {
      throw new ShlMalformedLinkError(`v: expected a positive integer, got ${describe(o.v)}`);
    }
    payload.v = o.v;
  }
  return payload;
}

/** Whether the path or query of `url` holds a random-looking token of ≥ 256 bits. */
function hasRandomToken(url: URL): boolean {
  for (const run of `${url.pathname}${url.search}`.match(/[A-Za-z0-9_-]+/g) ?? []) {
    const hex = /^[0-9a-fA-F]+$/.test(run);
    const long = hex ? run.length >= 64 : run.length >= 43;
    if (long && new Set(run).size >= (hex ? 8 : 16)) return true;
  }
  return false;
}

/**
 * Options of `encodeLink`.
 *
 * @example
 * ```ts
 * encodeLink(payload, { viewer: 'https://viewer.example.org/' } satisfies EncodeLinkOptions);
 * ```
 */
export type EncodeLinkOptions = {
  /** A viewer page to put before the link (`https://viewer.example.org/` → `…/#shlink:/…`). */
  viewer?: string;
};

/**
 * The `shlink:/` text of a payload, optionally behind a viewer URL. Checks
 * everything the specification asks of a sharer: `url` at most 128
 * characters with a random token of 256 bits (see `manifestUrl`), `key` 32
 * bytes, `exp` whole seconds, `flag` only L, P, U in order and never U with
 * P, `label` at most 80 characters, `v` absent or 1. The JSON is minified,
 * its properties in the order url, key, exp, flag, label, v (others dropped).
 *
 * @example
 * ```ts
 * const link = encodeLink(
 *   { url: manifestUrl('https://shl.example.org/m', newLinkId()), key: newLinkKey(), flag: 'P' },
 *   { viewer: 'https://viewer.example.org/' },
 * ); // 'https://viewer.example.org/#shlink:/eyJ1cmwiOi…'
 * ```
 */
export function encodeLink(payload: ShlPayload, options: EncodeLinkOptions = {}): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ShlMalformedLinkError(`the payload is ${describe(payload)}, expected an object`);
  }
  const url = checkUrl(payload.url);
  if (!hasRandomToken(new URL(url))) throw new ShlLowEntropyUrlError(url);
  const out: ShlPayload = { url, key: checkKey(payload.key) };
  if (payload.exp !== undefined) {
    if (!Number.isSafeInteger(payload.exp) || payload.exp <= 0) {
      throw new ShlMalformedLinkError(
        `exp: expected whole seconds since the epoch, got ${describe(payload.exp)}`,
      );
    }
    out.exp = payload.exp;
  }
  if (payload.flag !== undefined && payload.flag !== '') {
    const flag = checkFlag(payload.flag);
    const unknown = [...flag].filter((f) => !(SHL_FLAGS as readonly string[]).includes(f));
    if (unknown.length > 0) throw new ShlUnknownFlagError(unknown.join(''));
    out.flag = flag;
  }
  if (payload.label !== undefined) out.label = checkLabel(payload.label);
  if (payload.v !== undefined) {
    if (payload.v !== 1) {
      if (typeof payload.v === 'number' && Number.isInteger(payload.v) && payload.v > 1) {
        throw new ShlUnsupportedVersionError(payload.v);
      }
      throw new ShlMalformedLinkError(`v: expected 1 or nothing, got ${describe(payload.v)}`);
    }
    out.v = 1;
  }
  const text = PREFIX + base64urlEncode(new TextEncoder().encode(JSON.stringify(out)));
  if (options.viewer === undefined) return text;
  return `${viewerPrefix(options.viewer)}#${text}`;
}

/** The viewer URL without a trailing `#`, checked. */
function viewerPrefix(viewer: string): string {
  const base = typeof viewer === 'string' ? viewer.replace(/#$/, '') : viewer;
  if (typeof base !== 'string' || !isHttpUrl(base)) {
    throw new ShlInvalidUrlError(
      'viewer',
      `expected an absolute http(s) URL, got ${describe(viewer)}`,
    );
  }
  if (base.includes('#')) {
    throw new ShlInvalidUrlError('viewer', 'expected no fragment: the link itself goes after #');
  }
  return base;
}

/**
 * Options of `decodeLink`.
 *
 * @example
 * ```ts
 * const { label } = decodeLink(text, { allowExpired: true } satisfies DecodeLinkOptions);
 * ```
 */
export type DecodeLinkOptions = {
  /** The current time in milliseconds since the epoch (default `Date.now()`). */
  now?: number;
  /** Return an expired link's payload instead of throwing `ShlExpiredError` (to show its label). */
  allowExpired?: boolean;
};

/**
 * Reads a SMART Health Link — `shlink:/…`, or a viewer URL `https://…#shlink:/…`
 * — and returns its checked payload. Refuses a malformed link, a key that is
 * not 32 bytes, a url over 128 characters or not http(s), a label over 80
 * characters, misordered flags or U with P, and an `exp` already past (unless
 * `allowExpired`). Unknown properties and flag letters are ignored, as the
 * specification requires of receivers; a `v` above 1 is returned as is
 * (`resolveLink` refuses it) so its label can still be shown.
 *
 * @example
 * ```ts
 * const { url, key, label, flag } = decodeLink('https://viewer.example.org#shlink:/eyJ1cmwiOi…');
 * if (flag?.includes('P')) askForPasscode(label);
 * ```
 */
export function decodeLink(text: string, options: DecodeLinkOptions = {}): ShlPayload {
  if (typeof text !== 'string') {
    throw new ShlMalformedLinkError(`expected a string, got ${describe(text)}`);
  }
  if (text.length > SHL_LINK_MAX_LENGTH) {
    throw new ShlMalformedLinkError(
      `the text is ${text.length} characters, more than the ${SHL_LINK_MAX_LENGTH} a link can have`,
    );
  }
  const trimmed = text.trim();
  let encoded: string;
  if (trimmed.startsWith(PREFIX)) {
    encoded = trimmed.slice(PREFIX.length);
  } else {
    const at = trimmed.indexOf(`#${PREFIX}`);
    if (at < 0 || !isHttpUrl(trimmed.slice(0, at))) {
      throw new ShlMalformedLinkError(
        'expected text starting with shlink:/ or an http(s) viewer URL followed by #shlink:/',
      );
    }
    encoded = trimmed.slice(at + 1 + PREFIX.length);
  }
  const bytes = base64urlDecode(encoded);
  if (!bytes || encoded.length === 0) {
    throw new ShlMalformedLinkError('the part after shlink:/ is not base64url (A-Z a-z 0-9 - _)');
  }
  let json: string;
  let raw: unknown;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ShlMalformedLinkError('the payload is not UTF-8', { cause });
  }
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new ShlMalformedLinkError('the payload is not JSON', { cause });
  }
  const payload = checkReceived(raw);
  if (payload.exp !== undefined && !options.allowExpired) {
    const now = options.now ?? Date.now();
    if (payload.exp * 1000 <= now) throw new ShlExpiredError(payload.exp, now);
  }
  return payload;
}

/**
 * Whether the payload carries `flag`.
 *
 * @example
 * ```ts
 * if (hasFlag(decodeLink(text), 'P')) passcode = await ask();
 * ```
 */
export function hasFlag(payload: Pick<ShlPayload, 'flag'>, flag: ShlFlag): boolean {
  return payload.flag?.includes(flag) ?? false;
}

/**
 * A fresh link key: 32 random bytes, base64url (43 characters). It encrypts
 * every file of one link and lives only in the link.
 *
 * @example
 * ```ts
 * const key = newLinkKey(); // 'rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q'-like
 * ```
 */
export function newLinkKey(): string {
  return random32();
}

/**
 * A fresh link id: 32 random bytes, base64url (43 characters) — the 256
 * bits of entropy the manifest URL must carry. Unrelated to the key.
 *
 * @example
 * ```ts
 * const url = manifestUrl('https://shl.example.org/m', newLinkId());
 * ```
 */
export function newLinkId(): string {
  return random32();
}

/**
 * The manifest URL of link `id` on a host: `hostBase` (normalized, without
 * trailing slashes), `/`, then `id`. `hostBase` must be an absolute http(s) URL without
 * query, fragment or credentials; `id` 43 base64url characters (`newLinkId`);
 * the result at most 128 characters, so `hostBase` at most 84.
 *
 * @example
 * ```ts
 * manifestUrl('https://shl.example.org/m', newLinkId()); // 'https://shl.example.org/m/I91rhba3…'
 * ```
 */
export function manifestUrl(hostBase: string, id: string): string {
  if (typeof id !== 'string' || !isBase64url32(id)) {
    throw new ShlInvalidLinkIdError(`got ${describe(id)}`);
  }
  const base = typeof hostBase === 'string' ? parseHttpUrl(hostBase) : undefined;
  if (!base) {
    throw new ShlInvalidUrlError(
      'host base',
      `expected an absolute http(s) URL, got ${describe(hostBase)}`,
    );
  }
  if (base.search || base.hash || hostBase.includes('#') || hostBase.includes('?')) {
    throw new ShlInvalidUrlError('host base', 'expected no query or fragment');
  }
  if (base.username || base.password) {
    throw new ShlInvalidUrlError('host base', 'expected no user name or password');
  }
  const url = `${base.href.replace(/\/+$/, '')}/${id}`;
  if (url.length > SHL_URL_MAX_LENGTH) {
    throw new ShlUrlTooLongError(
      url.length,
      `The id takes 44 characters (/ and 43), so the host base ${JSON.stringify(hostBase)} must be at most ${SHL_URL_MAX_LENGTH - 44} characters without trailing slashes.`,
    );
  }
  return url;
}
