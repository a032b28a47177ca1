/**
 * Made-up people: names drawn from pools of common given and family names,
 * birth dates from a profile's age range, identifiers that only exist under
 * example.org, and phone numbers in the 555-01xx range reserved for fiction.
 * @module
 */
import { addDays, REFERENCE_DATE } from './clock.js';
import type { Rng } from './prng.js';

const GIVEN = {
  female: ['Maria', 'Aisha', 'Helen', 'Grace', 'Mei', 'Olivia', 'Fatima', 'Ingrid', 'Rosa', 'Nia'],
  male: ['James', 'Kwame', 'Luis', 'Thomas', 'Arjun', 'Samuel', 'Hiroshi', 'Peter', 'Omar', 'Erik'],
} as const;
const FAMILY = [
  'Alvarez',
  'Okafor',
  'Lindqvist',
  'Thompson',
  'Nakamura',
  'Haddad',
  'Kowalski',
  'Brennan',
  'Mensah',
  'Patel',
  'Moreau',
  'Silva',
  "O'Connor",
  'Novak',
  'Jensen',
] as const;
const STREETS = ['Maple Avenue', 'Station Road', 'Orchard Lane', 'Hillcrest Drive', 'Mill Street'];

/** A synthetic person, before any FHIR is made of them. */
export type Person = {
  id: string;
  given: string;
  family: string;
  gender: 'male' | 'female';
  birthDate: string;
  mrn: string;
  healthId: string;
  phone: string;
  addressLine: string;
};

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function draw(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

/**
 * Draws a person aged within `ageRange` on the reference date. `usedFamilies`
 * keeps family names distinct within one sample set.
 *
 * @example
 * ```ts
 * const person = drawPerson(createRng(1), { ageRange: [40, 60] }, new Set());
 * person.mrn; // e.g. 'SMH-204-5513'
 * ```
 */
export function drawPerson(
  rng: Rng,
  spec: { ageRange: [number, number]; gender?: 'male' | 'female' },
  usedFamilies: Set<string>,
): Person {
  const gender = spec.gender ?? rng.pick(['male', 'female'] as const);
  const family = rng.pick(FAMILY.filter((name) => !usedFamilies.has(name)));
  usedFamilies.add(family);
  const age = rng.int(spec.ageRange[0], spec.ageRange[1]);
  // Days back from the reference date: `age` years plus up to a year more.
  const birthDate = addDays(REFERENCE_DATE, -Math.round((age + rng.next()) * 365.25));
  return {
    id: `pat-${draw(rng, HEX, 10)}`,
    given: rng.pick(GIVEN[gender]),
    family,
    gender,
    birthDate,
    mrn: `SMH-${rng.int(100, 999)}-${rng.int(1000, 9999)}`,
    healthId: `HID-${draw(rng, ALNUM, 4)}-${draw(rng, ALNUM, 4)}`,
    phone: `555-01${String(rng.int(0, 99)).padStart(2, '0')}`,
    addressLine: `${rng.int(2, 240)} ${rng.pick(STREETS)}`,
  };
}

/**
 * A consultant for the admission (fictional).
 *
 * @example
 * ```ts
 * drawConsultant(createRng(1)).family; // e.g. 'Whitfield'
 * ```
 */
export function drawConsultant(rng: Rng): { id: string; given: string; family: string } {
  const [given, family] = rng.pick([
    ['Eleanor', 'Whitfield'],
    ['Rajesh', 'Menon'],
    ['Claire', 'Dubois'],
    ['Tobias', 'Engel'],
    ['Adaeze', 'Nwosu'],
  ] as const);
  return { id: `prac-${family.toLowerCase()}`, given, family };
}

/**
 * A file-name slug for a person: `p1-maria-alvarez`.
 *
 * @example
 * ```ts
 * personSlug(1, { given: 'Sean', family: "O'Connor" }); // 'p1-sean-oconnor'
 * ```
 */
export function personSlug(index: number, person: { given: string; family: string }): string {
  const name = `${person.given}-${person.family}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-');
  return `p${index}-${name}`;
}
