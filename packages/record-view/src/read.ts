/**
 * Reading fields out of resources that arrived over the wire. A shared
 * record is whatever its author sealed: valid JSON, but any field may be
 * missing, of the wrong type or absurd. These readers never throw and never
 * return something of another type than they promise, so that the views
 * built on them cannot be crashed by a record.
 * @module
 */

/** A JSON object as parsed. */
export type Json = Record<string, unknown>;

/**
 * Whether a value is a (non-array) object.
 *
 * @example
 * ```ts
 * isObject({ a: 1 }); // true
 * isObject([1]); // false
 * ```
 */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value if it is a non-empty string.
 *
 * @example
 * ```ts
 * str('final'); // 'final'
 * str(5); // undefined
 * ```
 */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * The value if it is a finite number.
 *
 * @example
 * ```ts
 * num(6.1); // 6.1
 * num('6.1'); // undefined
 * ```
 */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The objects of an array (other elements dropped); [] for a non-array.
 *
 * @example
 * ```ts
 * objects([{ a: 1 }, 2, null]); // [{ a: 1 }]
 * ```
 */
export function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/**
 * The strings of an array; [] for a non-array.
 *
 * @example
 * ```ts
 * strings(['Maria', 3]); // ['Maria']
 * ```
 */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => str(v) !== undefined) : [];
}

/** A Coding's fields that a view uses. */
export type CodingView = { system?: string; code?: string; display?: string };

/**
 * The codings of a CodeableConcept.
 *
 * @example
 * ```ts
 * codings({ coding: [{ system: 'http://loinc.org', code: '4548-4' }] }); // [{ system: 'http://loinc.org', code: '4548-4' }]
 * ```
 */
export function codings(concept: unknown): CodingView[] {
  if (!isObject(concept)) return [];
  return objects(concept.coding).map((c) => {
    const view: CodingView = {};
    const system = str(c.system);
    const code = str(c.code);
    const display = str(c.display);
    if (system) view.system = system;
    if (code) view.code = code;
    if (display) view.display = display;
    return view;
  });
}

/**
 * What a person would call a concept: its text, else the first coding's
 * display, else its code. Also accepts a bare Coding (Encounter.class).
 *
 * @example
 * ```ts
 * conceptText({ coding: [{ code: '44054006', display: 'Diabetes mellitus type 2' }] }); // 'Diabetes mellitus type 2'
 * ```
 */
export function conceptText(concept: unknown): string | undefined {
  if (!isObject(concept)) return undefined;
  const text = str(concept.text);
  if (text) return text;
  const all = [...codings(concept), { display: str(concept.display), code: str(concept.code) }];
  return all.find((c) => c.display)?.display ?? all.find((c) => c.code)?.code;
}

/**
 * The code of the first coding in `system` (or of the first coding at all).
 *
 * @example
 * ```ts
 * codeIn(observation.code, 'http://loinc.org'); // '4548-4'
 * ```
 */
export function codeIn(concept: unknown, system?: string): CodingView | undefined {
  return codings(concept).find((c) => c.code && (system === undefined || c.system === system));
}

/**
 * A reference as `Type/id`, whatever its form (relative, absolute URL,
 * versioned), or the reference text itself for other forms (urn:uuid:…).
 *
 * @example
 * ```ts
 * referenceKey({ reference: 'https://fhir.example.org/r4/Patient/p1/_history/2' }); // 'Patient/p1'
 * ```
 */
export function referenceKey(reference: unknown): string | undefined {
  const text = isObject(reference) ? str(reference.reference) : undefined;
  if (!text) return undefined;
  const m = /(?:^|\/)([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/.exec(text);
  return m ? m[1] : text;
}

/**
 * A person's name as it should be read: `text`, else prefix, given and family.
 *
 * @example
 * ```ts
 * personName([{ given: ['Maria'], family: 'Alvarez' }]); // 'Maria Alvarez'
 * ```
 */
export function personName(names: unknown): string | undefined {
  const all = objects(names);
  const name =
    all.find((n) => n.use === 'official') ?? all.find((n) => n.use === 'usual') ?? all[0];
  if (!name) return undefined;
  const text = str(name.text);
  if (text) return text;
  const parts = [...strings(name.prefix), ...strings(name.given), str(name.family)].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/** A Quantity's fields that a view uses. */
export type QuantityView = { value: number; unit?: string; comparator?: string };

/**
 * A Quantity with a usable value; the unit is the human one, else the UCUM code.
 *
 * @example
 * ```ts
 * quantity({ value: 6.1, unit: '%', system: 'http://unitsofmeasure.org', code: '%' }); // { value: 6.1, unit: '%' }
 * ```
 */
export function quantity(value: unknown): QuantityView | undefined {
  if (!isObject(value)) return undefined;
  const v = num(value.value);
  if (v === undefined) return undefined;
  const view: QuantityView = { value: v };
  const unit = str(value.unit) ?? str(value.code);
  if (unit) view.unit = unit;
  const comparator = str(value.comparator);
  if (comparator && ['<', '<=', '>=', '>'].includes(comparator)) view.comparator = comparator;
  return view;
}
