/**
 * Base64 and base64url (RFC 4648 §4, §5) without padding, on WebCrypto-era
 * globals only (`btoa`, `atob`), so the module runs unchanged in browsers and
 * Node. Internal to health-links.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const CHUNK = 0x8000;

/**
 * The standard base64 of `bytes`, with padding (FHIR `base64Binary`).
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([255])); // '/w=='
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/**
 * The base64url of `bytes`, without padding.
 *
 * @example
 * ```ts
 * base64urlEncode(new Uint8Array([255])); // '_w'
 * ```
 */
export function base64urlEncode(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The bytes of base64url `text` (no padding, nothing outside the alphabet),
 * or undefined when it is not base64url. Trailing bits need not be zero.
 *
 * @example
 * ```ts
 * base64urlDecode('_w'); // Uint8Array [255]
 * base64urlDecode('/w=='); // undefined
 * ```
 */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const padded =
    text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * 32 bytes from the platform's CSPRNG, as 43 base64url characters.
 *
 * @example
 * ```ts
 * random32(); // 43 characters
 * ```
 */
export function random32(): string {
  return base64urlEncode(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Whether `text` is the canonical base64url of exactly 32 bytes: 43
 * characters whose last one leaves the 2 unused bits zero.
 *
 * @example
 * ```ts
 * isBase64url32('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'); // true
 * ```
 */
export function isBase64url32(text: unknown): text is string {
  return typeof text === 'string' && /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/.test(text);
}
