/**
 * The hospital portal's API: the charts the records desk can send, and the
 * check an uploaded file passes before the page seals it.
 */
import { HttpError, type RequestContext, type Route } from '@medvault/node/http';
import type { loadCharts } from './charts.js';
import { checkUpload, MAX_UPLOAD_BYTES } from './uploads.js';

/**
 * What the hospital's handlers use.
 *
 * @example
 * ```ts
 * const deps: HospitalDeps = { charts: await loadCharts() };
 * ```
 */
export type HospitalDeps = { charts: Awaited<ReturnType<typeof loadCharts>> };

/**
 * The hospital's API routes.
 *
 * @example
 * ```ts
 * await startSite({ page, entry, routes: hospitalRoutes, deps: { charts: await loadCharts() } });
 * ```
 */
export const hospitalRoutes: Route<HospitalDeps>[] = [
  { method: 'GET', path: '/api/charts', handler: listCharts },
  { method: 'GET', path: '/api/charts/:patient/:record', handler: chartRecord },
  {
    method: 'POST',
    path: '/api/uploads/check',
    handler: checkUploadedFile,
    maxBodyBytes: MAX_UPLOAD_BYTES,
  },
];

/**
 * `GET /api/charts`: every chart, without the records' bytes.
 *
 * @example
 * ```ts
 * const charts = (await (await fetch('/api/charts')).json()) as ChartSummary[];
 * ```
 */
export function listCharts(_ctx: RequestContext, deps: HospitalDeps) {
  return { json: deps.charts.summaries };
}

/**
 * `GET /api/charts/{patient}/{record}`: one record's bytes.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(await (await fetch(`/api/charts/${chart.id}/${record.name}`)).arrayBuffer());
 * ```
 */
export function chartRecord(ctx: RequestContext, deps: HospitalDeps) {
  const { patient, record } = ctx.params as { patient: string; record: string };
  const found = deps.charts.bytesOf(patient, record);
  if (!found) throw new HttpError(404, 'NO_RECORD', `no record ${record} in chart ${patient}`);
  return { body: found.bytes, headers: { 'content-type': found.contentType } };
}

/**
 * `POST /api/uploads/check?category=…` with the file as the body: how to
 * seal it (`CheckedUpload`), or a 422 naming the field at fault (`checkUpload`).
 *
 * @example
 * ```ts
 * const routes: Route<HospitalDeps>[] = [{ method: 'POST', path: '/api/uploads/check', handler: checkUploadedFile, maxBodyBytes: MAX_UPLOAD_BYTES }];
 * ```
 */
export async function checkUploadedFile(ctx: RequestContext, _deps: HospitalDeps) {
  const category = ctx.url.searchParams.get('category') ?? '';
  return { json: checkUpload(category, await ctx.bytes()) };
}
