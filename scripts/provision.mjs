#!/usr/bin/env node
/**
 * Provisions what the test suite needs from the machine, before any test
 * runs: Debian's Chromium for the browser tests (the extension, the share
 * button) and Debian's PostgreSQL server for the ledger host's database
 * store (the tests start throwaway clusters of their own; nothing is
 * started here), with `apt-get install chromium postgresql` as needed. On Debian as root it installs what is missing, saying so in one
 * line; anywhere else it stops with one line naming what to install.
 *
 * Each requirement: a file that shows it is present, the Debian packages
 * that bring it, and what it is for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const REQUIREMENTS = [
  {
    // MEDVAULT_CHROMIUM points the browser tests at another build
    present: process.env.MEDVAULT_CHROMIUM ?? '/usr/bin/chromium',
    packages: ['chromium'],
    why: 'the browser tests (extension, share button)',
  },
  {
    // MEDVAULT_PG_BIN points the database tests at another build's bin/
    present: process.env.MEDVAULT_PG_BIN
      ? `${process.env.MEDVAULT_PG_BIN}/initdb`
      : (postgresInitdb() ?? '/usr/lib/postgresql/<version>/bin/initdb'),
    packages: ['postgresql'],
    why: 'the ledger host on PostgreSQL',
  },
];

/** Debian's initdb of any installed PostgreSQL version. */
function postgresInitdb() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const found = readdirSync(root)
    .map((v) => `${root}/${v}/bin/initdb`)
    .find((path) => existsSync(path));
  return found;
}

const missing = REQUIREMENTS.filter((r) => !existsSync(r.present));
if (missing.length === 0) process.exit(0);

const packages = missing.flatMap((r) => r.packages);
const why = missing.map((r) => r.why).join('; ');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');

function stop(line) {
  process.stderr.write(`provision: ${line}\n`);
  process.exit(1);
}

if (!hasApt) {
  stop(
    `missing ${missing.map((r) => r.present).join(', ')} for ${why}: install ${packages.join(', ')} with your system's package manager, then run the tests again`,
  );
}
if (!isRoot) {
  stop(
    `missing ${missing.map((r) => r.present).join(', ')} for ${why}: run \`sudo apt-get install -y ${packages.join(' ')}\`, then run the tests again`,
  );
}

process.stdout.write(
  `provision: installing Debian's ${packages.join(', ')} for ${why} (apt-get, about a minute)\n`,
);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...packages],
]) {
  const run = spawnSync('apt-get', args, {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) {
    const detail = `${run.stderr ?? ''}`.trim().split('\n').pop() ?? '';
    stop(
      `apt-get ${args[0]} failed (${detail || `exit ${run.status}`}): install ${packages.join(', ')} by hand, then run the tests again`,
    );
  }
}
const still = missing.filter(
  (r) => !existsSync(r.packages.includes('postgresql') ? (postgresInitdb() ?? '') : r.present),
);
if (still.length > 0)
  stop(
    `installed ${packages.join(', ')} but ${still.map((r) => r.present).join(', ')} is still missing`,
  );
