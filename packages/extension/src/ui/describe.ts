/**
 * Words for what a patient is asked to approve: a scope as a sentence, a
 * key as a fingerprint, an expiry as a date and a span. Pure functions,
 * shared by the prompt and the dashboard.
 */
import type { GrantScope } from '@medvault/core/ledger';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

const CATEGORY_WORDS: Record<string, string> = {
  allergy: 'allergies',
  demographics: 'personal details',
  document: 'letters and documents',
  encounter: 'visits',
  imaging: 'imaging studies',
  immunization: 'vaccinations',
  laboratory: 'lab results',
  medication: 'medicines',
  other: 'other records',
  'problem-list': 'conditions and diagnoses',
  procedure: 'procedures',
  psychiatry: 'mental health records',
  summary: 'health summaries',
  'vital-signs': 'vital signs',
  'social-history': 'social history',
  survey: 'questionnaires',
  exam: 'examination findings',
  therapy: 'therapy notes',
};

/**
 * A category as a patient names it, capitalised ("Lab results"); a
 * category the wallet has no words for is quoted as it is.
 *
 * @example
 * ```ts
 * categoryName('laboratory') // 'Lab results'
 * ```
 */
export function categoryName(category: string | undefined): string {
  if (!category) return '';
  const words = CATEGORY_WORDS[category];
  return words ? words[0]?.toUpperCase() + words.slice(1) : `“${category}”`;
}

const RESOURCE_WORDS: Record<string, string> = {
  Observation: 'observations (measurements and lab values)',
  Condition: 'diagnoses and conditions',
  MedicationStatement: 'medications',
  MedicationRequest: 'prescriptions',
  AllergyIntolerance: 'allergies',
  Immunization: 'vaccinations',
  DiagnosticReport: 'diagnostic reports',
  DocumentReference: 'documents (letters, summaries, PDFs)',
  Procedure: 'procedures',
  Encounter: 'visits',
  Bundle: 'record bundles',
  Patient: 'your demographic details',
};

/**
 * Items as an English list: "a", "a and b", "a, b and c".
 *
 * @example
 * ```ts
 * joinWords(['name', 'phone number', 'address']) // 'name, phone number and address'
 * ```
 */
export function joinWords(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
const list = joinWords;

const day = (ms: number) =>
  new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

/**
 * A scope in a sentence a patient understands.
 *
 * @example
 * ```ts
 * describeScope({ categories: ['laboratory'] }) // 'All your lab results'
 * ```
 */
export function describeScope(scope: GrantScope): string {
  const parts: string[] = [];
  if (scope.cids?.length) {
    parts.push(
      scope.cids.length === 1 ? 'One chosen record' : `${scope.cids.length} chosen records`,
    );
  }
  const kinds = [
    ...(scope.categories ?? []).map((c) => CATEGORY_WORDS[c] ?? `“${c}” records`),
    ...(scope.resourceTypes ?? []).map((t) => RESOURCE_WORDS[t] ?? `“${t}” records`),
  ];
  if (kinds.length) {
    const both = scope.categories?.length && scope.resourceTypes?.length;
    parts.push(`${parts.length ? 'that are ' : 'All your '}${both ? 'both ' : ''}${list(kinds)}`);
  }
  if (!parts.length) parts.push('All your records');
  if (scope.from !== undefined && scope.from > 0 && scope.until !== undefined) {
    parts.push(`dated from ${day(scope.from)} until before ${day(scope.until)}`);
  } else if (scope.from !== undefined && scope.from > 0) {
    parts.push(`dated from ${day(scope.from)} on`);
  } else if (scope.until !== undefined) {
    parts.push(`dated before ${day(scope.until)}`);
  }
  return parts.join(' ');
}

/** Whether records added later can fall into the scope (a filter, not a list). */
export function scopeIncludesFuture(scope: GrantScope): boolean {
  return !scope.cids?.length;
}

/**
 * A key's fingerprint: the first 10 bytes of SHA-256 over the compressed
 * key, in five groups of four hex digits — easy to compare aloud.
 *
 * @example
 * ```ts
 * keyFingerprint('02ab…') // 'A1B2 C3D4 E5F6 0718 293A'
 * ```
 */
export function keyFingerprint(publicKeyHex: string): string {
  const digest = bytesToHex(sha256(hexToBytes(publicKeyHex)).slice(0, 10)).toUpperCase();
  return digest.match(/.{4}/g)?.join(' ') ?? digest;
}

const relative = new Intl.RelativeTimeFormat('en-GB', { numeric: 'always' });

/**
 * An expiry as "12 March 2027 (in 30 days)": minutes under an hour, hours
 * under two days, days beyond, in correct English ("in 1 hour").
 *
 * @example
 * ```ts
 * describeExpiry(Date.now() + 70_000) // '7 December 2026 (in 1 minute)'
 * ```
 */
export function describeExpiry(expiresAt: number, now = Date.now()): string {
  const ms = expiresAt - now;
  const span =
    ms <= 0
      ? 'expired'
      : ms < 3_600_000
        ? relative.format(Math.max(1, Math.round(ms / 60_000)), 'minute')
        : ms < 2 * 86_400_000
          ? relative.format(Math.round(ms / 3_600_000), 'hour')
          : relative.format(Math.round(ms / 86_400_000), 'day');
  return `${day(expiresAt)} (${span})`;
}

/**
 * "1 entry", "2 entries": a count with its noun, singular or plural.
 *
 * @example
 * ```ts
 * counted(1, 'entry', 'entries') // '1 entry'
 * ```
 */
export function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A byte count for people. */
export function describeSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Time as "12 Mar 2027, 14:05". */
export function describeTime(ms: number): string {
  return new Date(ms).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * Where an imported record came from, in one line: the FHIR server, the
 * resource and its version, and when it was fetched.
 *
 * @example
 * ```ts
 * describeImported({ server: 'https://fhir.example.org/r4', source: 'Observation/o1', version: '2', fetchedAt: '2027-03-12T14:05:00.000Z' });
 * // 'Imported from https://fhir.example.org/r4 — Observation/o1, version 2, fetched 12 Mar 2027, 14:05'
 * ```
 */
export function describeImported(provenance: {
  server: string;
  source: string;
  version?: string | undefined;
  fetchedAt: string;
}): string {
  const fetched = Date.parse(provenance.fetchedAt);
  return [
    `Imported from ${provenance.server} — ${provenance.source}`,
    provenance.version ? `version ${provenance.version}` : undefined,
    `fetched ${Number.isNaN(fetched) ? provenance.fetchedAt : describeTime(fetched)}`,
  ]
    .filter(Boolean)
    .join(', ');
}
