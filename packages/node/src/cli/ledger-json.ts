/**
 * JSON ⇄ ledger values for the CLI: bodies with hex byte strings, proofs
 * with hex paths. A body's `note` and `readerNote` may be given as JSON
 * objects of text (e.g. `{"purpose":"follow-up"}`): they are sealed — a
 * record's note to its recipient (the patient's key for its category), any
 * other note to the patient's notes key, the reader's note to the grantee —
 * so the host never reads them.
 */
import { bodySchemas, type EntryBody, type EntryKind, sealNote } from '@medvault/core/ledger';
import { PublicKey } from '@medvault/core/pre';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { CliError } from './cli-error.js';

// Fields that hold bytes, in any kind's body (including proxies[].key).
const BYTE_FIELDS = new Set([
  'owner',
  'recipient',
  'grantee',
  'key',
  'proxy',
  'grantId',
  'capsule',
  'newOwner',
  'newOwnerSig',
  'salt',
  'entryHash',
  'note',
  'readerNote',
]);

function toBytes(value: unknown, field: string): unknown {
  if (typeof value !== 'string' || !/^(0x)?([0-9a-fA-F]{2})*$/.test(value)) {
    throw new CliError(`body field "${field}" must be a hex string`);
  }
  return hexToBytes(value.replace(/^0x/, '').toLowerCase());
}

function convert(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, field));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        BYTE_FIELDS.has(k) ? toBytes(v, k) : convert(v, k),
      ]),
    );
  }
  return value;
}

/**
 * Parses a `--body` JSON for `kind`, turning hex strings into bytes, and
 * checks it. `notesTo` is the patient's notes key, which a grant's or a
 * break-glass statement's note object is sealed to.
 */
export function parseBody<K extends EntryKind>(
  kind: K,
  json: string,
  defaults: Record<string, unknown> = {},
  notesTo?: Uint8Array,
): EntryBody<K> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CliError('--body is not valid JSON', 2);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new CliError('--body must be a JSON object', 2);
  const { note, readerNote, ...rest } = value as Record<string, unknown>;
  const body: Record<string, unknown> = { ...defaults, ...(convert(rest, 'body') as object) };
  const seal = (text: unknown, to: unknown, field: string) => {
    if (text === undefined) return undefined;
    if (typeof text === 'string') return toBytes(text, field);
    if (to === undefined) {
      throw new CliError(
        `body field "${field}" is text to seal: give --notes-to PUBKEYHEX (the patient's notes key), or the sealed note as hex`,
        2,
      );
    }
    try {
      return sealNote(
        PublicKey.fromCompressedBytes(to as Uint8Array),
        text as Record<string, string>,
      );
    } catch (cause) {
      throw new CliError(`body field "${field}" cannot be sealed: ${(cause as Error).message}`);
    }
  };
  if (note !== undefined)
    body.note = seal(note, kind === 'record' ? body.recipient : notesTo, 'note');
  if (readerNote !== undefined) body.readerNote = seal(readerNote, body.grantee, 'readerNote');
  const parsed = bodySchemas[kind].safeParse(body);
  if (!parsed.success) {
    throw new CliError(
      `invalid ${kind} body: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data as EntryBody<K>;
}

/** A proof with its path in hex. */
export function proofToJson<T extends { path: Uint8Array[] }>(
  proof: T,
): Omit<T, 'path'> & { path: string[] } {
  return { ...proof, path: proof.path.map(bytesToHex) };
}

/** A proof from JSON with a hex path. */
export function proofFromJson<T extends { path: Uint8Array[] }>(json: unknown, what: string): T {
  const value = json as { path?: unknown };
  if (!value || typeof value !== 'object' || !Array.isArray(value.path))
    throw new CliError(`${what}: missing path`);
  return {
    ...value,
    path: value.path.map((h: unknown) => toBytes(h, 'path') as Uint8Array),
  } as unknown as T;
}
