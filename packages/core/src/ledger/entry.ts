/**
 * Ledger entries: their shape per kind, canonical encoding, hash and
 * signature.
 *
 * An entry is a signed header and a body. The header is
 *   { v, ledger, seq, prev, time, kind, bodyHash, author }
 * with bodyHash = SHA-256(CBOR(body)); `sig` is the author's ECDSA signature
 * (secp256k1, SHA-256, low-S) over
 *   "medvault/ledger/entry/v3" ‖ 0x00 ‖ CBOR(header).
 * The entry's hash — its `prev` link and Merkle leaf — is SHA-256 of the
 * CBOR of the header with `sig`: it does not need the body. So an entry is
 * sent either in full, `{ …header without bodyHash, body, sig }`, or as a
 * *stub*, `{ …header, sig }`: a host shows each party only the bodies it
 * needs, and the stubs still verify the chain, the signatures and the
 * Merkle proofs. The author signs seq and prev too: a host can only accept
 * or refuse an entry, never move or alter it, and two entries signed for one
 * seq are evidence of a fork.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MAX_CATEGORY_BYTES } from '../keys/patient-keys.js';
import { PublicKey } from '../pre/keys.js';
import { Signature, type Signer } from '../pre/signing.js';
import { decodeCanonical, encodeCanonical } from './cbor.js';
import { LedgerSignatureError, MalformedLedgerDataError } from './errors.js';

/** Largest sealed note in an entry, bytes. */
export const MAX_NOTE_BYTES = 4096;
/** Format version of entries and checkpoints. */
export const LEDGER_VERSION = 3;
/** `prev` of the first entry. */
export const ZERO_HASH = new Uint8Array(32);
const ENTRY_TAG = utf8ToBytes('medvault/ledger/entry/v3\0');

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
/** A category name: what an encryption key is derived for (docs/spec/keys.md). */
export const categorySchema = z
  .string()
  .max(MAX_CATEGORY_BYTES)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, {
    message: 'expected a category: a–z, 0–9, ".", "_" and "-", starting with a letter or digit',
  });
/** A note sealed to a key (`sealNote`): free text the host never reads. */
const sealed = anyBytes.refine((b) => b.length > 0 && b.length <= MAX_NOTE_BYTES, {
  message: `expected 1 to ${MAX_NOTE_BYTES} bytes`,
});

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
    /** Its category: `recipient` must be the patient's published key of it (any epoch). */
    category: categorySchema,
    size: uint,
    recipient: publicKeyBytes,
    /** Title and origin, sealed to the owner. */
    note: sealed.optional(),
  }),
  endorse: z.strictObject({
    /** Seq of the proposed record entry. */
    proposal: uint,
    /** Its entry hash. */
    entryHash: bytes(32),
    accept: z.boolean(),
  }),
  grant: z.strictObject({
    grantId: bytes(32),
    grantee: publicKeyBytes,
    scope: scopeSchema,
    /** Purpose, reader's name and site, sealed to the owner. */
    note: sealed,
    /** Purpose, sealed to the grantee. */
    readerNote: sealed,
    expiresAt: uint,
    /** The ledger host the grant's on-chain commitment names. */
    ledgerHost: text,
    /** The salt of the on-chain commitment. */
    salt: bytes(32),
    proxies: z
      .array(z.strictObject({ url: text, key: publicKeyBytes }))
      .min(1)
      .max(64),
    threshold: uint.min(1),
    /** The categories whose encryption keys the grant delegates (a fragment set per key). */
    categories: z.array(categorySchema).min(1).max(100),
  }),
  revoke: z.strictObject({ grantId: bytes(32) }),
  access: z.strictObject({
    grantId: bytes(32),
    proxy: publicKeyBytes,
    capsules: z.array(text).max(10_000),
  }),
  'key-rotation': z.strictObject({ newOwner: publicKeyBytes, newOwnerSig: bytes(64) }),
  emergency: z.strictObject({ grantee: publicKeyBytes, note: sealed, expiresAt: uint }),
  /**
   * The patient's encryption public keys, one per category and epoch:
   * authors seal a record to its category's newest key. Each epoch follows
   * the category's last one (0 for a new category).
   */
  'encryption-keys': z.strictObject({
    keys: z
      .array(z.strictObject({ category: categorySchema, epoch: uint, key: publicKeyBytes }))
      .min(1)
      .max(100),
  }),
} as const;

/** The kinds of entry. */
export type EntryKind = keyof typeof bodySchemas;
/** The body of each kind. */
export type EntryBody<K extends EntryKind = EntryKind> = z.infer<(typeof bodySchemas)[K]>;
/** What a grant covers. */
export type GrantScope = z.infer<typeof scopeSchema>;

/** What every entry has besides its body. */
type HeaderFields<K extends EntryKind> = {
  v: typeof LEDGER_VERSION;
  ledger: Uint8Array;
  seq: number;
  prev: Uint8Array;
  time: number;
  kind: K;
  author: Uint8Array;
};

/** An entry before its author signs it. */
export type UnsignedEntry<K extends EntryKind = EntryKind> = HeaderFields<K> & {
  body: EntryBody<K>;
};

/** A signed entry, with its body. */
export type Entry<K extends EntryKind = EntryKind> = UnsignedEntry<K> & { sig: Uint8Array };

/** A signed entry whose body is withheld: only the body's hash. */
export type EntryStub<K extends EntryKind = EntryKind> = HeaderFields<K> & {
  bodyHash: Uint8Array;
  sig: Uint8Array;
};

/** An entry in full or as a stub, as a host may serve it. */
export type AnyEntry<K extends EntryKind = EntryKind> = Entry<K> | EntryStub<K>;

const headerShape = {
  v: z.literal(LEDGER_VERSION),
  ledger: bytes(32),
  seq: uint,
  prev: bytes(32),
  time: uint,
  kind: z.enum(Object.keys(bodySchemas) as [EntryKind, ...EntryKind[]]),
  author: publicKeyBytes,
  sig: bytes(64),
};
const entrySchema = z.strictObject({ ...headerShape, body: z.record(z.string(), z.unknown()) });
const stubSchema = z.strictObject({ ...headerShape, bodyHash: bytes(32) });

/** Whether `e` is a stub (its body withheld). */
export function isStub(e: AnyEntry): e is EntryStub {
  return !('body' in e);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ');
}

/** Checks an entry's shape and its body against its kind; returns it typed. */
export function parseEntry(value: unknown): Entry {
  if (value && typeof value === 'object' && 'bodyHash' in value && !('body' in value)) {
    throw new MalformedLedgerDataError(
      'entry',
      'a stub (body withheld) where the full entry is needed',
    );
  }
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

/** Checks a stub's or an entry's shape; returns it typed. */
export function parseAnyEntry(value: unknown): AnyEntry {
  if (value && typeof value === 'object' && 'bodyHash' in value && !('body' in value)) {
    const stub = stubSchema.safeParse(value);
    if (!stub.success) throw new MalformedLedgerDataError('entry stub', describeIssues(stub.error));
    return stub.data as EntryStub;
  }
  return parseEntry(value);
}

/** Canonical bytes of a signed entry or stub. */
export function encodeEntry(entry: AnyEntry): Uint8Array {
  return encodeCanonical(entry);
}

/** Parses canonical bytes of a full entry (shape checked; signature not); a stub is refused. */
export function decodeEntry(bytes: Uint8Array): Entry {
  return parseEntry(decodeCanonical(bytes, 'entry'));
}

/** Parses canonical bytes of an entry in full or as a stub (shape checked; signature not). */
export function decodeAnyEntry(bytes: Uint8Array): AnyEntry {
  return parseAnyEntry(decodeCanonical(bytes, 'entry'));
}

/** SHA-256 of the body's canonical CBOR: what the header commits to. */
export function bodyHashOf(entry: AnyEntry | UnsignedEntry): Uint8Array {
  return 'body' in entry ? sha256(encodeCanonical(entry.body)) : entry.bodyHash;
}

/** The entry with its body withheld: what a host serves a party that does not need the body. */
export function stubOf(entry: AnyEntry): EntryStub {
  if (isStub(entry)) return entry;
  const { v, ledger, seq, prev, time, kind, author, sig } = entry;
  return { v, ledger, seq, prev, time, kind, bodyHash: bodyHashOf(entry), author, sig };
}

/**
 * The entry's hash: SHA-256 of the canonical bytes of its stub (the header
 * and signature), the same whether the entry is held in full or as a stub.
 */
export function hashEntry(entry: AnyEntry | Uint8Array): Uint8Array {
  const e = entry instanceof Uint8Array ? decodeAnyEntry(entry) : entry;
  return sha256(encodeCanonical(stubOf(e)));
}

/** The bytes an entry's author signs. */
export function signingPayload(entry: UnsignedEntry | AnyEntry): Uint8Array {
  const { v, ledger, seq, prev, time, kind, author } = entry;
  const bodyHash = bodyHashOf(entry as AnyEntry);
  return concatBytes(
    ENTRY_TAG,
    encodeCanonical({ v, ledger, seq, prev, time, kind, bodyHash, author }),
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
export function verifyEntrySignature(entry: AnyEntry): void {
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
