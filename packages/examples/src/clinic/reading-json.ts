/**
 * A grant's reading as the clinic's server sends it to its page: bodies in
 * base64, provenance as the badge needs it (links to the proof and anchor).
 */
import type { GrantReading } from './read-grant.js';

/** The verification shown on a record's badge. */
export type VerificationJson = {
  status: 'anchored' | 'in-ledger' | 'failed';
  detail: string;
  entrySeq: number;
  proofUrl: string;
  anchorUrl?: string;
  blockNumber?: number;
};

/** One record as the page receives it. */
export type RecordJson = {
  cid: string;
  contentType: string;
  resourceType?: string;
  category?: string;
  time: number;
  /** What the clinic lists it as (the ledger holds no titles: kind and date). */
  title: string;
  body: string;
  verification: VerificationJson;
  /** Who wrote it: the patient, or an author (key) whose record the patient endorsed. */
  author: { key: string; by: 'patient' | 'endorsed' };
};

/** A reading as the page receives it. */
export type ReadingJson = {
  grantId: string;
  records: RecordJson[];
  failures: { proxy: string; code: string; message: string }[];
  /** Records in scope that could not be read, and why. */
  unreadable: { cid: string; code: string; message: string }[];
  ledgerSize: number;
};

/** Converts a reading for the page. */
export function readingJson(grantId: string, reading: GrantReading): ReadingJson {
  return {
    grantId,
    ledgerSize: reading.ledgerSize,
    failures: reading.failures,
    unreadable: reading.unreadable,
    records: reading.records.map((r) => {
      const p = r.provenance;
      const by =
        r.author.by === 'patient'
          ? 'signed by the patient'
          : `written by ${r.author.key.slice(0, 12)}…, endorsed by the patient`;
      const proofUrl = `/api/grants/${grantId}/proofs/${p.entrySeq}`;
      const verification: VerificationJson =
        p.status === 'anchored'
          ? {
              status: 'anchored',
              detail: `${by}; entry #${p.entrySeq} is in the checkpoint of ${p.anchor.size} entries anchored at block ${p.anchor.blockNumber} (root ${p.anchor.root.slice(2, 14)}…)`,
              entrySeq: p.entrySeq,
              proofUrl,
              anchorUrl: `/api/grants/${grantId}/anchor`,
              blockNumber: Number(p.anchor.blockNumber),
            }
          : { status: p.status, detail: `${by}; ${p.detail}`, entrySeq: p.entrySeq, proofUrl };
      return {
        cid: r.cid,
        title: titleOf(r),
        contentType: r.contentType,
        ...(r.resourceType ? { resourceType: r.resourceType } : {}),
        ...(r.category ? { category: r.category } : {}),
        time: r.time,
        body: Buffer.from(r.body).toString('base64'),
        verification,
        author: r.author,
      };
    }),
  };
}

/** What the clinic calls each category of records. */
const KINDS: Record<string, string> = {
  laboratory: 'Lab results',
  'problem-list': 'Problem list',
  medication: 'Medicines',
  summary: 'Summary',
  imaging: 'Imaging',
  demographics: 'Patient details',
};

/**
 * What the clinic calls a category of records: "Lab results" for
 * `laboratory`; the category's own name when it has no other.
 *
 * @example
 * ```ts
 * categoryName('problem-list'); // 'Problem list'
 * ```
 */
export function categoryName(category: string): string {
  return KINDS[category] ?? category;
}

/** "Lab results · Bundle · in the ledger since 2 Dec 2026". */
function titleOf(r: GrantReading['records'][number]): string {
  const kind = (r.category && KINDS[r.category]) ?? r.category ?? 'Record';
  const what = r.contentType === 'application/pdf' ? 'PDF' : r.resourceType;
  const since = new Date(r.time).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${kind}${what ? ` · ${what}` : ''} · in the ledger since ${since}`;
}
