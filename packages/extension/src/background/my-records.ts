/**
 * The patient's own records, opened: read from storage (every block checked
 * against its CID), unsealed here in the background with the key of the
 * record's category and epoch, and handed to the wallet's page as plaintext
 * for display only. Also the export of everything as one FHIR Bundle, and
 * the kinds of identifying data each record carries (for the share prompt).
 */
import { collect, openRecord } from '@medvault/core/envelope';
import { findEncryptionKey } from '@medvault/core/ledger';
import { provenanceOf } from '@medvault/core/provider-import';
import { indexLedger, type RecordInfo } from '@medvault/core/proxy';
import { base64 } from '@scure/base';
import { NoSuchRecordError, RecordUnavailableError } from './errors.js';
import { identifyingKinds } from './identifying-data.js';
import type { IdentityVault } from './identity-vault.js';
import type { LedgerSync } from './ledger-sync.js';
import type { SettingsController } from './settings-controller.js';
import type { WalletDb } from './wallet-db.js';

/** The largest record the wallet opens for display (bytes); larger ones are exported only by the CLI. */
export const MAX_OPEN_BYTES = 32 * 1024 * 1024;

/**
 * A record opened for the patient's page.
 *
 * @example
 * ```ts
 * const opened: OpenedRecord = await myRecords.open(cid);
 * const bytes = base64.decode(opened.body);
 * ```
 */
export type OpenedRecord = {
  cid: string;
  title: string;
  contentType: string;
  resourceType?: string;
  category: string;
  /** Seq of its record entry in the patient's ledger. */
  seq: number;
  /** When the ledger recorded it (ms). */
  recordedAt: number;
  /** The site that handed it over, when the wallet received it itself. */
  origin?: string;
  /**
   * For a record imported from a provider: the FHIR server it came from,
   * the resource (`Type/id`) and version, and when it was fetched — read
   * from the Provenance its Bundle carries (`provenanceOf`).
   */
  provenance?: { server: string; source: string; version?: string; fetchedAt: string };
  /** The plaintext, base64 (messages between extension contexts carry JSON). */
  body: string;
};

/**
 * Everything exported: a FHIR R4 Bundle (type `collection`) as JSON, and
 * the records that could not be put in it, with why.
 *
 * @example
 * ```ts
 * const { bundle, failed }: RecordsExport = await myRecords.exportAll();
 * ```
 */
export type RecordsExport = {
  bundle: string;
  included: number;
  failed: { cid: string; title: string; reason: string }[];
};

/**
 * What `MyRecords` needs.
 *
 * @example
 * ```ts
 * const deps: MyRecordsDeps = { db, identity, ledgerSync, settings };
 * ```
 */
export type MyRecordsDeps = {
  db: WalletDb;
  identity: IdentityVault;
  ledgerSync: LedgerSync;
  settings: SettingsController;
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Opens the patient's records.
 *
 * @example
 * ```ts
 * const myRecords = new MyRecords({ db, identity, ledgerSync, settings });
 * const { title, contentType, body } = await myRecords.open(cid);
 * ```
 */
export class MyRecords {
  readonly #deps: MyRecordsDeps;

  constructor(deps: MyRecordsDeps) {
    this.#deps = deps;
  }

  /** The records of the verified ledger (the owner's and those she accepted), by CID. */
  async #index(): Promise<{
    records: Map<string, RecordInfo>;
    where: (info: RecordInfo) => { category: string; epoch: number } | undefined;
  }> {
    const ledger = await this.#deps.ledgerSync.latest();
    return {
      records: indexLedger(ledger.allEntryBytes()).records,
      where: (info) => findEncryptionKey(ledger.state, info.recipient),
    };
  }

  /** The plaintext of one record, unsealed with the key it is sealed to. */
  async #plaintext(
    info: RecordInfo,
    title: string,
    where: { category: string; epoch: number } | undefined,
  ): Promise<Uint8Array> {
    if (!where) {
      throw new RecordUnavailableError(title, 'it is sealed to a key that is not one of yours.');
    }
    if (info.size > MAX_OPEN_BYTES) {
      throw new RecordUnavailableError(
        title,
        `it is too large to open here (${Math.ceil(info.size / 1024 / 1024)} MB); export it with the medvault command-line tool.`,
      );
    }
    // locked: WalletLockedError, before anything is fetched
    const key = this.#deps.identity.withKeys((keys) =>
      keys.encryptionKey(where.category, where.epoch),
    );
    let sealed: ReadableStream<Uint8Array>;
    try {
      sealed = await (await this.#deps.settings.storage()).get(info.cid);
    } catch (error) {
      throw new RecordUnavailableError(
        title,
        'its sealed copy could not be fetched from where your records are kept (Advanced settings → Record storage).',
        { cause: error },
      );
    }
    try {
      return await collect(await openRecord(sealed, key));
    } catch (error) {
      throw new RecordUnavailableError(
        title,
        'its sealed copy did not pass the checks (damaged or not the record the ledger names).',
        { cause: error },
      );
    }
  }

  /**
   * Opens one record of the patient's ledger. `NoSuchRecordError` when the
   * ledger has none with `cid`; `RecordUnavailableError` when its sealed
   * copy cannot be fetched or does not open; `WalletLockedError` when locked.
   */
  async open(cid: string): Promise<OpenedRecord> {
    const { records, where } = await this.#index();
    const info = records.get(cid);
    if (!info) throw new NoSuchRecordError(cid);
    const stored = await this.#deps.db.record(cid);
    const title = stored?.title ?? info.resourceType ?? 'Record';
    const body = await this.#plaintext(info, title, where(info));
    if (stored && !stored.identifying) {
      await this.#deps.db.putRecord({
        ...stored,
        identifying: identifyingKinds(info.contentType, body),
      });
    }
    const provenance = stored?.imported ? importedFrom(body) : undefined;
    return {
      cid,
      title,
      contentType: info.contentType,
      ...(info.resourceType ? { resourceType: info.resourceType } : {}),
      category: info.category,
      seq: info.seq,
      recordedAt: info.time,
      ...(stored?.origin ? { origin: stored.origin } : {}),
      ...(provenance ? { provenance } : {}),
      body: base64.encode(body),
    };
  }

  /**
   * The kinds of identifying data in each of `cids` (name, phone number,
   * address, medical record number …), opening those not seen before;
   * a record that cannot be opened now is listed in `unchecked`.
   */
  async identifying(cids: readonly string[]): Promise<{ kinds: string[]; unchecked: string[] }> {
    const kinds = new Set<string>();
    const unchecked: string[] = [];
    for (const cid of cids) {
      let known = (await this.#deps.db.record(cid))?.identifying;
      if (!known) {
        try {
          await this.open(cid);
          known = (await this.#deps.db.record(cid))?.identifying;
        } catch {
          // not reachable now: the prompt says it could not be checked
        }
      }
      if (known) for (const kind of known) kinds.add(kind);
      else unchecked.push(cid);
    }
    return { kinds: [...kinds], unchecked };
  }

  /**
   * Every record as one FHIR R4 Bundle of type `collection`: a FHIR
   * resource as an entry, a Bundle's entries each as an entry (once per
   * resource type and id), a PDF or other document as a DocumentReference
   * carrying it as an attachment. A record that cannot be opened is left
   * out and named in `failed`, never dropped silently.
   */
  async exportAll(now = Date.now()): Promise<RecordsExport> {
    const { records, where } = await this.#index();
    const titles = new Map((await this.#deps.db.records()).map((r) => [r.cid, r.title]));
    const entries: Json[] = [];
    const seen = new Set<string>();
    const failed: RecordsExport['failed'] = [];
    const add = (resource: Json, fullUrl?: unknown) => {
      const key =
        typeof resource.id === 'string' ? `${String(resource.resourceType)}/${resource.id}` : '';
      if (key && seen.has(key)) return;
      if (key) seen.add(key);
      entries.push(typeof fullUrl === 'string' ? { fullUrl, resource } : { resource });
    };
    let included = 0;
    for (const info of [...records.values()].sort((a, b) => a.seq - b.seq)) {
      const title = titles.get(info.cid) ?? info.resourceType ?? 'Record';
      let body: Uint8Array;
      try {
        body = await this.#plaintext(info, title, where(info));
      } catch (error) {
        failed.push({
          cid: info.cid,
          title,
          reason: (error as Error).message.split('\n')[0] ?? '',
        });
        continue;
      }
      included += 1;
      const parsed = /json/i.test(info.contentType) ? parseJson(body) : undefined;
      if (isObject(parsed) && typeof parsed.resourceType === 'string') {
        if (parsed.resourceType === 'Bundle' && Array.isArray(parsed.entry)) {
          for (const entry of parsed.entry) {
            if (isObject(entry) && isObject(entry.resource)) add(entry.resource, entry.fullUrl);
          }
        } else add(parsed);
        continue;
      }
      add({
        resourceType: 'DocumentReference',
        status: 'current',
        description: title,
        date: new Date(info.time).toISOString(),
        content: [
          {
            attachment: {
              contentType: info.contentType,
              data: base64.encode(body),
              title,
              size: body.length,
            },
          },
        ],
      });
    }
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: new Date(now).toISOString(),
      meta: { tag: [{ display: 'Exported from the patient’s MedVault wallet' }] },
      entry: entries,
    };
    return { bundle: JSON.stringify(bundle, null, 2), included, failed };
  }
}

/** Where an imported record came from, by its Provenance; undefined when it carries none that reads. */
function importedFrom(body: Uint8Array): OpenedRecord['provenance'] {
  try {
    const { server, source, version, fetchedAt } = provenanceOf(body);
    return { server, source, ...(version ? { version } : {}), fetchedAt };
  } catch {
    return undefined;
  }
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}
