import { open as openFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { sealRecordInto } from '@medvault/core/envelope';
import { checkCategory, currentEncryptionKey, type VerifiedLedger } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { PublicKey, SecretKey, Signer } from '@medvault/core/pre';
import { hexToBytes } from '@noble/hashes/utils.js';
import { FsStore } from '../storage/fs-store.js';
import { defaultBlobDir } from './blob-store-dir.js';
import { chainModules } from './chain-modules.js';
import { CliError } from './cli-error.js';
import { errnoOf, fsFailure } from './fs-errors.js';
import { counted, readFileChunks } from './io.js';
import { ledgerTarget } from './ledger-target.js';
import { startProgress } from './progress.js';

const USAGE =
  'usage: medvault seal (--to PUBKEYHEX | --to-ledger HOST/LEDGERID --category CATEGORY [--rpc URL --registry ADDRESS]) FILE [--out DIR] [--content-type TYPE] [--segment-size BYTES] [--quiet]';

/** Bytes read from the input file at a time. */
const READ_SIZE = 1024 * 1024;

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
 * The patient's current key for `category`, read from their ledger on its
 * host and verified: every entry's signature and chain (the public entries
 * in full, the rest as stubs), and with `--rpc`/`--registry` the anchor on
 * chain. The request is signed with a throwaway key: the keys to seal to are
 * public to anyone who knows the ledger's id.
 */
async function keyFromLedger(
  where: string,
  category: string,
  chain: { rpc?: string | undefined; registry?: string | undefined },
): Promise<{ key: PublicKey; note: string }> {
  const { host, ledgerId: id } = ledgerTarget(where);
  try {
    checkCategory(category);
  } catch (error) {
    throw new CliError(`--category: ${(error as Error).message.split('\n')[0]}`, 2);
  }
  const client = new LedgerHostClient({ url: host, signer: new Signer(SecretKey.random()) });
  let verified: VerifiedLedger;
  try {
    verified = await client.sync(id.toLowerCase());
  } catch (error) {
    throw new CliError(
      `cannot read ledger ${id} at ${host}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  let anchored = '';
  if (chain.rpc || chain.registry) {
    const { chainClient, registryAddress, verifyLedgerAgainstChain } = await chainModules();
    const { client: chainClientOf } = await chainClient(chain.rpc);
    const { anchor } = await verifyLedgerAgainstChain(chainClientOf, {
      registry: registryAddress(chain.registry),
      entries: await client.entries(id.toLowerCase()),
    });
    anchored = `, anchored at block ${anchor.blockNumber}`;
  }
  let current: ReturnType<typeof currentEncryptionKey>;
  try {
    current = currentEncryptionKey(verified.state, category);
  } catch (error) {
    throw new CliError((error as Error).message.split('\n')[0] as string);
  }
  return {
    key: current.key,
    note: `sealing to the patient's "${category}" key, epoch ${current.epoch} (ledger verified: ${verified.size} entries${anchored})`,
  };
}

/** Opens `file` for reading; a directory, a missing or unreadable file is one clear line. */
async function openInput(file: string) {
  const expected = 'a readable file';
  let handle: Awaited<ReturnType<typeof openFile>>;
  try {
    handle = await openFile(file, 'r');
  } catch (error) {
    throw fsFailure(error, 'read', file, expected);
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new CliError(
      `cannot read ${file}: it is ${info.isDirectory() ? 'a directory' : 'not a regular file'}; expected ${expected}`,
    );
  }
  return { handle, size: info.size };
}

/**
 * `medvault seal --to PUBKEYHEX FILE [--out DIR]`: seals FILE for the
 * patient into the blob store in DIR, streaming (memory stays bounded
 * whatever the file's size; each byte is encrypted once and hashed once);
 * prints the blob's CID. Progress goes to stderr when it is a terminal.
 * With `--to-ledger HOST/ID --category C` the key is the patient's current
 * key for category C, read from their verified ledger.
 */
export async function seal(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      to: { type: 'string' },
      'to-ledger': { type: 'string' },
      category: { type: 'string' },
      rpc: { type: 'string' },
      registry: { type: 'string' },
      out: { type: 'string' },
      'content-type': { type: 'string' },
      'segment-size': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [file, ...extra] = positionals;
  const toLedger = values['to-ledger'];
  if (!file || extra.length > 0 || Boolean(values.to) === Boolean(toLedger)) {
    throw new CliError(USAGE, 2);
  }
  if (toLedger && !values.category) {
    throw new CliError('--to-ledger needs --category: the record’s category picks the key', 2);
  }
  let patient: PublicKey;
  if (toLedger) {
    const found = await keyFromLedger(toLedger, values.category as string, values);
    if (!values.quiet) process.stderr.write(`${found.note}\n`);
    patient = found.key;
  } else {
    patient = publicKeyOf(values.to as string);
  }
  const segmentSize =
    values['segment-size'] === undefined ? undefined : Number(values['segment-size']);
  const { handle, size } = await openInput(file);
  const dir = values.out ?? defaultBlobDir();
  const writable = 'a writable directory for the blob store';
  let store: FsStore;
  try {
    store = await FsStore.open(dir);
  } catch (error) {
    await handle.close();
    throw fsFailure(error, 'write to', dir, writable);
  }
  const progress = startProgress(`sealing ${basename(file)}`, size, { quiet: values.quiet });
  try {
    const input = readFileChunks(handle, READ_SIZE);
    const { cid } = await sealRecordInto(store, patient, counted(input, progress), {
      contentType: values['content-type'] ?? 'application/octet-stream',
      ...(segmentSize === undefined ? {} : { segmentSize }),
    });
    progress.done();
    process.stdout.write(`${cid}\n`);
  } catch (error) {
    progress.done();
    if (errnoOf(error) === 'ENOSPC' || errnoOf(error) === 'EDQUOT') {
      throw fsFailure(error, 'seal into', dir, 'room on its disk; nothing was stored');
    }
    throw fsFailure(error, 'seal into', dir, writable);
  } finally {
    await handle.close();
  }
}
