/**
 * The proxy's key fragments, one crash-safe file per grant
 * (`<dir>/grants/<grantId>.json`, written atomically: see atomic-file.ts):
 * an acknowledged fragment survives `kill -9` at any moment and a fragment
 * is never half-written. Files are small and few (one per grant the proxy
 * serves), so they are all held in memory too; an embedded database would
 * add a native dependency for no gain at this size.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseError } from '@medvault/core';
import { scopeSchema } from '@medvault/core/ledger';
import { z } from 'zod';
import { cleanTemporaryFiles, writeFileAtomic } from '../storage/atomic-file.js';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

const storedGrantSchema = z.strictObject({
  grantId: hex(32),
  ledgerId: hex(32),
  ledgerHost: z.string(),
  patient: hex(33),
  verifyingKey: hex(33),
  reader: hex(33),
  /** The grant's scope, expiry (ms) and commitment salt, as checked against the chain at delivery. */
  scope: scopeSchema,
  expiresAt: z.number().int().nonnegative(),
  salt: hex(32),
  /**
   * The verified key fragments, hex, one per delegated encryption key (its
   * compressed public key, hex): a category in an epoch.
   */
  kfrags: z
    .array(
      z.strictObject({
        key: hex(33),
        kfrag: z.string().regex(/^[0-9a-f]+$/),
        /** The identity key that signed it (the grant's `verifyingKey`, or its successor after an identity rotation). */
        verifyingKey: hex(33).optional(),
      }),
    )
    .min(1),
  storedAt: z.number().int().nonnegative(),
});

/** What a proxy keeps for one grant. */
export type StoredGrant = z.infer<typeof storedGrantSchema>;

/** A grant file that does not parse: the store refuses to start rather than guess. */
export class CorruptGrantFileError extends BaseError {
  static override readonly code = 'PROXY_STORE_CORRUPT';
  override readonly name = 'CorruptGrantFileError';
  constructor(file: string, cause: unknown) {
    super(`The grant file ${file} is not a valid stored grant; move it aside to start the proxy.`, {
      cause,
      docsPath: 'guides/proxy-operator.md',
    });
  }
}

/** Key fragments by grant id, on disk and in memory. */
export class KfragStore {
  readonly #dir: string;
  readonly #tmp: string;
  readonly #grants = new Map<string, StoredGrant>();
  /** The update in progress per grant: updates of one grant run one after another. */
  readonly #updating = new Map<string, Promise<unknown>>();

  private constructor(dataDir: string) {
    this.#dir = join(dataDir, 'grants');
    this.#tmp = join(dataDir, 'tmp');
  }

  /** Opens (creating) the store in `dataDir` and loads every grant. */
  static async open(dataDir: string): Promise<KfragStore> {
    const store = new KfragStore(dataDir);
    await cleanTemporaryFiles(store.#tmp);
    await writeFileAtomic(join(store.#dir, '.keep'), new Uint8Array(0), store.#tmp);
    for (const name of await readdir(store.#dir)) {
      if (!name.endsWith('.json')) continue;
      const file = join(store.#dir, name);
      try {
        const grant = storedGrantSchema.parse(JSON.parse(await readFile(file, 'utf8')));
        if (`${grant.grantId}.json` !== name) throw new Error('file name and grant id differ');
        store.#grants.set(grant.grantId, grant);
      } catch (cause) {
        throw new CorruptGrantFileError(file, cause);
      }
    }
    return store;
  }

  /** The grant's record, if held. */
  get(grantId: string): StoredGrant | undefined {
    return this.#grants.get(grantId);
  }

  /** Stores a grant durably; resolves once it would survive a crash. */
  async put(grant: StoredGrant): Promise<void> {
    const checked = storedGrantSchema.parse(grant);
    const bytes = new TextEncoder().encode(`${JSON.stringify(checked)}\n`);
    await writeFileAtomic(join(this.#dir, `${checked.grantId}.json`), bytes, this.#tmp);
    this.#grants.set(checked.grantId, checked);
  }

  /**
   * Reads, changes and stores one grant with no other update of it in
   * between: `change` gets the grant held (if any) and returns the grant to
   * store, or undefined to leave it as it is. Resolves to what `change`
   * returned, once stored.
   */
  async update(
    grantId: string,
    change: (held: StoredGrant | undefined) => StoredGrant | undefined,
  ): Promise<StoredGrant | undefined> {
    const before = this.#updating.get(grantId) ?? Promise.resolve();
    const run = before
      .catch(() => undefined)
      .then(async () => {
        const next = change(this.#grants.get(grantId));
        if (next) await this.put(next);
        return next;
      });
    this.#updating.set(grantId, run);
    try {
      return await run;
    } finally {
      if (this.#updating.get(grantId) === run) this.#updating.delete(grantId);
    }
  }

  /** Forgets a grant (no-op if unknown). */
  async delete(grantId: string): Promise<void> {
    this.#grants.delete(grantId);
    try {
      await unlink(join(this.#dir, `${grantId}.json`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Number of grants held. */
  get size(): number {
    return this.#grants.size;
  }

  /** Every grant held. */
  all(): StoredGrant[] {
    return [...this.#grants.values()];
  }
}
