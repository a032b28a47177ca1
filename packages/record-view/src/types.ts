/**
 * What the clinic hands the renderer: records as read and opened, each with
 * the outcome of verifying it against the patient's ledger and the chain.
 * @module
 */

/**
 * How far a record's provenance was verified. `link`: it came by a SMART
 * Health Link — decrypted and intact, but checked against no ledger, so
 * nothing says who wrote it.
 *
 * @example
 * ```ts
 * const status: VerificationStatus = 'in-ledger';
 * ```
 */
export type VerificationStatus = 'anchored' | 'in-ledger' | 'link' | 'failed';

/**
 * The outcome of verifying one record.
 *
 * @example
 * ```ts
 * const v: RecordVerification = { status: 'in-ledger', detail: 'Hash chain checked', entrySeq: 14 };
 * ```
 */
export type RecordVerification = {
  status: VerificationStatus;
  /** What was checked, or what failed, in words. */
  detail: string;
  /** Where the inclusion proof can be inspected. */
  proofUrl?: string;
  /** Where the on-chain anchor can be inspected (a block explorer). */
  anchorUrl?: string;
  /** The block the covering checkpoint was anchored in. */
  blockNumber?: number;
  /** The sequence number of the record's entry in the patient's ledger. */
  entrySeq?: number;
};

/**
 * A shared record as the clinic has it after opening it.
 *
 * @example
 * ```ts
 * const view: SharedRecordView = {
 *   cid: 'bafkrei…',
 *   contentType: 'application/fhir+json',
 *   body: new TextEncoder().encode(JSON.stringify(bundle)),
 *   verification: { status: 'anchored', detail: 'Inclusion proof checked', blockNumber: 1204 },
 * };
 * ```
 */
export type SharedRecordView = {
  cid: string;
  contentType: string;
  resourceType?: string;
  category?: string;
  title?: string;
  body: Uint8Array;
  verification: RecordVerification;
};

/**
 * A PDF to show inline: the page makes a blob URL of `bytes`.
 *
 * @example
 * ```ts
 * const [{ cid, bytes }] = pdfAttachments(records);
 * ```
 */
export type PdfAttachment = { cid: string; bytes: Uint8Array };

/**
 * Options of `renderRecords`.
 *
 * @example
 * ```ts
 * renderRecords(records, { now: new Date('2026-03-20') }); // ages as of that day
 * ```
 */
export type RenderOptions = {
  /** "Today", for ages (default: now). */
  now?: Date;
  /**
   * Who reads the view: a clinician reading what a patient shared (the
   * default: "the patient's ledger", "Shared records"), or the patient
   * reading her own ("your ledger", "Records shown").
   */
  audience?: Audience;
};

/**
 * Who reads the view.
 *
 * @example
 * ```ts
 * const audience: Audience = 'patient';
 * ```
 */
export type Audience = 'clinician' | 'patient';
