/**
 * Results as a lab report table: one row per test (grouped by LOINC code),
 * the latest value with its unit in a column of its own so that digits line
 * up, the reference range, the H/L flag, the date, and the earlier values of
 * the same test as a trend. The flag is the lab's interpretation when it
 * sent one, otherwise computed from the range (and marked as such).
 * @module
 */
import { dateOrder, formatDate } from './dates.js';
import { flagFromRange } from './flag.js';
import type { Sourced } from './group.js';
import { html, type SafeHtml } from './html.js';
import { codeChip, section } from './layout.js';
import { formatNumber, formatRange, rangeDecimals } from './numbers.js';
import {
  type CodingView,
  codeIn,
  codings,
  conceptText,
  isObject,
  type Json,
  objects,
  type QuantityView,
  quantity,
  str,
} from './read.js';
import { isUnverified, type RenderContext, sourceMarks } from './sources.js';
import { sparkline } from './sparkline.js';

const LOINC = 'http://loinc.org';
const EARLIER_SHOWN = 4;

type FlagView = { code: string; label: string; tone: 'high' | 'low' | 'abnormal' | 'normal' };
type RangeView = { low?: number; high?: number; unit?: string; text?: string };
type Point = {
  sources: number[];
  date: string | undefined;
  value: QuantityView | undefined;
  text: string | undefined;
  range: RangeView | undefined;
  flag: FlagView | undefined;
  computed: boolean;
};
type Series = { key: string; name: string; coding: CodingView | undefined; points: Point[] };

const INTERPRETATIONS: Record<string, FlagView> = {
  H: { code: 'H', label: 'High', tone: 'high' },
  HU: { code: 'H', label: 'Significantly high', tone: 'high' },
  HH: { code: 'HH', label: 'Critically high', tone: 'high' },
  '>': { code: 'H', label: 'Above the measurable range', tone: 'high' },
  L: { code: 'L', label: 'Low', tone: 'low' },
  LU: { code: 'L', label: 'Significantly low', tone: 'low' },
  LL: { code: 'LL', label: 'Critically low', tone: 'low' },
  '<': { code: 'L', label: 'Below the measurable range', tone: 'low' },
  A: { code: 'A', label: 'Abnormal', tone: 'abnormal' },
  AA: { code: 'AA', label: 'Critically abnormal', tone: 'abnormal' },
  N: { code: 'N', label: 'Normal', tone: 'normal' },
};
const FROM_RANGE: Record<'H' | 'L' | 'N', FlagView> = {
  H: INTERPRETATIONS.H!,
  L: INTERPRETATIONS.L!,
  N: INTERPRETATIONS.N!,
};

function rangeOf(r: Json): RangeView | undefined {
  const first = objects(r.referenceRange)[0];
  if (!first) return undefined;
  const low = quantity(first.low);
  const high = quantity(first.high);
  const view: RangeView = {};
  if (low) view.low = low.value;
  if (high) view.high = high.value;
  const unit = low?.unit ?? high?.unit;
  if (unit) view.unit = unit;
  const text = str(first.text);
  if (text) view.text = text;
  return Object.keys(view).length ? view : undefined;
}

function interpretation(r: Json): FlagView | undefined {
  for (const concept of objects(r.interpretation)) {
    for (const coding of codings(concept)) {
      const known = coding.code ? INTERPRETATIONS[coding.code.toUpperCase()] : undefined;
      if (known) return known;
    }
    const text = conceptText(concept);
    if (text) return { code: text.slice(0, 12), label: text, tone: 'abnormal' };
  }
  return undefined;
}

function pointOf(resource: Json, sources: number[]): Point {
  const value = quantity(resource.valueQuantity);
  const range = rangeOf(resource);
  const given = interpretation(resource);
  const computed = !given && value && range ? flagFromRange(value.value, range) : undefined;
  return {
    sources,
    date:
      str(resource.effectiveDateTime) ??
      (isObject(resource.effectivePeriod) ? str(resource.effectivePeriod.start) : undefined) ??
      str(resource.issued),
    value,
    text: value
      ? undefined
      : (str(resource.valueString) ??
        conceptText(resource.valueCodeableConcept) ??
        (typeof resource.valueBoolean === 'boolean' ? String(resource.valueBoolean) : undefined)),
    range,
    flag: given ?? (computed ? FROM_RANGE[computed] : undefined),
    computed: !given && computed !== undefined,
  };
}

function seriesOf(items: Sourced[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const { resource, sources } of items) {
    if (resource.status === 'entered-in-error' || resource.status === 'cancelled') continue;
    const loinc = codeIn(resource.code, LOINC);
    const any = loinc ?? codeIn(resource.code);
    const name = conceptText(resource.code) ?? 'Unnamed result';
    const key = any ? `${any.system ?? ''}|${any.code}` : `text|${name}`;
    let series = byKey.get(key);
    if (!series) {
      series = { key, name, coding: any, points: [] };
      byKey.set(key, series);
    }
    series.points.push(pointOf(resource, sources));
  }
  const all = [...byKey.values()];
  for (const s of all) s.points.sort((a, b) => dateOrder(b.date) - dateOrder(a.date));
  return all;
}

function valueText(point: Point): string {
  if (point.value) {
    const d = point.range ? rangeDecimals(point.range) : 0;
    return `${point.value.comparator ?? ''}${formatNumber(point.value.value, d)}`;
  }
  return point.text ?? '—';
}

function rangeText(point: Point): string {
  const r = point.range;
  if (!r) return '';
  const numeric = formatRange(r);
  if (!numeric) return r.text ?? '';
  // The unit column speaks for the range unless the range is in another unit.
  return r.unit && point.value?.unit && r.unit !== point.value.unit
    ? `${numeric} ${r.unit}`
    : numeric;
}

function flagCell(point: Point): SafeHtml | string {
  const flag = point.flag;
  if (!flag || flag.tone === 'normal') return '';
  const title = point.computed ? `${flag.label} (computed from the reference range)` : flag.label;
  return html`<span class="mv-flag mv-flag-${flag.tone}${flag.code.length > 1 ? ' mv-flag-critical' : ''}" title="${title}">${flag.code}</span>`;
}

function trendCell(series: Series): SafeHtml | string {
  const earlier = series.points.slice(1, 1 + EARLIER_SHOWN);
  if (earlier.length === 0) return '';
  const latest = series.points[0]!;
  const unit = latest.value?.unit;
  const numeric = series.points
    .filter((p) => p.value && p.value.unit === unit)
    .map((p) => ({ time: dateOrder(p.date), value: p.value!.value }))
    .reverse();
  const tone =
    latest.flag?.tone === 'high' || latest.flag?.tone === 'low' ? latest.flag.tone : 'normal';
  const chart = sparkline(numeric, latest.range ?? {}, tone);
  const list = earlier.map(
    (p) =>
      html`<li><span class="mv-trend-value"><span class="mv-num">${valueText(p)}</span>${p.flag && p.flag.tone !== 'normal' ? html`<span class="mv-mini-flag mv-flag-${p.flag.tone}">${p.flag.code}</span>` : ''}</span> <span class="mv-trend-date">${formatDate(p.date) || 'undated'}</span></li>`,
  );
  return html`<div class="mv-trend">${chart ?? ''}<ol class="mv-trend-values" aria-label="Earlier results">${list}</ol></div>`;
}

/**
 * Renders Observations as a results table (titled `title`), or nothing when
 * there are none.
 *
 * @example
 * ```ts
 * renderObservations(labObservations, ctx, { kind: 'labs', title: 'Laboratory results' });
 * ```
 */
export function renderObservations(
  items: Sourced[],
  ctx: RenderContext,
  heading: { kind: string; title: string },
): SafeHtml | undefined {
  const series = seriesOf(items);
  if (series.length === 0) return undefined;
  const rows = series.map((s) => {
    const p = s.points[0]!;
    const tone = p.flag?.tone ?? 'normal';
    const unverified = isUnverified(p.sources, ctx);
    return html`<tr class="mv-result mv-result-${tone}${unverified ? ' mv-unverified' : ''}" data-code="${s.coding?.code ?? ''}">
<td class="mv-term-cell"><span class="mv-term">${s.name}</span>${codeChip(s.coding)}</td>
<td class="mv-value mv-num">${valueText(p)}</td>
<td class="mv-unit">${p.value?.unit ?? ''}</td>
<td class="mv-flag-cell">${flagCell(p)}</td>
<td class="mv-range mv-num">${rangeText(p)}</td>
<td class="mv-date">${formatDate(p.date)}</td>
<td class="mv-trend-cell">${trendCell(s)}</td>
<td class="mv-src-cell">${sourceMarks(p.sources, ctx)}</td></tr>`;
  });
  const abnormal = series.filter((s) => {
    const tone = s.points[0]!.flag?.tone;
    return tone !== undefined && tone !== 'normal';
  }).length;
  return section({
    kind: heading.kind,
    title: heading.title,
    count: series.length,
    body: html`${abnormal ? html`<p class="mv-section-note"><span class="mv-flag mv-flag-high">!</span> ${abnormal} of ${series.length} latest results outside the reference range</p>` : ''}<table class="mv-table mv-results"><thead><tr><th>Test</th><th class="mv-value">Result</th><th class="mv-unit">Unit</th><th class="mv-flag-cell">Flag</th><th class="mv-range">Reference range</th><th>Date</th><th>Earlier results</th><th class="mv-src-cell">Src</th></tr></thead><tbody>${rows}</tbody></table>`,
  });
}

/**
 * Whether an Observation is a laboratory result (category `laboratory`).
 *
 * @example
 * ```ts
 * isLaboratory(observation); // true for the samples' lab results
 * ```
 */
export function isLaboratory(resource: Json): boolean {
  return objects(resource.category).some((c) => codings(c).some((k) => k.code === 'laboratory'));
}
