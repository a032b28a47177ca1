/** Plumbing shared by the commands that stream files. */
import type { FileHandle } from 'node:fs/promises';
import { chunksOf } from '@medvault/core/envelope';
import type { Progress } from './progress.js';

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

/** Chunks `readFileChunks` reads ahead of its consumer. */
const AHEAD = 2;
/** Buffers it cycles through: the consumer's two, and those being read ahead, and one spare. */
const POOL = AHEAD + 3;

/**
 * The bytes of an open file as chunks of up to `chunkSize`, read into a
 * small pool of reused buffers: no fresh memory per chunk, so reading a
 * large file costs no page faults and no garbage. The next chunks are read
 * while the consumer works on this one. A chunk's bytes stay valid until the
 * consumer has asked for two more — sealing reads each chunk before it asks
 * for the next but one (`sealRecord` holds one pending segment), so this is
 * for it, not for consumers that keep chunks.
 */
export async function* readFileChunks(
  handle: FileHandle,
  chunkSize: number,
): AsyncGenerator<Uint8Array> {
  const pool = Array.from({ length: POOL }, () => new Uint8Array(chunkSize));
  const readInto = async (buffer: Uint8Array, at: number): Promise<Uint8Array> => {
    let filled = 0;
    while (filled < chunkSize) {
      const { bytesRead } = await handle.read(buffer, filled, chunkSize - filled, at + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  };
  // reads under way, in file order; a short one marks the end
  const ahead: Promise<Uint8Array>[] = [];
  let turn = 0;
  const readNext = () => {
    ahead.push(readInto(pool[turn % POOL] as Uint8Array, turn * chunkSize));
    turn += 1;
  };
  for (let i = 0; i < AHEAD; i++) readNext();
  for (;;) {
    const chunk = await (ahead.shift() as Promise<Uint8Array>);
    if (chunk.length < chunkSize) {
      await Promise.allSettled(ahead);
      if (chunk.length > 0) yield chunk;
      return;
    }
    readNext();
    yield chunk;
  }
}
