/**
 * The hospital portal: its records desk page, and the charts it can send.
 * Sealing happens in the browser; this server never sees a patient key.
 */
import { join } from 'node:path';
import { type RunningSite, startSite } from '../sites/site-server.js';
import { loadCharts } from './charts.js';
import { hospitalPage } from './page.js';
import { hospitalRoutes } from './routes.js';

/** Options of `startHospitalSite`. */
export type HospitalSiteOptions = {
  /** The blob service the browser stores sealed records on. */
  blobService: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
};

/**
 * Starts the hospital portal.
 *
 * @example
 * ```ts
 * const site = await startHospitalSite({ blobService: 'http://127.0.0.1:8790', port: 3000 });
 * ```
 */
export async function startHospitalSite(options: HospitalSiteOptions): Promise<RunningSite> {
  return startSite({
    ...options,
    page: () => hospitalPage({ blobService: options.blobService }),
    connectTo: [options.blobService],
    entry: join(import.meta.dirname, 'app.ts'),
    routes: hospitalRoutes,
    deps: { charts: await loadCharts() },
  });
}
