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
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { BaseError } from '@medvault/core';
import { type CID, parseCid, verifyBlock } from '@medvault/core/storage';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.js';
import { HttpError } from '../http/http-error.js';
import { listen, shutdown } from '../http/listen.js';
import { FsBlockStorage } from '../storage/fs-block-storage.js';

/** Largest block accepted: the profile's leaves are 1 MiB, its roots ~40 KiB. */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;
const RAW = 'application/vnd.ipld.raw';
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, accept',
  'access-control-max-age': '600',
};

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

function cidParam(text: string): CID {
  try {
    return parseCid(decodeURIComponent(text));
  } catch (error) {
    throw new HttpError(400, 'BLOB_SERVICE_BAD_CID', (error as Error).message);
  }
}

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
  const blocks = await FsBlockStorage.open(options.dataDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://blob-service');
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS);
      return void res.end();
    }
    if (url.pathname === '/health' && method === 'GET') {
      return sendJson(res, 200, { ok: true }, CORS);
    }
    const put = /^\/v1\/blocks\/([^/]+)$/.exec(url.pathname);
    if (put) {
      const cid = cidParam(put[1] as string);
      if (method === 'DELETE' && options.allowDelete) {
        await blocks.delete(cid);
        return sendJson(res, 200, { cid: cid.toString(), deleted: true }, CORS);
      }
      if (method !== 'PUT') {
        throw new HttpError(
          405,
          'BLOB_SERVICE_METHOD',
          method === 'DELETE' ? 'this blob service does not delete blocks' : 'use PUT',
        );
      }
      let body: Buffer;
      try {
        body = await readBody(req, MAX_BLOCK_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          throw new HttpError(413, 'BLOB_SERVICE_TOO_LARGE', error.message);
        throw error;
      }
      const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      try {
        await verifyBlock(cid, bytes);
      } catch (error) {
        throw new HttpError(422, 'BLOB_SERVICE_WRONG_BLOCK', (error as BaseError).shortMessage);
      }
      await blocks.put(cid, bytes);
      return sendJson(res, 201, { cid: cid.toString(), size: bytes.length }, CORS);
    }
    const get = /^\/ipfs\/([^/]+)$/.exec(url.pathname);
    if (get) {
      if (method !== 'GET' && method !== 'HEAD')
        throw new HttpError(405, 'BLOB_SERVICE_METHOD', 'use GET or HEAD');
      const cid = cidParam(get[1] as string);
      const wantsRaw =
        url.searchParams.get('format') === 'raw' || (req.headers.accept ?? '').includes(RAW);
      if (!wantsRaw) {
        throw new HttpError(
          406,
          'BLOB_SERVICE_FORMAT',
          `this service serves single blocks: ask with ?format=raw or Accept: ${RAW}`,
        );
      }
      const bytes = await blocks.get(cid);
      if (!bytes) throw new HttpError(404, 'BLOB_SERVICE_NOT_FOUND', `no block ${cid}`);
      res.writeHead(200, {
        ...CORS,
        'content-type': RAW,
        'content-length': String(bytes.length),
        // a block never changes under its CID
        'cache-control': 'public, max-age=31536000, immutable',
        etag: `"${cid}.raw"`,
      });
      return void res.end(method === 'HEAD' ? undefined : bytes);
    }
    throw new HttpError(404, 'BLOB_SERVICE_NOT_FOUND', 'no such endpoint');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const http =
        error instanceof HttpError
          ? error
          : new HttpError(500, 'BLOB_SERVICE_INTERNAL', 'internal error');
      if (http.status === 500)
        log(`blob-service: internal error: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent)
        sendJson(res, http.status, { error: { code: http.code, message: http.message } }, CORS);
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return { url, close: () => shutdown(server) };
}
