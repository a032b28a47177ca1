/**
 * Blocks read from an IPFS trustless gateway (`GET /ipfs/{cid}?format=raw`,
 * `Accept: application/vnd.ipld.raw`). Read-only; nothing from the gateway
 * is trusted: the blob store verifies every block, and a response larger
 * than any block of the profile is cut off.
 */
import type { CID } from 'multiformats/cid';
import { concatParts } from '../bytes/index.js';
import type { BlockStorage } from './block-storage.js';
import { BlobWriteError, StoreUnavailableError } from './errors.js';

/** Larger than any block of the profile (1 MiB leaves; a root of 1024 links is ~40 KiB). */
const MAX_BLOCK = 2 * 1024 * 1024;

/** Options of a gateway reader. */
export type GatewayOptions = {
  /** Base URL of the gateway, e.g. `https://storacha.link`. */
  gateway: string | URL;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
};

async function readCapped(response: Response, cid: CID): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_BLOCK) {
      await reader.cancel();
      throw new StoreUnavailableError(
        `the gateway sent more than ${MAX_BLOCK} bytes for block ${cid}`,
      );
    }
    parts.push(value);
  }
  return concatParts(parts);
}

/** A read-only `BlockStorage` over a trustless gateway. */
export class GatewayBlockStorage implements BlockStorage {
  readonly #base: URL;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: GatewayOptions) {
    this.#base = new URL(options.gateway);
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async #request(cid: CID, method: 'GET' | 'HEAD'): Promise<Response | undefined> {
    const url = new URL(`ipfs/${cid}?format=raw`, this.#base);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: { accept: 'application/vnd.ipld.raw' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new StoreUnavailableError(`cannot reach the gateway at ${this.#base.origin}`, cause);
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new StoreUnavailableError(`the gateway answered ${response.status} for block ${cid}`);
    }
    return response;
  }

  async get(cid: CID): Promise<Uint8Array | undefined> {
    const response = await this.#request(cid, 'GET');
    return response && readCapped(response, cid);
  }

  async has(cid: CID): Promise<boolean> {
    return (await this.#request(cid, 'HEAD')) !== undefined;
  }

  async put(_cid: CID, _bytes: Uint8Array): Promise<void> {
    throw new BlobWriteError('a gateway is read-only; upload through the storage service');
  }

  async delete(_cid: CID): Promise<void> {
    throw new BlobWriteError('a gateway is read-only; remove through the storage service');
  }
}
