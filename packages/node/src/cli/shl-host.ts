import { startShlHost } from '../shl-host/server.js';
import { CliError } from './cli-error.js';
import { serveCommand } from './serve-command.js';

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
  const rest: string[] = [];
  let publicUrl: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s) as [string, string | undefined];
    if (flag !== '--public-url') {
      rest.push(arg);
      continue;
    }
    publicUrl = inline ?? args[++i];
    if (!publicUrl || !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(publicUrl)) {
      throw new CliError('--public-url must be an http(s) URL without query or fragment', 2);
    }
  }
  return serveCommand('shl-host', rest, (options) =>
    startShlHost({ ...options, ...(publicUrl === undefined ? {} : { publicUrl }) }),
  );
}
