/**
 * Computing a blob's address while it streams past, in bounded memory. The
 * importer drives: each chunk is handed to the reader's stream first, and
 * the importer waits whenever the reader is more than a few chunks behind,
 * so neither side runs ahead of the other by more than that.
 */
import type { CID } from 'multiformats/cid';
import { type BlockSink, DISCARD, importBlob } from './unixfs.js';

/** Chunks queued for the reader before the importer waits for it. */
const QUEUED_FOR_READER = 4;

/** The stream to read, and its address once it has been read to the end. */
export type TappedStream = {
  stream: ReadableStream<Uint8Array>;
  /** Resolves once every chunk has been hashed; rejects if the source or the reader fails. */
  done: Promise<{ cid: CID; size: number }>;
};

/**
 * Passes `source` through unchanged while computing its CID (and, given a
 * sink, storing its blocks).
 */
export function tapCid(source: AsyncIterable<Uint8Array>, sink: BlockSink = DISCARD): TappedStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let readerPulled: (() => void) | undefined;
  let cancelled: Error | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        readerPulled?.();
        readerPulled = undefined;
      },
      cancel(reason) {
        cancelled = reason instanceof Error ? reason : new Error('the stream was cancelled');
        readerPulled?.();
      },
    },
    new CountQueuingStrategy({ highWaterMark: QUEUED_FOR_READER }),
  );
  async function* handedToReader(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      if (cancelled) throw cancelled;
      controller.enqueue(chunk);
      while (!cancelled && (controller.desiredSize ?? 1) <= 0) {
        await new Promise<void>((resolve) => {
          readerPulled = resolve;
        });
      }
      yield chunk;
    }
  }
  const done = importBlob(handedToReader(), sink).then(
    (result) => {
      if (!cancelled) controller.close();
      return result;
    },
    (error) => {
      if (!cancelled) controller.error(error);
      throw error;
    },
  );
  done.catch(() => {}); // surfaced through `done` and the stream
  return { stream, done };
}
