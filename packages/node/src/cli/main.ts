/**
 * The `medvault` command. Each command lives in its own module; every error
 * ends the process with a non-zero code and one clear line on stderr.
 */
import { BaseError } from '@medvault/core/errors';
import { CliError } from './cli-error.js';

type Command = (args: string[]) => Promise<void>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  keygen: async () => (await import('./keygen.js')).keygen,
  ledger: async () => (await import('./ledger.js')).ledger,
  'ledger-host': async () => (await import('./ledger-host.js')).ledgerHost,
  chain: async () => (await import('./chain.js')).chain,
  seal: async () => (await import('./seal.js')).seal,
  open: async () => (await import('./open.js')).open,
  proxy: async () => (await import('./proxy.js')).proxy,
  'blob-service': async () => (await import('./blob-service.js')).blobService,
  'shl-host': async () => (await import('./shl-host.js')).shlHost,
  shl: async () => (await import('./shl.js')).shl,
  import: async () => (await import('./import.js')).importRecords,
};

const USAGE = `usage: medvault <command> [options]
commands:
  keygen --out FILE                         new secret key file (0600); prints the public key
  seal --to PUBKEYHEX FILE [--out DIR]      seal FILE for a patient into a blob store; prints its CID
  seal --to-ledger HOST/ID --category C FILE  the same, to the patient's current key for category C (read from their verified ledger)
  open FILE|CID --key KEYFILE [--store DIR] verify and decrypt a sealed record to stdout
  ledger init|append|checkpoint|verify|prove|check-proof …   the patient ledger (see medvault ledger --help)
  ledger-host --port P --data-dir DIR       serve ledgers over HTTP (or --database postgres://… for replicas)
  blob-service --port P --data-dir DIR      serve sealed blobs by CID over HTTP (a trustless gateway)
  proxy --port P --data-dir DIR --key KEYFILE --rpc URL --registry ADDR   a re-encryption proxy
  chain dev [--port P] [--state DIR]        local EVM node with the registry deployed
  shl-host --port P --data-dir DIR          serve SMART Health Links over HTTP (ciphertext only)
  shl create|revoke|log|open …              SMART Health Links (see medvault shl --help)
  import --fhir URL --to-ledger HOST/ID --key KEYFILE (--token-file FILE | MEDVAULT_FHIR_TOKEN | --token T) …
                                            a patient's records from a provider's FHIR API into her ledger;
                                            prefer --token-file or the variable: --token shows in the process
                                            list (see medvault import --help)`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`medvault: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  try {
    await (await load())(args);
    return 0;
  } catch (error) {
    process.stderr.write(`medvault: ${describe(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function describe(error: unknown): string {
  // the CLI's own messages already say everything, in one line
  if (error instanceof CliError) return error.shortMessage;
  if (error instanceof BaseError) return `${error.shortMessage} [${error.code}]`;
  if (error instanceof Error) {
    // parseArgs errors carry a code such as ERR_PARSE_ARGS_UNKNOWN_OPTION
    return error.message.split('\n')[0] as string;
  }
  return String(error);
}
