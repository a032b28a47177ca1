/**
 * Browser notifications, when the patient turned them on: a record of hers
 * was read, or a share ends within a day. Each is told once; turning them on
 * does not replay reads from before. Reads are found in the ledger, which
 * the wallet can bring up to date only while unlocked.
 */
import type { AccessSummary } from './ledger-sync.js';
import type { Settings } from './settings.js';
import type { GrantSummary } from './sharing.js';
import type { WalletDb } from './wallet-db.js';

/** A share ending within this much time is told (ms). */
export const ENDING_NOTICE_MS = 24 * 3_600_000;

/**
 * One notification, in the patient's words.
 *
 * @example
 * ```ts
 * const notice: Notice = { id: 'read-…', title: 'Your records were read', message: 'Riverside Clinic read HbA1c.' };
 * ```
 */
export type Notice = { id: string; title: string; message: string };

/**
 * What the notifier reads.
 *
 * @example
 * ```ts
 * const source: NotifierSource = { settings: () => wallet.settings(), accesses: () => wallet.accesses(), grants: () => wallet.grants() };
 * ```
 */
export type NotifierSource = {
  settings: () => Promise<Settings>;
  accesses: () => Promise<AccessSummary[]>;
  grants: () => Promise<GrantSummary[]>;
};

const time = (ms: number) =>
  new Date(ms).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });

/**
 * Finds what to tell the patient.
 *
 * @example
 * ```ts
 * const notifier = new Notifier(db, { settings, accesses, grants });
 * for (const n of await notifier.check()) await browser.notifications.create(n.id, { … });
 * ```
 */
export class Notifier {
  readonly #db: WalletDb;
  readonly #source: NotifierSource;

  constructor(db: WalletDb, source: NotifierSource) {
    this.#db = db;
    this.#source = source;
  }

  /**
   * The notices not told yet (none while notifications are off), marked as
   * told. The first check after they are turned on only sets the baseline.
   */
  async check(now = Date.now()): Promise<Notice[]> {
    if (!(await this.#source.settings()).notifications) {
      await this.#db.putNotified({ readsUntil: now, ending: [] });
      return [];
    }
    const told = (await this.#db.notified()) ?? { readsUntil: now, ending: [] };
    const notices: Notice[] = [];
    let readsUntil = told.readsUntil;
    for (const read of (await this.#source.accesses()).sort((a, b) => a.time - b.time)) {
      if (read.time <= told.readsUntil) continue;
      readsUntil = Math.max(readsUntil, read.time);
      const what =
        read.records.length === 1 ? read.records[0] : `${read.records.length} of your records`;
      notices.push({
        id: `read-${read.grantId.slice(0, 16)}-${read.time}`,
        title: 'Your records were read',
        message: `${read.readerName} read ${what} (${time(read.time)}).`,
      });
    }
    const ending = [...told.ending];
    for (const share of await this.#source.grants()) {
      const left = share.expiresAt - now;
      if (share.status !== 'active' || left > ENDING_NOTICE_MS || ending.includes(share.grantId))
        continue;
      ending.push(share.grantId);
      notices.push({
        id: `ending-${share.grantId.slice(0, 16)}`,
        title: 'A share ends soon',
        message: `Your share with ${share.readerName} ends ${time(share.expiresAt)}. Nothing to do if that is what you want.`,
      });
    }
    await this.#db.putNotified({ readsUntil, ending });
    return notices;
  }
}
