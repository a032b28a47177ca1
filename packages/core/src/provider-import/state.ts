/**
 * Where each server's sync stands, derived from the notes of the records
 * already in the patient's ledger — so any device (and the CLI) resumes
 * where the last sync stopped, with nothing kept beside the ledger: the
 * import keys landed, and per resource type the newest `meta.lastUpdated`
 * landed (the cursor the next search starts from).
 */
import type { Note } from '../ledger/note.js';
import { ImportMalformedNoteError } from './errors.js';
import { importKey } from './record.js';
import { compareInstants, isInstant } from './resource.js';

/**
 * One server's sync state.
 *
 * @example
 * ```ts
 * const server: ServerImportState | undefined = state.get('https://fhir.example.org/r4');
 * server?.cursors.get('Observation'); // '2026-03-03T09:30:00Z'
 * ```
 */
export type ServerImportState = {
  /** The import keys of the records landed (`importKey`). */
  readonly keys: ReadonlySet<string>;
  /** Per resource type, the greatest `meta.lastUpdated` landed. */
  readonly cursors: ReadonlyMap<string, string>;
};

/**
 * The sync state of every server the patient imported from, by the
 * server's base URL (a note's `origin`).
 *
 * @example
 * ```ts
 * const state: ImportState = importState(notes);
 * ```
 */
export type ImportState = ReadonlyMap<string, ServerImportState>;

type Mutable = { keys: Set<string>; cursors: Map<string, string> };

/**
 * Adds one landed note to `state` (in place): its key, and its
 * `lastUpdated` to its type's cursor when newer. Returns whether it was an
 * imported record's note.
 *
 * @example
 * ```ts
 * addLanded(state, built.note); // true
 * ```
 */
export function addLanded(state: Map<string, Mutable>, note: Note): boolean {
  let key: string;
  try {
    key = importKey(note);
  } catch (error) {
    if (error instanceof ImportMalformedNoteError) return false;
    throw error;
  }
  const origin = note.origin as string;
  const server = state.get(origin) ?? {
    keys: new Set<string>(),
    cursors: new Map<string, string>(),
  };
  state.set(origin, server);
  server.keys.add(key);
  const type = (note.source as string).split('/')[0] as string;
  const lastUpdated = note.lastUpdated;
  if (isInstant(lastUpdated)) {
    const cursor = server.cursors.get(type);
    if (cursor === undefined || compareInstants(lastUpdated, cursor) > 0) {
      server.cursors.set(type, lastUpdated);
    }
  }
  return true;
}

/**
 * The sync state from the notes of the records in the patient's ledger
 * (opened: the records that count and the proposals — a proposal the
 * patient rejected still says it was imported). Notes that are not
 * imported records' are ignored, so every record's note may be passed.
 *
 * @example
 * ```ts
 * const notes = [...records.values()].flatMap((r) => (r.note ? [openNote(keyOf(r), r.note)] : []));
 * const state = importState(notes);
 * await syncFromProvider({ client, patientId, state, land });
 * ```
 */
export function importState(notes: Iterable<Note>): ImportState {
  const state = new Map<string, Mutable>();
  for (const note of notes) addLanded(state, note);
  return state;
}

/**
 * A mutable copy of one server's state (the sync adds to it as it lands).
 *
 * @example
 * ```ts
 * const server = copyServerState(state.get(base));
 * ```
 */
export function copyServerState(server: ServerImportState | undefined): Mutable {
  return { keys: new Set(server?.keys ?? []), cursors: new Map(server?.cursors ?? []) };
}
