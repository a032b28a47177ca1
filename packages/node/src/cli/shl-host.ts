import { startShlHost } from '../shl-host/server.js';
import { serveCommand, takePublicUrls } from './serve-command.js';

/**
 * `medvault shl-host --port P --data-dir DIR [--host H] [--public-url URL]`:
 * serve SMART Health Links until SIGINT/SIGTERM. `--public-url` is the base
 * URL receivers reach the host by (behind a TLS proxy), which manifest and
 * file URLs start with; by default the URL it listens on.
 *
 * @example
 * ```ts
 * await shlHost(['--port', '8791', '--data-dir', './shl', '--public-url', 'https://shl.example.org']);
 * ```
 */
export function shlHost(args: string[]): Promise<void> {
  const { urls, rest } = takePublicUrls(args);
  const publicUrl = urls.at(-1);
  return serveCommand('shl-host', rest, (options) =>
    startShlHost({ ...options, ...(publicUrl === undefined ? {} : { publicUrl }) }),
  );
}
