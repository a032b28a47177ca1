/**
 * The proxy's HTTP API bodies (docs/spec/proxy-api.md), one schema each,
 * shared by the server (which validates) and the client (which builds them).
 */
import { z } from 'zod';
import { scopeSchema } from '../ledger/entry.js';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const publicKeyHex = hex(33);

/** `PUT /v1/grants/{grantId}/kfrag`, signed by the patient's signer. */
export const kfragDeliverySchema = z.strictObject({
  /** The patient's ledger, where the proxy logs accesses and reads records. */
  ledgerId: hex(32),
  /** Base URL of the ledger host serving it. */
  ledgerHost: z.url({ protocol: /^https?$/ }).max(2048),
  /** The patient's identity key: it registered the grant on chain. */
  patient: publicKeyHex,
  /** The key that signed the fragments (and this request): the patient's identity key. */
  verifyingKey: publicKeyHex,
  /** The reader the grant is for. */
  reader: publicKeyHex,
  /** The grant's scope, expiry (ms) and commitment salt (hex): with the fields above, what the on-chain commitment binds. */
  scope: scopeSchema,
  expiresAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  salt: hex(32),
  /**
   * One fragment per delegated encryption key (a category in an epoch),
   * each encrypted to this proxy's key. A later delivery for the same
   * grant adds fragments (a new epoch after a rotation).
   */
  fragments: z
    .array(
      z.strictObject({
        /** The delegating key: the patient's encryption key the fragment re-encrypts from. */
        key: publicKeyHex,
        kfrag: z.strictObject({
          capsule: z.string().regex(/^[0-9a-f]{2,512}$/),
          ciphertext: z.string().regex(/^[0-9a-f]{2,4096}$/),
        }),
      }),
    )
    .min(1)
    .max(1000),
});
/** Body of a key-fragment delivery. */
export type KfragDelivery = z.infer<typeof kfragDeliverySchema>;

/** `POST /v1/reencrypt`, signed by the reader. */
export const reencryptRequestSchema = z.strictObject({
  grantId: hex(32),
  /** Records to re-encrypt, by CID; the proxy takes their capsules from the ledger. */
  cids: z.array(z.string().min(1).max(256)).min(1).max(1000),
});
/** Body of a re-encryption request. */
export type ReencryptRequest = z.infer<typeof reencryptRequestSchema>;

/** The answer to a re-encryption request: one capsule fragment per CID, in order. */
export const reencryptResponseSchema = z.strictObject({
  cfrags: z.array(
    z.union([
      z.strictObject({
        cid: z.string(),
        cfrag: z.string().regex(/^[0-9a-f]+$/),
        /** The delegating key of the fragment used: the record's encryption key. */
        key: publicKeyHex,
        /** The key that signed that fragment: the patient's identity key when it was made. */
        verifyingKey: publicKeyHex,
      }),
      z.strictObject({
        cid: z.string(),
        error: z.strictObject({ code: z.string().max(64), message: z.string().max(1024) }),
      }),
    ]),
  ),
});
/** Answer of a re-encryption request. */
export type ReencryptResponse = z.infer<typeof reencryptResponseSchema>;

/** Every error answer: `{ error: { code, message } }`. */
export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
