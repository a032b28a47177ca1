/**
 * Messages from the wallet's own pages (onboarding, prompt, dashboard) to
 * the background, one schema each. The background answers only senders
 * whose URL is one of the extension's pages.
 */
import { z } from 'zod';

const passphrase = z.string().min(1).max(1024);
/** How many guardians, or how many of them are needed (guardian-shares.ts checks needed ≤ guardians). */
const guardians = z.number().int().min(2).max(10);
/** Guardian share texts as typed, one per field (blank fields are skipped). */
const shareTexts = z.array(z.string().max(1024)).max(32);

/** A provider's FHIR base URL as typed; its form is checked where it is used. */
const providerAddress = z.string().min(1).max(600);

/** Every UI message. */
export const uiMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('state') }),
  z.strictObject({ type: z.literal('onboard/new-mnemonic') }),
  z.strictObject({
    type: z.literal('onboard'),
    mnemonic: z.string().max(1024),
    passphrase,
    /** Typed by the patient to set up over an existing wallet. */
    replace: z.string().max(32).optional(),
  }),
  z.strictObject({ type: z.literal('onboard/check-shares'), shares: shareTexts }),
  z.strictObject({
    type: z.literal('onboard/from-shares'),
    shares: shareTexts,
    passphrase,
    replace: z.string().max(32).optional(),
  }),
  z.strictObject({ type: z.literal('unlock'), passphrase }),
  z.strictObject({ type: z.literal('lock') }),
  z.strictObject({ type: z.literal('prompt/current') }),
  z.strictObject({
    type: z.literal('prompt/decide'),
    id: z.string(),
    approve: z.boolean(),
    /** What the patient narrowed in a share prompt (narrowing.ts checks it only narrows). */
    narrow: z
      .strictObject({
        categories: z.array(z.string().max(64)).max(100).optional(),
        cids: z.array(z.string().max(256)).max(10_000).optional(),
        expiresAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
      })
      .optional(),
  }),
  z.strictObject({ type: z.literal('dashboard') }),
  z.strictObject({ type: z.literal('ledger/status') }),
  z.strictObject({ type: z.literal('ledger/anchor') }),
  z.strictObject({ type: z.literal('record/open'), cid: z.string().min(1).max(256) }),
  z.strictObject({ type: z.literal('records/export') }),
  z.strictObject({
    type: z.literal('links/create'),
    label: z.string().max(80),
    categories: z.array(z.string().max(64)).max(100).optional(),
    cids: z.array(z.string().max(256)).max(1000).optional(),
    expiresAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    passcode: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('links/list') }),
  z.strictObject({ type: z.literal('links/emergency'), passcode: z.boolean().optional() }),
  z.strictObject({ type: z.literal('links/revoke'), id: z.string().min(1).max(64) }),
  z.strictObject({ type: z.literal('grant/revoke'), grantId: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.strictObject({
    type: z.literal('proposal/decide'),
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    accept: z.boolean(),
  }),
  z.strictObject({ type: z.literal('backup/reveal'), passphrase }),
  z.strictObject({ type: z.literal('identity/rotate'), passphrase }),
  z.strictObject({
    type: z.literal('backup/guardian-shares'),
    passphrase,
    threshold: guardians,
    count: guardians,
  }),
  z.strictObject({ type: z.literal('settings/get') }),
  z.strictObject({ type: z.literal('settings/save'), settings: z.unknown() }),
  z.strictObject({ type: z.literal('permissions/revoke'), origin: z.string().max(2048) }),
  z.strictObject({ type: z.literal('providers/list') }),
  z.strictObject({
    type: z.literal('providers/connect'),
    /** The FHIR base URL as the patient typed it (smart-sign-in.ts checks it). */
    serverUrl: providerAddress,
    /** The wallet's app id at that provider, when it is not the usual one. */
    clientId: z
      .string()
      .max(128)
      .regex(/^[\x21-\x7e]*$/, { message: 'expected printable characters without spaces' })
      .optional(),
  }),
  z.strictObject({ type: z.literal('providers/sync'), serverUrl: providerAddress }),
  z.strictObject({ type: z.literal('providers/remove'), serverUrl: providerAddress }),
]);
/** A message from a wallet page. */
export type UiMessage = z.infer<typeof uiMessageSchema>;

/** The background's answer to a UI message. */
export type UiReply<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string } };
