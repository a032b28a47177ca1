/**
 * What a sync from a provider did, in the patient's words: the report of
 * `syncFromProvider` turned into the outcome the wallet keeps and shows —
 * never a stopped sync as complete, always what happens next. Pure
 * functions (the pages import the type words too).
 */
import type { SyncReport, SyncStopReason } from '@medvault/core/provider-import';

/**
 * What each resource type a provider serves is, to a patient.
 *
 * @example
 * ```ts
 * TYPE_WORDS.Observation; // 'test results and measurements'
 * ```
 */
export const TYPE_WORDS: Readonly<Record<string, string>> = {
  Patient: 'personal details',
  AllergyIntolerance: 'allergies',
  Condition: 'conditions and diagnoses',
  MedicationRequest: 'prescriptions',
  MedicationStatement: 'medicines',
  Observation: 'test results and measurements',
  DiagnosticReport: 'reports',
  DocumentReference: 'documents',
  Immunization: 'vaccinations',
  Procedure: 'procedures',
  Encounter: 'visits',
};

/**
 * The outcome of one sync of a provider, as the wallet keeps it beside the
 * provider and shows it.
 *
 * @example
 * ```ts
 * const { complete, summary }: SyncOutcome = outcomeOf(report, 'fhir.example.org', Date.now());
 * ```
 */
export type SyncOutcome = {
  /** When the sync ended (ms). */
  at: number;
  /** True only when every list was read to the end and nothing stopped it. */
  complete: boolean;
  imported: number;
  unchanged: number;
  /** What was not added (a resource `Type/id`, or a list), each with why. */
  refused: { ref: string; reason: string }[];
  /** Why it stopped before the end, when it did. */
  stopped?: { reason: SyncStopReason | 'failed'; words: string };
  /** The result in a sentence or two, with what to do next. */
  summary: string;
};

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const wereAdded = (n: number) =>
  n === 0 ? 'nothing new was added' : `${counted(n, 'new record was', 'new records were')} added`;

/** The type a failure's ref names (`Observation/o1`, `Observation (page 2)`). */
const typeOfRef = (ref: string) => /^([A-Z][A-Za-z]+)[/ ]/.exec(ref)?.[1];

/**
 * Why one resource or list was not added, in words, by the error's code.
 *
 * @example
 * ```ts
 * refusalWords('DocumentReference/d1', 'IMPORT_ATTACHMENT_TOO_LARGE'); // 'its attached file is larger than MedVault brings in (20 MB)'
 * ```
 */
export function refusalWords(ref: string, code: string, message = ''): string {
  const list = !ref.includes('/');
  const type = TYPE_WORDS[typeOfRef(ref) ?? ''] ?? 'records';
  if (list) {
    return code === 'IMPORT_FORBIDDEN'
      ? `your sign-in does not allow reading your ${type}`
      : `the provider’s list of your ${type} could not be read to the end`;
  }
  switch (code) {
    case 'IMPORT_INVALID_FHIR':
    case 'IMPORT_UNVERSIONED':
    case 'IMPORT_UNEXPECTED_RESOURCE':
      return 'it is not a valid FHIR R4 health record';
    case 'IMPORT_WRONG_PATIENT':
      return 'it is about another patient, so it was refused';
    case 'IMPORT_ATTACHMENT_TOO_LARGE':
      return 'its attached file is larger than MedVault brings in (20 MB)';
    case 'IMPORT_ATTACHMENT_MISMATCH':
      return 'its attached file is not the file the document describes';
    case 'IMPORT_FOREIGN_URL':
      return 'it points to a file on another server, which MedVault does not fetch';
    case 'IMPORT_FORBIDDEN':
      return 'your sign-in does not allow reading it';
    case 'IMPORT_NOT_FOUND':
      return 'the provider could not find it (or its file)';
    case 'IMPORT_LAND_REFUSED':
      return 'it could not be locked to you';
    default:
      return message.split('\n')[0] || 'the provider’s answer could not be used';
  }
}

/** Why saving the records failed, from the cause `land` threw. */
function saveWords(cause: unknown): string {
  const error = (cause ?? {}) as { code?: unknown; shortMessage?: unknown; message?: unknown };
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'WALLET_LOCKED') return 'MedVault was locked during the sync';
  if (code === 'WALLET_FOREIGN_KEY') return String(error.shortMessage).replace(/\.$/, '');
  if (code.startsWith('STORAGE_')) return 'your record storage did not answer';
  if (code.startsWith('LEDGER_HOST') || code === 'WALLET_LEDGER_DIVERGED')
    return 'your ledger host did not answer as expected';
  return `something went wrong (${String(error.shortMessage ?? error.message ?? cause).split('\n')[0]})`;
}

/**
 * Why a sync stopped, what it added before, and what to do next.
 *
 * @example
 * ```ts
 * stopWords('server-error', 'fhir.example.org', 12);
 * // 'fhir.example.org’s server was busy or had a problem, so this sync stopped part-way: 12 new records were added. Try again later — the next sync carries on where this one stopped.'
 * ```
 */
export function stopWords(
  reason: SyncStopReason,
  host: string,
  imported: number,
  cause?: unknown,
): string {
  const added = wereAdded(imported);
  const later = 'Try again later — the next sync carries on where this one stopped.';
  switch (reason) {
    case 'server-error':
      return `${host}’s server was busy or had a problem, so this sync stopped part-way: ${added}. ${later}`;
    case 'rate-limited':
      return `${host}’s server asked MedVault to slow down, so this sync stopped part-way: ${added}. ${later}`;
    case 'network':
      return `${host} could not be reached (or took too long to answer), so this sync stopped part-way: ${added}. ${later}`;
    case 'unauthorized':
      return `Your sign-in at ${host} has ended (it expired or was withdrawn), so this sync stopped part-way: ${added}. Sign in again to carry on.`;
    case 'not-found':
      return `${host} no longer finds your patient record, so nothing more could be added: ${added}.`;
    case 'aborted':
      return `The sync was stopped: ${added}. Sync again to carry on where it stopped.`;
    case 'land-failed':
      return `Your records could not be saved (${saveWords((cause as { cause?: unknown })?.cause ?? cause)}), so this sync stopped part-way: ${added}. Check Advanced settings (ledger host, record storage), then sync again — it carries on where this one stopped.`;
  }
}

/**
 * The outcome of a sync's report, at `at`, for the provider at `host`.
 *
 * @example
 * ```ts
 * outcomeOf({ imported: 3, unchanged: 40, failed: [], notOffered: [], complete: true, server, patientId }, 'fhir.example.org', Date.now()).summary;
 * // 'Done: 3 new records added to your records (40 you already had were left as they are).'
 * ```
 */
export function outcomeOf(report: SyncReport, host: string, at: number): SyncOutcome {
  const refused = report.failed
    // a list read out of order still lands everything: not a refusal
    .filter((f) => f.error.code !== 'IMPORT_UNSORTED')
    .map((f) => ({ ref: f.ref, reason: refusalWords(f.ref, f.error.code, f.error.shortMessage) }));
  const { imported, unchanged } = report;
  const notAdded = refused.length
    ? ` ${counted(refused.length, 'item', 'items')} could not be added (listed below).`
    : '';
  let summary: string;
  let stopped: SyncOutcome['stopped'];
  if (report.stoppedAt) {
    const words = stopWords(report.stoppedAt.reason, host, imported, report.stoppedAt.error);
    stopped = { reason: report.stoppedAt.reason, words };
    summary = `${words}${notAdded}`;
  } else if (!report.complete) {
    summary = `Some of your records could not be read to the end, so this sync is not complete: ${wereAdded(imported)}.${notAdded} Sync again later to try the rest.`;
  } else if (imported > 0) {
    summary = `Done: ${counted(imported, 'new record', 'new records')} added to your records${
      unchanged
        ? ` (${unchanged} you already had ${unchanged === 1 ? 'was' : 'were'} left as ${unchanged === 1 ? 'it is' : 'they are'})`
        : ''
    }.${notAdded}`;
  } else {
    summary = `Up to date: nothing new since your last sync.${notAdded}`;
  }
  return {
    at,
    complete: report.complete && !report.stoppedAt,
    imported,
    unchanged,
    refused,
    ...(stopped ? { stopped } : {}),
    summary,
  };
}

/**
 * The outcome of a sync that could not start reading (the ledger could not
 * be brought up to date, say): nothing added, and why.
 *
 * @example
 * ```ts
 * failedOutcome(new Error('fetch failed'), Date.now()).summary; // 'This sync could not start: …'
 * ```
 */
export function failedOutcome(error: unknown, at: number): SyncOutcome {
  const words = `This sync could not start: ${saveWords(error)}. Nothing was added; check Advanced settings (ledger host, record storage), then sync again.`;
  return {
    at,
    complete: false,
    imported: 0,
    unchanged: 0,
    refused: [],
    stopped: { reason: 'failed', words },
    summary: words,
  };
}
