/** Request bodies and JSON answers shared by the node servers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A body over the limit (answered 413). */
export class BodyTooLargeError extends Error {
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

/** Answers with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
