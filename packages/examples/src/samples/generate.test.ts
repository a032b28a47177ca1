/**
 * The sample set: deterministic per seed, valid FHIR R4 in the shapes the
 * example sites rely on, clinically coherent (flags agree with ranges, eGFR
 * with creatinine), and never mistakable for real patient data.
 */

import { flagFromRange } from '@medvault/record-view';
import { beforeAll, describe, expect, test } from 'vitest';
import type * as fhir4 from './fhir-r4.js';
import { generateSamples } from './generate.js';
import { LAB_TESTS } from './lab-tests.js';
import { mdrdEgfr } from './observations.js';
import type { SamplePatient, SampleRecord } from './record.js';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const text = (r: SampleRecord) => new TextDecoder().decode(r.bytes);
const json = (r: SampleRecord) => JSON.parse(text(r)) as fhir4.FhirResource;
const fhirRecords = (patients: SamplePatient[]) =>
  patients.flatMap((p) => p.records.filter((r) => r.contentType === 'application/fhir+json'));

/** Every resource in a record, Bundles unpacked. */
function resourcesOf(resource: fhir4.FhirResource): fhir4.FhirResource[] {
  if (resource.resourceType !== 'Bundle') return [resource];
  return [
    resource,
    ...(resource.entry ?? []).flatMap((e) => (e.resource ? resourcesOf(e.resource) : [])),
  ];
}

/** Every object reachable in a JSON value, for checks that apply wherever a field occurs. */
function* walk(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* walk(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* walk(v);
  }
}

let patients: SamplePatient[];
beforeAll(async () => {
  patients = await generateSamples(1);
});

describe('determinism', () => {
  test('the same seed gives the same bytes, another seed other data', async () => {
    const again = await generateSamples(1);
    const bytes = (ps: SamplePatient[]) =>
      ps.flatMap((p) => p.records.map((r) => [r.name, r.bytes]));
    expect(bytes(again)).toEqual(bytes(patients));
    const other = await generateSamples(2);
    expect(other.map((p) => p.name)).not.toEqual(patients.map((p) => p.name));
    expect(bytes(other)).not.toEqual(bytes(patients));
  });

  test('the default seed is 1; a non-integer seed is refused', async () => {
    expect((await generateSamples()).map((p) => p.id)).toEqual(patients.map((p) => p.id));
    await expect(generateSamples(1.5)).rejects.toThrow(/integer/);
  });
});

describe('the set', () => {
  test('five patients with seven records each, names unique', () => {
    expect(patients).toHaveLength(5);
    const names = patients.flatMap((p) => p.records.map((r) => r.name));
    expect(new Set(names).size).toBe(names.length);
    for (const p of patients) {
      expect(p.records.map((r) => r.category)).toEqual([
        'demographics',
        'summary',
        'problem-list',
        'medication',
        'laboratory',
        'laboratory',
        'summary',
      ]);
      expect(p.records.map((r) => r.resourceType)).toEqual([
        'Patient',
        'Bundle',
        'Bundle',
        'Bundle',
        'Bundle',
        'Observation',
        'DocumentReference',
      ]);
      for (const r of p.records) expect(r.name).toMatch(/^p\d-[a-z0-9-]+\.(fhir\.json|pdf)$/);
    }
  });

  test('titles read like a patient portal list', () => {
    for (const p of patients) {
      const [demographics, summary, , , labs, key, pdf] = p.records;
      expect(demographics!.title).toBe(`Patient details: ${p.name}`);
      expect(summary!.title).toMatch(
        /^Patient summary, St\. Mary's Hospital, \d{1,2} [A-Z][a-z]{2} 2026$/,
      );
      expect(labs!.title).toMatch(
        /^Lab results, [A-Z][a-z]{2} 20\d\d to \d{1,2} [A-Z][a-z]{2} 2026$/,
      );
      expect(key!.title).toMatch(/^[A-Za-z0-9 ()]+ \d+(\.\d+)? .+, \d{1,2} [A-Z][a-z]{2} 2026$/);
      expect(pdf!.title).toMatch(/^Discharge summary, St\. Mary's Hospital, /);
    }
    const hba1c = patients.flatMap((p) => p.records).find((r) => r.name.includes('-hba1c-'));
    expect(hba1c?.title).toMatch(/^HbA1c \d\.\d %, \d{1,2} [A-Z][a-z]{2} 2026$/);
  });
});

describe('FHIR R4 shape', () => {
  test('every record parses and every resource has the required fields', () => {
    for (const record of fhirRecords(patients)) {
      const root = json(record);
      expect(root.resourceType).toBe(record.resourceType);
      for (const r of resourcesOf(root)) {
        expect(r.id, `${r.resourceType} id`).toMatch(FHIR_ID);
        expect(r.meta?.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        switch (r.resourceType) {
          case 'Patient':
            expect(r.name?.[0]?.family).toBeTruthy();
            expect(['male', 'female']).toContain(r.gender);
            expect(r.birthDate).toMatch(/^\d{4}-\d\d-\d\d$/);
            expect(r.identifier?.length).toBeGreaterThan(0);
            break;
          case 'Observation':
            expect(r.status).toBe('final');
            expect(r.code.coding?.[0]?.system).toBe(LOINC);
            expect(r.subject?.reference).toMatch(/^Patient\//);
            expect(r.effectiveDateTime).toBeTruthy();
            expect(r.category?.[0]?.coding?.[0]?.code).toBe('laboratory');
            expect(r.valueQuantity?.system).toBe(UCUM);
            expect(typeof r.valueQuantity?.value).toBe('number');
            expect(r.referenceRange?.length).toBe(1);
            break;
          case 'Condition':
            expect(r.subject.reference).toMatch(/^Patient\//);
            expect(r.code?.coding?.[0]?.system).toBe('http://snomed.info/sct');
            expect(r.code?.coding?.[0]?.display).toBeTruthy();
            expect(r.clinicalStatus?.coding?.[0]?.system).toBe(
              'http://terminology.hl7.org/CodeSystem/condition-clinical',
            );
            expect(r.onsetDateTime).toBeTruthy();
            break;
          case 'MedicationStatement':
          case 'MedicationRequest': {
            expect(r.subject.reference).toMatch(/^Patient\//);
            expect(r.medicationCodeableConcept?.coding?.[0]?.system).toBe(
              'http://www.nlm.nih.gov/research/umls/rxnorm',
            );
            const dosage = r.resourceType === 'MedicationRequest' ? r.dosageInstruction : r.dosage;
            expect(dosage?.[0]?.text).toBeTruthy();
            if (r.resourceType === 'MedicationRequest') expect(r.intent).toBe('order');
            break;
          }
          case 'Encounter':
            expect(r.status).toBe('finished');
            expect(r.class.code).toBe('IMP');
            break;
          case 'Composition':
            expect(r.status).toBe('final');
            expect(r.type.coding?.[0]?.code).toBe('60591-5');
            expect(r.author.length).toBeGreaterThan(0);
            expect(r.title).toBeTruthy();
            break;
          case 'Bundle':
            expect(['collection', 'document']).toContain(r.type);
            expect(r.timestamp).toBeTruthy();
            for (const entry of r.entry ?? []) {
              expect(entry.resource?.resourceType).toBeTruthy();
              expect(entry.fullUrl).toBe(
                `https://fhir.st-marys.example.org/r4/${entry.resource?.resourceType}/${entry.resource?.id}`,
              );
            }
            break;
        }
      }
    }
  });

  test('a summary is a document Bundle whose references all resolve inside it', () => {
    for (const p of patients) {
      const bundle = json(p.records[1]!) as fhir4.Bundle;
      expect(bundle.type).toBe('document');
      expect(bundle.identifier?.value).toBeTruthy();
      expect(bundle.entry?.[0]?.resource?.resourceType).toBe('Composition');
      const present = new Set(
        bundle.entry?.map((e) => `${e.resource?.resourceType}/${e.resource?.id}`),
      );
      const references = [...walk(bundle)]
        .map((o) => o.reference)
        .filter((r) => typeof r === 'string');
      expect(references.length).toBeGreaterThan(20);
      for (const ref of references) expect(present, String(ref)).toContain(ref);
    }
  });

  test('resources with a subject point at the patient of the set', () => {
    for (const p of patients) {
      for (const record of p.records.filter((r) => r.contentType === 'application/fhir+json')) {
        for (const r of resourcesOf(json(record))) {
          const subject = 'subject' in r ? r.subject?.reference : undefined;
          if (subject) expect(subject).toBe(`Patient/${p.id}`);
        }
      }
    }
  });
});

describe('laboratory results', () => {
  const labObservations = (p: SamplePatient) => {
    const bundle = json(p.records.find((r) => r.name.endsWith('-labs.fhir.json'))!) as fhir4.Bundle;
    return (bundle.entry ?? [])
      .map((e) => e.resource!)
      .filter((r): r is fhir4.Observation => r.resourceType === 'Observation');
  };

  test('the lab Bundle is the laboratory record and holds only the patient, the lab and results', () => {
    for (const p of patients) {
      const record = p.records.find((r) => r.name.endsWith('-labs.fhir.json'))!;
      expect(record.category).toBe('laboratory');
      const bundle = json(record) as fhir4.Bundle;
      expect(bundle.type).toBe('collection');
      const types = new Set(bundle.entry?.map((e) => e.resource?.resourceType));
      expect([...types].sort()).toEqual(['Observation', 'Organization', 'Patient']);
    }
  });

  test('codes carry the UCUM unit of their LOINC test, with four time points each', () => {
    const units = new Map<string, string>(Object.values(LAB_TESTS).map((t) => [t.loinc, t.ucum]));
    const seen = new Set<string>();
    for (const p of patients) {
      const byCode = new Map<string, fhir4.Observation[]>();
      for (const o of labObservations(p)) {
        const loinc = o.code.coding![0]!.code!;
        seen.add(loinc);
        expect(o.valueQuantity?.code).toBe(units.get(loinc));
        byCode.set(loinc, [...(byCode.get(loinc) ?? []), o]);
      }
      for (const series of byCode.values()) {
        expect(new Set(series.map((o) => o.effectiveDateTime)).size).toBe(4);
      }
    }
    expect([...seen].sort()).toEqual([...units.keys()].sort());
    expect(units.get('4548-4')).toBe('%');
    expect(units.get('2823-3')).toBe('mmol/L');
  });

  test('interpretation agrees with the reference range, and both flags occur', () => {
    const flags = new Set<string>();
    for (const p of patients) {
      for (const o of labObservations(p)) {
        const range = o.referenceRange![0]!;
        const expected = flagFromRange(o.valueQuantity!.value!, {
          low: range.low?.value,
          high: range.high?.value,
        });
        const code = o.interpretation?.[0]?.coding?.[0];
        expect(code?.system).toBe(
          'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
        );
        expect(code?.code).toBe(expected);
        flags.add(code!.code!);
      }
    }
    expect([...flags].sort()).toEqual(['H', 'L', 'N']);
  });

  test('HbA1c has the adult range 4.0–5.6 %', () => {
    const hba1c = patients
      .flatMap(labObservations)
      .find((o) => o.code.coding?.[0]?.code === '4548-4');
    expect(hba1c?.referenceRange?.[0]?.low?.value).toBe(4);
    expect(hba1c?.referenceRange?.[0]?.high?.value).toBe(5.6);
    expect(hba1c?.valueQuantity?.unit).toBe('%');
  });

  test('eGFR is the MDRD estimate from the creatinine of the same draw', () => {
    for (const p of patients) {
      const obs = labObservations(p);
      for (const egfr of obs.filter((o) => o.code.coding?.[0]?.code === '33914-3')) {
        const creatinine = obs.find(
          (o) =>
            o.code.coding?.[0]?.code === '2160-0' && o.effectiveDateTime === egfr.effectiveDateTime,
        )!;
        const drawn = new Date(egfr.effectiveDateTime!);
        const birth = new Date(`${p.birthDate}T00:00:00Z`);
        let age = drawn.getUTCFullYear() - birth.getUTCFullYear();
        if (
          drawn <
          new Date(Date.UTC(drawn.getUTCFullYear(), birth.getUTCMonth(), birth.getUTCDate()))
        )
          age--;
        const expected = mdrdEgfr(creatinine.valueQuantity!.value!, age, p.gender);
        expect(Math.abs(egfr.valueQuantity!.value! - expected)).toBeLessThanOrEqual(0.5);
      }
    }
  });
});

describe('nothing real', () => {
  test('identifiers, URLs and sources live under example.org; every resource is tagged synthetic', () => {
    const ours = /(^|\.)example\.org$/;
    // Code systems may be the published terminologies; whatever identifies or locates is ours.
    const terminologies = new Set([
      'snomed.info',
      'loinc.org',
      'www.nlm.nih.gov',
      'unitsofmeasure.org',
      'terminology.hl7.org',
    ]);
    const host = (url: unknown) => new URL(String(url)).hostname;
    let identifiers = 0;
    for (const record of fhirRecords(patients)) {
      const root = json(record);
      for (const o of walk(root)) {
        const ids = o.identifier === undefined ? [] : [o.identifier].flat();
        for (const id of ids as fhir4.Identifier[]) {
          identifiers++;
          expect(host(id.system), `identifier ${id.system}`).toMatch(ours);
        }
        for (const field of ['fullUrl', 'source']) {
          if (o[field] !== undefined) expect(host(o[field])).toMatch(ours);
        }
        if (typeof o.reference === 'string')
          expect(o.reference).toMatch(/^[A-Z][A-Za-z]+\/[\w.-]+$/);
        // ContactPoint.system is a code ('phone'), not a URL.
        if (typeof o.system === 'string' && o.system.includes('://')) {
          const h = host(o.system);
          expect(terminologies.has(h) || ours.test(h), `system ${o.system}`).toBe(true);
        }
      }
      for (const r of resourcesOf(root)) expect(r.meta?.tag?.[0]?.code).toBe('synthetic');
    }
    expect(identifiers).toBeGreaterThan(100);
  });

  test('no identifier looks like a national number; phones are in the fictional 555-01xx range', () => {
    for (const record of fhirRecords(patients)) {
      expect(text(record)).not.toMatch(/\b\d{3}-\d{2}-\d{4}\b/); // US SSN shape
      for (const o of walk(json(record))) {
        if (o.system === 'phone') expect(o.value).toMatch(/^555-01\d\d$/);
      }
    }
  });
});
