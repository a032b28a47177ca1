/**
 * Computing a blob's address while it streams past, in bounded memory. The
 * reader drives: each chunk it pulls is also queued for the importer, which
 * hashes it as the event loop gets to it. The reader may run ahead of the
 * importer by at most `MAX_QUEUED` bytes, which bounds memory while letting
 * the producer's asynchronous work (reads, a sink's writes) overlap hashing.
 */
import type { CID } from 'multiformats/cid';
import { type BlockSink, DISCARD, importBlob } from './unixfs.js';

/** Bytes the reader may be ahead of the importer. */
const MAX_QUEUED = 16 * 1024 * 1024;

/** The stream to read, and its address once it has been read to the end. */
export type TappedStream = {
  stream: ReadableStream<Uint8Array>;
  /** Resolves once every chunk has been hashed; rejects if the source or the reader fails. */
  done: Promise<{ cid: CID; size: number }>;
};

/** A byte-bounded hand-off from the reader's side to the importer's. */
class ChunkQueue {
  readonly #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended: Error | true | undefined;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;

  /** Queues a chunk; resolves when there is room for more. */
  async push(chunk: Uint8Array): Promise<void> {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.#wakeConsumer?.();
    while (this.#bytes > MAX_QUEUED && this.#ended === undefined) {
      await new Promise<void>((resolve) => {
        this.#wakeProducer = resolve;
      });
    }
  }

  /** No more chunks (or a failure to pass on to the consumer). */
  end(error?: Error): void {
    this.#ended = error ?? true;
    this.#wakeConsumer?.();
    this.#wakeProducer?.();
  }

  async *drain(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk) {
        this.#bytes -= chunk.length;
        if (this.#bytes <= MAX_QUEUED) this.#wakeProducer?.();
        yield chunk;
        continue;
      }
      if (this.#ended === true) return;
      if (this.#ended) throw this.#ended;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
    }
  }
}

/**
 * Passes `source` through unchanged while computing its CID (and, given a
 * sink, storing its blocks).
 */
export function tapCid(source: AsyncIterable<Uint8Array>, sink: BlockSink = DISCARD): TappedStream {
  const queue = new ChunkQueue();
  const done = importBlob(queue.drain(), sink);
  done.catch(() => {}); // surfaced through `done` and the stream
  const iterator = source[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done: ended, value } = await iterator.next();
          if (ended) {
            queue.end();
            await done;
            controller.close();
            return;
          }
          controller.enqueue(value);
          await queue.push(value);
        } catch (error) {
          queue.end(error instanceof Error ? error : new Error(String(error)));
          controller.error(error);
        }
      },
      async cancel(reason) {
        queue.end(new Error('the stream was cancelled'));
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, done };
}
