/**
 * Crash-safe files: written to a temporary file, fsync'ed, renamed into
 * place and the directory fsync'ed, so after a crash at any moment the file
 * is either absent (or its previous version) or whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes `bytes` to `path` atomically and durably, staging in `tmpDir` (same file system). */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  tmpDir: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(tmpDir, `${process.pid}.${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/**
 * Creates `tmpDir` and removes the temporary files of writers that are gone
 * (a crash); writers still running keep theirs.
 */
export async function cleanTemporaryFiles(tmpDir: string): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  for (const name of await readdir(tmpDir)) {
    const pid = Number(name.split('.')[0]);
    if (!Number.isSafeInteger(pid) || !isRunning(pid))
      await rm(join(tmpDir, name), { force: true });
  }
}
