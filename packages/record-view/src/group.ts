/**
 * Several records often describe one patient and repeat each other (a
 * summary and a lab report both carry the latest results). This merges the
 * resources of all records — one copy per resource id, remembering every
 * record it came from, preferring the best-verified copy — and groups them
 * by the patient they are about.
 * @module
 */
import type { DecodedResource } from './decode.js';
import { isObject, type Json, referenceKey, str } from './read.js';

/** A resource and the records (by index) it was found in. */
export type Sourced = { resource: Json & { resourceType: string }; sources: number[] };

/** Everything about one patient; `key` is `Patient/id` or the subject reference. */
export type PatientGroup = { key?: string; patient?: Sourced; resources: Sourced[] };

/** One record's resources, with its index and how well it was verified (0 best). */
export type RecordResources = { index: number; rank: number; resources: DecodedResource[] };

function resourceKey(resource: Json & { resourceType: string }): string | undefined {
  const id = str(resource.id);
  return id ? `${resource.resourceType}/${id}` : undefined;
}

function subjectOf(resource: Json & { resourceType: string }): unknown {
  // Most clinical resources say `subject`; a few (AllergyIntolerance, Coverage) say `patient`.
  return resource.subject ?? resource.patient;
}

/**
 * Merges and groups. Groups come in order of first appearance; resources
 * that name no patient join the only group when there is one.
 *
 * @example
 * ```ts
 * const groups = groupByPatient([{ index: 0, rank: 0, resources: decoded.resources }]);
 * groups[0]?.patient?.resource.resourceType; // 'Patient'
 * ```
 */
export function groupByPatient(records: RecordResources[]): PatientGroup[] {
  type Item = Sourced & { rank: number; key: string | undefined };
  const merged = new Map<string, Item>();
  const all: Item[] = [];
  const aliases = new Map<string, string>();
  for (const { index, rank, resources } of records) {
    for (const { resource, fullUrl } of resources) {
      // Identity is Type/id; a resource without an id is known by its entry's URL.
      const id = resourceKey(resource);
      if (fullUrl && id) aliases.set(fullUrl, id);
      const key = id ?? fullUrl;
      const seen = key ? merged.get(key) : undefined;
      if (seen) {
        if (!seen.sources.includes(index)) seen.sources.push(index);
        if (rank < seen.rank) Object.assign(seen, { resource, rank });
        continue;
      }
      const item = { resource, sources: [index], rank, key };
      if (key) merged.set(key, item);
      all.push(item);
    }
  }

  const groups = new Map<string | undefined, PatientGroup>();
  const groupFor = (key: string | undefined): PatientGroup => {
    let group = groups.get(key);
    if (!group) {
      group = key === undefined ? { resources: [] } : { key, resources: [] };
      groups.set(key, group);
    }
    return group;
  };
  const unassigned: Sourced[] = [];
  for (const { resource, sources, key: own } of all) {
    const item = { resource, sources };
    if (resource.resourceType === 'Patient') {
      const group = groupFor(own);
      if (group.patient) group.resources.push(item);
      else group.patient = item;
      continue;
    }
    const subject = subjectOf(resource);
    const raw = isObject(subject) ? str(subject.reference) : undefined;
    const key = (raw && aliases.get(raw)) ?? referenceKey(subject);
    if (key) groupFor(key).resources.push(item);
    else unassigned.push(item);
  }
  if (unassigned.length) {
    const only = groups.size === 1 ? [...groups.values()][0]! : groupFor(undefined);
    only.resources.push(...unassigned);
  }
  return [...groups.values()];
}
