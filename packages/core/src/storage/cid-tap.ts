/**
 * Computing a blob's address while it streams past, in bounded memory: the
 * importer sees exactly the chunks the consumer has pulled, and the consumer
 * waits when the importer falls more than a few chunks behind.
 */
import { pushable } from 'it-pushable';
import type { CID } from 'multiformats/cid';
import { type BlockSink, DISCARD, importBlob } from './unixfs.js';

const MAX_BEHIND = 8;

/** The stream to read, and its address once it has been read to the end. */
export type TappedStream = {
  stream: ReadableStream<Uint8Array>;
  /** Resolves after the last chunk was read; rejects if the stream fails. */
  done: Promise<{ cid: CID; size: number }>;
};

/**
 * Passes `source` through unchanged while computing its CID (and, given a
 * sink, storing its blocks).
 */
export function tapCid(source: AsyncIterable<Uint8Array>, sink: BlockSink = DISCARD): TappedStream {
  const feed = pushable<Uint8Array>();
  const done = importBlob(feed, sink);
  done.catch(() => {}); // surfaced through `done` and the stream
  const iterator = source[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done: ended, value } = await iterator.next();
          if (ended) {
            feed.end();
            await done;
            controller.close();
            return;
          }
          feed.push(value);
          if (feed.readableLength > MAX_BEHIND) await feed.onEmpty();
          controller.enqueue(value);
        } catch (error) {
          feed.end(error instanceof Error ? error : new Error(String(error)));
          controller.error(error);
        }
      },
      async cancel(reason) {
        feed.end(new Error('the stream was cancelled'));
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, done };
}
