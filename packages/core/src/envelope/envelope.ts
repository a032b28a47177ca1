/**
 * Sealing and opening records: a fresh 256-bit data key per record, wrapped
 * by Umbral `encrypt` to the patient; the body in AES-256-GCM segments under
 * a STREAM construction (Hoang–Reyhanitabar–Rogaway–Vizár): per-record key
 * K = HKDF-SHA256(data key, salt, "medvault/envelope/v1"), nonce of segment i
 * = prefix(7) ‖ u32 BE i ‖ (1 if last else 0), and the header as associated
 * data. Truncation, extension, reordering, splicing between records and
 * header edits are all detected.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { CID } from 'multiformats/cid';
import {
  type ByteInput,
  chunksOf,
  collect,
  concatParts,
  type RangeSource,
  rechunk,
  rechunkParts,
  toStream,
} from '../bytes/index.js';
import type { Capsule } from '../pre/capsule.js';
import type { VerifiedCapsuleFrag } from '../pre/capsule-frag.js';
import { type PublicKey, SecretKey } from '../pre/keys.js';
import { decryptOriginal, decryptReencrypted, encrypt } from '../pre/pre.js';
import { tapCid } from '../storage/cid-tap.js';
import {
  KeyUnwrapError,
  SegmentAuthenticationError,
  SegmentIndexError,
  TrailingDataError,
  TruncatedRecordError,
} from './errors.js';
import {
  checkSegmentSize,
  DEFAULT_SEGMENT,
  decodeHeader,
  type EnvelopeHeader,
  encodeHeader,
  MAX_HEADER_SIZE,
} from './header.js';
import { type SegmentCipher, segmentCipher } from './segment-cipher.js';

const INFO = utf8ToBytes('medvault/envelope/v1');
const TAG = 16;
/** Segments being encrypted at once while sealing. */
const SEGMENTS_IN_FLIGHT = 4;

/** Who opens a record: the patient's secret key, or a reader with verified capsule fragments. */
export type RecordKey =
  | SecretKey
  | { receivingSk: SecretKey; delegatingPk: PublicKey; cfrags: VerifiedCapsuleFrag[] };

/** Options of `sealRecord`. */
export type SealOptions = {
  /** MIME type of the plaintext, e.g. `application/fhir+json`. */
  contentType: string;
  /** FHIR resource type (kept by the caller for the ledger; not in the blob). */
  resourceType?: string;
  /** Plaintext bytes per segment (default 1 MiB; 4 KiB–16 MiB). */
  segmentSize?: number;
};

/** A record being sealed. */
export type SealedRecord = {
  /** The header (also the first bytes of the stream). */
  header: EnvelopeHeader;
  /** The capsule wrapping the record's data key (also in the header). */
  capsule: Capsule;
  /** The sealed blob: header, then the sealed segments. Read it once. */
  stream: ReadableStream<Uint8Array>;
  /**
   * The blob's address (its unixfs-v1-2025 CID, the same in every store and
   * on IPFS) and byte size, computed while the stream is read; resolves once
   * it has been read to the end.
   */
  done: Promise<{ cid: CID; size: number }>;
};

function nonce(prefix: Uint8Array, index: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  n.set(prefix, 0);
  new DataView(n.buffer).setUint32(7, index);
  n[11] = last ? 1 : 0;
  return n;
}

async function cipherFor(header: EnvelopeHeader, dataKey: Uint8Array): Promise<SegmentCipher> {
  const key = hkdf(sha256, dataKey, header.salt, INFO, 32);
  try {
    return await segmentCipher(key);
  } finally {
    key.fill(0);
  }
}

function unwrapKey(header: EnvelopeHeader, key: RecordKey): Uint8Array {
  try {
    return key instanceof SecretKey
      ? decryptOriginal(key, header.capsule, header.wrappedKey)
      : decryptReencrypted(
          key.receivingSk,
          key.delegatingPk,
          header.capsule,
          key.cfrags,
          header.wrappedKey,
        );
  } catch (cause) {
    throw new KeyUnwrapError(cause);
  }
}

/** A record's sealed chunks (header first), before anything has read them. */
async function beginSeal(
  patientPk: PublicKey,
  input: ByteInput,
  options: SealOptions,
): Promise<{ header: EnvelopeHeader; capsule: Capsule; chunks: AsyncGenerator<Uint8Array> }> {
  const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT;
  checkSegmentSize(segmentSize);
  const dataKey = randomBytes(32);
  const [capsule, wrappedKey] = encrypt(patientPk, dataKey);
  const fields = {
    segmentSize,
    noncePrefix: randomBytes(7),
    salt: randomBytes(32),
    capsule,
    wrappedKey,
    contentType: options.contentType,
  };
  // the capsule was just made: no need to decode (and re-verify) it
  const header: EnvelopeHeader = { ...fields, bytes: encodeHeader(fields) };
  const cipher = await cipherFor(header, dataKey);
  dataKey.fill(0);
  // Our own copies: the caller holds `header` and the stream's chunks, and
  // may alter them; the nonces and the associated data must not follow.
  const prefix = header.noncePrefix.slice();
  const aad = header.bytes.slice();
  async function* sealed(): AsyncGenerator<Uint8Array> {
    yield aad.slice();
    // Several segments in flight: with an asynchronous cipher (WebCrypto
    // runs in Node's thread pool) encryption overlaps the hashing and the
    // plumbing; output order is kept.
    const inFlight: Promise<Uint8Array[]>[] = [];
    const start = (index: number, segment: Uint8Array, last: boolean) => {
      const sealing = cipher.seal(nonce(prefix, index, last), segment, aad);
      sealing.catch(() => {}); // awaited below, in order
      inFlight.push(sealing);
    };
    let index = 0;
    let pending: Uint8Array | undefined;
    for await (const segment of rechunk(chunksOf(input), segmentSize)) {
      if (pending) {
        start(index++, pending, false);
        if (inFlight.length >= SEGMENTS_IN_FLIGHT)
          yield* await (inFlight.shift() as Promise<Uint8Array[]>);
      }
      pending = segment;
    }
    start(index, pending ?? new Uint8Array(0), true);
    while (inFlight.length > 0) yield* await (inFlight.shift() as Promise<Uint8Array[]>);
  }
  return { header, capsule, chunks: sealed() };
}

/**
 * Seals `input` for the patient `patientPk`, streaming in bounded memory.
 * To store the result, `sealRecordInto` does the same and hashes each byte
 * once (here the CID is computed as the stream is read, and a store hashes
 * again).
 *
 * @example
 * ```ts
 * const sealed = await sealRecord(patientPk, file, { contentType: 'application/pdf' });
 * await store.put(sealed.stream);
 * ```
 */
export async function sealRecord(
  patientPk: PublicKey,
  input: ByteInput,
  options: SealOptions,
): Promise<SealedRecord> {
  const { header, capsule, chunks } = await beginSeal(patientPk, input, options);
  const { stream, done } = tapCid(chunks);
  return { header, capsule, stream, done };
}

/** Where `sealRecordInto` writes: any `BlobStore` (it needs only `put`). */
export type SealTarget = { put(input: AsyncIterable<Uint8Array>): Promise<CID> };

/**
 * Seals `input` for `patientPk` straight into `store`, streaming in bounded
 * memory: the store cuts, hashes and writes the sealed bytes as they are
 * made, so each byte is encrypted once and hashed once. Resolves once the
 * store holds the whole blob.
 *
 * @example
 * ```ts
 * const { cid, size } = await sealRecordInto(store, patientPk, file, { contentType: 'application/dicom' });
 * ```
 */
export async function sealRecordInto(
  store: SealTarget,
  patientPk: PublicKey,
  input: ByteInput,
  options: SealOptions,
): Promise<{ header: EnvelopeHeader; capsule: Capsule; cid: CID; size: number }> {
  const { header, capsule, chunks } = await beginSeal(patientPk, input, options);
  let size = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      size += chunk.length;
      yield chunk;
    }
  }
  const cid = await store.put(counted());
  return { header, capsule, cid, size };
}

/**
 * Seals bytes in one call (for small records); returns the sealed blob with
 * its header, capsule, CID and size.
 *
 * @example
 * ```ts
 * const { bytes, cid } = await sealRecordBytes(patientPk, fhirJson, { contentType: 'application/fhir+json' });
 * ```
 */
export async function sealRecordBytes(
  patientPk: PublicKey,
  input: ByteInput,
  options: SealOptions,
): Promise<{
  header: EnvelopeHeader;
  capsule: Capsule;
  bytes: Uint8Array;
  cid: CID;
  size: number;
}> {
  const { header, capsule, stream, done } = await sealRecord(patientPk, input, options);
  const bytes = await collect(stream);
  return { header, capsule, bytes, ...(await done) };
}

/**
 * Reads the header from the front of a chunk stream; returns it and the
 * chunks after it. Only the header's bytes are copied; the rest are views.
 */
async function readHeader(chunks: AsyncGenerator<Uint8Array>) {
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < MAX_HEADER_SIZE) {
    const { done, value } = await chunks.next();
    if (done) break;
    head.push(value);
    have += value.length;
  }
  const prefix = new Uint8Array(Math.min(have, MAX_HEADER_SIZE));
  let filled = 0;
  for (const chunk of head) {
    if (filled === prefix.length) break;
    const n = Math.min(chunk.length, prefix.length - filled);
    prefix.set(chunk.subarray(0, n), filled);
    filled += n;
  }
  const header = decodeHeader(prefix);
  async function* remaining(): AsyncGenerator<Uint8Array> {
    let skip = header.bytes.length;
    for (const chunk of head) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      yield chunk.subarray(skip);
      skip = 0;
    }
    yield* chunks;
  }
  return { header, rest: remaining() };
}

/**
 * Opens a sealed record as a stream of plaintext, verifying every segment;
 * the stream errors on the first segment that fails, and on truncation or
 * trailing data.
 *
 * @example
 * ```ts
 * const plaintext = await new Response(await openRecord(sealedBlob, patientSk)).arrayBuffer();
 * ```
 */
export async function openRecord(
  sealed: ByteInput,
  key: RecordKey,
): Promise<ReadableStream<Uint8Array>> {
  const { header, rest } = await readHeader(chunksOf(sealed));
  const cipher = await cipherFor(header, unwrapKey(header, key));
  const open = async (index: number, segment: Uint8Array[], last: boolean) => {
    try {
      return await cipher.open(nonce(header.noncePrefix, index, last), segment, header.bytes);
    } catch {
      return undefined;
    }
  };
  const full = header.segmentSize + TAG;
  async function* plaintext(): AsyncGenerator<Uint8Array> {
    let index = 0;
    let pending: Uint8Array[] | undefined;
    // segments arrive as views of the input chunks: no reassembly copy
    for await (const segment of rechunkParts(rest, full)) {
      if (pending) {
        const pt = await open(index, pending, false);
        if (!pt) {
          if (await open(index, pending, true)) throw new TrailingDataError();
          throw new SegmentAuthenticationError(index);
        }
        yield* pt;
        index += 1;
      }
      pending = segment;
    }
    if (!pending) throw new TruncatedRecordError('no segment follows the header');
    const pt = await open(index, pending, true);
    if (!pt) {
      const length = pending.reduce((n, p) => n + p.length, 0);
      if (length === full && (await open(index, pending, false))) {
        throw new TruncatedRecordError(
          `it ends after segment ${index}, which is not the final one`,
        );
      }
      throw new SegmentAuthenticationError(index);
    }
    yield* pt;
  }
  return toStream(plaintext());
}

function rangeSourceOf(sealed: Uint8Array | Blob | RangeSource): RangeSource {
  if (sealed instanceof Uint8Array)
    return { size: sealed.length, read: async (o, l) => sealed.subarray(o, o + l) };
  if (sealed instanceof Blob) {
    return {
      size: sealed.size,
      read: async (o, l) => new Uint8Array(await sealed.slice(o, o + l).arrayBuffer()),
    };
  }
  return sealed;
}

/**
 * Decrypts one segment without reading the others (random access into a
 * large image). Reads the header and that segment only.
 *
 * @example
 * ```ts
 * const slice = await openSegment(blob, patientSk, 37);
 * ```
 */
export async function openSegment(
  sealed: Uint8Array | Blob | RangeSource,
  key: RecordKey,
  index: number,
): Promise<Uint8Array> {
  const source = rangeSourceOf(sealed);
  const header = decodeHeader(await source.read(0, Math.min(MAX_HEADER_SIZE, source.size)));
  const body = source.size - header.bytes.length;
  const stride = header.segmentSize + TAG;
  const count = Math.ceil(body / stride);
  if (body < TAG || count === 0) throw new TruncatedRecordError('no segment follows the header');
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new SegmentIndexError(index, count);
  const offset = header.bytes.length + index * stride;
  const segment = await source.read(offset, Math.min(stride, source.size - offset));
  const cipher = await cipherFor(header, unwrapKey(header, key));
  try {
    const parts = await cipher.open(
      nonce(header.noncePrefix, index, index === count - 1),
      [segment],
      header.bytes,
    );
    return concatParts(parts);
  } catch {
    throw new SegmentAuthenticationError(index);
  }
}
