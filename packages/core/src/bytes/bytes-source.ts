/**
 * Input plumbing: any of Uint8Array, Blob, ReadableStream or an (async)
 * iterable of chunks (a Node stream, a generator) as an async iterable,
 * re-cut into fixed-size pieces, and an async generator as a ReadableStream.
 * Memory stays bounded by one piece.
 */
import { InvalidInputError } from './errors.js';

/** What sealing, opening and storing accept. */
export type ByteInput =
  | Uint8Array
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

function isIterable(x: unknown): x is AsyncIterable<unknown> | Iterable<unknown> {
  return (
    x != null &&
    (typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' ||
      typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function')
  );
}

/**
 * The chunks of any `ByteInput` (bytes, a Blob, a web stream, a Node stream,
 * an iterable) as one async iterable, skipping empty chunks; a chunk that is
 * not a Uint8Array is `InvalidInputError`.
 *
 * @example
 * ```ts
 * for await (const chunk of chunksOf(await store.get(cid))) hash.update(chunk);
 * ```
 */
export async function* chunksOf(input: ByteInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield input;
    return;
  }
  let source: AsyncIterable<unknown> | Iterable<unknown>;
  if (input instanceof Blob) source = streamChunks(input.stream());
  else if (input instanceof ReadableStream) source = streamChunks(input);
  else if (isIterable(input) && typeof input !== 'string') source = input;
  else throw new InvalidInputError(`got ${input === null ? 'null' : typeof input}`);
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) {
      throw new InvalidInputError(`a chunk is ${chunk === null ? 'null' : typeof chunk}`);
    }
    if (chunk.length > 0) yield chunk;
  }
}

async function* streamChunks(stream: ReadableStream<unknown>): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Re-cuts chunks into pieces of exactly `size` bytes (the last may be
 * shorter; none if empty). Pieces may be views of the input chunks: a
 * consumer that keeps one must not expect the producer to leave it alone.
 */
export async function* rechunk(
  chunks: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    // aligned and long enough: hand out views of the chunk, no copy
    while (filled === 0 && chunk.length - offset >= size) {
      yield chunk.subarray(offset, offset + size);
      offset += size;
    }
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      buffer.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/**
 * Cuts chunks into pieces of exactly `size` bytes (the last may be shorter;
 * none if empty) without copying: each piece is a list of views of the
 * input chunks. For consumers that can take a piece in parts (a streaming
 * cipher), this spares the copy `rechunk` makes when chunks and pieces do
 * not line up.
 */
export async function* rechunkParts(
  chunks: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array[]> {
  let parts: Uint8Array[] = [];
  let filled = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      parts.push(chunk.subarray(offset, offset + n));
      filled += n;
      offset += n;
      if (filled === size) {
        yield parts;
        parts = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield parts;
}

/** The parts joined into one array (the part itself when there is one). */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An async generator as a ReadableStream (pull-based: backpressure respected). */
export function toStream(source: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await source.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

/** Collects a stream into one Uint8Array. */
export async function collect(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const iterable = stream instanceof ReadableStream ? chunksOf(stream) : stream;
  for await (const part of iterable) parts.push(part);
  return parts.length === 1 ? Uint8Array.from(parts[0] as Uint8Array) : concatParts(parts);
}

/** Random access to bytes (a sealed blob): what `openSegment` reads from. */
export type RangeSource = {
  /** Total size in bytes. */
  size: number;
  /** Exactly `length` bytes from `offset` (both within `size`). */
  read(offset: number, length: number): Promise<Uint8Array>;
};
