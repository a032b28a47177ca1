import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openRecord } from '@medvault/core/envelope';
import { parseCid } from '@medvault/core/storage';
import { FsStore } from '../storage/fs-store.js';
import { defaultBlobDir } from './blob-store-dir.js';
import { CliError } from './cli-error.js';
import { readKeyFile } from './key-file.js';

const USAGE = 'usage: medvault open FILE|CID --key KEYFILE [--store DIR]';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * `medvault open FILE|CID --key KEYFILE [--store DIR]`: verifies and
 * decrypts a sealed record (a file, or a CID in the blob store) to stdout.
 * Output stops at the first segment that fails, with a non-zero exit.
 */
export async function open(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { key: { type: 'string' }, store: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [target, ...extra] = positionals;
  if (!values.key || !target || extra.length > 0) throw new CliError(USAGE, 2);
  const key = await readKeyFile(values.key);
  const sealed = (await isFile(target))
    ? createReadStream(target)
    : await (await FsStore.open(values.store ?? defaultBlobDir())).get(parseCid(target));
  const reader = (await openRecord(sealed, key)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (!process.stdout.write(value)) await once(process.stdout, 'drain');
  }
}
