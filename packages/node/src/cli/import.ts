/**
 * `medvault import`: a patient's records from a provider's FHIR R4
 * patient-access API, for IT staff holding an access token obtained
 * elsewhere — read with the standard SMART on FHIR client (`fhirclient`),
 * checked and built by `@medvault/core/provider-import`, sealed to the
 * patient's current key for each record's category, stored, and recorded
 * in the patient's ledger (docs/spec/provider-import.md §10).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sealRecordInto } from '@medvault/core/envelope';
import {
  currentEncryptionKey,
  type EncryptionKey,
  type EntryBody,
  encodeCanonical,
  sealNote,
  verifyLedger,
} from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { Signer } from '@medvault/core/pre';
import {
  type BuiltRecord,
  ImportLandRefusedError,
  ImportOptionsError,
  importState,
  normalizeServerUrl,
  type ProviderClient,
  type SyncReport,
  syncFromProvider,
} from '@medvault/core/provider-import';
import { HttpStore } from '@medvault/core/storage';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import smart from 'fhirclient';
import { FsStore } from '../storage/fs-store.js';
import { defaultBlobDir } from './blob-store-dir.js';
import { CliError } from './cli-error.js';
import { fsFailure } from './fs-errors.js';
import { ImportJournal, recordsSignedBy } from './import-journal.js';
import { readKeyFile } from './key-file.js';
import { ledgerTarget } from './ledger-target.js';
import { type Progress, startProgress } from './progress.js';

const USAGE = `usage: medvault import --fhir URL --to-ledger HOST/LEDGERID --key KEYFILE
         (--token-file FILE | MEDVAULT_FHIR_TOKEN=TOKEN | --token TOKEN)
         [--patient ID] [--storage URL | --out DIR] [--since DATE] [--full] [--state FILE] [--quiet]
  Reads a patient's records from a FHIR R4 server (SMART on FHIR patient access) with an access
  token obtained elsewhere, seals each to the patient's current key for its category, stores it,
  and records it in the patient's ledger signed with KEYFILE: her own records when KEYFILE is the
  ledger's owner, else proposals she accepts or rejects in her wallet. Run it again to import what
  changed since, or to continue a run that stopped; nothing is imported twice.
  --token-file FILE  the access token, or the token response JSON (access_token, patient); or set
                     MEDVAULT_FHIR_TOKEN. --token works too, but shows in the process list.
  --patient ID       the patient's FHIR id (default: the token response's, or the token's claim)
  --storage URL      a blob service for the sealed records; --out DIR a local blob store
                     (default $MEDVAULT_DATA_DIR/blobs, else .medvault/blobs)
  --since DATE       only what changed at or after DATE (YYYY-MM-DD or an instant)
  --full             read everything again (what is in already is still not imported twice)
  --state FILE       the journal of what this key imported, which lets a later run skip it: keep it
                     (default $MEDVAULT_DATA_DIR/imports/LEDGERID.jsonl, else .medvault/imports/…)
  exit status: 0 the import completed (refused resources are listed), 1 it stopped part-way or
  failed (run it again to continue), 2 the command line is wrong`;

function usage(message?: string): never {
  throw new CliError(message ? `${message}\n${USAGE}` : USAGE, 2);
}

/** What the token gives: the access token, and the patient when it names one. */
type Token = { accessToken: string; patient: string | undefined };

/** The `patient` claim of a JWT access token, if it is one (unverified: only a default; the server decides what the token reads). */
function patientClaim(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload || token.split('.').length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      patient?: unknown;
    };
    return typeof claims.patient === 'string' ? claims.patient : undefined;
  } catch {
    return undefined;
  }
}

/** The token from one of --token, --token-file, MEDVAULT_FHIR_TOKEN: a bare token, or a token response. */
async function readToken(values: { token?: string; 'token-file'?: string }): Promise<Token> {
  if (values.token !== undefined && values['token-file'] !== undefined) {
    usage('give the access token once: --token-file FILE, MEDVAULT_FHIR_TOKEN, or --token');
  }
  let text: string;
  let from: string;
  if (values['token-file'] !== undefined) {
    from = values['token-file'];
    try {
      text = await readFile(from, 'utf8');
    } catch (error) {
      throw fsFailure(
        error,
        'read the token file',
        from,
        'a readable file holding the access token',
      ) as Error;
    }
  } else if (values.token !== undefined) {
    from = '--token';
    text = values.token;
  } else if (process.env.MEDVAULT_FHIR_TOKEN) {
    from = 'MEDVAULT_FHIR_TOKEN';
    text = process.env.MEDVAULT_FHIR_TOKEN;
  } else {
    usage('missing the access token: --token-file FILE or MEDVAULT_FHIR_TOKEN (or --token)');
  }
  text = text.trim();
  let accessToken: unknown = text;
  let patient: unknown;
  if (text.startsWith('{')) {
    try {
      ({ access_token: accessToken, patient } = JSON.parse(text) as Record<string, unknown>);
    } catch {
      usage(
        `${from} is not a token nor a token response: expected the token itself, or JSON with access_token`,
      );
    }
  }
  // a token goes into an HTTP header: visible ASCII only
  if (typeof accessToken !== 'string' || !/^[\x21-\x7e]{1,8192}$/.test(accessToken)) {
    usage(
      `${from} holds no usable access token: expected 1 to 8192 printable characters without spaces`,
    );
  }
  return {
    accessToken,
    patient: typeof patient === 'string' ? patient : patientClaim(accessToken),
  };
}

/** A `fhirclient` client for `serverUrl` holding `token` (fhirclient's Node client needs no request to hold a token). */
function fhirClient(serverUrl: string, token: Token, patient: string): ProviderClient {
  const memory = new Map<string, unknown>();
  const storage = {
    get: async (key: string) => memory.get(key),
    set: async (key: string, value: unknown) => {
      memory.set(key, value);
      return value;
    },
    unset: async (key: string) => memory.delete(key),
  };
  return smart({} as IncomingMessage, {} as ServerResponse, storage).client({
    serverUrl,
    tokenResponse: { access_token: token.accessToken, patient },
  });
}

/** One progress line per resource type, counting the bytes of the records landed. */
function typeProgress(quiet: boolean | undefined) {
  let type: string | undefined;
  let line: Progress | undefined;
  let shown = 0;
  return {
    update(p: { type: string; bytes: number }) {
      if (p.type !== type) {
        line?.done();
        type = p.type;
        line = startProgress(`importing ${p.type}`, undefined, { quiet });
      }
      line?.add(p.bytes - shown);
      shown = p.bytes;
    },
    done() {
      line?.done();
    },
  };
}

/** The summary on stdout. */
function summary(report: SyncReport, as: string): string {
  const lines = [
    `imported ${report.imported}, unchanged ${report.unchanged}, failed ${report.failed.length} — from ${report.server}, patient ${report.patientId}, ${as}`,
  ];
  for (const { ref, error } of report.failed) {
    lines.push(`  failed ${ref}: ${error.shortMessage.split('\n')[0]} [${error.code}]`);
  }
  if (report.notOffered.length > 0)
    lines.push(`  the server offers no search for ${report.notOffered.join(', ')}`);
  lines.push(
    report.complete
      ? 'complete'
      : report.stoppedAt
        ? `incomplete: stopped at ${report.stoppedAt.type} [${report.stoppedAt.error.code}]; run the same command again to continue`
        : 'incomplete: some resource types could not be read to the end (see above); run the same command again to retry them',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `medvault import --fhir URL --to-ledger HOST/LEDGERID --key KEYFILE …`:
 * reads the ledger (verified), the patient's resources from the FHIR
 * server, and lands each as a record; prints a summary; exits 1 when the
 * import stopped part-way.
 *
 * @example
 * ```ts
 * await importRecords(['--fhir', 'https://fhir.example.org/r4', '--token-file', 'token.json',
 *   '--to-ledger', `http://127.0.0.1:8787/${ledgerId}`, '--key', 'owner.key']);
 * ```
 */
export async function importRecords(args: string[]): Promise<void> {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false; strict: true }>
  >;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    usage((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!v.fhir) usage('missing --fhir URL: the FHIR server’s base URL');
  if (!v['to-ledger']) usage('missing --to-ledger HOST/LEDGERID: the patient’s ledger');
  if (!v.key) usage('missing --key KEYFILE: the key that signs the record entries');
  if (v.storage !== undefined && v.out !== undefined)
    usage('give --storage URL or --out DIR, not both');
  let server: string;
  try {
    server = normalizeServerUrl(v.fhir);
  } catch (error) {
    if (error instanceof ImportOptionsError) usage(`--fhir: ${error.shortMessage}`);
    throw error;
  }
  const { host, ledgerId } = ledgerTarget(v['to-ledger']);
  const token = await readToken(v);
  const patient = v.patient ?? token.patient;
  if (!patient)
    usage('the token names no patient: give --patient ID (the patient’s FHIR id at the provider)');
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(patient))
    usage(`--patient ${JSON.stringify(patient.slice(0, 80))} is not a FHIR id`);
  const signer = new Signer(await readKeyFile(v.key));
  const author = signer.verifyingKey().toCompressedBytes();

  // the ledger, verified: whose it is, the keys to seal to, the records this key signed
  const ledgerHost = new LedgerHostClient({ url: host, signer });
  let entries: Uint8Array[];
  let verified: ReturnType<typeof verifyLedger>;
  try {
    entries = await ledgerHost.entries(ledgerId);
    verified = verifyLedger(entries, { ledgerId: hexToBytes(ledgerId) });
  } catch (error) {
    throw new CliError(
      `cannot read ledger ${ledgerId} at ${host}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const owner = bytesToHex(verified.owner) === bytesToHex(author);
  const as = owner
    ? 'as the patient’s own records (KEYFILE is the ledger’s owner)'
    : 'as proposals the patient accepts or rejects in her wallet (KEYFILE is not the ledger’s owner)';

  const journalPath =
    v.state ?? join(process.env.MEDVAULT_DATA_DIR ?? '.medvault', 'imports', `${ledgerId}.jsonl`);
  const journal = await ImportJournal.open(journalPath);
  const state = importState(journal.landed(recordsSignedBy(entries, author)));

  const blobs = v.storage ?? v.out ?? defaultBlobDir();
  let store: HttpStore | FsStore;
  if (v.storage !== undefined) {
    try {
      store = new HttpStore({ gateway: v.storage });
    } catch {
      usage(
        `--storage ${JSON.stringify(v.storage.slice(0, 120))} is not a URL: expected the blob service's address`,
      );
    }
  } else {
    try {
      store = await FsStore.open(blobs);
    } catch (error) {
      throw fsFailure(
        error,
        'open the blob store',
        blobs,
        'a writable directory for the blob store',
      );
    }
  }
  if (!v.quiet)
    process.stderr.write(`importing from ${server} into ledger ${ledgerId.slice(0, 16)}… ${as}\n`);

  const land = async (record: BuiltRecord) => {
    let key: EncryptionKey;
    try {
      key = currentEncryptionKey(verified.state, record.category);
    } catch {
      throw new ImportLandRefusedError(
        record.ref,
        `the patient has no key for category "${record.category}" yet (her wallet publishes one when it first needs it)`,
      );
    }
    const { cid, capsule, size } = await sealRecordInto(store, key.key, record.bytes, {
      contentType: record.contentType,
    });
    const body: EntryBody<'record'> = {
      cid: cid.toString(),
      capsule: capsule.toBytes(),
      contentType: record.contentType,
      resourceType: record.resourceType,
      category: record.category,
      size,
      recipient: key.key.toCompressedBytes(),
      note: sealNote(key.key, record.note),
    };
    // journal first: an entry that lands just before a crash is still known to the next run
    await journal.append(sha256(encodeCanonical(body)), record.note);
    await ledgerHost.submit(ledgerId, 'record', body, signer);
  };

  const progress = typeProgress(v.quiet);
  let report: SyncReport;
  try {
    report = await syncFromProvider({
      client: fhirClient(server, token, patient),
      patientId: patient,
      state,
      land,
      onProgress: (p) => progress.update(p),
      ...(v.since === undefined ? {} : { since: v.since }),
      ...(v.full ? { full: true } : {}),
    });
  } catch (error) {
    if (error instanceof ImportOptionsError) usage(error.shortMessage);
    throw error;
  } finally {
    progress.done();
    await journal.close();
  }
  process.stdout.write(summary(report, as));
  if (report.stoppedAt) {
    throw new CliError(
      `import stopped at ${report.stoppedAt.type}: ${report.stoppedAt.error.shortMessage.split('\n')[0]}`,
    );
  }
  if (!report.complete) {
    throw new CliError(
      'import incomplete: some resource types could not be read to the end; run it again to retry them',
    );
  }
}

const OPTIONS = {
  fhir: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  'to-ledger': { type: 'string' },
  key: { type: 'string' },
  patient: { type: 'string' },
  storage: { type: 'string' },
  out: { type: 'string' },
  since: { type: 'string' },
  full: { type: 'boolean' },
  state: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;
