import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { sealRecord } from '@medvault/core/envelope';
import { PublicKey } from '@medvault/core/pre';
import { hexToBytes } from '@noble/hashes/utils.js';
import { FsStore } from '../storage/fs-store.js';
import { defaultBlobDir } from './blob-store-dir.js';
import { CliError } from './cli-error.js';

const USAGE =
  'usage: medvault seal --to PUBKEYHEX FILE [--out DIR] [--content-type TYPE] [--segment-size BYTES]';

function publicKeyOf(hex: string): PublicKey {
  try {
    if (!/^(02|03)[0-9a-f]{64}$/i.test(hex)) throw new Error('shape');
    return PublicKey.fromCompressedBytes(hexToBytes(hex.toLowerCase()));
  } catch {
    throw new CliError(
      `--to ${JSON.stringify(hex.slice(0, 80))} is not a public key: expected 66 hex digits (compressed secp256k1, as printed by medvault keygen)`,
      2,
    );
  }
}

/**
 * `medvault seal --to PUBKEYHEX FILE [--out DIR]`: seals FILE for the
 * patient, streaming, into the blob store in DIR; prints the blob's CID.
 */
export async function seal(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      to: { type: 'string' },
      out: { type: 'string' },
      'content-type': { type: 'string' },
      'segment-size': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [file, ...extra] = positionals;
  if (!values.to || !file || extra.length > 0) throw new CliError(USAGE, 2);
  const patient = publicKeyOf(values.to);
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new CliError(`cannot read ${file}: expected a readable file`);
  }
  const segmentSize =
    values['segment-size'] === undefined ? undefined : Number(values['segment-size']);
  const store = await FsStore.open(values.out ?? defaultBlobDir());
  const sealed = await sealRecord(patient, createReadStream(file), {
    contentType: values['content-type'] ?? 'application/octet-stream',
    ...(segmentSize === undefined ? {} : { segmentSize }),
  });
  const cid = await store.put(sealed.stream);
  process.stdout.write(`${cid}\n`);
}
