/**
 * A grant as JSON: what a wallet hands to the reader's site once the
 * patient approves a share, and what the reader gives `readShared` back.
 * Keys are compressed secp256k1 points in lowercase hex.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { categorySchema, scopeSchema } from '../ledger/entry.js';
import { PublicKey } from '../pre/keys.js';
import { InvalidGrantJsonError } from './errors.js';
import type { Grant } from './grant.js';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const keyHex = hex(33);

/** Schema of a grant's JSON form. */
export const grantJsonSchema = z.strictObject({
  grantId: hex(32),
  ledgerId: hex(32),
  patient: keyHex,
  verifyingKey: keyHex,
  reader: keyHex,
  scope: scopeSchema,
  purpose: z.string().min(1).max(1024),
  expiresAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  proxies: z
    .array(z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(2048), publicKey: keyHex }))
    .min(1)
    .max(64),
  threshold: z.number().int().min(1).max(64),
  ledgerHost: z.url({ protocol: /^https?$/ }).max(2048),
  salt: hex(32),
  categories: z.array(categorySchema).min(1).max(100),
});
/** A grant's JSON form. */
export type GrantJson = z.infer<typeof grantJsonSchema>;

const keyToHex = (key: PublicKey) => bytesToHex(key.toCompressedBytes());

/**
 * The JSON form of a grant.
 *
 * @example
 * ```ts
 * const json = grantToJson(grant); // send it to the reader
 * ```
 */
export function grantToJson(grant: Grant): GrantJson {
  return {
    grantId: grant.grantId,
    ledgerId: grant.ledgerId,
    patient: keyToHex(grant.patient),
    verifyingKey: keyToHex(grant.verifyingKey),
    reader: keyToHex(grant.reader),
    scope: grant.scope,
    purpose: grant.purpose,
    expiresAt: grant.expiresAt,
    proxies: grant.proxies.map((p) => ({ url: p.url, publicKey: keyToHex(p.publicKey) })),
    threshold: grant.threshold,
    ledgerHost: grant.ledgerHost,
    salt: grant.salt,
    categories: grant.categories,
  };
}

function parseKey(hexKey: string, field: string): PublicKey {
  try {
    return PublicKey.fromCompressedBytes(hexToBytes(hexKey));
  } catch {
    throw new InvalidGrantJsonError(`${field} is not a point on secp256k1`);
  }
}

/**
 * Parses and checks a grant's JSON form; throws `InvalidGrantJsonError`
 * saying which field is wrong.
 *
 * @example
 * ```ts
 * const grant = grantFromJson(await response.json());
 * const { records } = await readShared({ reader, grant, cids, store });
 * ```
 */
export function grantFromJson(value: unknown): Grant {
  const parsed = grantJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidGrantJsonError(`${issue?.path.join('.') || 'grant'}: ${issue?.message}`);
  }
  const json = parsed.data;
  if (json.threshold > json.proxies.length) {
    throw new InvalidGrantJsonError(
      `threshold ${json.threshold} is more than the ${json.proxies.length} proxies`,
    );
  }
  return {
    grantId: json.grantId,
    ledgerId: json.ledgerId,
    patient: parseKey(json.patient, 'patient'),
    verifyingKey: parseKey(json.verifyingKey, 'verifyingKey'),
    reader: parseKey(json.reader, 'reader'),
    scope: json.scope,
    purpose: json.purpose,
    expiresAt: json.expiresAt,
    proxies: json.proxies.map((p, i) => ({
      url: p.url,
      publicKey: parseKey(p.publicKey, `proxies.${i}.publicKey`),
    })),
    threshold: json.threshold,
    ledgerHost: json.ledgerHost,
    salt: json.salt,
    categories: json.categories,
  };
}
