/**
 * The files of a SMART Health Link: compact JWE (RFC 7516) with `alg: "dir"`,
 * `enc: "A256GCM"`, `cty` the content type, optionally `zip: "DEF"`
 * (docs/spec/health-links.md § Files). All JOSE work is done by `jose`.
 */
import { CompactEncrypt, compactDecrypt } from 'jose';
import { base64urlDecode } from './encoding.js';
import {
  ShlDecryptionError,
  ShlFileTooLargeError,
  ShlInvalidContentTypeError,
  ShlInvalidInputError,
  ShlInvalidKeyError,
  ShlMalformedJweError,
} from './errors.js';
import { checkKey } from './payload.js';

/**
 * The default size limit of one decrypted file: 50 MiB.
 *
 * @example
 * ```ts
 * await decryptFile(jwe, key, { maxBytes: 2 * SHL_DEFAULT_MAX_FILE_BYTES }); // for very large scans
 * ```
 */
export const SHL_DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

/** The 32 key bytes of a link key given as base64url text or as bytes. */
function keyBytes(key: string | Uint8Array): Uint8Array {
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new ShlInvalidKeyError(`got ${key.length} bytes`);
    return key;
  }
  return base64urlDecode(checkKey(key))!;
}

/** A media type without parameters, as `cty` and `contentType` carry it. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}$/;

/**
 * Whether `text` is a media type without parameters (`application/fhir+json`).
 *
 * @example
 * ```ts
 * isMediaType('application/smart-health-card'); // true
 * isMediaType('application/json; charset=utf-8'); // false
 * ```
 */
export function isMediaType(text: unknown): text is string {
  return typeof text === 'string' && MEDIA_TYPE.test(text);
}

/**
 * The longest compact JWE whose plaintext can be `maxBytes`: base64url of the
 * ciphertext (4/3) plus room for the header, IV and tag.
 *
 * @example
 * ```ts
 * maxJweLength(1024); // 1368 + 16384
 * ```
 */
export function maxJweLength(maxBytes: number): number {
  return Math.ceil(maxBytes / 3) * 4 + 16_384;
}

/**
 * Options of `encryptFile`.
 *
 * @example
 * ```ts
 * const options: EncryptFileOptions = { contentType: 'application/fhir+json', compress: true };
 * ```
 */
export type EncryptFileOptions = {
  /** The file's media type, written as `cty`: `application/fhir+json`, … */
  contentType: string;
  /**
   * DEFLATE the plaintext first (`zip: "DEF"`). Off by default: every
   * receiver must accept it, but uncompressed files are the most portable and
   * their length is no secret anyway (AES-GCM keeps it).
   */
  compress?: boolean;
};

/**
 * Encrypts one file of a link under its key: compact JWE, `alg: "dir"`,
 * `enc: "A256GCM"`, `cty` = `contentType`, a fresh random 96-bit IV each time
 * (so the same key can encrypt every file and every update). A string is
 * encrypted as its UTF-8 bytes.
 *
 * @example
 * ```ts
 * const jwe = await encryptFile(JSON.stringify(bundle), payload.key, {
 *   contentType: 'application/fhir+json',
 * }); // 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwiY3R5Ijoi…'
 * ```
 */
export async function encryptFile(
  content: Uint8Array | string,
  key: string | Uint8Array,
  options: EncryptFileOptions,
): Promise<string> {
  const plaintext =
    typeof content === 'string'
      ? new TextEncoder().encode(content)
      : content instanceof Uint8Array
        ? content
        : undefined;
  if (!plaintext) throw new ShlInvalidInputError('Expected the file as a Uint8Array or a string');
  const contentType = options?.contentType;
  if (!isMediaType(contentType)) throw new ShlInvalidContentTypeError(contentType);
  const header = {
    alg: 'dir',
    enc: 'A256GCM',
    cty: contentType,
    ...(options.compress ? { zip: 'DEF' } : {}),
  };
  return new CompactEncrypt(plaintext).setProtectedHeader(header).encrypt(keyBytes(key));
}

/**
 * A decrypted file.
 *
 * @example
 * ```ts
 * const { contentType, bytes, compressed }: DecryptedFile = await decryptFile(jwe, key);
 * ```
 */
export type DecryptedFile = {
  /** The JWE's `cty`. */
  contentType: string;
  /** The plaintext. */
  bytes: Uint8Array;
  /** Whether it was DEFLATE-compressed (`zip: "DEF"`). */
  compressed: boolean;
};

/**
 * Options of `decryptFile`.
 *
 * @example
 * ```ts
 * await decryptFile(jwe, key, { maxBytes: 10 * 1024 * 1024 } satisfies DecryptFileOptions);
 * ```
 */
export type DecryptFileOptions = {
  /** The largest plaintext accepted, after decompression (default 50 MiB). */
  maxBytes?: number;
};

/** The checked protected header of a compact JWE. */
function readHeader(jwe: string): { cty: string; zip: boolean } {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new ShlMalformedJweError(`got ${parts.length} dot-separated parts`);
  const [header, encryptedKey, iv, ciphertext, tag] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (encryptedKey !== '') {
    throw new ShlMalformedJweError('the encrypted-key part must be empty with alg "dir"');
  }
  if ([header, iv, ciphertext, tag].some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new ShlMalformedJweError('a part has characters outside base64url');
  }
  const headerBytes = base64urlDecode(header);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (cause) {
    throw new ShlMalformedJweError('the header is not base64url JSON', { cause });
  }
  if (!headerBytes || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ShlMalformedJweError('the header is not a JSON object');
  }
  const h = parsed as Record<string, unknown>;
  if (h.alg !== 'dir' || h.enc !== 'A256GCM') {
    throw new ShlMalformedJweError(
      `the header has alg ${JSON.stringify(h.alg)} and enc ${JSON.stringify(h.enc)}`,
    );
  }
  if (!isMediaType(h.cty)) {
    throw new ShlMalformedJweError(
      `the header's cty is ${JSON.stringify(h.cty)}, not a media type`,
    );
  }
  if (h.zip !== undefined && h.zip !== 'DEF') {
    throw new ShlMalformedJweError(
      `the header's zip is ${JSON.stringify(h.zip)}; only "DEF" exists`,
    );
  }
  return { cty: h.cty, zip: h.zip === 'DEF' };
}

/**
 * Decrypts one file of a link with its key. Refuses anything but a compact
 * JWE with `alg: "dir"`, `enc: "A256GCM"` and a media-type `cty`
 * (`ShlMalformedJweError`), one that does not authenticate under the key
 * (`ShlDecryptionError`: wrong key or tampered), and a plaintext — or a JWE
 * text — larger than `maxBytes` allows (`ShlFileTooLargeError`). Accepts
 * `zip: "DEF"`, inflating at most `maxBytes`.
 *
 * @example
 * ```ts
 * const { contentType, bytes } = await decryptFile(jwe, payload.key);
 * if (contentType === 'application/fhir+json') show(JSON.parse(new TextDecoder().decode(bytes)));
 * ```
 */
export async function decryptFile(
  jwe: string,
  key: string | Uint8Array,
  options: DecryptFileOptions = {},
): Promise<DecryptedFile> {
  const maxBytes = options.maxBytes ?? SHL_DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ShlInvalidInputError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }
  const secret = keyBytes(key);
  if (typeof jwe !== 'string') {
    throw new ShlMalformedJweError(`got ${jwe === null ? 'null' : typeof jwe}, not a string`);
  }
  if (jwe.length > maxJweLength(maxBytes)) {
    throw new ShlFileTooLargeError(`the JWE (${jwe.length} characters)`, maxBytes);
  }
  const text = jwe.trim();
  const { cty, zip } = readHeader(text);
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(text, secret, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      maxDecompressedLength: maxBytes,
    }));
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (code === 'ERR_JWE_DECRYPTION_FAILED') throw new ShlDecryptionError({ cause });
    if (String((cause as Error)?.message).includes('exceeded the configured limit')) {
      throw new ShlFileTooLargeError('the decompressed file', maxBytes);
    }
    throw new ShlMalformedJweError('jose refused it', {
      cause,
      details: cause instanceof Error ? cause.message : String(cause),
    });
  }
  if (plaintext.length > maxBytes) throw new ShlFileTooLargeError('the file', maxBytes);
  return { contentType: cty, bytes: plaintext, compressed: zip };
}
