/**
 * `medvault shl …`: SMART Health Links from the command line — make one from
 * local files (encrypted here; the host only ever sees ciphertext), revoke
 * it, read its access log, and open one as a receiver.
 */
import { mkdir, open as openFile, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  FhirResource,
  ShlPayload,
  ShlResolved,
  ShlResolvedFile,
} from '@medvault/core/health-links';
import type { AccessLogEntry } from '../shl-host/access-log.js';
import { CliError } from './cli-error.js';
import { fsFailure } from './fs-errors.js';
import { formatBytes } from './progress.js';

// Loaded by the subcommands that use them (about a second between them):
// revoke needs neither, and a usage error loads nothing.
type HealthLinks = typeof import('@medvault/core/health-links');
const healthLinks = (): Promise<HealthLinks> => import('@medvault/core/health-links');

const USAGE = `usage:
  medvault shl create --host URL [--passcode P] [--expires-in SECONDS] [--label TEXT]
      [--long-term] [--max-attempts N] [--viewer URL] [--token-file FILE] FILE...
      encrypt FILEs (FHIR JSON, or PDFs as a FHIR DocumentReference) here, upload the
      ciphertext, print the shlink:/ link (and its viewer form); the management token
      goes to stderr, or to --token-file
  medvault shl revoke --host URL --id ID (--token TOKEN | --token-file FILE)
  medvault shl log --host URL --id ID (--token TOKEN | --token-file FILE) [--json]
      the link's state and its access log, every entry checked against the host's signature
  medvault shl open LINK [--passcode P] [--recipient NAME] [--out DIR]
      resolve a shlink:/ (or viewer#shlink:/) link as a receiver and write its files to DIR`;

const OPTIONS = {
  host: { type: 'string' },
  passcode: { type: 'string' },
  'expires-in': { type: 'string' },
  label: { type: 'string' },
  'long-term': { type: 'boolean' },
  'max-attempts': { type: 'string' },
  viewer: { type: 'string' },
  'token-file': { type: 'string' },
  token: { type: 'string' },
  id: { type: 'string' },
  json: { type: 'boolean' },
  recipient: { type: 'string' },
  out: { type: 'string' },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

const ALLOWED: Record<string, (keyof typeof OPTIONS)[]> = {
  create: [
    'host',
    'passcode',
    'expires-in',
    'label',
    'long-term',
    'max-attempts',
    'viewer',
    'token-file',
  ],
  revoke: ['host', 'id', 'token', 'token-file'],
  log: ['host', 'id', 'token', 'token-file', 'json'],
  open: ['passcode', 'recipient', 'out'],
};

/** A usage error: the problem in one line (or, without one, the whole usage). */
function usage(message?: string): never {
  throw new CliError(message ? `${message} (see medvault shl --help)` : USAGE, 2);
}

/**
 * `medvault shl create|revoke|log|open …`.
 *
 * @example
 * ```ts
 * await shl(['create', '--host', 'http://127.0.0.1:8791', '--passcode', '4711', 'allergies.json']);
 * await shl(['open', 'shlink:/eyJ1cmwiOi…', '--passcode', '4711', '--out', 'received']);
 * ```
 */
export async function shl(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    if (!sub) usage();
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!(sub in ALLOWED)) usage(`unknown subcommand "${sub}"`);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: joinValues(rest),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  const stray = Object.keys(values).filter((k) => !ALLOWED[sub]?.includes(k as keyof Values));
  if (stray.length > 0) usage(`medvault shl ${sub} does not take --${stray.join(', --')}`);
  switch (sub) {
    case 'create':
      return create(values, positionals);
    case 'revoke':
      if (positionals.length > 0) usage('medvault shl revoke takes no FILE');
      return revoke(values);
    case 'log':
      if (positionals.length > 0) usage('medvault shl log takes no FILE');
      return showLog(values);
    default:
      if (positionals.length !== 1) usage('medvault shl open takes one LINK');
      return open(positionals[0] as string, values);
  }
}

// ---------------------------------------------------------------- create

/** One file to share: what it becomes, encrypted. */
type Prepared = { path: string; contentType: 'application/fhir+json'; text: string; what: string };

async function create(values: Values, files: string[]): Promise<void> {
  const host = hostOf(values);
  if (files.length === 0) usage('medvault shl create needs at least one FILE');
  const expiresIn = values['expires-in'] === undefined ? undefined : positive(values, 'expires-in');
  const maxAttempts =
    values['max-attempts'] === undefined ? undefined : positive(values, 'max-attempts');
  if (values.passcode === '') usage('--passcode must not be empty');
  const exp = expiresIn === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresIn;
  const { encodeLink, encryptFile, manifestUrl, newLinkId, newLinkKey, pdfAsDocumentReference } =
    await healthLinks();
  const key = newLinkKey();
  const flag = `${values['long-term'] ? 'L' : ''}${values.passcode === undefined ? '' : 'P'}`;
  const payloadOf = (url: string): ShlPayload => ({
    url,
    key,
    ...(exp === undefined ? {} : { exp }),
    ...(flag ? { flag } : {}),
    ...(values.label === undefined ? {} : { label: values.label }),
  });
  // everything the link needs is checked before anything is uploaded
  const viewer = values.viewer === undefined ? {} : { viewer: values.viewer };
  encodeLink(payloadOf(manifestUrl(`${host}/shl`, newLinkId())), viewer);

  const prepared: Prepared[] = [];
  for (const path of files) prepared.push(await prepare(path, pdfAsDocumentReference));
  const encrypted = [];
  for (const file of prepared) {
    encrypted.push({
      contentType: file.contentType,
      jwe: await encryptFile(file.text, key, { contentType: file.contentType }),
    });
  }
  // the token file is made before the upload: a link whose token is lost cannot be revoked
  const tokenFile = values['token-file'];
  const tokenHandle =
    tokenFile === undefined
      ? undefined
      : await openFile(tokenFile, 'wx', 0o600).catch((error: unknown) => {
          throw fsFailure(error, 'create', tokenFile, 'a new file for the management token');
        });
  type Created = { id: string; manifestUrl: string; managementToken: string };
  let created: Created | undefined;
  let links: string[];
  try {
    created = (await hostRequest(host, 'POST', '/api/links', undefined, {
      files: encrypted,
      ...(values.passcode === undefined ? {} : { passcode: values.passcode }),
      ...(exp === undefined ? {} : { exp }),
      ...(values.label === undefined ? {} : { label: values.label }),
      ...(values['long-term'] ? { longTerm: true } : {}),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    })) as Created;
    await tokenHandle?.writeFile(`${created.managementToken}\n`);
    await tokenHandle?.sync();
  } catch (error) {
    await tokenHandle?.close();
    if (tokenFile !== undefined) await rm(tokenFile, { force: true });
    // a link whose token could not be kept is revoked at once
    if (created) await revokeQuietly(host, created);
    throw error;
  }
  await tokenHandle?.close();
  try {
    const payload = payloadOf(created.manifestUrl);
    links = [
      encodeLink(payload),
      ...(values.viewer === undefined ? [] : [encodeLink(payload, viewer)]),
    ];
  } catch (error) {
    // the host names its manifest URL (its public URL may differ from --host): no usable link, so none stays
    await revokeQuietly(host, created);
    throw new CliError(
      `the SHL host's manifest URL cannot go in a link (${(error as Error).message.split('\n')[0]}); the link was revoked`,
    );
  }
  process.stdout.write(`${links.join('\n')}\n`);
  const until =
    exp === undefined
      ? 'until you revoke it'
      : `until ${new Date(exp * 1000).toISOString()} or until you revoke it`;
  const who =
    values.passcode === undefined
      ? 'whoever holds this link'
      : 'whoever holds this link and its passcode';
  const tokenWhere =
    values['token-file'] === undefined
      ? `management token: ${created.managementToken}`
      : `management token written to ${values['token-file']}`;
  process.stderr.write(
    [
      `shared ${prepared.map((f) => f.what).join(', ')} as link ${created.id}`,
      `${who} can read ${prepared.length === 1 ? 'this file' : `these ${prepared.length} files`} ${until}.`,
      `${tokenWhere} (keep it: it revokes the link and reads its access log)`,
      `revoke: medvault shl revoke --host ${host} --id ${created.id} --token${values['token-file'] === undefined ? ' TOKEN' : `-file ${values['token-file']}`}`,
      '',
    ].join('\n'),
  );
}

/** Revokes a link just made that cannot be used, as well as the host lets it. */
async function revokeQuietly(
  host: string,
  link: { id: string; managementToken: string },
): Promise<void> {
  await hostRequest(host, 'DELETE', `/api/links/${link.id}`, link.managementToken).catch(
    () => undefined,
  );
}

/** A file as FHIR JSON: a FHIR resource as is, a PDF wrapped in a DocumentReference. */
async function prepare(
  path: string,
  pdfAsDocumentReference: HealthLinks['pdfAsDocumentReference'],
): Promise<Prepared> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fsFailure(error, 'read', path, 'a FHIR JSON file or a PDF');
  }
  const name = basename(path);
  const isPdf = bytes.subarray(0, 5).toString() === '%PDF-';
  if (isPdf) {
    const title = basename(path, extname(path)) || name;
    const doc = pdfAsDocumentReference(bytes, title);
    return {
      path,
      contentType: 'application/fhir+json',
      text: JSON.stringify(doc),
      what: `${name} (PDF)`,
    };
  }
  let resource: unknown;
  try {
    resource = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new CliError(`${path} is neither a PDF nor JSON; expected a FHIR resource or a PDF`);
  }
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof type !== 'string' || !/^[A-Z][A-Za-z]*$/.test(type)) {
    throw new CliError(
      `${path} is JSON without a FHIR resourceType; expected a FHIR resource or a PDF`,
    );
  }
  return {
    path,
    contentType: 'application/fhir+json',
    text: JSON.stringify(resource),
    what: `${name} (${type})`,
  };
}

// ---------------------------------------------------------------- revoke, log

async function revoke(values: Values): Promise<void> {
  const host = hostOf(values);
  const id = idOf(values);
  const token = await tokenOf(values);
  await hostRequest(host, 'DELETE', `/api/links/${id}`, token);
  process.stdout.write(`revoked ${id}\n`);
  process.stderr.write(
    'the host no longer serves it and has deleted its files; what was read before stays read\n',
  );
}

type LinkInfo = {
  id: string;
  status: string;
  created: string;
  exp?: number;
  label?: string;
  longTerm: boolean;
  passcode: boolean;
  remainingAttempts?: number;
  revokedAt?: string;
  files: { contentType: string; length: number; lastUpdated: string }[];
  hostKey: string;
  log: AccessLogEntry[];
};

const OUTCOMES: Record<string, string> = {
  served: 'served',
  'wrong-passcode': 'wrong passcode',
  refused: 'refused',
};

async function showLog(values: Values): Promise<void> {
  const host = hostOf(values);
  const id = idOf(values);
  const token = await tokenOf(values);
  const info = (await hostRequest(host, 'GET', `/api/links/${id}`, token)) as LinkInfo;
  const { AccessLogError, verifyAccessLog } = await import('../shl-host/access-log.js');
  try {
    verifyAccessLog(id, info.log, info.hostKey);
  } catch (error) {
    if (error instanceof AccessLogError) {
      throw new CliError(`the host's access log does not verify: ${error.shortMessage}`);
    }
    throw error;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  const state = [
    info.status,
    info.exp === undefined ? 'no expiry' : `expires ${new Date(info.exp * 1000).toISOString()}`,
    info.passcode ? `passcode: ${info.remainingAttempts} wrong attempts left` : 'no passcode',
    `${info.files.length} file${info.files.length === 1 ? '' : 's'}`,
    ...(info.longTerm ? ['long-term'] : []),
  ];
  const lines = [
    `link ${id}${info.label === undefined ? '' : ` ${JSON.stringify(info.label)}`}: ${state.join(', ')}`,
    `access log: ${info.log.length} request${info.log.length === 1 ? '' : 's'}, each signed by the host key ${info.hostKey}`,
  ];
  for (const entry of info.log) {
    const why = entry.reason === undefined ? '' : ` (${entry.reason})`;
    const left =
      entry.remainingAttempts === undefined ? '' : `, ${entry.remainingAttempts} attempts left`;
    // the recipient is whatever the requester wrote: quoted, so it cannot pose as output
    lines.push(
      `${entry.at}  ${(OUTCOMES[entry.outcome] ?? entry.outcome).padEnd(14)}  ${JSON.stringify(entry.recipient)}${why}${left}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------- open

async function open(link: string, values: Values): Promise<void> {
  const out = values.out ?? '.';
  const recipient = values.recipient ?? 'medvault CLI';
  progress('resolving the link…');
  const hl = await healthLinks();
  let resolved: ShlResolved;
  try {
    resolved = await hl.resolveLink(link, {
      recipient,
      ...(values.passcode === undefined ? {} : { passcode: values.passcode }),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw openFailure(error, hl);
  }
  const label = resolved.label === undefined ? '' : ` "${resolved.label}"`;
  progress(
    `link${label}: ${resolved.files.length} file${resolved.files.length === 1 ? '' : 's'} decrypted`,
  );
  try {
    await mkdir(out, { recursive: true });
  } catch (error) {
    throw fsFailure(error, 'create', out, 'a directory to write the files to');
  }
  for (const [i, file] of resolved.files.entries()) {
    for (const { name, bytes } of outputsOf(file, i + 1)) {
      const path = join(out, name);
      try {
        await writeFile(path, bytes, { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new CliError(
            `${path} already exists; refusing to overwrite it (choose another --out)`,
          );
        }
        throw fsFailure(error, 'write', path, 'a writable directory');
      }
      progress(`wrote ${path} (${formatBytes(bytes.length)})`);
      process.stdout.write(`${path}\n`);
    }
  }
}

/** The files to write for one resolved file: named by content type, a PDF attachment also as itself. */
function outputsOf(file: ShlResolvedFile, n: number): { name: string; bytes: Uint8Array }[] {
  switch (file.contentType) {
    case 'application/fhir+json': {
      const resource = file.resource as FhirResource;
      const outputs = [{ name: `${n}-${resource.resourceType}.json`, bytes: file.bytes }];
      const pdf = pdfOf(resource);
      if (pdf) outputs.push({ name: `${n}-${resource.resourceType}.pdf`, bytes: pdf });
      return outputs;
    }
    case 'application/smart-health-card':
      return [{ name: `${n}.smart-health-card`, bytes: file.bytes }];
    case 'application/smart-api-access':
      return [{ name: `${n}-smart-api-access.json`, bytes: file.bytes }];
    default:
      return [{ name: `${n}.bin`, bytes: file.bytes }];
  }
}

/** The PDF a DocumentReference carries inline, if it carries exactly that. */
function pdfOf(resource: FhirResource): Uint8Array | undefined {
  if (resource.resourceType !== 'DocumentReference') return undefined;
  const content = resource.content as { attachment?: { contentType?: unknown; data?: unknown } }[];
  const attachment = Array.isArray(content) ? content[0]?.attachment : undefined;
  if (attachment?.contentType !== 'application/pdf' || typeof attachment.data !== 'string') {
    return undefined;
  }
  const bytes = Buffer.from(attachment.data, 'base64');
  return bytes.subarray(0, 5).toString() === '%PDF-' ? bytes : undefined;
}

/** A receiver's failure in the words a person at a terminal needs. */
function openFailure(error: unknown, hl: HealthLinks): unknown {
  const { ShlError, ShlNotFoundError, ShlPasscodeError, ShlPasscodeRequiredError } = hl;
  if (error instanceof ShlPasscodeRequiredError) {
    return new CliError(
      'this link needs a passcode: ask its sender for it and give it with --passcode',
    );
  }
  if (error instanceof ShlPasscodeError) {
    const left =
      error.remainingAttempts === undefined
        ? ''
        : `: ${error.remainingAttempts} attempt${error.remainingAttempts === 1 ? '' : 's'} left before the link is disabled`;
    return new CliError(`wrong passcode${left}`);
  }
  if (error instanceof ShlNotFoundError) {
    return new CliError(
      'the host no longer serves this link: it expired, was revoked, or was disabled after too many wrong passcodes; ask its sender for a new one',
    );
  }
  if (error instanceof ShlError) return new CliError(`cannot open the link: ${error.shortMessage}`);
  return error;
}

// ---------------------------------------------------------------- plumbing

/**
 * A progress line on stderr for a person at a terminal; nothing when stderr
 * is a pipe or a file (as `startProgress`), so a failure stays one line there.
 */
function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`${line}\n`);
}

/** String options take the next argument as is, even one starting with "-" (tokens and ids may). */
function joinValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const option = OPTIONS[name as keyof typeof OPTIONS];
    if (option?.type === 'string' && i + 1 < args.length) out.push(`${arg}=${args[++i]}`);
    else out.push(arg);
  }
  return out;
}

function hostOf(values: Values): string {
  const host = values.host;
  if (!host) usage('missing --host URL (the SHL host, e.g. http://127.0.0.1:8791)');
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    usage(`--host must be an http(s) URL, not ${JSON.stringify(host)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    usage('--host must be an http(s) URL without query or fragment');
  }
  return url.href.replace(/\/+$/, '');
}

function idOf(values: Values): string {
  const id = values.id;
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) {
    usage('--id must be the link id: 43 characters, as medvault shl create printed it');
  }
  return id;
}

async function tokenOf(values: Values): Promise<string> {
  let token = values.token;
  if (values['token-file'] !== undefined) {
    if (token !== undefined) usage('give --token or --token-file, not both');
    const file = values['token-file'];
    try {
      token = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      throw fsFailure(error, 'read', file, 'the management token file of medvault shl create');
    }
  }
  if (token === undefined) usage('missing --token TOKEN or --token-file FILE');
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
    throw new CliError(
      'the management token must be 43 characters, as medvault shl create gave it',
    );
  }
  return token;
}

function positive(values: Values, name: 'expires-in' | 'max-attempts'): number {
  const raw = values[name] as string;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    usage(`--${name} must be a positive whole number, not ${JSON.stringify(raw)}`);
  }
  return n;
}

/** One owner-API request; a refusal or a network failure becomes one line. */
async function hostRequest(
  host: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${host}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `cannot reach the SHL host at ${host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (response.status === 404 && path.startsWith('/api/links/')) {
      throw new CliError(
        `the SHL host at ${host} has no link with this id for this token [${String(error?.code ?? 404)}]`,
      );
    }
    const said =
      typeof error?.message === 'string'
        ? `${error.message} [${String(error.code)}]`
        : `HTTP ${response.status}`;
    throw new CliError(`the SHL host at ${host} refused: ${said}`);
  }
  if (json === undefined) throw new CliError(`the SHL host at ${host} answered something not JSON`);
  return json;
}
