/**
 * The blob service: sealed records' blocks on disk, served to anyone over
 * HTTP — the "cloud storage" of the local stack. It holds only ciphertext
 * and is not trusted: clients compute CIDs themselves and verify every block
 * they read. It still checks every block it is given against its CID, so it
 * never keeps or serves bytes under a name they do not have.
 *
 * - `PUT /v1/blocks/{cid}`: store one block (raw or dag-pb, sha2-256, ≤ 2 MiB).
 * - `GET|HEAD /ipfs/{cid}?format=raw` (or `Accept: application/vnd.ipld.raw`):
 *   one block, as an IPFS trustless gateway answers.
 * - `DELETE /v1/blocks/{cid}`: only when started with `allowDelete` (anyone
 *   could call it: the service has no accounts).
 * - `GET /health`.
 *
 * Reads and writes are open to any origin (CORS): the bytes are ciphertext.
 */
import { startHttpService } from '../http/index.js';
import { FsBlockStorage } from '../storage/fs-block-storage.js';
import { blobServiceRoutes, MAX_BLOCK_BYTES } from './routes.js';

export { MAX_BLOCK_BYTES };

/** Options of `startBlobService`. */
export type BlobServiceOptions = {
  /** Where blocks live (the same layout as `FsStore`, so a local FsStore reads them too). */
  dataDir: string;
  port?: number;
  host?: string;
  /** Whether `DELETE /v1/blocks/{cid}` works (default false). */
  allowDelete?: boolean;
  /** Where reports go (default: stderr). */
  log?: (line: string) => void;
};

/** A running blob service. */
export type RunningBlobService = { url: string; close(): Promise<void> };

/**
 * Starts a blob service; resolves once it listens.
 *
 * @example
 * ```ts
 * const blobs = await startBlobService({ dataDir: '.medvault/blobs', port: 8790 });
 * const store = new HttpStore({ gateway: blobs.url }); // from @medvault/core/storage
 * ```
 */
export async function startBlobService(options: BlobServiceOptions): Promise<RunningBlobService> {
  const service = await startHttpService({
    name: 'blob-service',
    routes: blobServiceRoutes,
    deps: {
      blocks: await FsBlockStorage.open(options.dataDir),
      allowDelete: options.allowDelete ?? false,
    },
    codes: {
      notFound: 'BLOB_SERVICE_NOT_FOUND',
      method: 'BLOB_SERVICE_METHOD',
      tooLarge: 'BLOB_SERVICE_TOO_LARGE',
      badJson: 'BLOB_SERVICE_BAD_JSON',
      internal: 'BLOB_SERVICE_INTERNAL',
    },
    host: options.host,
    port: options.port,
    // reads and writes from any origin: the bytes are ciphertext
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, PUT, DELETE, OPTIONS',
      'access-control-allow-headers': 'content-type, accept',
      'access-control-max-age': '600',
    },
    preflight: true,
    timeouts: { requestMs: 60_000 },
    log: options.log,
  });
  return { url: service.url, close: () => service.close() };
}
