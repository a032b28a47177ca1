/**
 * The patient's settings: where the ledger host, chain and proxies are, and
 * the wallet's own behaviour. Defaults point at the local stack `npm start`
 * runs, so a fresh install works against it unchanged.
 */
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).max(2048);
const keyHex = z
  .string()
  .regex(/^(02|03)[0-9a-f]{64}$/, { message: 'expected a compressed public key in hex' });

/** Schema of the settings, as stored and as the settings form submits them. */
export const settingsSchema = z
  .strictObject({
    ledgerHost: httpUrl,
    /**
     * Where the sealed records are kept, for opening them: a blob service or
     * an IPFS gateway (every block is checked against its CID, so it need
     * not be trusted). Absent in settings saved before it existed: the
     * default then.
     */
    storage: httpUrl.optional(),
    /** The SMART Health Links host that keeps the encrypted files of links the patient makes. */
    shlHost: httpUrl.optional(),
    rpcUrl: httpUrl,
    registry: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, { message: 'expected a 0x-prefixed address' }),
    /** The account that pays for the patient's signed transactions; default: the node's first. */
    relayer: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .optional(),
    /** Proxies; a key is pinned the first time the proxy is used (or typed in). */
    proxies: z
      .array(z.strictObject({ url: httpUrl, publicKey: keyHex.optional() }))
      .min(1)
      .max(16),
    threshold: z.number().int().min(1).max(16),
    /**
     * How many of the proxies hold a share's fragments (n; default: all).
     * The proxies after the first n stand by: one takes the place of a
     * proxy that is down when the patient shares.
     */
    fragments: z.number().int().min(1).max(16).optional(),
    autoLockMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    promptTimeoutSeconds: z.number().int().min(10).max(3600),
    /** Browser notifications when a record is read and a day before a share ends (opt-in). */
    notifications: z.boolean().optional(),
  })
  .refine((s) => s.threshold <= (s.fragments ?? s.proxies.length), {
    message: 'the threshold must not exceed the number of proxies per share',
    path: ['threshold'],
  })
  .refine((s) => (s.fragments ?? 0) <= s.proxies.length, {
    message: 'there are fewer proxies than proxies per share',
    path: ['fragments'],
  });
/** The settings. */
export type Settings = z.infer<typeof settingsSchema>;

/** The local stack of `npm start`. */
export const DEFAULT_SETTINGS: Settings = {
  ledgerHost: 'http://127.0.0.1:8787',
  storage: 'http://127.0.0.1:8790',
  shlHost: 'http://127.0.0.1:8791',
  rpcUrl: 'http://127.0.0.1:8545',
  // the first contract the dev chain's first account deploys
  registry: '0x5FbDB2315678afecB367f032d93F642f64180aa3',
  proxies: [
    { url: 'http://127.0.0.1:9001' },
    { url: 'http://127.0.0.1:9002' },
    { url: 'http://127.0.0.1:9003' },
    // standing by: takes a fragment when one of the first three is down
    { url: 'http://127.0.0.1:9004' },
  ],
  fragments: 3,
  threshold: 2,
  autoLockMinutes: 15,
  promptTimeoutSeconds: 300,
};
