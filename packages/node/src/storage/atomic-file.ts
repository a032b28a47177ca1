/**
 * Crash-safe files: written to a temporary file, fsync'ed, renamed into
 * place and the directory fsync'ed, so after a crash at any moment the file
 * is either absent (or its previous version) or whole.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

async function fsyncPath(path: string): Promise<void> {
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

/**
 * Writes `parts`, in order, to a temporary file in `tmpDir` (same file
 * system), fsync'ed when `sync` is set, then renames it to `path`; a failure
 * leaves no temporary file behind (a full disk, a failing write).
 */
async function writeViaTemp(
  path: string,
  parts: readonly Uint8Array[],
  tmpDir: string,
  sync: boolean,
): Promise<void> {
  const temp = join(tmpDir, `${process.pid}.${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await writeAll(handle, parts);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes `parts`, in order, to `path` atomically (the directory must exist)
 * but not durably: the file is whole or absent after a crash of the
 * process, and may be lost in a power failure until `syncFiles` has run
 * over it.
 */
export function writeFileStaged(
  path: string,
  parts: readonly Uint8Array[],
  tmpDir: string,
): Promise<void> {
  return writeViaTemp(path, parts, tmpDir, false);
}

/** Writes every byte of `parts` with as few `writev` calls as the kernel allows. */
async function writeAll(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  let rest = parts.filter((p) => p.length > 0);
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest as Uint8Array[]);
    // a short write: carry on after the bytes the kernel took
    while (rest.length > 0 && bytesWritten >= (rest[0] as Uint8Array).length) {
      bytesWritten -= (rest[0] as Uint8Array).length;
      rest = rest.slice(1);
    }
    if (rest.length > 0 && bytesWritten > 0) {
      rest = [(rest[0] as Uint8Array).subarray(bytesWritten), ...rest.slice(1)];
    }
  }
}

/** Files synced at once by `syncFiles`. */
const SYNCS_IN_FLIGHT = 16;

/**
 * Makes files durable: each one fsync'ed, then (unless `dirs` is false)
 * each of their directories once, so their names are durable too.
 */
export async function syncFiles(
  paths: Iterable<string>,
  options: { dirs?: boolean } = {},
): Promise<void> {
  const files = [...paths];
  const groups = [files];
  if (options.dirs !== false) groups.push([...new Set(files.map((f) => dirname(f)))]);
  for (const group of groups) {
    let next = 0;
    const worker = async () => {
      while (next < group.length) await fsyncPath(group[next++] as string);
    };
    await Promise.all(Array.from({ length: Math.min(SYNCS_IN_FLIGHT, group.length) }, worker));
  }
}

/** Writes `bytes` to `path` atomically and durably, staging in `tmpDir` (same file system). */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  tmpDir: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeViaTemp(path, [bytes], tmpDir, true);
  await fsyncPath(dirname(path));
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
