/** The hospital portal's API: the charts the records desk can send. */
import { HttpError, type RequestContext, type Route } from '@medvault/node/http';
import type { loadCharts } from './charts.js';

/** What the hospital's handlers use. */
export type HospitalDeps = { charts: Awaited<ReturnType<typeof loadCharts>> };

/** The hospital's API routes. */
export const hospitalRoutes: Route<HospitalDeps>[] = [
  { method: 'GET', path: '/api/charts', handler: listCharts },
  { method: 'GET', path: '/api/charts/:patient/:record', handler: chartRecord },
];

/** `GET /api/charts`: every chart, without the records' bytes. */
export function listCharts(_ctx: RequestContext, deps: HospitalDeps) {
  return { json: deps.charts.summaries };
}

/** `GET /api/charts/{patient}/{record}`: one record's bytes. */
export function chartRecord(ctx: RequestContext, deps: HospitalDeps) {
  const { patient, record } = ctx.params as { patient: string; record: string };
  const found = deps.charts.bytesOf(patient, record);
  if (!found) throw new HttpError(404, 'NO_RECORD', `no record ${record} in chart ${patient}`);
  return { body: found.bytes, headers: { 'content-type': found.contentType } };
}
