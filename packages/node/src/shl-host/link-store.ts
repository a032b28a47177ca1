/**
 * The SHL host's links on disk, crash-safe:
 *
 * ```
 * <dataDir>/links/<id>/link.json          the link (passcode hash, token hash, files, state)
 * <dataDir>/links/<id>/access.log         its signed access log, one JSON entry a line
 * <dataDir>/links/<id>/files/<fileId>.jwe the files, as compact JWE (ciphertext only)
 * <dataDir>/tmp/                          where files are staged before their rename
 * ```
 *
 * Whole files are written to `tmp/`, fsync'ed, renamed into place and their
 * directory fsync'ed (`writeFileAtomic`); a link exists once its `link.json`
 * does, which is written last, so a crash during a creation leaves a
 * directory without one, removed at the next start. Log entries are
 * appended and fsync'ed before the request they record is answered; a torn
 * last line (a crash mid-append, never answered) is cut at the next start.
 * The count of wrong passcodes is read from the log, so it survives any crash.
 *
 * Every change to one link runs after the previous one on the same link has
 * settled (`run`), so parallel requests cannot both spend the last attempt.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { newLinkId, type ShlContentType } from '@medvault/core/health-links';
import type { Signer } from '@medvault/core/pre';
import { WriteQueue } from '../ledger-host/write-queue.js';
import { cleanTemporaryFiles, syncFiles, writeFileAtomic } from '../storage/atomic-file.js';
import {
  type AccessLogEntry,
  accessEntryHash,
  GENESIS_HASH,
  signAccessEntry,
} from './access-log.js';
import type { PasscodeHash } from './passcode.js';

/**
 * A file of a link, as stored (its JWE in `files/<fileId>.jwe`).
 *
 * @example
 * ```ts
 * const file: StoredFile = { fileId, contentType: 'application/fhir+json', length: 1840, lastUpdated: '2030-01-01T00:00:00.000Z' };
 * ```
 */
export type StoredFile = {
  fileId: string;
  contentType: ShlContentType;
  /** Characters of the compact JWE. */
  length: number;
  /** When it was uploaded, ISO 8601. */
  lastUpdated: string;
};

/**
 * A link as `link.json` holds it.
 *
 * @example
 * ```ts
 * const { record }: { record: LinkRecord } = store.get(id)!;
 * if (record.revokedAt) console.log('revoked at', record.revokedAt);
 * ```
 */
export type LinkRecord = {
  v: 1;
  id: string;
  /** ISO 8601. */
  created: string;
  /** Epoch seconds after which the link no longer resolves. */
  exp?: number;
  label?: string;
  /** The `L` flag: files may be replaced, the manifest says `can-change`. */
  longTerm: boolean;
  /** Wrong passcodes the link accepts in its life. */
  maxAttempts: number;
  passcode?: PasscodeHash;
  /** Hex SHA-256 of the management token. */
  tokenHash: string;
  files: StoredFile[];
  /** When the owner revoked it, ISO 8601. */
  revokedAt?: string;
};

/**
 * A link in memory: its record and what the log says.
 *
 * @example
 * ```ts
 * const state: LinkState | undefined = store.get(id);
 * const left = state ? state.record.maxAttempts - state.wrongAttempts : 0;
 * ```
 */
export type LinkState = {
  record: LinkRecord;
  /** Entries in the access log. */
  logLength: number;
  /** Hash of the last entry (what the next one names). */
  lastHash: string;
  /** Wrong passcodes so far (`wrong-passcode` entries). */
  wrongAttempts: number;
  /** Whether the files are gone from disk (the link ended). */
  purged: boolean;
};

/**
 * A file as the owner uploads it.
 *
 * @example
 * ```ts
 * const file: UploadedFile = { contentType: 'application/fhir+json', jwe: await encryptFile(json, key, { contentType: 'application/fhir+json' }) };
 * ```
 */
export type UploadedFile = { contentType: ShlContentType; jwe: string };

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/**
 * A link id: 43 base64url characters, 256 random bits.
 *
 * @example
 * ```ts
 * LINK_ID.test(newLinkId()); // true
 * ```
 */
export const LINK_ID = /^[A-Za-z0-9_-]{43}$/;
const FILE_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * The links of one SHL host. Use `LinkStore.open`.
 *
 * @example
 * ```ts
 * const store = await LinkStore.open('./shl', signer, console.error);
 * const id = await store.create({ files, longTerm: false, maxAttempts: 10, tokenHash, created });
 * ```
 */
export class LinkStore {
  readonly #links: string;
  readonly #tmp: string;
  readonly #signer: Signer;
  readonly #state = new Map<string, LinkState>();
  readonly #queue = new WriteQueue();

  private constructor(dataDir: string, signer: Signer) {
    this.#links = join(dataDir, 'links');
    this.#tmp = join(dataDir, 'tmp');
    this.#signer = signer;
  }

  /**
   * Opens (creating) the store in `dataDir`: loads every link, removes what
   * a crash left half-written (a link without `link.json`, files no link
   * names, temporary files, a torn last log line).
   */
  static async open(
    dataDir: string,
    signer: Signer,
    log: (line: string) => void,
  ): Promise<LinkStore> {
    const store = new LinkStore(dataDir, signer);
    await mkdir(store.#links, { recursive: true });
    await cleanTemporaryFiles(store.#tmp);
    for (const name of await readdir(store.#links)) {
      if (!LINK_ID.test(name)) continue;
      try {
        await store.#load(name);
      } catch (error) {
        log(`shl-host: link ${name.slice(0, 8)}… not loaded: ${(error as Error).message}`);
      }
    }
    return store;
  }

  async #load(id: string): Promise<void> {
    const dir = join(this.#links, id);
    let text: string;
    try {
      text = await readFile(join(dir, 'link.json'), 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
      await rm(dir, { recursive: true, force: true }); // a creation that did not finish
      return;
    }
    const record = JSON.parse(text) as LinkRecord;
    if (record.id !== id) throw new Error('link.json names another link');
    const entries = await this.#readLog(id, { repair: true });
    let lastHash = GENESIS_HASH;
    let wrongAttempts = 0;
    for (const entry of entries) {
      const { sig: _sig, ...unsigned } = entry;
      lastHash = accessEntryHash(id, unsigned);
      if (entry.outcome === 'wrong-passcode') wrongAttempts += 1;
    }
    // files no longer named (a replacement that did not finish)
    const named = new Set(record.files.map((f) => `${f.fileId}.jwe`));
    let present: string[] = [];
    try {
      present = await readdir(join(dir, 'files'));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (const name of present)
      if (!named.has(name)) await rm(join(dir, 'files', name), { force: true });
    this.#state.set(id, {
      record,
      logLength: entries.length,
      lastHash,
      wrongAttempts,
      purged: present.length === 0 && record.files.length > 0,
    });
  }

  /** The link `id`, if this host has it (whatever its state). */
  get(id: string): LinkState | undefined {
    return LINK_ID.test(id) ? this.#state.get(id) : undefined;
  }

  /** Every link's id. */
  ids(): string[] {
    return [...this.#state.keys()];
  }

  /** Runs `task` after every task already queued for link `id`. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.#queue.run(id, task);
  }

  /** Resolves once no task is running or queued. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Stores a new link; resolves with its id once it is durable. */
  async create(link: {
    files: UploadedFile[];
    passcode?: PasscodeHash;
    exp?: number;
    label?: string;
    longTerm: boolean;
    maxAttempts: number;
    tokenHash: string;
    created: string;
  }): Promise<string> {
    const id = newLinkId();
    const dir = join(this.#links, id);
    await mkdir(join(dir, 'files'), { recursive: true });
    await syncFiles([dir]); // the new directory's name, in links/
    const files = await this.#writeFiles(id, link.files, link.created);
    await writeFileAtomic(join(dir, 'access.log'), new Uint8Array(0), this.#tmp);
    const record: LinkRecord = {
      v: 1,
      id,
      created: link.created,
      ...(link.exp === undefined ? {} : { exp: link.exp }),
      ...(link.label === undefined ? {} : { label: link.label }),
      longTerm: link.longTerm,
      maxAttempts: link.maxAttempts,
      ...(link.passcode ? { passcode: link.passcode } : {}),
      tokenHash: link.tokenHash,
      files,
    };
    await this.#writeRecord(record); // the link exists from here on
    this.#state.set(id, {
      record,
      logLength: 0,
      lastHash: GENESIS_HASH,
      wrongAttempts: 0,
      purged: false,
    });
    return id;
  }

  /** Replaces a link's files (call inside `run`). */
  async replaceFiles(id: string, uploaded: UploadedFile[], at: string): Promise<StoredFile[]> {
    const state = this.#must(id);
    const old = state.record.files;
    const files = await this.#writeFiles(id, uploaded, at);
    const record = { ...state.record, files };
    await this.#writeRecord(record);
    state.record = record;
    for (const f of old) await rm(this.#filePath(id, f.fileId), { force: true });
    return files;
  }

  /** Marks a link revoked and deletes its files (call inside `run`). */
  async revoke(id: string, at: string): Promise<void> {
    const state = this.#must(id);
    if (!state.record.revokedAt) {
      const record = { ...state.record, revokedAt: at };
      await this.#writeRecord(record);
      state.record = record;
    }
    await this.purgeFiles(id);
  }

  /** Deletes the files of a link that ended (revoked, expired, locked); its record and log stay. */
  async purgeFiles(id: string): Promise<void> {
    const state = this.#must(id);
    if (state.purged) return;
    await rm(join(this.#links, id, 'files'), { recursive: true, force: true });
    state.purged = true;
  }

  /** A file's JWE. */
  async readFile(id: string, fileId: string): Promise<string> {
    return readFile(this.#filePath(id, fileId), 'utf8');
  }

  /** Signs and appends an entry to a link's log, durably (call inside `run`). */
  async appendAccess(
    id: string,
    fields: Omit<AccessLogEntry, 'seq' | 'prev' | 'sig'>,
  ): Promise<AccessLogEntry> {
    const state = this.#must(id);
    const entry = signAccessEntry(this.#signer, id, {
      ...fields,
      seq: state.logLength,
      prev: state.lastHash,
    });
    const handle = await open(join(this.#links, id, 'access.log'), 'a');
    try {
      await handle.write(`${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { sig: _sig, ...unsigned } = entry;
    state.logLength += 1;
    state.lastHash = accessEntryHash(id, unsigned);
    if (entry.outcome === 'wrong-passcode') state.wrongAttempts += 1;
    return entry;
  }

  /** A link's whole access log. */
  readLog(id: string): Promise<AccessLogEntry[]> {
    return this.#readLog(id, { repair: false });
  }

  async #readLog(id: string, options: { repair: boolean }): Promise<AccessLogEntry[]> {
    const path = join(this.#links, id, 'access.log');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
      return [];
    }
    const entries: AccessLogEntry[] = [];
    let kept = 0; // bytes of whole, parsable lines
    for (const line of text.split('\n').slice(0, -1)) {
      try {
        entries.push(JSON.parse(line) as AccessLogEntry);
      } catch {
        break;
      }
      kept += Buffer.byteLength(line) + 1;
    }
    if (options.repair && kept < Buffer.byteLength(text)) await truncate(path, kept);
    return entries;
  }

  async #writeFiles(id: string, uploaded: UploadedFile[], at: string): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    for (const file of uploaded) {
      const fileId = randomBytes(16).toString('base64url');
      await writeFileAtomic(
        this.#filePath(id, fileId),
        new TextEncoder().encode(file.jwe),
        this.#tmp,
      );
      files.push({
        fileId,
        contentType: file.contentType,
        length: file.jwe.length,
        lastUpdated: at,
      });
    }
    return files;
  }

  #writeRecord(record: LinkRecord): Promise<void> {
    const bytes = new TextEncoder().encode(`${JSON.stringify(record, null, 1)}\n`);
    return writeFileAtomic(join(this.#links, record.id, 'link.json'), bytes, this.#tmp);
  }

  #filePath(id: string, fileId: string): string {
    if (!FILE_ID.test(fileId)) throw new Error('not a file id');
    return join(this.#links, id, 'files', `${fileId}.jwe`);
  }

  #must(id: string): LinkState {
    const state = this.get(id);
    if (!state) throw new Error(`no link ${id}`);
    return state;
  }
}
