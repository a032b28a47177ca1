/**
 * The ledger sync concern of the wallet: the patient's ledger kept with the
 * host — records appended, entries fetched and verified, entries adopted
 * into the lists after a restore, the ledger checked against its anchor on
 * chain and anchored. It signs through the identity's `signer()` and sees
 * the key only in `anchor`, which the chain's registry needs.
 */
import { anchorCheckpoint, getAnchor } from '@medvault/core/chain';
import { sealRecordInto } from '@medvault/core/envelope';
import {
  currentEncryptionKey,
  DEFAULT_CATEGORIES,
  type EncryptionKey,
  type EntryBody,
  findEncryptionKey,
  type Ledger,
  type LedgerStore,
  type Note,
  nextEncryptionKeys,
  openNote,
  sealNote,
  WrongRecipientError,
} from '@medvault/core/ledger';
import { LedgerHostRequestError } from '@medvault/core/ledger-host';
import { Capsule, PublicKey } from '@medvault/core/pre';
import {
  indexLedger,
  type LedgerAccess,
  rotateCategories,
  rotateIdentity,
} from '@medvault/core/proxy';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { ReceiveRecordRequest } from '../shared/provider-schema.js';
import { ProviderRpcError, RPC_ERROR } from '../shared/rpc-error.js';
import { ForeignKeyError, LedgerDivergedError, NoSuchProposalError } from './errors.js';
import type { IdentityVault } from './identity-vault.js';
import { type AdoptedFromLedger, adoptFromLedger, storedRecordOf } from './lists-from-ledger.js';
import { PatientLedger } from './patient-ledger.js';
import type { SettingsController } from './settings-controller.js';
import type { StoredRecord, WalletDb } from './wallet-db.js';

/** The category of a record that names none. */
export const DEFAULT_CATEGORY = 'other';

/** Access entries of one grant for the same records this close together are one read. */
export const READ_WINDOW_MS = 60_000;

/**
 * One read of shared records: the access entries its proxies logged (each
 * of the t proxies that re-encrypted logs its own), merged.
 *
 * @example
 * ```ts
 * const [latest]: AccessSummary[] = await ledgerSync.accesses();
 * ```
 */
export type AccessSummary = {
  time: number;
  grantId: string;
  readerName: string;
  /** The proxies that served the read. */
  proxies: string[];
  records: string[];
};

/**
 * A record another author (a hospital, without the patient present) put in
 * the ledger, awaiting the patient's decision: until the patient accepts
 * it, no share covers it and no reader sees it.
 *
 * @example
 * ```ts
 * const [first]: ProposedRecord[] = await ledgerSync.proposals();
 * await ledgerSync.decideProposal(first.seq, true);
 * ```
 */
export type ProposedRecord = {
  seq: number;
  cid: string;
  /** The proposing author's key (hex). */
  author: string;
  /** The title the author sealed to the patient, if it opens. */
  title?: string;
  origin?: string;
  contentType: string;
  resourceType?: string;
  category?: string;
  size: number;
  time: number;
};

/**
 * The ledger's state as the dashboard shows it.
 *
 * @example
 * ```ts
 * const status: LedgerStatus = await ledgerSync.status();
 * if (!status.ok) console.warn(status.problem);
 * ```
 */
export type LedgerStatus =
  | {
      ok: true;
      entries: number;
      anchor?: { size: number; blockNumber: string };
      /** Records and grants the lists gained from the ledger (another device's). */
      adopted: AdoptedFromLedger;
    }
  | { ok: false; entries: number; problem: string; adopted?: AdoptedFromLedger };

/**
 * A record of the patient's own to add (`LedgerSync.addOwnRecord`): its
 * plaintext, what its entry says, and the note sealed beside it.
 *
 * @example
 * ```ts
 * const record: OwnRecord = { bytes, contentType: 'application/fhir+json', resourceType: 'Observation', category: 'laboratory', note: { title: 'Hemoglobin A1c', origin } };
 * ```
 */
export type OwnRecord = {
  bytes: Uint8Array;
  contentType: string;
  resourceType?: string;
  category: string;
  /** Sealed to the same key as the record; `title` and `origin` are listed. */
  note: Note & { title: string; origin: string };
};

/**
 * What `LedgerSync` needs.
 *
 * @example
 * ```ts
 * const deps: LedgerSyncDeps = { db, ledgerStore, identity, settings };
 * ```
 */
export type LedgerSyncDeps = {
  db: WalletDb;
  /** Where the local copy of the ledger lives. */
  ledgerStore: LedgerStore;
  /** The ledger id, and the signer of the patient's entries. */
  identity: IdentityVault;
  /** The ledger host and the chain. */
  settings: SettingsController;
};

/**
 * The patient's ledger, kept with the host.
 *
 * @example
 * ```ts
 * const ledgerSync = new LedgerSync({ db, ledgerStore, identity, settings });
 * await ledgerSync.receive(record, 'https://hospital.example');
 * const status = await ledgerSync.status();
 * ```
 */
export class LedgerSync {
  readonly #deps: LedgerSyncDeps;
  /**
   * The local copy, opened once per ledger id: callers that arrive while it
   * is being opened share the same promise (two copies over one store would
   * each append the same entries, and the second would fail).
   */
  #ledger: { idHex: string; opened: Promise<PatientLedger> } | undefined;

  constructor(deps: LedgerSyncDeps) {
    this.#deps = deps;
    // a wallet set up again starts from the stored copy of its ledger
    deps.identity.onOnboard(() => {
      this.#ledger = undefined;
    });
  }

  /** The local copy of the ledger (readable while locked: it holds no secret). */
  async #patientLedger(): Promise<PatientLedger> {
    const { ledgerId } = await this.#deps.identity.publicIdentity();
    if (this.#ledger?.idHex !== ledgerId) {
      const opened = PatientLedger.open(hexToBytes(ledgerId), this.#deps.ledgerStore);
      this.#ledger = { idHex: ledgerId, opened };
      // a failed open is tried again next time
      opened.catch(() => {
        if (this.#ledger?.opened === opened) this.#ledger = undefined;
      });
    }
    return this.#ledger.opened;
  }

  /**
   * The local copy, first brought up to date from the host when unlocked —
   * best effort: a host that is down leaves the local copy as it is.
   */
  async latest(): Promise<Ledger> {
    const patientLedger = await this.#patientLedger();
    if (this.#deps.identity.unlocked) {
      try {
        const ledger = await patientLedger.sync(
          await this.#deps.settings.ledgerHost(),
          this.#deps.identity.signer(),
        );
        // what another device added joins the lists as soon as it is seen
        await adoptFromLedger(ledger, this.#deps.db, this.#notesOf(ledger));
      } catch {
        // best effort: the dashboard's ledger check reports the problem
      }
    }
    return patientLedger.ledger;
  }

  /**
   * Syncs, lets `use` write to the ledger through the host (the core's
   * `grantAccess` and `revokeAccess` append their entries themselves), then
   * syncs again so the local copy holds what `use` wrote.
   */
  async writing<T>(use: (access: LedgerAccess) => Promise<T>): Promise<T> {
    const host = await this.#deps.settings.ledgerHost();
    const ledger = await this.#patientLedger();
    const owner = this.#deps.identity.signer();
    await ledger.sync(host, owner);
    const result = await use({ host, ledgerId: ledger.idHex });
    await ledger.sync(host, owner);
    return result;
  }

  /**
   * Opens notes sealed to the patient in `ledger` (undefined when locked,
   * absent or unreadable): a record's note with the key the record is sealed to
   * (`recipient`, found among the published keys), any other with the
   * patient's notes key.
   */
  #notesOf =
    (ledger: Ledger) =>
    (sealed: Uint8Array | undefined, recipient?: Uint8Array): Note | undefined => {
      if (!sealed || !this.#deps.identity.unlocked) return undefined;
      try {
        return this.#deps.identity.withKeys((keys) => {
          if (!recipient) return openNote(keys.notesKey(), sealed);
          const where = findEncryptionKey(ledger.state, recipient);
          return where
            ? openNote(keys.encryptionKey(where.category, where.epoch), sealed)
            : undefined;
        });
      } catch {
        return undefined;
      }
    };

  /**
   * Publishes keys for the categories that have none yet — the default set
   * and `categories` — in one `encryption-keys` entry signed by the
   * identity key; returns the synced ledger.
   */
  async ensureKeys(categories: readonly string[] = []): Promise<Ledger> {
    const owner = this.#deps.identity.signer();
    const host = await this.#deps.settings.ledgerHost();
    const patientLedger = await this.#patientLedger();
    const ledger = await patientLedger.sync(host, owner);
    const body = this.#deps.identity.withKeys((keys) =>
      nextEncryptionKeys(keys, ledger.state, [...DEFAULT_CATEGORIES, ...categories]),
    );
    return body ? patientLedger.submit(host, owner, 'encryption-keys', body) : ledger;
  }

  /**
   * The key a record of `category` is sealed to now: what a hospital page
   * asks for before it seals. Only a default category, or one already
   * published, has a key to give: a site cannot add names to the patient's
   * public key list without the patient — a new category gets its key when
   * the patient approves a record of it (`receive`).
   */
  async encryptionKey(category: string): Promise<EncryptionKey> {
    const state = (await this.ensureKeys()).state;
    if (!state.encryptionKeys.has(category)) {
      throw new ProviderRpcError(
        RPC_ERROR.invalidParams,
        `medvault_getEncryptionKey: the patient has no key for category "${category}"; ask for one of ${[...state.encryptionKeys.keys()].join(', ')} — or send the record with its category: once the patient approves it, the category gets its key`,
      );
    }
    return currentEncryptionKey(state, category);
  }

  /**
   * The categories whose current encryption key the wallet did not derive
   * itself (a thief of the identity key can publish its own as a
   * category's next epoch, so that authors seal to it), with that epoch.
   */
  foreignKeys(ledger: Ledger): { category: string; epoch: number }[] {
    return this.#deps.identity.withKeys((keys) =>
      [...ledger.state.encryptionKeys].flatMap(([category, published]) => {
        const epoch = published.length - 1;
        const ours = keys.encryptionKey(category, epoch).publicKey().toCompressedBytes();
        return bytesToHex(published[epoch] as Uint8Array) === bytesToHex(ours)
          ? []
          : [{ category, epoch }];
      }),
    );
  }

  /** Records other authors proposed, awaiting the patient's decision, oldest first. */
  async proposals(): Promise<ProposedRecord[]> {
    const ledger = await this.latest();
    const { proposals } = indexLedger(ledger.allEntryBytes());
    const readNote = this.#notesOf(ledger);
    return [...proposals.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((p) => {
        const note = readNote(p.note, p.recipient);
        return {
          seq: p.seq,
          cid: p.cid,
          author: p.author,
          ...(note?.title ? { title: note.title } : {}),
          ...(note?.origin ? { origin: note.origin } : {}),
          contentType: p.contentType,
          ...(p.resourceType ? { resourceType: p.resourceType } : {}),
          ...(p.category ? { category: p.category } : {}),
          size: p.size,
          time: p.time,
        };
      });
  }

  /**
   * The patient's decision on a proposed record, signed into the ledger
   * (an `endorse` entry naming the proposal and its hash). An accepted
   * record joins the records list.
   */
  async decideProposal(seq: number, accept: boolean): Promise<{ seq: number; accepted: boolean }> {
    const owner = this.#deps.identity.signer();
    const host = await this.#deps.settings.ledgerHost();
    const patientLedger = await this.#patientLedger();
    const ledger = await patientLedger.sync(host, owner);
    const proposal = indexLedger(ledger.allEntryBytes()).proposals.get(seq);
    if (!proposal) throw new NoSuchProposalError(seq);
    await patientLedger.submit(host, owner, 'endorse', {
      proposal: seq,
      entryHash: proposal.hash,
      accept,
    });
    if (accept) {
      const after = patientLedger.ledger;
      await adoptFromLedger(after, this.#deps.db, this.#notesOf(after));
    }
    return { seq, accepted: accept };
  }

  /**
   * Adds a record a hospital handed over to the ledger (after the patient
   * approved), sealed to the key the hospital names — one of the patient's
   * keys for the record's category — or to the category's current key.
   */
  async receive(
    record: ReceiveRecordRequest,
    origin: string,
  ): Promise<{ cid: string; seq: number }> {
    const owner = this.#deps.identity.signer();
    const capsule = Capsule.fromBytes(hexToBytes(record.capsule));
    const category = record.category ?? DEFAULT_CATEGORY;
    const state = (await this.ensureKeys([category])).state;
    const recipient = record.recipient
      ? hexToBytes(record.recipient)
      : currentEncryptionKey(state, category).key.toCompressedBytes();
    const published = state.encryptionKeys.get(category) ?? [];
    if (!published.some((k) => bytesToHex(k) === bytesToHex(recipient))) {
      throw new WrongRecipientError(category, published.length);
    }
    const body: EntryBody<'record'> = {
      cid: record.cid,
      capsule: capsule.toBytes(),
      contentType: record.contentType,
      size: record.size,
      recipient,
      category,
      ...(record.resourceType ? { resourceType: record.resourceType } : {}),
      // the title and the site, for the patient only (and a wallet restored from the phrase)
      note: sealNote(PublicKey.fromCompressedBytes(recipient), { title: record.title, origin }),
    };
    const ledger = await this.#patientLedger();
    const after = await ledger.submit(
      await this.#deps.settings.ledgerHost(),
      owner,
      'record',
      body,
    );
    const stored: StoredRecord = {
      cid: record.cid,
      title: record.title,
      contentType: record.contentType,
      size: record.size,
      origin,
      receivedAt: Date.now(),
      ...(record.resourceType ? { resourceType: record.resourceType } : {}),
      category,
    };
    await this.#deps.db.putRecord(stored);
    return { cid: record.cid, seq: after.size - 1 };
  }

  /**
   * Adds a record of the patient's own — one she brings in herself, such
   * as a resource imported from her provider: sealed here to the current
   * key of its category (published first when the category has none, as
   * `receive` does) — never to a key the wallet did not derive — stored in
   * the settings' record storage, appended as an owner-signed `record`
   * entry with `note` sealed to the same key, and listed. Resolves once the
   * entry is in the ledger. Sees the keys (to check the one it seals to).
   */
  async addOwnRecord(record: OwnRecord, now = Date.now()): Promise<{ cid: string; seq: number }> {
    const owner = this.#deps.identity.signer();
    const host = await this.#deps.settings.ledgerHost();
    const patientLedger = await this.#patientLedger();
    let ledger = await patientLedger.sync(host, owner);
    if (!ledger.state.encryptionKeys.has(record.category)) {
      ledger = await this.ensureKeys([record.category]);
    }
    const { epoch, key } = currentEncryptionKey(ledger.state, record.category);
    const ours = this.#deps.identity.withKeys((keys) =>
      keys.encryptionKey(record.category, epoch).publicKey().toCompressedBytes(),
    );
    if (bytesToHex(ours) !== bytesToHex(key.toCompressedBytes())) {
      throw new ForeignKeyError(record.category, epoch);
    }
    const { cid, capsule, size } = await sealRecordInto(
      await this.#deps.settings.storage(),
      key,
      record.bytes,
      { contentType: record.contentType },
    );
    const body: EntryBody<'record'> = {
      cid: cid.toString(),
      capsule: capsule.toBytes(),
      contentType: record.contentType,
      size,
      recipient: key.toCompressedBytes(),
      category: record.category,
      ...(record.resourceType ? { resourceType: record.resourceType } : {}),
      note: sealNote(key, record.note),
    };
    const after = await patientLedger.submit(host, owner, 'record', body);
    await this.#deps.db.putRecord(storedRecordOf(body, record.note, now));
    return { cid: body.cid, seq: after.size - 1 };
  }

  /**
   * The opened notes of every record in the ledger — those that count and
   * the proposals — after the ledger is brought up to date from the host
   * (strictly: a host that does not answer fails this, since notes missed
   * would let a record land twice). Notes that do not open are left out.
   */
  async recordNotes(): Promise<Note[]> {
    const ledger = await (await this.#patientLedger()).sync(
      await this.#deps.settings.ledgerHost(),
      this.#deps.identity.signer(),
    );
    const { records, proposals } = indexLedger(ledger.allEntryBytes());
    const read = this.#notesOf(ledger);
    return [...records.values(), ...proposals.values()].flatMap((info) => {
      const note = read(info.note, info.recipient);
      return note ? [note] : [];
    });
  }

  /** The records received, newest first. */
  async records(): Promise<StoredRecord[]> {
    return (await this.#deps.db.records()).sort((a, b) => b.receivedAt - a.receivedAt);
  }

  /**
   * Who read what, when and through which proxies, from the ledger's access
   * entries: one row per read, newest first.
   */
  async accesses(): Promise<AccessSummary[]> {
    const ledger = (await this.#patientLedger()).ledger;
    const grants = new Map((await this.#deps.db.grants()).map((g) => [g.grant.grantId, g]));
    const titles = new Map((await this.#deps.db.records()).map((r) => [r.cid, r.title]));
    const out: AccessSummary[] = [];
    for (let seq = 0; seq < ledger.size; seq++) {
      const entry = ledger.entry(seq);
      if (entry.kind !== 'access') continue;
      const body = entry.body as EntryBody<'access'>;
      const grantId = bytesToHex(body.grantId);
      const grant = grants.get(grantId);
      const proxyKey = bytesToHex(body.proxy);
      const proxy =
        grant?.grant.proxies.find((p) => p.publicKey === proxyKey)?.url ??
        `proxy ${proxyKey.slice(0, 12)}…`;
      const records = body.capsules.map((cid) => titles.get(cid) ?? cid);
      // the other proxies of the same read log the same records moments later
      const read = [...out]
        .reverse()
        .find(
          (a) =>
            a.grantId === grantId &&
            entry.time - a.time <= READ_WINDOW_MS &&
            !a.proxies.includes(proxy) &&
            a.records.join('\n') === records.join('\n'),
        );
      if (read) read.proxies.push(proxy);
      else {
        out.push({
          time: entry.time,
          grantId,
          readerName: grant?.readerName ?? 'unknown reader',
          proxies: [proxy],
          records,
        });
      }
    }
    return out.reverse();
  }

  /**
   * After restoring from the phrase: brings the ledger from the host (if it
   * has one; a new identity has none, and none is made here) and rebuilds
   * the records and shares lists from it.
   */
  async restoreFromLedger(): Promise<AdoptedFromLedger> {
    const host = await this.#deps.settings.ledgerHost();
    const patientLedger = await this.#patientLedger();
    try {
      await host.head(patientLedger.idHex, this.#deps.identity.signer());
    } catch (error) {
      if (error instanceof LedgerHostRequestError && error.status === 404) {
        return { records: 0, grants: 0, revoked: 0 };
      }
      throw error;
    }
    // a ledger whose identity key was rotated is owned by a later key of the phrase:
    // its public entries (genesis, rotations) say which, verified before it is believed
    const { identity } = this.#deps;
    const seen = await host.withSigner(identity.signer()).sync(patientLedger.idHex);
    const owner = bytesToHex(seen.owner);
    if (owner !== (await identity.publicKey())) {
      const index = identity.identityIndexOf(owner);
      if (index === undefined) {
        throw new LedgerDivergedError(
          'its owner is none of the identity keys of this recovery phrase',
        );
      }
      await identity.useIdentityIndex(index);
    }
    const ledger = await patientLedger.sync(host, this.#deps.identity.signer());
    return adoptFromLedger(ledger, this.#deps.db, this.#notesOf(ledger));
  }

  /**
   * Brings the ledger up to date from the host and reports it, with its
   * latest anchor — checked against the ledger: an anchor beyond the
   * entries held, or over other entries, is reported as a problem. What
   * other devices added (records, grants, revocations) joins the lists.
   */
  async status(): Promise<LedgerStatus> {
    const patientLedger = await this.#patientLedger();
    try {
      const ledger = await patientLedger.sync(
        await this.#deps.settings.ledgerHost(),
        this.#deps.identity.signer(),
      );
      const adopted = await adoptFromLedger(ledger, this.#deps.db, this.#notesOf(ledger));
      const foreign = this.#deps.identity.unlocked ? this.foreignKeys(ledger) : [];
      if (foreign.length > 0) {
        return {
          ok: false,
          entries: ledger.size,
          adopted,
          problem: `your ledger names encryption keys you did not make (${foreign.map((f) => `${f.category} epoch ${f.epoch}`).join(', ')}): someone with your signing key published them, so records sealed to them are not safe — replace your signing key`,
        };
      }
      const { client, registry } = await this.#deps.settings.chain();
      const anchor = await getAnchor(client, {
        registry,
        ledgerId: ledger.id,
        owner: ledger.owner,
      });
      // The anchor is the patient's own signed word on chain: the ledger held
      // here must contain exactly what it fixed.
      if (anchor && anchor.size > ledger.size) {
        return {
          ok: false,
          entries: ledger.size,
          adopted,
          problem: `the chain anchors ${anchor.size} entries, but the ledger host gave only ${ledger.size}`,
        };
      }
      if (anchor && `0x${bytesToHex(ledger.root(anchor.size))}` !== anchor.root.toLowerCase()) {
        return {
          ok: false,
          entries: ledger.size,
          adopted,
          problem: `the ledger's first ${anchor.size} entries are not the ones anchored on chain`,
        };
      }
      return {
        ok: true,
        entries: ledger.size,
        adopted,
        ...(anchor
          ? { anchor: { size: anchor.size, blockNumber: anchor.blockNumber.toString() } }
          : {}),
      };
    } catch (error) {
      return {
        ok: false,
        entries: patientLedger.ledger.size,
        problem: (error as Error).message.split('\n')[0] ?? String(error),
      };
    }
  }

  /**
   * Replaces the identity key with the phrase's next one (after the patient
   * fears it was stolen): the old key signs a key-rotation entry the new one
   * co-signs, the registry retires the old key, and the new key anchors the
   * ledger. Shares made before stay; the new key revokes them. Sees the keys.
   */
  async rotateIdentity(): Promise<{
    publicKey: string;
    identityIndex: number;
    anchoredSize: number;
    blockNumber: string;
  }> {
    const { identity } = this.#deps;
    const host = await this.#deps.settings.ledgerHost();
    const patientLedger = await this.#patientLedger();
    await patientLedger.sync(host, identity.signer());
    const next = identity.identityIndex + 1;
    const chain = await this.#deps.settings.chain();
    const result = await identity.withKeys((keys, current) =>
      rotateIdentity({
        identity: current,
        next: keys.identity(next),
        ledger: { host, ledgerId: patientLedger.idHex },
        chain,
      }),
    );
    const { publicKey } = await identity.useIdentityIndex(next);
    const after = await patientLedger.sync(host, identity.signer());
    // keys a thief published with the old key are replaced at once by the wallet's own
    const foreign = this.foreignKeys(after);
    if (foreign.length > 0) {
      await identity.withKeys((keys, current) =>
        rotateCategories({
          identity: current,
          keys,
          ledger: { host, ledgerId: patientLedger.idHex },
          verified: { state: after.state, entries: after.allEntryBytes() },
          categories: foreign.map((f) => f.category),
        }),
      );
      await patientLedger.sync(host, identity.signer());
    }
    return {
      publicKey,
      identityIndex: next,
      anchoredSize: result.anchoredSize,
      blockNumber: result.blockNumber.toString(),
    };
  }

  /**
   * Signs a checkpoint of the whole ledger, gives it to the host and anchors
   * it on chain. Sees the key: the registry takes the owner's typed-data
   * signature, which the core's `anchorCheckpoint` makes from it.
   */
  async anchor(): Promise<{ size: number; blockNumber: string }> {
    const owner = this.#deps.identity.signer();
    const host = await this.#deps.settings.ledgerHost();
    const patientLedger = await this.#patientLedger();
    const ledger = await patientLedger.sync(host, owner);
    const checkpoint = await ledger.checkpoint(owner);
    await host.putCheckpoint(patientLedger.idHex, checkpoint);
    const { client, registry, relayer } = await this.#deps.settings.chain();
    const { blockNumber } = await this.#deps.identity.withSecretKey((secretKey) =>
      anchorCheckpoint(client, { registry, relayer, checkpoint, owner: secretKey }),
    );
    return { size: checkpoint.size, blockNumber: blockNumber.toString() };
  }
}
