import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { chunksOf, openRecord } from '@medvault/core/envelope';
import { parseCid } from '@medvault/core/storage';
import { FsStore } from '../storage/fs-store.js';
import { defaultBlobDir } from './blob-store-dir.js';
import { CliError } from './cli-error.js';
import { fsFailure } from './fs-errors.js';
import { counted } from './io.js';
import { readKeyFile } from './key-file.js';
import { startProgress } from './progress.js';

const USAGE = 'usage: medvault open FILE|CID --key KEYFILE [--store DIR] [--quiet]';

/** Bytes read from a sealed file at a time. */
const READ_SIZE = 1024 * 1024;

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** The sealed bytes of `target` (a sealed file, else a CID in the store) and their size. */
async function sealedInput(target: string, storeDir: string) {
  const size = await fileSize(target);
  if (size !== undefined)
    return { chunks: createReadStream(target, { highWaterMark: READ_SIZE }), size };
  const cid = parseCid(target);
  let store: FsStore;
  try {
    store = await FsStore.open(storeDir);
  } catch (error) {
    throw fsFailure(error, 'open the blob store', storeDir, 'a readable blob store directory');
  }
  return { chunks: await store.get(cid), size: await store.size(cid) };
}

/**
 * `medvault open FILE|CID --key KEYFILE [--store DIR]`: verifies and
 * decrypts a sealed record (a file, or a CID in the blob store) to stdout,
 * streaming. Output stops at the first segment that fails, with a non-zero
 * exit. Progress goes to stderr when it is a terminal.
 */
export async function open(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      key: { type: 'string' },
      store: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [target, ...extra] = positionals;
  if (!values.key || !target || extra.length > 0) throw new CliError(USAGE, 2);
  const key = await readKeyFile(values.key);
  const { chunks, size } = await sealedInput(target, values.store ?? defaultBlobDir());
  const progress = startProgress(`opening ${target.slice(0, 24)}`, size, { quiet: values.quiet });
  try {
    const plaintext = await openRecord(counted(chunks, progress), key);
    for await (const part of chunksOf(plaintext)) {
      if (!process.stdout.write(part)) await once(process.stdout, 'drain');
    }
  } finally {
    progress.done();
  }
}
