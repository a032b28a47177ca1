/**
 * `medvault seal` and `medvault open` on bad input and failing disks, as
 * real child processes (a CID missing from the store: seal-open.test.ts):
 * each failure is one line and a non-zero exit, and a
 * failed seal leaves nothing in the store. Checks that need another user or
 * a small file system run as root (as CI does); elsewhere they are skipped.
 */
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CliResult, medvault, medvaultWith } from './run-cli.js';

const isRoot = process.getuid?.() === 0;
/** An unprivileged user, for permission checks that root would bypass. */
const NOBODY = { uid: 65534, gid: 65534 };

let dir: string;
const path = (name: string) => join(dir, name);
let patientPk: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-seal-fail-'));
  await chmod(dir, 0o755);
  patientPk = (await medvault('keygen', '--out', path('patient.key'))).stdout.trim();
  await writeFile(path('scan.dcm'), new Uint8Array(3 * 1024 * 1024).fill(9));
  await chmod(path('scan.dcm'), 0o644);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The result is a failure told in exactly one line matching `line`. */
function expectOneLine(r: CliResult, line: RegExp) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(r.stdout).toBe('');
}

/** Every file under `root`, relative. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('medvault seal / open: failures are one line', () => {
  test('a directory as the input', async () => {
    const r = await medvault('seal', '--to', patientPk, dir, '--out', path('blobs'));
    expectOneLine(r, /^medvault: cannot read .*: it is a directory; expected a readable file$/);
  });

  test('a missing input', async () => {
    const r = await medvault('seal', '--to', patientPk, path('nope.dcm'), '--out', path('blobs'));
    expectOneLine(r, /^medvault: cannot read .*nope\.dcm: it does not exist \(ENOENT\)/);
  });

  test.runIf(isRoot)('an input the user may not read', async () => {
    await writeFile(path('secret.dcm'), 'x');
    await chmod(path('secret.dcm'), 0o600);
    await mkdir(path('nobody-blobs'));
    await chown(path('nobody-blobs'), NOBODY.uid, NOBODY.gid);
    const r = await medvaultWith(
      NOBODY,
      'seal',
      '--to',
      patientPk,
      path('secret.dcm'),
      '--out',
      path('nobody-blobs'),
    );
    expectOneLine(r, /^medvault: cannot read .*secret\.dcm: permission denied \(EACCES\)/);
  });

  test.runIf(isRoot)('a store directory the user may not write', async () => {
    await mkdir(path('root-blobs'));
    await chmod(path('root-blobs'), 0o755);
    const r = await medvaultWith(
      NOBODY,
      'seal',
      '--to',
      patientPk,
      path('scan.dcm'),
      '--out',
      path('root-blobs'),
    );
    expectOneLine(
      r,
      /^medvault: cannot write to .*root-blobs: permission denied \(EACCES\); expected a writable directory/,
    );
    expect(await filesUnder(path('root-blobs'))).toEqual([]);
  });
});

describe.runIf(isRoot)('medvault seal on a disk that fills up', () => {
  let small: string;
  beforeAll(async () => {
    small = path('small-disk');
    await mkdir(small);
    // a real file system of 8 MiB: the seal of 24 MiB runs out of room midway
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', small]);
    await writeFile(path('big.dcm'), new Uint8Array(24 * 1024 * 1024).fill(3));
  });
  afterAll(() => {
    execFileSync('umount', [small]);
  });

  test('ENOSPC mid-seal: one line, no blob and no block or temporary file left', async () => {
    const store = join(small, 'blobs');
    const r = await medvault('seal', '--to', patientPk, path('big.dcm'), '--out', store);
    expectOneLine(
      r,
      /^medvault: cannot seal into .*blobs: the disk is full \(ENOSPC\); expected room on its disk; nothing was stored$/,
    );
    expect(await filesUnder(store)).toEqual([]);
    // and the store works once there is room
    const ok = await medvault('seal', '--to', patientPk, path('scan.dcm'), '--out', store);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toMatch(/^bafybei/);
  });
});
