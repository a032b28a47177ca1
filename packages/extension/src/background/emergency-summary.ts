/**
 * The emergency summary: from the patient's records, what a first
 * responder needs — allergies, current medicines, active problems, blood
 * group and emergency contacts — as one FHIR Bundle in the shape of the
 * International Patient Summary (a `document` Bundle whose Composition has
 * the IPS sections, LOINC-coded). It is built here, in the background, from
 * records the patient opened; the emergency card is a long-term SMART
 * Health Link to it (health-links.ts).
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The LOINC code of a blood group observation (ABO and Rh). */
const BLOOD_GROUP_CODES = new Set(['882-1', '883-9', '10331-7']);

/** The IPS sections this summary fills, with their LOINC codes. */
const SECTIONS = [
  { code: '48765-2', title: 'Allergies and intolerances', types: ['AllergyIntolerance'] },
  {
    code: '10160-0',
    title: 'Medication summary',
    types: ['MedicationStatement', 'MedicationRequest'],
  },
  { code: '11450-4', title: 'Problem list', types: ['Condition'] },
  { code: '8716-3', title: 'Vital signs (blood group)', types: ['Observation'] },
] as const;

function* resources(value: unknown, depth = 0): Generator<Json> {
  if (!isObject(value) || depth > 8 || typeof value.resourceType !== 'string') return;
  if (value.resourceType === 'Bundle') {
    for (const entry of list(value.entry)) {
      if (isObject(entry)) yield* resources(entry.resource, depth + 1);
    }
    return;
  }
  yield value;
}

const coded = (value: unknown, system?: string): string[] =>
  isObject(value)
    ? list(value.coding)
        .filter(isObject)
        .filter((c) => system === undefined || c.system === system)
        .map((c) => String(c.code ?? ''))
    : [];

/** Whether a resource belongs in the summary (active, current, a blood group). */
function wanted(resource: Json): boolean {
  switch (resource.resourceType) {
    case 'AllergyIntolerance':
      return !coded(resource.clinicalStatus).some((c) => c === 'inactive' || c === 'resolved');
    case 'Condition':
      return !coded(resource.clinicalStatus).some((c) =>
        ['inactive', 'resolved', 'remission'].includes(c),
      );
    case 'MedicationStatement':
      return (
        resource.status === undefined || ['active', 'intended'].includes(String(resource.status))
      );
    case 'MedicationRequest':
      return resource.status === undefined || resource.status === 'active';
    case 'Observation':
      return coded(resource.code).some((c) => BLOOD_GROUP_CODES.has(c));
    default:
      return false;
  }
}

/**
 * The emergency summary of the opened records (FHIR JSON texts), built at
 * `now`: a `document` Bundle with a Composition (IPS sections), the
 * patient (with emergency contacts, when the records name them) and the
 * entries found. Records that are not FHIR JSON are skipped.
 *
 * @example
 * ```ts
 * const bundle = emergencySummary([labBundleJson, allergyJson], new Date());
 * bundle.entry[0].resource.resourceType; // 'Composition'
 * ```
 */
export function emergencySummary(texts: readonly string[], now: Date): Json & { entry: Json[] } {
  let patient: Json | undefined;
  const found: Json[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    for (const resource of resources(parsed)) {
      if (resource.resourceType === 'Patient') {
        // the most complete one: the one naming emergency contacts, else the first
        if (!patient || (!list(patient.contact).length && list(resource.contact).length)) {
          patient = resource;
        }
        continue;
      }
      if (!wanted(resource)) continue;
      const key = `${String(resource.resourceType)}/${String(resource.id ?? found.length)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(resource);
    }
  }
  const fullUrl = (r: Json, i: number) => `urn:uuid:${String(r.resourceType).toLowerCase()}-${i}`;
  const entries = found.map((resource, i) => ({ fullUrl: fullUrl(resource, i), resource }));
  const patientEntry = patient ? [{ fullUrl: 'urn:uuid:patient', resource: patient }] : [];
  const sections = SECTIONS.map((s) => {
    const refs = entries
      .filter((e) => (s.types as readonly string[]).includes(String(e.resource.resourceType)))
      .map((e) => ({ reference: e.fullUrl }));
    return {
      title: s.title,
      code: { coding: [{ system: 'http://loinc.org', code: s.code }] },
      ...(refs.length
        ? { entry: refs }
        : { emptyReason: { coding: [{ code: 'unavailable', display: 'None recorded' }] } }),
    };
  });
  const composition = {
    resourceType: 'Composition',
    status: 'final',
    type: {
      coding: [
        { system: 'http://loinc.org', code: '60591-5', display: 'Patient summary Document' },
      ],
    },
    date: now.toISOString(),
    title: 'Emergency summary (from the patient’s MedVault)',
    ...(patient ? { subject: { reference: 'urn:uuid:patient' } } : {}),
    author: [{ display: 'The patient, through MedVault' }],
    section: sections,
  };
  return {
    resourceType: 'Bundle',
    type: 'document',
    timestamp: now.toISOString(),
    entry: [
      { fullUrl: 'urn:uuid:composition', resource: composition },
      ...patientEntry,
      ...entries,
    ],
  };
}
