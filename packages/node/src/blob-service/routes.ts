/**
 * The blob service's routes: blocks in (checked against their CID), blocks
 * out as an IPFS trustless gateway serves them, and deletes when allowed.
 */
import type { BaseError } from '@medvault/core';
import { type CID, parseCid, verifyBlock } from '@medvault/core/storage';
import { HttpError, type RequestContext, type Route } from '../http/index.js';
import type { FsBlockStorage } from '../storage/fs-block-storage.js';

/** Largest block accepted: the profile's leaves are 1 MiB, its roots ~40 KiB. */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;
const RAW = 'application/vnd.ipld.raw';

/** What the blob service's handlers use. */
export type BlobServiceDeps = {
  blocks: FsBlockStorage;
  /** Whether `DELETE /v1/blocks/{cid}` works. */
  allowDelete: boolean;
};

/** The blob service's route table. */
export const blobServiceRoutes: Route<BlobServiceDeps>[] = [
  { method: 'GET', path: '/health', handler: health },
  { method: 'PUT', path: '/v1/blocks/:cid', handler: putBlock, maxBodyBytes: MAX_BLOCK_BYTES },
  { method: 'DELETE', path: '/v1/blocks/:cid', handler: deleteBlock },
  { method: 'GET', path: '/ipfs/:cid', handler: getBlock },
  { method: 'HEAD', path: '/ipfs/:cid', handler: getBlock },
];

/** `GET /health`. */
export function health() {
  return { json: { ok: true } };
}

/** `PUT /v1/blocks/{cid}`: one block, kept only if it is what its CID names. */
export async function putBlock(ctx: RequestContext, deps: BlobServiceDeps) {
  const cid = cidParam(ctx);
  const body = await ctx.bytes();
  const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  try {
    await verifyBlock(cid, bytes);
  } catch (error) {
    throw new HttpError(422, 'BLOB_SERVICE_WRONG_BLOCK', (error as BaseError).shortMessage);
  }
  await deps.blocks.put(cid, bytes);
  return { status: 201, json: { cid: cid.toString(), size: bytes.length } };
}

/** `DELETE /v1/blocks/{cid}`: only on a service started with `allowDelete`. */
export async function deleteBlock(ctx: RequestContext, deps: BlobServiceDeps) {
  const cid = cidParam(ctx);
  if (!deps.allowDelete)
    throw new HttpError(405, 'BLOB_SERVICE_METHOD', 'this blob service does not delete blocks');
  await deps.blocks.delete(cid);
  return { json: { cid: cid.toString(), deleted: true } };
}

/** `GET|HEAD /ipfs/{cid}?format=raw` (or `Accept: application/vnd.ipld.raw`): one block. */
export async function getBlock(ctx: RequestContext, deps: BlobServiceDeps) {
  const cid = cidParam(ctx);
  const wantsRaw =
    ctx.url.searchParams.get('format') === 'raw' || (ctx.req.headers.accept ?? '').includes(RAW);
  if (!wantsRaw) {
    const message = `this service serves single blocks: ask with ?format=raw or Accept: ${RAW}`;
    throw new HttpError(406, 'BLOB_SERVICE_FORMAT', message);
  }
  const bytes = await deps.blocks.get(cid);
  if (!bytes) throw new HttpError(404, 'BLOB_SERVICE_NOT_FOUND', `no block ${cid}`);
  return {
    body: bytes,
    headers: {
      'content-type': RAW,
      // a block never changes under its CID
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${cid}.raw"`,
    },
  };
}

function cidParam(ctx: RequestContext): CID {
  try {
    return parseCid(ctx.params.cid as string);
  } catch (error) {
    throw new HttpError(400, 'BLOB_SERVICE_BAD_CID', (error as Error).message);
  }
}
