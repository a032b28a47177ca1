/**
 * The patient's published encryption keys, as a verified ledger state holds
 * them: what an author seals a record to, and what the wallet publishes
 * when a category is new or moves to its next epoch (docs/spec/keys.md).
 */
import type { PatientKeys } from '../keys/patient-keys.js';
import { PublicKey } from '../pre/keys.js';
import type { EntryBody } from './entry.js';
import { WrongRecipientError } from './errors.js';
import type { LedgerState } from './state.js';

/** One category's key in one epoch. */
export type EncryptionKey = { category: string; epoch: number; key: PublicKey };

/**
 * The key an author seals a record of `category` to: the category's newest
 * published key. Throws `WrongRecipientError` when the patient has
 * published none for it.
 *
 * @example
 * ```ts
 * const { key } = currentEncryptionKey(ledger.state, 'laboratory');
 * const sealed = await sealRecordBytes(key, bytes, { contentType: 'application/fhir+json' });
 * ```
 */
export function currentEncryptionKey(state: LedgerState, category: string): EncryptionKey {
  const keys = state.encryptionKeys.get(category) ?? [];
  const last = keys.at(-1);
  if (!last) throw new WrongRecipientError(category, 0);
  return { category, epoch: keys.length - 1, key: PublicKey.fromCompressedBytes(last) };
}

/**
 * Every published key of every category, oldest epoch first.
 *
 * @example
 * ```ts
 * for (const { category, epoch } of publishedEncryptionKeys(ledger.state)) console.log(category, epoch);
 * ```
 */
export function publishedEncryptionKeys(state: LedgerState): EncryptionKey[] {
  return [...state.encryptionKeys].flatMap(([category, keys]) =>
    keys.map((key, epoch) => ({ category, epoch, key: PublicKey.fromCompressedBytes(key) })),
  );
}

/**
 * The category and epoch of a published key, or undefined if the ledger
 * never published it.
 *
 * @example
 * ```ts
 * const where = findEncryptionKey(ledger.state, record.recipient); // { category: 'laboratory', epoch: 1 }
 * ```
 */
export function findEncryptionKey(
  state: LedgerState,
  key: Uint8Array,
): { category: string; epoch: number } | undefined {
  for (const [category, keys] of state.encryptionKeys) {
    const epoch = keys.findIndex((k) => k.length === key.length && k.every((b, i) => b === key[i]));
    if (epoch >= 0) return { category, epoch };
  }
  return undefined;
}

/**
 * The body of an `encryption-keys` entry that publishes, for each of
 * `categories`, its first key when it has none, or — with `rotate` — the
 * key of its next epoch. Categories already published are left out unless
 * rotated; undefined when there is nothing to publish.
 *
 * @example
 * ```ts
 * const body = nextEncryptionKeys(keys, ledger.state, ['laboratory'], { rotate: true });
 * if (body) await ledger.append('encryption-keys', body, identitySigner);
 * ```
 */
export function nextEncryptionKeys(
  keys: PatientKeys,
  state: LedgerState,
  categories: readonly string[],
  options: { rotate?: boolean } = {},
): EntryBody<'encryption-keys'> | undefined {
  const out: EntryBody<'encryption-keys'>['keys'] = [];
  for (const category of new Set(categories)) {
    const epoch = state.encryptionKeys.get(category)?.length ?? 0;
    if (epoch > 0 && !options.rotate) continue;
    const key = keys.encryptionKey(category, epoch).publicKey().toCompressedBytes();
    out.push({ category, epoch, key });
  }
  return out.length > 0 ? { keys: out } : undefined;
}
