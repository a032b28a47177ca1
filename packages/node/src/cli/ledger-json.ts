/**
 * JSON ⇄ ledger values for the CLI: bodies with hex byte strings, proofs
 * with hex paths.
 */
import { bodySchemas, type EntryBody, type EntryKind } from '@medvault/core/ledger';
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

/** Parses a `--body` JSON for `kind`, turning hex strings into bytes, and checks it. */
export function parseBody<K extends EntryKind>(
  kind: K,
  json: string,
  defaults: Record<string, unknown> = {},
): EntryBody<K> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CliError('--body is not valid JSON', 2);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new CliError('--body must be a JSON object', 2);
  const body = { ...defaults, ...(convert(value, 'body') as object) };
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
