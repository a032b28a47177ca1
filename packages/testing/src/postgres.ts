/**
 * A throwaway PostgreSQL cluster for tests: Debian's server binaries,
 * `initdb` in a temporary directory, one `postgres` process on a free port
 * of 127.0.0.1, stopped (and its directory removed) by the test that started
 * it. As root it runs as the `postgres` user, since PostgreSQL refuses to
 * run as root. `scripts/provision.mjs` installs Debian's `postgresql` when
 * it is missing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running throwaway cluster. */
export type PostgresCluster = {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** A connection URL for database `db` (default `postgres`). */
  url(db?: string): string;
  /** Creates an empty database; resolves to its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server: `fast` (SIGINT, clients cut off) or `crash` (SIGKILL). */
  stop(mode?: 'fast' | 'crash'): Promise<void>;
  /** Starts the server again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
};

/** Where Debian keeps the newest PostgreSQL's server binaries (or `MEDVAULT_PG_BIN`). */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.MEDVAULT_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** A TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a throwaway PostgreSQL cluster; resolves once it accepts
 * connections.
 *
 * @example
 * ```ts
 * const pg = await startPostgres();
 * const url = await pg.createDatabase('ledgers'); // postgres://medvault@127.0.0.1:PORT/ledgers
 * await pg.destroy();
 * ```
 */
export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      "PostgreSQL's server binaries are missing: install Debian's postgresql (the README's test command does)",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'medvault-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const as = { uid, gid, env: { ...process.env, LC_ALL: 'C' } };
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'medvault', '-E', 'UTF8', '--locale=C', '--no-sync'],
    as,
  );
  const port = await freePort();
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const child = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=64MB',
      ],
      { ...as, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    proc = child;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; ; i++) {
      const ready = await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)])
        .then(() => true)
        .catch(() => false);
      if (ready) return;
      if (child.exitCode !== null || i > 300)
        throw new Error(
          `PostgreSQL did not start on port ${port}: ${log.trim().split('\n').pop()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async (mode: 'fast' | 'crash' = 'fast') => {
    if (!proc || proc.exitCode !== null) return;
    proc.kill(mode === 'crash' ? 'SIGKILL' : 'SIGINT');
    await exited;
    if (mode === 'crash') {
      // its children (backends) outlive a killed postmaster for a moment
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  await start();
  const url = (db = 'postgres') => `postgres://medvault@127.0.0.1:${port}/${db}`;
  return {
    port,
    url,
    async createDatabase(name) {
      await run(join(bin, 'createdb'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'medvault',
        name,
      ]);
      return url(name);
    },
    stop,
    start,
    async destroy() {
      await stop('fast');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
