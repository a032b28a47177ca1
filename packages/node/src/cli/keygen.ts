import { parseArgs } from 'node:util';
import { SecretKey } from '@medvault/core/pre';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CliError } from './cli-error.js';
import { writeKeyFile } from './key-file.js';

/** `medvault keygen --out FILE`: a new secret key file (0600); prints the public key hex. */
export async function keygen(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  if (!values.out) throw new CliError('usage: medvault keygen --out FILE', 2);
  const key = SecretKey.random();
  await writeKeyFile(values.out, key);
  process.stdout.write(`${bytesToHex(key.publicKey().toCompressedBytes())}\n`);
}
