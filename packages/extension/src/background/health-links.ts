/**
 * Sharing as a SMART Health Link: for anyone who scans a QR, with no
 * MedVault on their side. The wallet opens the chosen records here in the
 * background, encrypts each as a JWE under a fresh link key, and uploads
 * only ciphertext to the SHL host the settings name; the key travels in
 * the link (`shlink:/…`), never to the host. Anyone holding the link — and
 * its passcode, when it has one — can read the files until the link
 * expires or is revoked; the host's log says who opened it, by the name
 * the opener gave.
 */
import {
  decodeLink,
  encodeLink,
  encryptFile,
  newLinkKey,
  pdfAsDocumentReference,
  type ShlPayload,
} from '@medvault/core/health-links';
import { indexLedger } from '@medvault/core/proxy';
import { base64 } from '@scure/base';
import { emergencySummary } from './emergency-summary.js';
import { InvalidLinkRequestError, LinkHostError } from './errors.js';
import type { LedgerSync } from './ledger-sync.js';
import type { MyRecords } from './my-records.js';
import { DEFAULT_SETTINGS } from './settings.js';
import type { SettingsController } from './settings-controller.js';
import type { StoredLink, WalletDb } from './wallet-db.js';

/** Categories the emergency card never draws from: a card is readable by anyone who sees it. */
export const EMERGENCY_EXCLUDED = new Set(['psychiatry']);

/** The longest a link may live (the wallet's limit; the spec sets none). */
export const MAX_LINK_DAYS = 365;

/**
 * What the patient asks for in "Share as a link / QR".
 *
 * @example
 * ```ts
 * const request: LinkRequest = { label: 'For Dr Rossi', categories: ['laboratory'], expiresAt: Date.now() + 7 * 86_400_000, passcode: true };
 * ```
 */
export type LinkRequest = {
  /** What the receiver sees (≤ 80 characters). */
  label: string;
  /** The categories whose records go in the link (with `cids`, either or both). */
  categories?: string[];
  /** Single records to put in the link. */
  cids?: string[];
  /** When the link stops working (ms); required. */
  expiresAt: number;
  /** Protect it with a passcode the wallet makes and shows once (default true). */
  passcode?: boolean;
};

/**
 * A link as the wallet lists it, with who opened it.
 *
 * @example
 * ```ts
 * const [latest]: LinkSummary[] = await links.list();
 * ```
 */
export type LinkSummary = {
  id: string;
  label: string;
  shlink: string;
  createdAt: number;
  expiresAt: number;
  passcode: boolean;
  records: string[];
  status: 'active' | 'expired' | 'revoked';
  /** The emergency card's link (long-term, updated when records change). */
  emergency: boolean;
  /** The host's log of openings, newest first (empty when the host cannot be reached). */
  opened: { at: string; recipient: string; outcome: string }[];
  /** Why the log could not be read, when it could not. */
  logProblem?: string;
};

/**
 * What `HealthLinks` needs.
 *
 * @example
 * ```ts
 * const deps: HealthLinksDeps = { db, ledgerSync, myRecords, settings };
 * ```
 */
export type HealthLinksDeps = {
  db: WalletDb;
  ledgerSync: LedgerSync;
  myRecords: MyRecords;
  settings: SettingsController;
};

const PASSCODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A passcode easy to read out and type: 8 characters, no 0/O or 1/I/L, in two groups. */
function newPasscode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const chars = [...bytes].map((b) => PASSCODE_ALPHABET[b % PASSCODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/**
 * The patient's links.
 *
 * @example
 * ```ts
 * const links = new HealthLinks({ db, ledgerSync, myRecords, settings });
 * const { shlink, passcode } = await links.create({ label: 'For Dr Rossi', categories: ['laboratory'], expiresAt });
 * ```
 */
export class HealthLinks {
  readonly #deps: HealthLinksDeps;

  constructor(deps: HealthLinksDeps) {
    this.#deps = deps;
  }

  async #host(): Promise<string> {
    return (await this.#deps.settings.get()).shlHost ?? (DEFAULT_SETTINGS.shlHost as string);
  }

  /**
   * Makes a link: the chosen records, opened and encrypted here, uploaded
   * as ciphertext. Returns the link and, when it has one, the passcode —
   * shown to the patient once and kept nowhere.
   */
  async create(
    request: LinkRequest,
    now = Date.now(),
  ): Promise<{ shlink: string; passcode?: string; link: LinkSummary }> {
    const label = request.label.trim();
    if (!label || label.length > 80) {
      throw new InvalidLinkRequestError('the label must be 1 to 80 characters');
    }
    if (!(request.expiresAt > now + 60_000)) {
      throw new InvalidLinkRequestError('the link must stay open at least a minute');
    }
    if (request.expiresAt > now + MAX_LINK_DAYS * 86_400_000) {
      throw new InvalidLinkRequestError(`a link may stay open ${MAX_LINK_DAYS} days at most`);
    }
    const ledger = await this.#deps.ledgerSync.latest();
    const { records } = indexLedger(ledger.allEntryBytes());
    const chosen = [...records.values()].filter(
      (r) => request.categories?.includes(r.category) || request.cids?.includes(r.cid),
    );
    if (chosen.length === 0) throw new InvalidLinkRequestError('no record of yours is chosen');
    const key = newLinkKey();
    const files: { contentType: string; jwe: string }[] = [];
    const titles: string[] = [];
    for (const info of chosen) {
      const opened = await this.#deps.myRecords.open(info.cid);
      const body = base64.decode(opened.body);
      const json = /json/i.test(opened.contentType)
        ? new TextDecoder().decode(body)
        : JSON.stringify(pdfAsDocumentReference(body, opened.title));
      files.push({
        contentType: 'application/fhir+json',
        jwe: await encryptFile(json, key, { contentType: 'application/fhir+json' }),
      });
      titles.push(opened.title);
    }
    const passcode = request.passcode === false ? undefined : newPasscode();
    const exp = Math.floor(request.expiresAt / 1000);
    const created = await this.#upload({ files, label, exp, ...(passcode ? { passcode } : {}) });
    const payload: ShlPayload = {
      url: created.manifestUrl,
      key,
      exp,
      label,
      ...(passcode ? { flag: 'P' } : {}),
    } as ShlPayload;
    const shlink = encodeLink(payload);
    const stored: StoredLink = {
      id: created.id,
      host: created.host,
      token: created.token,
      shlink,
      label,
      createdAt: now,
      expiresAt: exp * 1000,
      passcode: passcode !== undefined,
      records: titles,
    };
    await this.#deps.db.putLinks([...(await this.#deps.db.links()), stored]);
    return {
      shlink,
      ...(passcode ? { passcode } : {}),
      link: { ...summaryOf(stored, now), opened: [] },
    };
  }

  /**
   * The emergency card: a long-term link (flag L), without a passcode
   * unless `passcode`, to the emergency summary of the patient's records
   * (emergency-summary.ts). Made the first time; afterwards its file is
   * replaced with a fresh summary (the link and QR stay the same).
   */
  async emergency(
    options: { passcode?: boolean } = {},
    now = Date.now(),
  ): Promise<{ shlink: string; passcode?: string; link: LinkSummary; updated: boolean }> {
    const ledger = await this.#deps.ledgerSync.latest();
    const texts: string[] = [];
    for (const info of indexLedger(ledger.allEntryBytes()).records.values()) {
      if (!/json/i.test(info.contentType)) continue;
      // never on a card anyone may read: mental health records (the patient shares those by choice)
      if (EMERGENCY_EXCLUDED.has(info.category)) continue;
      const opened = await this.#deps.myRecords.open(info.cid).catch(() => undefined);
      if (opened) texts.push(new TextDecoder().decode(base64.decode(opened.body)));
    }
    const summary = JSON.stringify(emergencySummary(texts, new Date(now)));
    const links = await this.#deps.db.links();
    const current = links.find((l) => l.emergency && !l.revokedAt);
    if (current) {
      const key = keyOf(current.shlink);
      const response = await fetch(
        `${current.host.replace(/\/$/, '')}/api/links/${current.id}/files`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${current.token}` },
          body: JSON.stringify({
            files: [
              {
                contentType: 'application/fhir+json',
                jwe: await encryptFile(summary, key, { contentType: 'application/fhir+json' }),
              },
            ],
          }),
        },
      ).catch((cause: unknown) => {
        throw new LinkHostError(
          current.host,
          `it could not be reached (${(cause as Error).message})`,
        );
      });
      if (!response.ok) throw new LinkHostError(current.host, `it answered ${response.status}`);
      return {
        shlink: current.shlink,
        link: { ...summaryOf(current, now), opened: [] },
        updated: true,
      };
    }
    const key = newLinkKey();
    const passcode = options.passcode ? newPasscode() : undefined;
    const label = 'Emergency summary';
    const created = await this.#upload({
      files: [
        {
          contentType: 'application/fhir+json',
          jwe: await encryptFile(summary, key, { contentType: 'application/fhir+json' }),
        },
      ],
      label,
      longTerm: true,
      ...(passcode ? { passcode } : {}),
    });
    const shlink = encodeLink({
      url: created.manifestUrl,
      key,
      label,
      flag: passcode ? 'LP' : 'L',
    } as ShlPayload);
    const stored: StoredLink = {
      id: created.id,
      host: created.host,
      token: created.token,
      shlink,
      label,
      createdAt: now,
      expiresAt: Number.MAX_SAFE_INTEGER,
      passcode: passcode !== undefined,
      records: ['Emergency summary'],
      emergency: true,
    };
    await this.#deps.db.putLinks([...links, stored]);
    return {
      shlink,
      ...(passcode ? { passcode } : {}),
      link: { ...summaryOf(stored, now), opened: [] },
      updated: false,
    };
  }

  /** The emergency card again, when there is one: records changed. Best effort. */
  async refreshEmergency(): Promise<void> {
    if ((await this.#deps.db.links()).some((l) => l.emergency && !l.revokedAt)) {
      await this.emergency().catch(() => undefined);
    }
  }

  /** Uploads files for a new link to the SHL host the settings name. */
  async #upload(body: Record<string, unknown>): Promise<{
    id: string;
    manifestUrl: string;
    token: string;
    host: string;
  }> {
    const host = await this.#host();
    const response = await fetch(`${host.replace(/\/$/, '')}/api/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch((cause: unknown) => {
      throw new LinkHostError(host, `it could not be reached (${(cause as Error).message})`);
    });
    const created = (await response.json().catch(() => ({}))) as {
      id?: string;
      manifestUrl?: string;
      managementToken?: string;
      error?: { message?: string };
    };
    if (!response.ok || !created.id || !created.manifestUrl || !created.managementToken) {
      throw new LinkHostError(host, created.error?.message ?? `it answered ${response.status}`);
    }
    return {
      id: created.id,
      manifestUrl: created.manifestUrl,
      token: created.managementToken,
      host,
    };
  }

  /** The links, newest first, each with the host's log of who opened it. */
  async list(now = Date.now()): Promise<LinkSummary[]> {
    const out: LinkSummary[] = [];
    for (const link of (await this.#deps.db.links()).sort((a, b) => b.createdAt - a.createdAt)) {
      const base = summaryOf(link, now);
      try {
        const response = await fetch(`${link.host.replace(/\/$/, '')}/api/links/${link.id}`, {
          headers: { authorization: `Bearer ${link.token}` },
          signal: AbortSignal.timeout(5_000),
        });
        if (!response.ok) throw new Error(`the link host answered ${response.status}`);
        const info = (await response.json()) as {
          log?: { at: string; recipient: string; outcome: string }[];
        };
        const opened = (info.log ?? [])
          .map((e) => ({ at: e.at, recipient: e.recipient, outcome: e.outcome }))
          .reverse();
        out.push({ ...base, opened });
      } catch (error) {
        out.push({ ...base, opened: [], logProblem: (error as Error).message });
      }
    }
    return out;
  }

  /** Ends a link at once: the host forgets its files; whoever holds it reads nothing more. */
  async revoke(id: string, now = Date.now()): Promise<{ id: string }> {
    const links = await this.#deps.db.links();
    const link = links.find((l) => l.id === id);
    if (!link) throw new InvalidLinkRequestError('there is no such link');
    const response = await fetch(`${link.host.replace(/\/$/, '')}/api/links/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${link.token}` },
    }).catch((cause: unknown) => {
      throw new LinkHostError(link.host, `it could not be reached (${(cause as Error).message})`);
    });
    if (!response.ok && response.status !== 404) {
      throw new LinkHostError(link.host, `it answered ${response.status}`);
    }
    await this.#deps.db.putLinks(links.map((l) => (l.id === id ? { ...l, revokedAt: now } : l)));
    return { id };
  }
}

/** The key inside a link the wallet made. */
function keyOf(shlink: string): string {
  return decodeLink(shlink, { allowExpired: true }).key;
}

function summaryOf(link: StoredLink, now: number): Omit<LinkSummary, 'opened'> {
  return {
    id: link.id,
    label: link.label,
    shlink: link.shlink,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    passcode: link.passcode,
    records: link.records,
    status: link.revokedAt ? 'revoked' : link.expiresAt <= now ? 'expired' : 'active',
    emergency: link.emergency === true,
  };
}
