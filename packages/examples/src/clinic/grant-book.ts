/** The grants a clinic received, kept in its data directory across restarts. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Grant, type GrantJson, grantFromJson, grantToJson } from '@medvault/core/proxy';

/**
 * Grants by id, written to `grants.json` (through a temporary file) on every change.
 *
 * @example
 * ```ts
 * const book = await GrantBook.open('.medvault/clinic');
 * await book.add(grant);
 * ```
 */
export class GrantBook {
  readonly #file: string;
  readonly #grants: Map<string, Grant>;

  private constructor(file: string, grants: Map<string, Grant>) {
    this.#file = file;
    this.#grants = grants;
  }

  /** The book in `dataDir` (empty when there is none yet). */
  static async open(dataDir: string): Promise<GrantBook> {
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, 'grants.json');
    const saved = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as GrantJson[],
      () => [] as GrantJson[],
    );
    return new GrantBook(file, new Map(saved.map((g) => [g.grantId, grantFromJson(g)])));
  }

  all(): Grant[] {
    return [...this.#grants.values()];
  }

  get(grantId: string): Grant | undefined {
    return this.#grants.get(grantId);
  }

  /** Keeps `grant` (replacing one with its id) and saves the book. */
  async add(grant: Grant): Promise<void> {
    this.#grants.set(grant.grantId, grant);
    const tmp = `${this.#file}.tmp`;
    await writeFile(tmp, JSON.stringify(this.all().map(grantToJson), null, 2));
    await rename(tmp, this.#file);
  }
}
