/**
 * Secret key files: one line, the 32-byte secp256k1 scalar in hex, mode 0600.
 */
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { SecretKey } from '@medvault/core/pre';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { CliError } from './cli-error.js';

/** Writes a new key file (refuses to overwrite) with mode 0600. */
export async function writeKeyFile(path: string, key: SecretKey): Promise<void> {
  try {
    await writeFile(path, `${bytesToHex(key.toBEBytes())}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${path} already exists; refusing to overwrite a key file`);
    }
    throw error;
  }
  await chmod(path, 0o600);
}

/** Reads a key file written by `medvault keygen`. */
export async function readKeyFile(path: string): Promise<SecretKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError(`cannot read key file ${path}`);
  }
  const { mode } = await stat(path);
  if (mode & 0o077)
    process.stderr.write(
      `medvault: warning: key file ${path} is readable by others (chmod 600 it)\n`,
    );
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex))
    throw new CliError(`${path} is not a key file: expected 64 hex digits`);
  try {
    return SecretKey.fromBEBytes(hexToBytes(hex.toLowerCase()));
  } catch {
    throw new CliError(`${path} holds an invalid secret key`);
  }
}
