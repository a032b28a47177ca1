/**
 * The patient's ledger as the wallet keeps it: a full copy in IndexedDB,
 * brought up to date from the (untrusted) ledger host entry by entry — each
 * one checked by the core's `Ledger` — and created on the host on first use.
 * A host that lost, rewrote or forked entries the wallet already holds is
 * reported, never followed.
 */
import { type EntryBody, type EntryKind, Ledger, type LedgerStore } from '@medvault/core/ledger';
import { type LedgerHostClient, LedgerHostRequestError } from '@medvault/core/ledger-host';
import type { Signer } from '@medvault/core/pre';
import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { LedgerDivergedError } from './errors.js';

/**
 * @example
 * ```ts
 * const ledger = await PatientLedger.open(ledgerId, store);
 * await ledger.sync(host, owner);
 * ```
 */
export class PatientLedger {
  #ledger: Ledger;
  readonly #store: LedgerStore;
  readonly #id: Uint8Array;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(ledger: Ledger, id: Uint8Array, store: LedgerStore) {
    this.#ledger = ledger;
    this.#id = id;
    this.#store = store;
  }

  /** Loads (and verifies) the local copy. */
  static async open(id: Uint8Array, store: LedgerStore): Promise<PatientLedger> {
    return new PatientLedger(await Ledger.open(id, { store }), id, store);
  }

  /** The verified local copy. */
  get ledger(): Ledger {
    return this.#ledger;
  }

  /** The ledger id in hex, as the host and proxies name it. */
  get idHex(): string {
    return bytesToHex(this.#id);
  }

  /**
   * Creates the ledger on the host if it has none, then pulls and verifies
   * what the wallet does not hold yet. Serialised: one sync at a time.
   */
  sync(host: LedgerHostClient, owner: Signer): Promise<Ledger> {
    const run = this.#queue.then(() => this.#sync(host, owner));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sync(anyHost: LedgerHostClient, owner: Signer): Promise<Ledger> {
    // reads are signed as the owner, whom the host serves every entry in full
    const host = anyHost.withSigner(owner);
    let hostSize: number;
    try {
      hostSize = (await host.head(this.idHex)).size;
    } catch (error) {
      if (!(error instanceof LedgerHostRequestError && error.status === 404)) throw error;
      if (this.#ledger.size > 0) {
        throw new LedgerDivergedError(`the host has no ledger ${this.idHex.slice(0, 16)}… at all`);
      }
      this.#ledger = await Ledger.create(owner, { id: this.#id, store: this.#store });
      await host.createLedger(this.#ledger.entryBytes(0));
      return this.#ledger;
    }
    const local = this.#ledger.size;
    if (hostSize < local) {
      throw new LedgerDivergedError(`it has ${hostSize} entries, you hold ${local}`);
    }
    if (local > 0) {
      const [last] = await host.entries(this.idHex, local - 1);
      if (!last || !equalBytes(last, this.#ledger.entryBytes(local - 1))) {
        throw new LedgerDivergedError(`entry ${local - 1} is not the one you hold`);
      }
    }
    for (const bytes of await host.entries(this.idHex, local)) {
      await this.#ledger.appendSigned(bytes);
    }
    return this.#ledger;
  }

  /** Appends an entry the patient signs through the host, then syncs. */
  async submit<K extends EntryKind>(
    host: LedgerHostClient,
    owner: Signer,
    kind: K,
    body: EntryBody<K>,
  ): Promise<Ledger> {
    await this.sync(host, owner);
    await host.submit(this.idHex, kind, body, owner);
    return this.sync(host, owner);
  }
}
