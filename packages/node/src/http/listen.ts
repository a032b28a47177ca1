/** Listening on a port and stopping gracefully. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on `host:port` (port 0: a free one) and resolves with its base URL.
 *
 * @example
 * ```ts
 * const url = await listen(server, 0); // 'http://127.0.0.1:41234'
 * ```
 */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
}

/**
 * Stops accepting connections, closes the idle keep-alive ones, lets the
 * requests in flight finish for up to `graceMs`, then ends whatever is left.
 * (Answers sent meanwhile should say `connection: close`, so their sockets
 * end with them.)
 *
 * @example
 * ```ts
 * await shutdown(server, 5_000);
 * ```
 */
export async function shutdown(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
