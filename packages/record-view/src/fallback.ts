/**
 * Resources the view has no dedicated section for (encounters, documents'
 * compositions, organisations, anything else): shown as their type and the
 * handful of fields that say what they are, with the raw JSON tucked away
 * for whoever needs it — never as the main view.
 * @module
 */
import { formatDate } from './dates.js';
import type { Sourced } from './group.js';
import { html, type SafeHtml } from './html.js';
import { capitalise, section } from './layout.js';
import { conceptText, isObject, type Json, objects, personName, str } from './read.js';
import { isUnverified, type RenderContext, sourceMarks } from './sources.js';

const MAX_FIELD = 300;
const MAX_JSON = 8000;

const clip = (text: string | undefined, max = MAX_FIELD) =>
  text && text.length > max ? `${text.slice(0, max)}…` : text;

function when(r: Json): string | undefined {
  if (isObject(r.period)) {
    const start = formatDate(r.period.start);
    const end = formatDate(r.period.end);
    if (start || end) return `${start || '?'} – ${end || 'ongoing'}`;
  }
  for (const field of [
    'effectiveDateTime',
    'occurrenceDateTime',
    'date',
    'authoredOn',
    'recordedDate',
    'issued',
    'created',
  ]) {
    const text = formatDate(r[field]);
    if (text) return text;
  }
  return undefined;
}

function typeText(r: Json): string | undefined {
  if (typeof r.type === 'string') return r.type;
  return conceptText(objects(r.type)[0] ?? r.type) ?? conceptText(r.class);
}

const FIELDS: [string, (r: Json) => string | undefined][] = [
  ['Type', typeText],
  ['Status', (r) => str(r.status) ?? conceptText(r.clinicalStatus)],
  ['When', when],
  ['Reason', (r) => objects(r.reasonCode).map(conceptText).filter(Boolean).join('; ') || undefined],
  ['Description', (r) => str(r.description) ?? str(r.conclusion)],
  [
    'Sections',
    (r) =>
      objects(r.section)
        .map((s) => str(s.title))
        .filter(Boolean)
        .join(', ') || undefined,
  ],
  [
    'Identifier',
    (r) => {
      const ids = isObject(r.identifier) ? [r.identifier] : objects(r.identifier);
      return str(ids[0]?.value);
    },
  ],
];

function headline(r: Json): string | undefined {
  return (
    str(r.title) ??
    str(r.name) ??
    personName(r.name) ??
    conceptText(r.code) ??
    conceptText(objects(r.reasonCode)[0])
  );
}

/** Splits `DiagnosticReport` into `Diagnostic report`. */
function typeName(resourceType: string): string {
  return capitalise(resourceType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
}

/**
 * Renders other resources as compact cards, or nothing when there are none.
 *
 * @example
 * ```ts
 * renderFallback(group.resources.filter((r) => !handled(r)), ctx);
 * ```
 */
export function renderFallback(items: Sourced[], ctx: RenderContext): SafeHtml | undefined {
  if (items.length === 0) return undefined;
  const cards = items.map(({ resource: r, sources }) => {
    const fields = FIELDS.map(([label, read]) => [label, clip(read(r))] as const).filter(
      (f): f is readonly [string, string] => f[1] !== undefined && f[1] !== '',
    );
    const json = JSON.stringify(r, null, 2) ?? '';
    return html`<article class="mv-other${isUnverified(sources, ctx) ? ' mv-unverified' : ''}">
<header class="mv-other-head"><span class="mv-other-type">${typeName(r.resourceType)}</span> <span class="mv-other-name">${clip(headline(r)) ?? ''}</span>${sourceMarks(sources, ctx)}</header>
${fields.length ? html`<dl class="mv-fields">${fields.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>` : ''}
<details class="mv-raw"><summary>FHIR JSON</summary><pre>${json.length > MAX_JSON ? `${json.slice(0, MAX_JSON)}\n…` : json}</pre></details></article>`;
  });
  return section({
    kind: 'other',
    title: 'Other information',
    count: items.length,
    body: html`<div class="mv-others">${cards}</div>`,
  });
}
