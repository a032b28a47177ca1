/**
 * SMART App Launch scopes as the portal grants them: the identity and
 * context scopes, and patient-level resource scopes in both grammars —
 * v1 (`patient/Observation.read`, `patient/*.read`) and v2
 * (`patient/Observation.rs`, `.r`, `.s`). What each permits, and what each
 * means in words a patient understands on the consent page.
 * @module
 */
import { COMPARTMENT_TYPES, SHARED_TYPES } from './resource-types.js';

/** Scopes about who the patient is and how long access lasts. */
const CONTEXT_SCOPES = ['openid', 'fhirUser', 'launch/patient', 'offline_access', 'online_access'];
const RESOURCE_TYPES = ['*', ...COMPARTMENT_TYPES, ...SHARED_TYPES, 'Binary'];
const PERMISSIONS = ['read', 'rs', 'r', 's'];

/**
 * Every scope the authorisation server grants (a requested scope not in
 * this list is left out of the grant, as OAuth allows).
 *
 * @example
 * ```ts
 * SUPPORTED_SCOPES.includes('patient/Observation.rs'); // true
 * ```
 */
export const SUPPORTED_SCOPES: readonly string[] = [
  ...CONTEXT_SCOPES,
  ...RESOURCE_TYPES.flatMap((type) => PERMISSIONS.map((p) => `patient/${type}.${p}`)),
];

const RESOURCE_SCOPE = /^patient\/(\*|[A-Z][A-Za-z]+)\.(read|\*|c?r?u?d?s?)$/;

/**
 * Whether the granted scopes let a client read (`read`) or search
 * (`search`) resources of `type`. Attachments (`Binary`) come with the
 * documents that point at them: a scope on DocumentReference reads them too.
 *
 * @example
 * ```ts
 * permits(new Set(['patient/Observation.rs']), 'Observation', 'search'); // true
 * permits(new Set(['patient/Observation.r']), 'Observation', 'search'); // false
 * ```
 */
export function permits(
  scopes: ReadonlySet<string>,
  type: string,
  action: 'read' | 'search',
): boolean {
  const letter = action === 'read' ? 'r' : 's';
  for (const scope of scopes) {
    const match = RESOURCE_SCOPE.exec(scope);
    if (!match) continue;
    const [, scoped, permission] = match as unknown as [string, string, string];
    const coversType =
      scoped === '*' || scoped === type || (type === 'Binary' && scoped === 'DocumentReference');
    if (!coversType) continue;
    if (permission === 'read' || permission === '*' || permission.includes(letter)) return true;
  }
  return false;
}

/**
 * The scope to name in an `insufficient_scope` answer for this action.
 *
 * @example
 * ```ts
 * neededScope('Observation', 'search'); // 'patient/Observation.rs'
 * ```
 */
export function neededScope(type: string, action: 'read' | 'search'): string {
  return `patient/${type}.${action === 'read' ? 'r' : 'rs'}`;
}

// What each type is, to a patient.
const TYPE_WORDS: Record<string, string> = {
  Patient: 'your personal details (name, date of birth, contact details)',
  AllergyIntolerance: 'your allergies and intolerances',
  Condition: 'your problems and diagnoses',
  MedicationRequest: 'your prescriptions',
  MedicationStatement: 'the medicines you take',
  Observation: 'your test results and measurements',
  DiagnosticReport: 'your lab and imaging reports',
  DocumentReference: 'your documents, such as discharge letters',
  Immunization: 'your vaccinations',
  Procedure: 'your procedures and operations',
  Encounter: 'your hospital stays and visits',
  Practitioner: 'the names of the clinicians who treated you',
  Organization: 'the organisations that cared for you',
  Binary: 'the files attached to your documents',
};

/**
 * The consent page's list: what the requested scopes allow, in plain words,
 * one line per permission (the identity scopes as one line).
 *
 * @example
 * ```ts
 * scopeWords(['openid', 'fhirUser', 'patient/*.read', 'offline_access']);
 * // ['Know who you are: your name and which patient record is yours',
 * //  'Read your whole health record: …',
 * //  'Keep this access after you close the app, until you withdraw it']
 * ```
 */
export function scopeWords(scopes: readonly string[]): string[] {
  const words: string[] = [];
  const has = (s: string) => scopes.includes(s);
  if (has('openid') || has('fhirUser') || has('launch/patient'))
    words.push('Know who you are: your name and which patient record is yours');
  const types = new Set<string>();
  for (const scope of scopes) {
    const match = RESOURCE_SCOPE.exec(scope);
    if (match) types.add(match[1] as string);
  }
  if (types.has('*'))
    words.push(
      `Read your whole health record: ${COMPARTMENT_TYPES.map((t) => TYPE_WORDS[t])
        .slice(1)
        .join(', ')}, and the files attached to your documents`,
    );
  else for (const type of types) words.push(`Read ${TYPE_WORDS[type] ?? `your ${type} records`}`);
  if (has('offline_access'))
    words.push('Keep this access after you close the app, until you withdraw it');
  else if (has('online_access')) words.push('Keep this access while you stay signed in');
  return words;
}
