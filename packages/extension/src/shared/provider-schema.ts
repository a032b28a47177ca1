/**
 * What a page may ask of `window.medvault`: the method names and, for each,
 * the schema its params must satisfy. The background validates every
 * request against these before it acts or prompts.
 */
import { categorySchema, scopeSchema } from '@medvault/core/ledger';
import { PublicKey } from '@medvault/core/pre';
import { hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), {
    message: `expected ${bytes} bytes as lowercase hex`,
  });
/** A compressed secp256k1 public key in hex. */
export const publicKeyHexSchema = hex(33);
const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).max(2048);
const DAY = 86_400_000;

/** `medvault_requestShare` params[0]. */
export const shareRequestSchema = z.strictObject({
  reader: z.strictObject({
    publicKey: publicKeyHexSchema,
    /** The name the site gives its reader; shown as given, never trusted. */
    name: z.string().trim().min(1).max(120),
  }),
  scope: scopeSchema,
  purpose: z.string().trim().min(1).max(500),
  /** Expiry in ms since the epoch: from now + 1 minute to now + 10 years. */
  expiresAt: z.number().int(),
  proxies: z
    .array(z.strictObject({ url: httpUrl, publicKey: publicKeyHexSchema }))
    .min(1)
    .max(16)
    .optional(),
  threshold: z.number().int().min(1).max(16).optional(),
});
/** A share request. */
export type ShareRequest = z.infer<typeof shareRequestSchema>;

/** Whether a well-formed compressed key (hex) is also a point on secp256k1. */
function onCurve(hexKey: string): boolean {
  try {
    PublicKey.fromCompressedBytes(hexToBytes(hexKey));
    return true;
  } catch {
    return false;
  }
}

/** Checks that depend on the clock, on several fields or on the curve. */
export function shareRequestProblem(request: ShareRequest, now: number): string | undefined {
  // a key off the curve could never be shared with: refuse it before the patient is asked
  if (!onCurve(request.reader.publicKey)) {
    return 'reader.publicKey is not a secp256k1 public key: expected 02 or 03 and the 32 bytes of a point on the curve';
  }
  const offCurve = request.proxies?.findIndex((p) => !onCurve(p.publicKey)) ?? -1;
  if (offCurve >= 0) return `proxies.${offCurve}.publicKey is not a secp256k1 public key`;
  if (request.expiresAt < now + 60_000) return 'expiresAt must be at least a minute from now';
  if (request.expiresAt > now + 3650 * DAY) return 'expiresAt must be within 10 years';
  const { scope } = request;
  if (Object.values(scope).every((v) => v === undefined)) {
    return 'scope must name record CIDs, resource types, categories or a time range ({ from: 0 } is everything)';
  }
  // An empty list matches no record, yet the prompt would read it as no
  // filter ("All your records"): refuse it so what is shown is what is granted.
  for (const list of ['cids', 'resourceTypes', 'categories'] as const) {
    if (scope[list]?.length === 0)
      return `scope.${list} must not be empty (it would match no record)`;
  }
  if (scope.from !== undefined && scope.until !== undefined && scope.from > scope.until) {
    return 'scope.from must not be after scope.until';
  }
  if ((request.threshold === undefined) !== (request.proxies === undefined)) {
    return 'give proxies and threshold together, or neither (the patient’s defaults)';
  }
  if (request.proxies && request.threshold && request.threshold > request.proxies.length) {
    return 'threshold must not exceed the number of proxies';
  }
  // one proxy listed twice would hold several fragments and could re-encrypt alone
  if (request.proxies) {
    const urls = new Set(request.proxies.map((p) => new URL(p.url).href));
    const keys = new Set(request.proxies.map((p) => p.publicKey));
    if (urls.size < request.proxies.length || keys.size < request.proxies.length) {
      return 'proxies must be distinct: each its own URL and key';
    }
  }
  return undefined;
}

/** `medvault_receiveRecord` params[0]: a sealed record a hospital hands over. */
export const receiveRecordSchema = z.strictObject({
  cid: z.string().min(1).max(256),
  /** The Umbral capsule wrapping the record's key, hex. */
  capsule: z
    .string()
    .regex(/^([0-9a-f]{2}){1,1024}$/, { message: 'expected capsule bytes as hex' }),
  contentType: z.string().min(1).max(255),
  resourceType: z.string().min(1).max(64).optional(),
  /** The record's category (default `other`): it picks the key the record is sealed to. */
  category: categorySchema.optional(),
  /**
   * The key the capsule is sealed to (hex), as `medvault_getEncryptionKey`
   * gave it: one of the patient's keys for the category (default: its
   * current key).
   */
  recipient: hex(33).optional(),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** What the patient sees, e.g. "HbA1c, 12 March". */
  title: z.string().trim().min(1).max(200),
});
/** A record handed over by a hospital. */
export type ReceiveRecordRequest = z.infer<typeof receiveRecordSchema>;

/** `medvault_getEncryptionKey` params[0]: the category a record to seal is in. */
export const encryptionKeyRequestSchema = z.strictObject({ category: categorySchema });

/** `medvault_revoke` params[0]. */
export const revokeRequestSchema = z.strictObject({ grantId: hex(32) });

/** Params schema of each method (as the JSON-RPC `params` array). */
export const methodParams = {
  medvault_connect: z.tuple([]).optional(),
  medvault_getPublicKey: z.tuple([]).optional(),
  medvault_getEncryptionKey: z.tuple([encryptionKeyRequestSchema]),
  medvault_requestShare: z.tuple([shareRequestSchema]),
  medvault_receiveRecord: z.tuple([receiveRecordSchema]),
  medvault_listGrants: z.tuple([]).optional(),
  medvault_revoke: z.tuple([revokeRequestSchema]),
} as const;

/** The methods the provider answers. */
export type ProviderMethod = keyof typeof methodParams;

/** The envelope of a request from the page. */
export const providerRequestSchema = z.strictObject({
  id: z.string().min(1).max(64),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});
/** A request as the content script forwards it. */
export type ProviderRequest = z.infer<typeof providerRequestSchema>;

/** Is `method` one the provider answers? */
export function isProviderMethod(method: string): method is ProviderMethod {
  return Object.hasOwn(methodParams, method);
}
