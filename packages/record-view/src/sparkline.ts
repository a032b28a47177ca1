/**
 * A small inline trend chart: a result's values over time, with the
 * reference range as a shaded band, so "rising but still normal" is seen at
 * a glance. Pure SVG markup built with `html`, no script.
 * @module
 */
import { html, type SafeHtml } from './html.js';

/** One value and when it was taken (ms; NaN when unknown). */
export type TrendPoint = { time: number; value: number };

const WIDTH = 96;
const HEIGHT = 26;
const PAD = 3;

/**
 * The chart for two or more points (oldest first), or nothing for fewer.
 * Points are spaced by time when every point is dated, evenly otherwise.
 *
 * @example
 * ```ts
 * sparkline([{ time: t0, value: 8.6 }, { time: t1, value: 7.1 }], { low: 4, high: 5.6 }, 'H');
 * ```
 */
export function sparkline(
  points: TrendPoint[],
  range: { low?: number | undefined; high?: number | undefined },
  lastFlag: 'high' | 'low' | 'normal',
): SafeHtml | undefined {
  if (points.length < 2) return undefined;
  const values = points.map((p) => p.value);
  const bounds = [...values, range.low, range.high].filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  let min = Math.min(...bounds);
  let max = Math.max(...bounds);
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  const dated = points.every((p) => Number.isFinite(p.time));
  const t0 = points[0]!.time;
  const span = dated ? points[points.length - 1]!.time - t0 : 0;
  const x = (p: TrendPoint, i: number) =>
    PAD + (WIDTH - 2 * PAD) * (dated && span > 0 ? (p.time - t0) / span : i / (points.length - 1));
  const y = (v: number) => PAD + (HEIGHT - 2 * PAD) * (1 - (v - min) / (max - min));
  const coords = points.map((p, i) => `${x(p, i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  // A one-sided range ("≥ 60") shades to the edge of the chart on its open side.
  const clamp = (v: number) => Math.min(Math.max(v, 0), HEIGHT);
  const bandTop = range.high === undefined ? 0 : clamp(y(range.high));
  const bandBottom = range.low === undefined ? HEIGHT : clamp(y(range.low));
  const hasBand = range.low !== undefined || range.high !== undefined;
  const last = points[points.length - 1]!;
  return html`<svg class="mv-spark" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Trend of ${points.length} results">${
    hasBand
      ? html`<rect class="mv-spark-band" x="0" y="${bandTop.toFixed(1)}" width="${WIDTH}" height="${Math.max(bandBottom - bandTop, 0.5).toFixed(1)}"></rect>`
      : ''
  }<polyline class="mv-spark-line" points="${coords}"></polyline><circle class="mv-spark-dot mv-spark-${lastFlag}" cx="${x(last, points.length - 1).toFixed(1)}" cy="${y(last.value).toFixed(1)}" r="2.6"></circle></svg>`;
}
