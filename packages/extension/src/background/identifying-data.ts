/**
 * What in a record says who the patient is: the share prompt names these
 * kinds ("your phone number, your address, your medical record number")
 * so that "all your lab results" does not quietly carry more than results.
 * It reads the opened record in the background; only the kinds, never the
 * values, reach the prompt.
 */

/** The kind named for a record that cannot be read for details (a PDF, an image). */
export const DOCUMENT_KIND = 'a document that may show any of your details';

/** The resource types that describe a person rather than a finding. */
const PERSON_TYPES = new Set(['Patient', 'RelatedPerson', 'Person']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every resource in `value`: itself, a Bundle's entries, contained resources. */
function* resources(value: unknown, depth = 0): Generator<Json> {
  if (!isObject(value) || depth > 8 || typeof value.resourceType !== 'string') return;
  yield value;
  for (const entry of list(value.entry)) {
    if (isObject(entry)) yield* resources(entry.resource, depth + 1);
  }
  for (const contained of list(value.contained)) yield* resources(contained, depth + 1);
}

/** How an identifier is named: its type's display or text, else a general word. */
function identifierKind(identifier: unknown): string {
  if (!isObject(identifier) || !isObject(identifier.type)) return 'identification number';
  const coding = list(identifier.type.coding).find(isObject);
  const name =
    (typeof coding?.display === 'string' && coding.display) ||
    (typeof identifier.type.text === 'string' && identifier.type.text) ||
    'identification number';
  // "Health ID" stays as written; "Medical record number" reads inside a sentence
  return /^[A-Z][a-z]/.test(name) ? name[0]?.toLowerCase() + name.slice(1) : name;
}

function personKinds(person: Json, kinds: Set<string>): void {
  if (list(person.name).length) kinds.add('name');
  if (typeof person.birthDate === 'string') kinds.add('date of birth');
  for (const contact of list(person.telecom)) {
    if (!isObject(contact)) continue;
    if (contact.system === 'email') kinds.add('email address');
    else if (contact.system === 'phone' || contact.system === 'sms') kinds.add('phone number');
    else kinds.add('contact details');
  }
  if (list(person.address).length) kinds.add('address');
  for (const identifier of list(person.identifier)) kinds.add(identifierKind(identifier));
  if (list(person.contact).length) kinds.add('emergency contacts');
}

/**
 * The kinds of identifying data in an opened record, in the order a
 * patient would list them: for FHIR, what its Patient (or related person)
 * resources carry; a PDF or other document is said to possibly show
 * anything, since it cannot be read for them; a record that is not valid
 * JSON yields nothing to name.
 *
 * @example
 * ```ts
 * identifyingKinds('application/fhir+json', bytes);
 * // ['name', 'date of birth', 'phone number', 'address', 'medical record number']
 * ```
 */
export function identifyingKinds(contentType: string, body: Uint8Array): string[] {
  const kinds = new Set<string>();
  if (/json/i.test(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return [];
    }
    for (const resource of resources(parsed)) {
      if (PERSON_TYPES.has(resource.resourceType as string)) personKinds(resource, kinds);
    }
    return [...kinds];
  }
  return [DOCUMENT_KIND];
}
