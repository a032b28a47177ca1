/**
 * A client for a ledger host that trusts nothing it receives: entries are
 * verified (fully, or incrementally from a verified head), checkpoints must
 * be signed by the owner, proofs are checked before they are returned.
 * Isomorphic: only `fetch`.
 *
 * Reads are signed requests (the proxies' scheme, addressed to this host):
 * the host serves the owner everything, a grant's reader and proxies what
 * their grants need (other entries as stubs), anyone else nothing.
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../ledger/checkpoint.js';
import {
  type AnyEntry,
  type Entry,
  type EntryBody,
  type EntryKind,
  encodeEntry,
  LEDGER_VERSION,
  signEntry,
} from '../ledger/entry.js';
import { CheckpointMismatchError } from '../ledger/errors.js';
import type { ConsistencyProof, InclusionProof } from '../ledger/merkle.js';
import {
  type VerifiedLedger,
  verifyAppended,
  verifyConsistency,
  verifyInclusion,
  verifyLedger,
} from '../ledger/verify.js';
import type { Signer } from '../pre/signing.js';
import { signRequest } from '../request-auth/signed-request.js';
import { LedgerHostRequestError, LedgerHostUnreachableError } from './errors.js';

/** The host's view of a ledger's head. */
export type LedgerHead = { ledgerId: string; size: number; head: string; time: number };

/** Options of `LedgerHostClient`. */
export type LedgerHostClientOptions = {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Per-request timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** How often `submit` re-signs after a conflict (default 50). */
  maxRetries?: number;
  /** Who reads: the owner, a grant's reader or proxy. Reads are signed with it. */
  signer?: Signer;
};

/**
 * The audience a signed request to a ledger host names: the host's origin,
 * so a request signed for one host is refused by another.
 *
 * @example
 * ```ts
 * hostAudience('http://127.0.0.1:8787/'); // 'medvault-ledger-host:http://127.0.0.1:8787'
 * ```
 */
export function hostAudience(url: string): string {
  return `medvault-ledger-host:${new URL(url).origin}`;
}

const PAGE = 1000;

function toProof<T extends { path: Uint8Array[] }>(json: Record<string, unknown>): T {
  return { ...json, path: (json.path as string[]).map((h) => hexToBytes(h)) } as unknown as T;
}

/**
 * Talks to one ledger host.
 *
 * @example
 * ```ts
 * const host = new LedgerHostClient({ url: 'http://127.0.0.1:8787' });
 * const ledgerId = await host.createLedger(ledger.entryBytes(0));
 * await host.submit(ledgerId, 'record', body, hospitalSigner);
 * const verified = await host.sync(ledgerId, { checkpoints: [held] });
 * ```
 */
export class LedgerHostClient {
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #options: LedgerHostClientOptions;

  constructor(options: LedgerHostClientOptions) {
    this.url = options.url.replace(/\/$/, '');
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxRetries = options.maxRetries ?? 50;
  }

  /** The same host, read as `signer` (the owner, a reader or a proxy). */
  withSigner(signer: Signer): LedgerHostClient {
    return new LedgerHostClient({ ...this.#options, signer });
  }

  async #request(
    method: string,
    path: string,
    body?: unknown,
    signer = this.#options.signer,
  ): Promise<Record<string, unknown>> {
    let response: Response;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> =
      text === undefined ? {} : { 'content-type': 'application/json' };
    if (signer) {
      Object.assign(
        headers,
        signRequest(signer, {
          audience: hostAudience(this.url),
          method,
          path,
          body: utf8ToBytes(text ?? ''),
        }),
      );
    }
    try {
      response = await this.#fetch(`${this.url}${path}`, {
        method,
        headers,
        body: text,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new LedgerHostUnreachableError(this.url, cause);
    }
    let json: Record<string, unknown>;
    try {
      json = (await response.json()) as Record<string, unknown>;
    } catch (cause) {
      throw new LedgerHostUnreachableError(this.url, cause);
    }
    if (!response.ok) {
      const error = (json.error ?? {}) as { code?: string; message?: string };
      throw new LedgerHostRequestError(
        response.status,
        error.code ?? 'LEDGER_HOST_HTTP',
        error.message ?? 'no message',
        json,
      );
    }
    return json;
  }

  /** Creates a ledger on the host from its signed genesis entry; returns the ledger id (hex). */
  async createLedger(genesis: Entry | Uint8Array): Promise<string> {
    const bytes = genesis instanceof Uint8Array ? genesis : encodeEntry(genesis);
    const head = (await this.#request('POST', '/v1/ledgers', {
      genesis: bytesToHex(bytes),
    })) as LedgerHead;
    return head.ledgerId;
  }

  /** The host's current head of a ledger (unverified: use `sync` to verify). */
  async head(ledgerId: string, signer?: Signer): Promise<LedgerHead> {
    return (await this.#request(
      'GET',
      `/v1/ledgers/${ledgerId}/head`,
      undefined,
      signer ?? this.#options.signer,
    )) as LedgerHead;
  }

  /** Submits an entry signed elsewhere; resolves with its seq and hash. */
  async submitSigned(
    ledgerId: string,
    entry: Entry | Uint8Array,
  ): Promise<{ seq: number; hash: string }> {
    const bytes = entry instanceof Uint8Array ? entry : encodeEntry(entry);
    return (await this.#request('POST', `/v1/ledgers/${ledgerId}/entries`, {
      entry: bytesToHex(bytes),
    })) as {
      seq: number;
      hash: string;
    };
  }

  /**
   * Signs an entry of `kind` on top of the host's head and submits it; when
   * another writer got there first (409), re-signs on the new head and
   * retries. Other refusals throw the host's typed error.
   */
  async submit<K extends EntryKind>(
    ledgerId: string,
    kind: K,
    body: EntryBody<K>,
    signer: Signer,
  ): Promise<Entry<K>> {
    let head = await this.head(ledgerId, signer);
    for (let attempt = 0; ; attempt++) {
      const entry = signEntry(
        {
          v: LEDGER_VERSION,
          ledger: hexToBytes(ledgerId),
          seq: head.size,
          prev: hexToBytes(head.head),
          time: Math.max(Date.now(), head.time),
          kind,
          body,
          author: signer.verifyingKey().toCompressedBytes(),
        },
        signer,
      );
      try {
        await this.submitSigned(ledgerId, entry);
        return entry;
      } catch (error) {
        if (
          !(error instanceof LedgerHostRequestError) ||
          error.code !== 'LEDGER_HOST_CONFLICT' ||
          attempt >= this.#maxRetries
        ) {
          throw error;
        }
        head = error.body.head as LedgerHead;
        // jittered exponential backoff, capped: contending writers spread out
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 2 ** attempt)));
      }
    }
  }

  /** Raw entries (in full or stubs) from `from` on (unverified: use `sync`). */
  async entries(ledgerId: string, from = 0): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (;;) {
      const page = await this.#request(
        'GET',
        `/v1/ledgers/${ledgerId}/entries?from=${from + out.length}&limit=${PAGE}`,
      );
      const entries = (page.entries as string[]).map((h) => hexToBytes(h));
      out.push(...entries);
      if (entries.length < PAGE) return out;
    }
  }

  /**
   * Downloads and verifies the ledger: from scratch, or only what was
   * appended since `verified`. Checkpoints already held must be matched —
   * a host that rewrote, cut or forked history fails here with a typed error.
   */
  async sync(
    ledgerId: string,
    options: { verified?: VerifiedLedger; checkpoints?: readonly Checkpoint[] } = {},
  ): Promise<VerifiedLedger> {
    const { verified, checkpoints = [] } = options;
    const fresh = await this.entries(ledgerId, verified?.size ?? 0);
    return verified
      ? verifyAppended(verified, fresh, checkpoints)
      : verifyLedger(fresh, { ledgerId: hexToBytes(ledgerId), checkpoints });
  }

  /** The latest checkpoint, checked to be signed by `owner` (e.g. a verified ledger's owner). */
  async latestCheckpoint(ledgerId: string, owner: Uint8Array): Promise<Checkpoint> {
    const json = await this.#request('GET', `/v1/ledgers/${ledgerId}/checkpoints/latest`);
    const cp = decodeCheckpoint(hexToBytes(json.checkpoint as string));
    if (bytesToHex(cp.signer) !== bytesToHex(owner))
      throw new CheckpointMismatchError('it is not signed by the owner');
    return cp;
  }

  /** Stores a checkpoint the owner signed. */
  async putCheckpoint(ledgerId: string, checkpoint: Checkpoint): Promise<void> {
    await this.#request('POST', `/v1/ledgers/${ledgerId}/checkpoints`, {
      checkpoint: bytesToHex(encodeCheckpoint(checkpoint)),
    });
  }

  /** An inclusion proof of `entry` in `checkpoint`, verified before it is returned. */
  async proveInclusion(
    ledgerId: string,
    entry: AnyEntry | Uint8Array,
    seq: number,
    checkpoint: Checkpoint,
  ): Promise<InclusionProof> {
    const proof = toProof<InclusionProof>(
      await this.#request(
        'GET',
        `/v1/ledgers/${ledgerId}/proofs/inclusion?seq=${seq}&size=${checkpoint.size}`,
      ),
    );
    verifyInclusion(entry, proof, checkpoint);
    return proof;
  }

  /** A consistency proof from `older` to `newer`, verified before it is returned. */
  async proveConsistency(
    ledgerId: string,
    older: Checkpoint,
    newer: Checkpoint,
  ): Promise<ConsistencyProof> {
    const proof = toProof<ConsistencyProof>(
      await this.#request(
        'GET',
        `/v1/ledgers/${ledgerId}/proofs/consistency?from=${older.size}&to=${newer.size}`,
      ),
    );
    verifyConsistency(older, newer, proof);
    return proof;
  }

  /**
   * A consistency proof between the ledger's first `from` and `to` entries,
   * unverified: check it with `verifyConsistencyProof` against roots you
   * trust (e.g. an on-chain anchor's and a verified ledger's).
   */
  async consistencyProof(ledgerId: string, from: number, to: number): Promise<ConsistencyProof> {
    return toProof<ConsistencyProof>(
      await this.#request(
        'GET',
        `/v1/ledgers/${ledgerId}/proofs/consistency?from=${from}&to=${to}`,
      ),
    );
  }

  /**
   * Checks that the host's latest checkpoint extends one already held (e.g.
   * the one anchored on chain): a host that rewrote history fails here.
   */
  async verifyAgainst(ledgerId: string, held: Checkpoint): Promise<Checkpoint> {
    const latest = await this.latestCheckpoint(ledgerId, held.signer);
    if (latest.size < held.size)
      throw new CheckpointMismatchError(
        `the host's latest checkpoint (${latest.size}) is older than the one held (${held.size})`,
      );
    await this.proveConsistency(ledgerId, held, latest);
    return latest;
  }
}
