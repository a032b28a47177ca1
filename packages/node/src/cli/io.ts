/** Plumbing shared by the commands that stream files. */
import type { FileHandle } from 'node:fs/promises';
import type { Progress } from './progress.js';

/** The chunks of a web stream or a Node stream, as an async iterable. */
export async function* chunksOf(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!(source instanceof ReadableStream)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
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

/** Passes the chunks of `source` through, counting them into `progress`. */
export async function* counted(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  progress: Progress,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunksOf(source)) {
    progress.add(chunk.length);
    yield chunk;
  }
}

/** Buffers `readFileChunks` cycles through. */
const POOL = 4;

/**
 * The bytes of an open file as chunks of up to `chunkSize`, read into a
 * small pool of reused buffers: no fresh memory per chunk, so reading a
 * large file costs no page faults and no garbage. A chunk's bytes stay valid
 * until `POOL - 1` further chunks have been asked for — sealing reads each
 * chunk before it asks for the next but one (`sealRecord` holds one pending
 * segment), so this is for it, not for consumers that keep chunks.
 */
export async function* readFileChunks(
  handle: FileHandle,
  chunkSize: number,
): AsyncGenerator<Uint8Array> {
  const pool = Array.from({ length: POOL }, () => new Uint8Array(chunkSize));
  let position = 0;
  for (let turn = 0; ; turn++) {
    const buffer = pool[turn % POOL] as Uint8Array;
    let filled = 0;
    while (filled < chunkSize) {
      const { bytesRead } = await handle.read(buffer, filled, chunkSize - filled, position);
      if (bytesRead === 0) break;
      filled += bytesRead;
      position += bytesRead;
    }
    if (filled > 0) yield buffer.subarray(0, filled);
    if (filled < chunkSize) return;
  }
}
