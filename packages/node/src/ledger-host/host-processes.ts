/**
 * Ledger hosts as real child processes, for the tests: each started on a
 * free port with the given store flags, and every one still running killed
 * by `killAll` (call it after each test).
 */
import { type SpawnedService, spawnService } from '../cli/run-cli.js';

/** A running `medvault ledger-host` process and its URL. */
export type HostProcess = SpawnedService & { url: string };

const running = new Set<HostProcess>();

/**
 * Starts `medvault ledger-host --port 0 …flags` and resolves once it listens.
 *
 * @example
 * ```ts
 * const host = await spawnHost(['--database', url, '--public-url', 'https://ledgers.example.org']);
 * afterEach(killAll);
 * ```
 */
export async function spawnHost(flags: string[]): Promise<HostProcess> {
  const service = await spawnService(['ledger-host', '--port', '0', ...flags]);
  const host = { ...service, url: service.match[1] as string };
  running.add(host);
  return host;
}

/**
 * Stops one host: `SIGTERM` waits for it to finish what it does, `SIGKILL`
 * is a crash.
 *
 * @example
 * ```ts
 * await stopHost(host, 'SIGKILL');
 * ```
 */
export async function stopHost(
  host: HostProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  await host.stop(signal);
  running.delete(host);
}

/**
 * Kills every host still running (`SIGKILL`).
 *
 * @example
 * ```ts
 * afterEach(killAll);
 * ```
 */
export function killAll(): void {
  for (const host of running) host.proc.kill('SIGKILL');
  running.clear();
}
