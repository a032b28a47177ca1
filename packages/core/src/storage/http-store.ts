/**
 * A blob service over HTTP, as `medvault blob-service` runs it: blocks are
 * written with `PUT /v1/blocks/{cid}` and read through the trustless-gateway
 * path `GET /ipfs/{cid}?format=raw`. The CID is computed here, every block is
 * checked again by the service before it keeps it, and every block read back
 * is verified by the blob store — so neither side trusts the other's bytes.
 */
import type { CID } from 'multiformats/cid';
import { BlockBlobStore } from './blob-store.js';
import { BlobWriteError, StoreUnavailableError } from './errors.js';
import { GatewayBlockStorage, type GatewayOptions } from './gateway-block-storage.js';

/** Blocks on a MedVault blob service: gateway reads plus block uploads. */
export class HttpBlockStorage extends GatewayBlockStorage {
  readonly #base: URL;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: GatewayOptions) {
    super(options);
    this.#base = new URL(options.gateway);
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Uploads a block; the service checks it against its CID before keeping it. */
  override put(cid: CID, bytes: Uint8Array): Promise<void> {
    return this.#send('PUT', cid, bytes);
  }

  /** Deletes a block; services may refuse (the local stack's does unless told otherwise). */
  override delete(cid: CID): Promise<void> {
    return this.#send('DELETE', cid);
  }

  async #send(method: 'PUT' | 'DELETE', cid: CID, bytes?: Uint8Array): Promise<void> {
    let response: Response;
    try {
      response = await this.#fetch(new URL(`v1/blocks/${cid}`, this.#base), {
        method,
        ...(bytes
          ? {
              headers: { 'content-type': 'application/vnd.ipld.raw' },
              body: bytes as Uint8Array<ArrayBuffer>,
            }
          : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new StoreUnavailableError(
        `cannot reach the blob service at ${this.#base.origin}`,
        cause,
      );
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const text = await response.text().catch(() => '');
    const reason = (() => {
      try {
        return (JSON.parse(text) as { error?: { message?: string } }).error?.message;
      } catch {
        return undefined;
      }
    })();
    const what = `the blob service refused to ${method === 'PUT' ? 'store' : 'delete'} block ${cid} (${response.status}${reason ? `: ${reason}` : ''})`;
    if (response.status >= 500 || response.status === 429) throw new StoreUnavailableError(what);
    throw new BlobWriteError(what);
  }
}

/**
 * A `BlobStore` on a MedVault blob service (or, read-only, any trustless
 * gateway that also accepts the block uploads).
 *
 * @example
 * ```ts
 * const store = new HttpStore({ gateway: 'http://127.0.0.1:8790' });
 * const cid = await store.put(sealed.bytes); // equals sealed.cid
 * const stream = await store.get(cid);       // verified block by block
 * ```
 */
export class HttpStore extends BlockBlobStore {
  constructor(options: GatewayOptions) {
    super(new HttpBlockStorage(options));
  }
}
