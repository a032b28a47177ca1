/**
 * The wallet's lists of records and shares, rebuilt from the patient's
 * verified ledger — for a wallet restored from its recovery phrase on a new
 * device, or one that missed what another device of the patient did. The
 * ledger holds every record the patient accepted and every grant and
 * revocation the patient signed. A record's title and site and a grant's
 * purpose, reader's name and site are sealed to the patient in the entries
 * (the host cannot read them): `readNote` opens them — a record's with the
 * key it is sealed to, a grant's with the patient's notes key.
 * An entry whose note does not open says it was restored (an empty
 * `origin`) and names the reader by key.
 */
import type { EntryBody, Ledger, Note } from '@medvault/core/ledger';
import { IMPORTED_FROM } from '@medvault/core/provider-import';
import type { GrantJson } from '@medvault/core/proxy';
import { indexLedger } from '@medvault/core/proxy';
import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { StoredGrant, StoredRecord, WalletDb } from './wallet-db.js';

/** The origin of a record or grant rebuilt from the ledger (no site is known). */
export const RESTORED_ORIGIN = '';

/**
 * How the records list shows a record entry: its title and site from its
 * note (the type, and a restored origin, when the note does not open), and
 * for a record imported from a provider, which resource, version and
 * fetch it was.
 *
 * @example
 * ```ts
 * await db.putRecord(storedRecordOf(body, note, entry.time));
 * ```
 */
export function storedRecordOf(
  body: EntryBody<'record'>,
  note: Note | undefined,
  time: number,
): StoredRecord {
  const imported =
    note?.importedFrom === IMPORTED_FROM && note.source && note.version && note.fetchedAt
      ? { source: note.source, version: note.version, fetchedAt: note.fetchedAt }
      : undefined;
  return {
    cid: body.cid,
    title: note?.title ?? body.resourceType ?? 'Record',
    contentType: body.contentType,
    size: body.size,
    origin: note?.origin ?? RESTORED_ORIGIN,
    receivedAt: time,
    ...(body.resourceType ? { resourceType: body.resourceType } : {}),
    category: body.category,
    ...(imported ? { imported } : {}),
  };
}

/** What the lists gained: entries added, and grants newly marked revoked. */
export type AdoptedFromLedger = { records: number; grants: number; revoked: number };

/**
 * Adds to `db` the records and grants of `ledger` (entries the owner
 * authored) that it does not list, and marks revoked the grants the ledger
 * revokes. What is listed already is kept as it is, title and site
 * included. Idempotent.
 */
export async function adoptFromLedger(
  ledger: Ledger,
  db: WalletDb,
  readNote: (sealed: Uint8Array | undefined, recipient?: Uint8Array) => Note | undefined = () =>
    undefined,
): Promise<AdoptedFromLedger> {
  // the owner as of each entry: the identity key may have been rotated since
  let owner: Uint8Array = new Uint8Array(0);
  // records that count: the patient's own and the proposals the patient accepted
  const counted = indexLedger(ledger.allEntryBytes()).records;
  const ledgerId = bytesToHex(ledger.id);
  const records = new Set((await db.records()).map((r) => r.cid));
  const grants = new Map((await db.grants()).map((g) => [g.grant.grantId, g]));
  const adopted: AdoptedFromLedger = { records: 0, grants: 0, revoked: 0 };
  const revokedAt = new Map<string, { time: number; seq: number }>();
  // the last seq that published a key of each category: a revocation followed by new
  // keys for all the grant's categories was rotated (on this device or another)
  const keysAt = new Map<string, number>();
  for (let seq = 0; seq < ledger.size; seq++) {
    const entry = ledger.entry(seq);
    if (entry.kind === 'genesis') owner = (entry.body as EntryBody<'genesis'>).owner;
    if (entry.kind === 'key-rotation') {
      owner = (entry.body as EntryBody<'key-rotation'>).newOwner;
      continue;
    }
    if (entry.kind === 'encryption-keys') {
      for (const k of (entry.body as EntryBody<'encryption-keys'>).keys)
        keysAt.set(k.category, seq);
      continue;
    }
    if (entry.kind === 'record') {
      const body = entry.body as EntryBody<'record'>;
      // anyone may propose a record; the lists show what the patient signed or accepted
      if (counted.get(body.cid)?.seq !== seq || records.has(body.cid)) continue;
      await db.putRecord(storedRecordOf(body, readNote(body.note, body.recipient), entry.time));
      records.add(body.cid);
      adopted.records++;
      continue;
    }
    if (!equalBytes(entry.author, owner)) continue;
    if (entry.kind === 'grant') {
      const body = entry.body as EntryBody<'grant'>;
      const grantId = bytesToHex(body.grantId);
      if (grants.has(grantId)) continue;
      const reader = bytesToHex(body.grantee);
      const note = readNote(body.note);
      // the key that signed the grant registered it on chain and signed its fragments
      const author = bytesToHex(entry.author);
      const grant: GrantJson = {
        grantId,
        ledgerId,
        patient: author,
        verifyingKey: author,
        reader,
        scope: body.scope,
        purpose: note?.purpose ?? 'restored from the ledger',
        expiresAt: body.expiresAt,
        proxies: body.proxies.map((p) => ({ url: p.url, publicKey: bytesToHex(p.key) })),
        threshold: body.threshold,
        ledgerHost: body.ledgerHost,
        salt: bytesToHex(body.salt),
        categories: body.categories,
      };
      const stored: StoredGrant = {
        grant,
        origin: note?.origin ?? RESTORED_ORIGIN,
        readerName: note?.readerName ?? `Reader ${reader.slice(0, 10)}…`,
        createdAt: entry.time,
      };
      await db.putGrant(stored);
      grants.set(grantId, stored);
      adopted.grants++;
    } else if (entry.kind === 'revoke') {
      revokedAt.set(bytesToHex((entry.body as EntryBody<'revoke'>).grantId), {
        time: entry.time,
        seq,
      });
    }
  }
  for (const [grantId, { time, seq }] of revokedAt) {
    const stored = grants.get(grantId);
    if (!stored || stored.revokedAt) continue;
    const rotated = stored.grant.categories.every((c) => (keysAt.get(c) ?? -1) > seq);
    await db.putGrant({ ...stored, revokedAt: time, ...(rotated ? { rotatedAt: time } : {}) });
    adopted.revoked++;
  }
  return adopted;
}
