/**
 * `medvault ledger …`: a patient ledger in one file (an RFC 8742 CBOR
 * sequence of entries and checkpoints).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  bodySchemas,
  type Checkpoint,
  type ConsistencyProof,
  decodeCheckpoint,
  decodeEntry,
  type EntryKind,
  encodeCheckpoint,
  hashEntry,
  type InclusionProof,
  Ledger,
  signKeyRotation,
  verifyConsistency,
  verifyInclusion,
  verifyLedger,
} from '@medvault/core/ledger';
import { Signer } from '@medvault/core/pre';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { SingleFileLedgerStore } from '../ledger/single-file-store.js';
import { chainModules } from './chain-modules.js';
import { CliError } from './cli-error.js';
import { readKeyFile } from './key-file.js';
import { parseBody, proofFromJson, proofToJson } from './ledger-json.js';

const USAGE = `usage:
  medvault ledger init FILE --owner KEYFILE
  medvault ledger append FILE --kind KIND --body JSON --key KEYFILE [--notes-to PUBKEYHEX]
      (key-rotation: --new-key KEYFILE instead of --body; a note given as a JSON object is sealed:
       a record's to its recipient, a grant's or emergency's to --notes-to, the patient's notes key)
  medvault ledger checkpoint FILE --key KEYFILE
  medvault ledger verify FILE [--rpc URL --registry ADDR]
  medvault ledger anchor FILE --key KEYFILE --rpc URL --registry ADDR [--relayer-key KEYFILE]
  medvault ledger prove FILE --seq N [--size M]
  medvault ledger prove FILE --consistency OLD_SIZE [--size NEW_SIZE]
  medvault ledger check-proof PROOF.json
kinds: ${Object.keys(bodySchemas).join(', ')}; byte fields in --body are hex strings;
--body's note and readerNote may be JSON objects of text, sealed to the owner and the grantee`;

function usage(message?: string): never {
  throw new CliError(message ? `${message}\n${USAGE}` : USAGE, 2);
}

async function open(file: string): Promise<{ ledger: Ledger; store: SingleFileLedgerStore }> {
  const store = new SingleFileLedgerStore(file);
  const id = await store.ledgerId();
  if (!id) throw new CliError(`${file} holds no ledger; create one with medvault ledger init`);
  return { ledger: await Ledger.open(id, { store }), store };
}

const signerFrom = async (path: string | undefined, option: string) => {
  if (!path) usage(`missing ${option} KEYFILE`);
  return new Signer(await readKeyFile(path));
};

async function init(file: string, values: { owner?: string }): Promise<void> {
  const owner = await signerFrom(values.owner, '--owner');
  const existing = await stat(file).catch(() => undefined);
  if (existing && existing.size > 0)
    throw new CliError(`${file} already exists; refusing to overwrite a ledger`);
  const ledger = await Ledger.create(owner, { store: new SingleFileLedgerStore(file) });
  process.stdout.write(`${bytesToHex(ledger.id)}\n`);
}

async function append(
  file: string,
  values: {
    kind?: string;
    body?: string;
    key?: string;
    'new-key'?: string;
    'notes-to'?: string;
  },
) {
  const kind = values.kind as EntryKind | undefined;
  if (!kind || !(kind in bodySchemas))
    usage(`--kind must be one of ${Object.keys(bodySchemas).join(', ')}`);
  const signer = await signerFrom(values.key, '--key');
  const { ledger } = await open(file);
  let body: unknown;
  if (kind === 'key-rotation' && values['new-key']) {
    body = signKeyRotation(
      new Signer(await readKeyFile(values['new-key'])),
      ledger.id,
      ledger.head,
    );
  } else {
    if (values.body === undefined) usage('missing --body JSON');
    const notesTo = values['notes-to'];
    if (notesTo !== undefined && !/^(02|03)[0-9a-fA-F]{64}$/.test(notesTo)) {
      usage('--notes-to must be a compressed public key: 66 hex digits');
    }
    body = parseBody(
      kind,
      values.body,
      recordDefaults(kind, values.body, ledger),
      notesTo === undefined ? undefined : hexToBytes(notesTo.toLowerCase()),
    );
  }
  const entry = await ledger.append(kind, body as never, signer);
  process.stdout.write(`seq ${entry.seq} ${bytesToHex(hashEntry(ledger.entryBytes(entry.seq)))}\n`);
}

/** A record's recipient defaults to the patient's current key for its category, when published. */
function recordDefaults(kind: EntryKind, json: string, ledger: Ledger): Record<string, unknown> {
  if (kind !== 'record') return {};
  let category: unknown;
  try {
    category = (JSON.parse(json) as { category?: unknown }).category;
  } catch {
    return {}; // parseBody says what is wrong
  }
  if (typeof category !== 'string') return {};
  const keys = ledger.state.encryptionKeys.get(category);
  const last = keys?.at(-1);
  return last ? { recipient: last } : {};
}

async function checkpoint(file: string, values: { key?: string }) {
  const signer = await signerFrom(values.key, '--key');
  const { ledger } = await open(file);
  const cp = await ledger.checkpoint(signer);
  process.stdout.write(`size ${cp.size} root ${bytesToHex(cp.root)}\n`);
}

async function verify(file: string, values: { rpc?: string; registry?: string }) {
  const { ledger, store } = await open(file); // Ledger.open verifies every entry and rule
  const checkpoints = (await store.checkpoints()).map(decodeCheckpoint);
  const verified = verifyLedger(ledger.allEntryBytes(), { checkpoints });
  let chainNote = '';
  if (values.rpc || values.registry) {
    const { chainClient, registryAddress, verifyLedgerAgainstChain } = await chainModules();
    const { client } = await chainClient(values.rpc);
    const { anchor } = await verifyLedgerAgainstChain(client, {
      registry: registryAddress(values.registry),
      entries: ledger.allEntryBytes(),
    });
    chainNote = `, anchored at block ${anchor.blockNumber} (size ${anchor.size})`;
  }
  process.stdout.write(
    `verified: ${verified.size} entries, root ${bytesToHex(verified.root)}, ${checkpoints.length} checkpoints${chainNote}\n`,
  );
}

async function anchor(
  file: string,
  values: { key?: string; rpc?: string; registry?: string; 'relayer-key'?: string },
) {
  if (!values.key) usage('missing --key KEYFILE (the owner)');
  const owner = await readKeyFile(values.key);
  const { ledger } = await open(file);
  const { anchorCheckpoint, chainClient, registryAddress } = await chainModules();
  const registry = registryAddress(values.registry);
  const { client, relayer } = await chainClient(values.rpc, values['relayer-key']);
  const cp = await ledger.checkpoint(new Signer(owner));
  const { blockNumber, hash } = await anchorCheckpoint(client, {
    registry,
    relayer,
    checkpoint: cp,
    owner,
  });
  process.stdout.write(
    `anchored size ${cp.size} root ${bytesToHex(cp.root)} at block ${blockNumber} (tx ${hash})\n`,
  );
}

function covering(ledger: Ledger, size: number | undefined, atLeast: number): Checkpoint {
  const candidates = ledger.checkpoints.filter((c) =>
    size === undefined ? c.size >= atLeast : c.size === size,
  );
  const cp = candidates.at(-1);
  if (!cp) {
    throw new CliError(
      size === undefined
        ? `no checkpoint covers ${atLeast} entries; run medvault ledger checkpoint first`
        : `no checkpoint of size ${size}; run medvault ledger checkpoint first`,
    );
  }
  return cp;
}

function uint(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) usage(`${option} must be a non-negative integer`);
  return n;
}

async function prove(file: string, values: { seq?: string; size?: string; consistency?: string }) {
  const { ledger } = await open(file);
  const size = uint(values.size, '--size');
  const older = uint(values.consistency, '--consistency');
  let out: unknown;
  if (older !== undefined) {
    const from = covering(ledger, older, older);
    const to = covering(
      ledger,
      size,
      ledger.size === 0 ? 1 : Math.max(older, ...ledger.checkpoints.map((c) => c.size)),
    );
    out = {
      ledgerId: bytesToHex(ledger.id),
      proof: proofToJson(ledger.proveConsistency(from.size, to.size)),
      older: bytesToHex(encodeCheckpoint(from)),
      newer: bytesToHex(encodeCheckpoint(to)),
    };
  } else {
    const seq = uint(values.seq, '--seq');
    if (seq === undefined) usage('missing --seq N (or --consistency OLD_SIZE)');
    if (seq >= ledger.size)
      throw new CliError(`no entry ${seq}: the ledger has ${ledger.size} entries`);
    const cp = covering(ledger, size, seq + 1);
    out = {
      ledgerId: bytesToHex(ledger.id),
      entry: bytesToHex(ledger.entryBytes(seq)),
      proof: proofToJson(ledger.proveInclusion(seq, cp.size)),
      checkpoint: bytesToHex(encodeCheckpoint(cp)),
    };
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

async function checkProof(path: string) {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new CliError(`${path} is not a readable JSON proof`);
  }
  const hex = (v: unknown, what: string) => {
    if (typeof v !== 'string' || !/^([0-9a-f]{2})+$/i.test(v))
      throw new CliError(`${path}: ${what} must be hex`);
    return hexToBytes(v.toLowerCase());
  };
  if ('entry' in json) {
    const cp = decodeCheckpoint(hex(json.checkpoint, 'checkpoint'));
    const entry = hex(json.entry, 'entry');
    verifyInclusion(entry, proofFromJson<InclusionProof>(json.proof, path), cp);
    process.stdout.write(
      `valid: entry ${decodeEntry(entry).seq} is in ledger ${bytesToHex(cp.ledger)} at size ${cp.size}\n`,
    );
  } else {
    const older = decodeCheckpoint(hex(json.older, 'older'));
    const newer = decodeCheckpoint(hex(json.newer, 'newer'));
    verifyConsistency(older, newer, proofFromJson<ConsistencyProof>(json.proof, path));
    process.stdout.write(`valid: size ${older.size} → ${newer.size} consistent\n`);
  }
}

/** `medvault ledger <subcommand> …` */
export async function ledger(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    if (!sub) usage();
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    usage((error as Error).message);
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) usage(`medvault ledger ${sub} takes one FILE`);
  const v = parsed.values;
  const stray = Object.keys(v).filter((k) => !(ALLOWED[sub] ?? []).includes(k));
  if (stray.length > 0) usage(`medvault ledger ${sub} does not take --${stray.join(', --')}`);
  switch (sub) {
    case 'init':
      return init(file, v);
    case 'append':
      return append(file, v);
    case 'checkpoint':
      return checkpoint(file, v);
    case 'verify':
      return verify(file, v);
    case 'anchor':
      return anchor(file, v);
    case 'prove':
      return prove(file, v);
    case 'check-proof':
      return checkProof(file);
    default:
      usage(`unknown subcommand "${sub}"`);
  }
}

const OPTIONS = {
  owner: { type: 'string' },
  kind: { type: 'string' },
  body: { type: 'string' },
  key: { type: 'string' },
  'new-key': { type: 'string' },
  'notes-to': { type: 'string' },
  seq: { type: 'string' },
  size: { type: 'string' },
  consistency: { type: 'string' },
  rpc: { type: 'string' },
  registry: { type: 'string' },
  'relayer-key': { type: 'string' },
} as const;

const ALLOWED: Record<string, string[]> = {
  init: ['owner'],
  append: ['kind', 'body', 'key', 'new-key', 'notes-to'],
  checkpoint: ['key'],
  verify: ['rpc', 'registry'],
  anchor: ['key', 'rpc', 'registry', 'relayer-key'],
  prove: ['seq', 'size', 'consistency'],
  'check-proof': [],
};
