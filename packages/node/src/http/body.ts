/** Request bodies: read whole, up to a limit. */
import type { IncomingMessage } from 'node:http';
import { BaseError } from '@medvault/core/errors';

/**
 * A body over its route's limit (answered 413).
 *
 * @example
 * ```ts
 * await readBody(req, 1024).catch((e) => e instanceof BodyTooLargeError); // a 2 KiB body: true
 * ```
 */
export class BodyTooLargeError extends BaseError {
  static override readonly code = 'HTTP_BODY_TOO_LARGE';
  override readonly name = 'BodyTooLargeError';
  readonly limit: number;
  constructor(limit: number) {
    super(`request bodies are limited to ${limit} bytes`);
    this.limit = limit;
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes. Reads with events,
 * not for-await: leaving a for-await early destroys the socket, and the
 * client would see a reset instead of the 413.
 *
 * @example
 * ```ts
 * const bytes = await readBody(req, 256 * 1024);
 * ```
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) reject(new BodyTooLargeError(limit));
      else resolve(Buffer.concat(chunks));
    });
  });
}
