/**
 * What `medvault import` remembers between runs. The notes of imported
 * records are sealed to the patient's category keys, which the CLI never
 * holds, so it cannot read its sync state back from the ledger as the
 * wallet does. Instead, before it submits each record entry, it appends
 * the note's import fields and the hash of the entry's body to a journal
 * (one JSON line, fsynced); a later run believes only the lines whose body
 * hash is the body hash of a record entry it signed in the verified ledger
 * — in full or as a stub, so the same works for the owner and for another
 * author. A line for an entry that never made it is ignored; an entry
 * submitted just before a crash is still known. Mode 0600: the lines name
 * the provider and the resources.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bodyHashOf, decodeAnyEntry, type Note } from '@medvault/core/ledger';
import { IMPORTED_FROM, type ImportNote } from '@medvault/core/provider-import';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fsFailure } from './fs-errors.js';

/** One journal line. */
type Line = {
  v: 1;
  bodyHash: string;
  origin: string;
  source: string;
  version: string;
  lastUpdated?: string;
};

const isLine = (value: unknown): value is Line => {
  const l = value as Partial<Line> | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    l.v === 1 &&
    typeof l.bodyHash === 'string' &&
    /^[0-9a-f]{64}$/.test(l.bodyHash) &&
    typeof l.origin === 'string' &&
    typeof l.source === 'string' &&
    typeof l.version === 'string' &&
    (l.lastUpdated === undefined || typeof l.lastUpdated === 'string')
  );
};

/**
 * The body hashes of the record entries `author` signed in a ledger's
 * (verified) entries, full or stubs.
 *
 * @example
 * ```ts
 * const mine = recordsSignedBy(await host.entries(ledgerId), signer.verifyingKey().toCompressedBytes());
 * ```
 */
export function recordsSignedBy(entries: readonly Uint8Array[], author: Uint8Array): Set<string> {
  const out = new Set<string>();
  const signer = bytesToHex(author);
  for (const bytes of entries) {
    const entry = decodeAnyEntry(bytes);
    if (entry.kind === 'record' && bytesToHex(entry.author) === signer) {
      out.add(bytesToHex(bodyHashOf(entry)));
    }
  }
  return out;
}

/**
 * An import journal file.
 *
 * @example
 * ```ts
 * const journal = await ImportJournal.open(path);
 * const state = importState(journal.landed(recordsSignedBy(entries, author)));
 * await journal.append(bodyHash, record.note); // before submitting the entry
 * await journal.close();
 * ```
 */
export class ImportJournal {
  readonly path: string;
  readonly #lines: Line[];
  #handle: Awaited<ReturnType<typeof open>> | undefined;

  private constructor(path: string, lines: Line[]) {
    this.path = path;
    this.#lines = lines;
  }

  /** Reads the journal at `path` (none yet: empty). A line that does not parse — a write cut short — is skipped. */
  static async open(path: string): Promise<ImportJournal> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw fsFailure(error, 'read the import journal', path, 'a readable file (--state)');
      }
    }
    const lines: Line[] = [];
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (isLine(parsed)) lines.push(parsed);
      } catch {
        // a line cut short by a crash: its entry was never submitted
      }
    }
    return new ImportJournal(path, lines);
  }

  /** The notes of the lines whose entry is in the ledger (`bodyHashes`, from `recordsSignedBy`). */
  landed(bodyHashes: ReadonlySet<string>): Note[] {
    return this.#lines
      .filter((l) => bodyHashes.has(l.bodyHash))
      .map(({ origin, source, version, lastUpdated }) => ({
        origin,
        source,
        version,
        ...(lastUpdated === undefined ? {} : { lastUpdated }),
        importedFrom: IMPORTED_FROM,
      }));
  }

  /** Appends a line for an entry about to be submitted, and waits until it is on disk. */
  async append(bodyHash: Uint8Array, note: ImportNote): Promise<void> {
    const line: Line = {
      v: 1,
      bodyHash: bytesToHex(bodyHash),
      origin: note.origin,
      source: note.source,
      version: note.version,
      ...(note.lastUpdated === undefined ? {} : { lastUpdated: note.lastUpdated }),
    };
    try {
      if (!this.#handle) {
        await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
        this.#handle = await open(this.path, 'a', 0o600);
      }
      await this.#handle.write(`${JSON.stringify(line)}\n`);
      await this.#handle.sync();
    } catch (error) {
      throw fsFailure(error, 'write the import journal', this.path, 'a writable file (--state)');
    }
    this.#lines.push(line);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
