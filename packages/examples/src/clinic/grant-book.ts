/**
 * The grants a clinic received, kept in its data directory across restarts,
 * each with when and by which signed-in staff member it was received and,
 * once a read found it, when the patient ended it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Grant, type GrantJson, grantFromJson, grantToJson } from '@medvault/core/proxy';

/**
 * A grant the clinic holds, and what the clinic knows of it besides.
 *
 * @example
 * ```ts
 * const held: HeldGrant = { grant, receivedAt: Date.now(), receivedBy: 'okafor' };
 * ```
 */
export type HeldGrant = {
  grant: Grant;
  /** When the clinic's server received it (ms); unknown for grants kept before it was noted. */
  receivedAt?: number;
  /** The staff account signed in when it arrived. */
  receivedBy?: string;
  /** When the patient ended it, as their ledger says (ms), once a read found out. */
  endedAt?: number;
};

/** One grant as `grants.json` keeps it (a bare `GrantJson` in books written before receipts were kept). */
type SavedGrant = { grant: GrantJson; receivedAt?: number; receivedBy?: string; endedAt?: number };

function fromSaved(saved: SavedGrant | GrantJson): HeldGrant {
  if ('grantId' in saved) return { grant: grantFromJson(saved) };
  return {
    grant: grantFromJson(saved.grant),
    ...(saved.receivedAt === undefined ? {} : { receivedAt: saved.receivedAt }),
    ...(saved.receivedBy === undefined ? {} : { receivedBy: saved.receivedBy }),
    ...(saved.endedAt === undefined ? {} : { endedAt: saved.endedAt }),
  };
}

const toSaved = ({ grant, ...known }: HeldGrant): SavedGrant => ({
  grant: grantToJson(grant),
  ...known,
});

/**
 * Grants by id, written to `grants.json` (through a temporary file) on every change.
 *
 * @example
 * ```ts
 * const book = await GrantBook.open('.medvault/clinic');
 * await book.add(grant, { receivedAt: Date.now(), receivedBy: 'okafor' });
 * book.held(); // [{ grant, receivedAt, receivedBy }]
 * ```
 */
export class GrantBook {
  readonly #file: string;
  readonly #grants: Map<string, HeldGrant>;
  #saving: Promise<void> = Promise.resolve();

  private constructor(file: string, grants: Map<string, HeldGrant>) {
    this.#file = file;
    this.#grants = grants;
  }

  /** The book in `dataDir` (empty when there is none yet). */
  static async open(dataDir: string): Promise<GrantBook> {
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, 'grants.json');
    const saved = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as (SavedGrant | GrantJson)[],
      () => [] as SavedGrant[],
    );
    const held = saved.map(fromSaved);
    return new GrantBook(file, new Map(held.map((h) => [h.grant.grantId, h])));
  }

  /** Every grant held. */
  all(): Grant[] {
    return this.held().map((h) => h.grant);
  }

  /** Every grant held, with when and by whom it was received. */
  held(): HeldGrant[] {
    return [...this.#grants.values()];
  }

  get(grantId: string): Grant | undefined {
    return this.#grants.get(grantId)?.grant;
  }

  /** The grant with its receipt, or undefined. */
  heldOf(grantId: string): HeldGrant | undefined {
    return this.#grants.get(grantId);
  }

  /**
   * Keeps `grant` (replacing one with its id, whose receipt stays) with
   * when and by whom it was received, and saves the book.
   */
  async add(grant: Grant, receipt: { receivedAt?: number; receivedBy?: string } = {}) {
    const before = this.#grants.get(grant.grantId);
    this.#grants.set(grant.grantId, { ...receipt, ...before, grant });
    await this.#save();
  }

  /** Notes that the patient ended the grant at `endedAt` (ms), and saves the book. */
  async markEnded(grantId: string, endedAt: number): Promise<void> {
    const held = this.#grants.get(grantId);
    if (!held || held.endedAt === endedAt) return;
    this.#grants.set(grantId, { ...held, endedAt });
    await this.#save();
  }

  /** Writes the book; writes run one after another, each of the book as it is then. */
  #save(): Promise<void> {
    const write = async () => {
      const tmp = `${this.#file}.tmp`;
      await writeFile(tmp, JSON.stringify(this.held().map(toSaved), null, 2));
      await rename(tmp, this.#file);
    };
    this.#saving = this.#saving.then(write, write);
    return this.#saving;
  }
}
