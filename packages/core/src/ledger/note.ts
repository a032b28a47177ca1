/**
 * Sealed notes: the free text of an entry — a record's title and origin, a
 * grant's purpose and reader's name — encrypted to a key (Umbral `encrypt`,
 * the capsule and its DEM ciphertext), so the host that stores the ledger
 * never reads it and a wallet restored from the phrase reads it again.
 *
 * Bytes: CBOR [capsule, ciphertext]; the plaintext is the CBOR map of the
 * note's text fields.
 */
import { z } from 'zod';
import { Capsule } from '../pre/capsule.js';
import type { PublicKey, SecretKey } from '../pre/keys.js';
import { decryptOriginal, encrypt } from '../pre/pre.js';
import { decodeCanonical, encodeCanonical } from './cbor.js';
import { MAX_NOTE_BYTES } from './entry.js';
import { MalformedLedgerDataError, NoteUnreadableError } from './errors.js';

const noteSchema = z.record(z.string().min(1).max(64), z.string().max(1024));

/** A note's fields: short names to text. */
export type Note = Record<string, string>;

/**
 * Encrypts `note` to `recipient`; only its secret key opens it.
 *
 * @example
 * ```ts
 * const note = sealNote(patientPk, { title: 'Lipid panel', origin: 'https://hospital.example' });
 * openNote(patientSk, note).title; // 'Lipid panel'
 * ```
 */
export function sealNote(recipient: PublicKey, note: Note): Uint8Array {
  const parsed = noteSchema.safeParse(note);
  if (!parsed.success)
    throw new MalformedLedgerDataError('note', parsed.error.issues[0]?.message ?? 'invalid');
  const [capsule, ciphertext] = encrypt(recipient, encodeCanonical(parsed.data));
  const bytes = encodeCanonical([capsule.toBytes(), ciphertext]);
  if (bytes.length > MAX_NOTE_BYTES) {
    throw new MalformedLedgerDataError(
      'note',
      `it seals to ${bytes.length} bytes, at most ${MAX_NOTE_BYTES}`,
    );
  }
  return bytes;
}

/**
 * Decrypts a sealed note with the recipient's secret key. Throws
 * `NoteUnreadableError` when it was sealed to another key or altered.
 *
 * @example
 * ```ts
 * const { purpose } = openNote(readerSk, grantBody.readerNote);
 * ```
 */
export function openNote(recipient: SecretKey, sealed: Uint8Array): Note {
  try {
    const parts = decodeCanonical(sealed, 'note');
    if (!Array.isArray(parts) || parts.length !== 2)
      throw new Error('expected [capsule, ciphertext]');
    const [capsule, ciphertext] = parts as [Uint8Array, Uint8Array];
    const plain = decryptOriginal(recipient, Capsule.fromBytes(capsule), ciphertext);
    return noteSchema.parse(decodeCanonical(plain, 'note'));
  } catch (cause) {
    throw new NoteUnreadableError(cause);
  }
}
