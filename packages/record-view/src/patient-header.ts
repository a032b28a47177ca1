/**
 * Who the records are about, as the top of a chart shows it: name, age and
 * sex, date of birth, and identifiers labelled by type — so the clinician
 * can check they have the right patient before reading anything else.
 * @module
 */
import { ageOn, formatDate } from './dates.js';
import type { PatientGroup } from './group.js';
import { html, type SafeHtml } from './html.js';
import { capitalise } from './layout.js';
import { conceptText, type Json, objects, personName, str, strings } from './read.js';
import { type RenderContext, sourceMarks } from './sources.js';

function identifierLabel(identifier: Json): string {
  const type = conceptText(identifier.type);
  if (type) return type;
  const system = str(identifier.system);
  if (system) {
    try {
      return new URL(system).hostname;
    } catch {
      return system;
    }
  }
  return 'ID';
}

function contact(patient: Json): string[] {
  const phones = objects(patient.telecom)
    .filter((t) => t.system === 'phone')
    .map((t) => str(t.value))
    .filter((v): v is string => v !== undefined)
    .map((v) => `Tel ${v}`);
  const address = objects(patient.address)[0];
  const addressText = address
    ? (str(address.text) ??
      [...strings(address.line), str(address.city)].filter(Boolean).join(', '))
    : undefined;
  return [...phones.slice(0, 1), ...(addressText ? [addressText] : [])];
}

/**
 * Renders a patient group's header. Without a Patient resource it says so
 * and names the reference the records point at.
 *
 * @example
 * ```ts
 * renderPatientHeader(group, { now: new Date(), records });
 * ```
 */
export function renderPatientHeader(group: PatientGroup, ctx: RenderContext): SafeHtml {
  if (!group.patient) {
    return html`<header class="mv-patient-header mv-patient-unknown"><div class="mv-patient-name">${group.key ? 'Patient details not shared' : 'Records without a patient'}</div>${group.key ? html`<div class="mv-muted">Records refer to ${group.key}</div>` : ''}</header>`;
  }
  const p = group.patient.resource;
  const age = ageOn(p.birthDate, ctx.now);
  const gender = str(p.gender);
  const born = formatDate(p.birthDate);
  const deceased =
    p.deceasedBoolean === true || str(p.deceasedDateTime) !== undefined
      ? html`<span class="mv-deceased">Deceased${str(p.deceasedDateTime) ? ` ${formatDate(p.deceasedDateTime)}` : ''}</span>`
      : '';
  const ids = objects(p.identifier)
    .filter((i) => str(i.value))
    .map(
      (i) =>
        html`<li class="mv-id" title="${str(i.system) ?? ''}"><span class="mv-id-type">${identifierLabel(i)}</span><span class="mv-id-value">${str(i.value)}</span></li>`,
    );
  const contactLine = contact(p);
  const facts = [
    age !== undefined ? `${age} y` : undefined,
    gender ? capitalise(gender) : undefined,
    born ? `Born ${born}` : undefined,
  ].filter((f): f is string => f !== undefined);
  return html`<header class="mv-patient-header">
<div class="mv-patient-id"><div class="mv-patient-name">${personName(p.name) ?? 'Name not given'}${sourceMarks(group.patient.sources, ctx)}</div>
<div class="mv-patient-facts">${facts.map((f) => html`<span>${f}</span>`)}${deceased}</div>
${contactLine.length ? html`<div class="mv-patient-contact">${contactLine.join(' · ')}</div>` : ''}</div>
${ids.length ? html`<ul class="mv-ids">${ids}</ul>` : ''}</header>`;
}
