/**
 * Ledger entries: their shape per kind, canonical encoding, hash and
 * signature.
 *
 * An entry is a deterministic-CBOR map
 *   { v, ledger, seq, prev, time, kind, body, author, sig }
 * where `sig` is the author's ECDSA signature (secp256k1, SHA-256, low-S)
 * over  "medvault/ledger/entry/v1" ‖ 0x00 ‖ CBOR(entry without sig).
 * The author signs seq and prev too: a host that stores the ledger can only
 * accept or refuse an entry, never move or alter it, and two entries signed
 * for one seq are evidence of a fork.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { PublicKey } from '../pre/keys.js';
import { Signature, type Signer } from '../pre/signing.js';
import { decodeCanonical, encodeCanonical } from './cbor.js';
import { LedgerSignatureError, MalformedLedgerDataError } from './errors.js';

/** Format version of entries and checkpoints. */
export const LEDGER_VERSION = 1;
/** `prev` of the first entry. */
export const ZERO_HASH = new Uint8Array(32);
const ENTRY_TAG = utf8ToBytes('medvault/ledger/entry/v1\0');

const anyBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, {
  message: 'expected bytes',
});
const bytes = (n: number) =>
  anyBytes.refine((b) => b.length === n, { message: `expected ${n} bytes` });
// A ledger names the same few keys over and over: parse each once.
const parsedKeys = new Map<string, PublicKey | null>();
/** The public key encoded in `b`, or null if it is not one (cached). */
export function publicKeyFrom(b: Uint8Array): PublicKey | null {
  const id = bytesToHex(b);
  let key = parsedKeys.get(id);
  if (key === undefined) {
    try {
      key = PublicKey.fromCompressedBytes(b);
    } catch {
      key = null;
    }
    if (parsedKeys.size >= 4096) parsedKeys.delete(parsedKeys.keys().next().value as string);
    parsedKeys.set(id, key);
  }
  return key;
}
const publicKeyBytes = bytes(33).refine((b) => publicKeyFrom(b) !== null, {
  message: 'expected a compressed secp256k1 public key',
});
const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().min(1).max(1024);

/** What a grant covers: record CIDs and/or a filter. */
export const scopeSchema = z.strictObject({
  cids: z.array(text).max(10_000).optional(),
  resourceTypes: z.array(text).max(100).optional(),
  categories: z.array(text).max(100).optional(),
  from: uint.optional(),
  until: uint.optional(),
});

/** Body schema of each entry kind. */
export const bodySchemas = {
  genesis: z.strictObject({ owner: publicKeyBytes }),
  record: z.strictObject({
    cid: text,
    capsule: anyBytes.refine((b) => b.length > 0 && b.length <= 1024, {
      message: 'expected 1 to 1024 bytes',
    }),
    contentType: text,
    resourceType: text.optional(),
    category: text.optional(),
    size: uint,
    recipient: publicKeyBytes,
  }),
  grant: z.strictObject({
    grantId: bytes(32),
    grantee: publicKeyBytes,
    scope: scopeSchema,
    purpose: text,
    expiresAt: uint,
    proxies: z
      .array(z.strictObject({ url: text, key: publicKeyBytes }))
      .min(1)
      .max(64),
    threshold: uint.min(1),
  }),
  revoke: z.strictObject({ grantId: bytes(32) }),
  access: z.strictObject({
    grantId: bytes(32),
    proxy: publicKeyBytes,
    capsules: z.array(text).max(10_000),
  }),
  'key-rotation': z.strictObject({ newOwner: publicKeyBytes, newOwnerSig: bytes(64) }),
  emergency: z.strictObject({ grantee: publicKeyBytes, reason: text, expiresAt: uint }),
} as const;

/** The kinds of entry. */
export type EntryKind = keyof typeof bodySchemas;
/** The body of each kind. */
export type EntryBody<K extends EntryKind = EntryKind> = z.infer<(typeof bodySchemas)[K]>;
/** What a grant covers. */
export type GrantScope = z.infer<typeof scopeSchema>;

/** An entry before its author signs it. */
export type UnsignedEntry<K extends EntryKind = EntryKind> = {
  v: typeof LEDGER_VERSION;
  ledger: Uint8Array;
  seq: number;
  prev: Uint8Array;
  time: number;
  kind: K;
  body: EntryBody<K>;
  author: Uint8Array;
};

/** A signed entry. */
export type Entry<K extends EntryKind = EntryKind> = UnsignedEntry<K> & { sig: Uint8Array };

const entrySchema = z.strictObject({
  v: z.literal(LEDGER_VERSION),
  ledger: bytes(32),
  seq: uint,
  prev: bytes(32),
  time: uint,
  kind: z.enum(Object.keys(bodySchemas) as [EntryKind, ...EntryKind[]]),
  body: z.record(z.string(), z.unknown()),
  author: publicKeyBytes,
  sig: bytes(64),
});

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ');
}

/** Checks an entry's shape and its body against its kind; returns it typed. */
export function parseEntry(value: unknown): Entry {
  const outer = entrySchema.safeParse(value);
  if (!outer.success) throw new MalformedLedgerDataError('entry', describeIssues(outer.error));
  const body = bodySchemas[outer.data.kind].safeParse(outer.data.body);
  if (!body.success) {
    throw new MalformedLedgerDataError(`${outer.data.kind} entry`, describeIssues(body.error), {
      seq: outer.data.seq,
    });
  }
  return { ...outer.data, body: body.data } as Entry;
}

/** Canonical bytes of a signed entry. */
export function encodeEntry(entry: Entry): Uint8Array {
  return encodeCanonical(entry);
}

/** Parses canonical entry bytes (shape checked; signature not). */
export function decodeEntry(bytes: Uint8Array): Entry {
  return parseEntry(decodeCanonical(bytes, 'entry'));
}

/** The entry's hash: SHA-256 of its canonical bytes. */
export function hashEntry(entry: Entry | Uint8Array): Uint8Array {
  return sha256(entry instanceof Uint8Array ? entry : encodeEntry(entry));
}

function signingPayload(entry: UnsignedEntry): Uint8Array {
  const { v, ledger, seq, prev, time, kind, body, author } = entry;
  return concatBytes(
    ENTRY_TAG,
    encodeCanonical({ v, ledger, seq, prev, time, kind, body, author }),
  );
}

/** Signs an unsigned entry; its author must be the signer's key. */
export function signEntry<K extends EntryKind>(
  unsigned: UnsignedEntry<K>,
  signer: Signer,
): Entry<K> {
  const entry = { ...unsigned, sig: new Uint8Array(64) } as Entry<K>;
  parseEntry(entry); // reject a malformed body before signing it
  return { ...unsigned, sig: signer.sign(signingPayload(unsigned)).toBEBytes() };
}

/** Throws `LedgerSignatureError` unless the author's signature verifies. */
export function verifyEntrySignature(entry: Entry): void {
  let valid = false;
  try {
    const author = publicKeyFrom(entry.author);
    valid =
      author !== null && Signature.fromBEBytes(entry.sig).verify(author, signingPayload(entry));
  } catch {
    valid = false;
  }
  if (!valid) throw new LedgerSignatureError('entry', entry.seq);
}
