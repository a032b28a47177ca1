/**
 * `medvault shl-host` and `medvault shl …` as real child processes over real
 * HTTP: a link made from a FHIR resource and a PDF is opened by a receiver
 * with its passcode (files written back, the PDF byte for byte), a wrong
 * passcode is refused in words with the attempts left, the access log names
 * who asked, and a revoked link no longer opens. One host for the file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLink } from '@medvault/core/health-links';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CliResult, medvault, type SpawnedService, spawnService } from './run-cli.js';

let dir: string;
let host: SpawnedService;
let url: string;
const path = (name: string) => join(dir, name);

const BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [{ resource: { resourceType: 'AllergyIntolerance', code: { text: 'Penicillin' } } }],
};
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n'),
  Buffer.alloc(3000, 7),
  Buffer.from('%%EOF\n'),
]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-shl-cli-'));
  await writeFile(path('allergies.json'), JSON.stringify(BUNDLE));
  await writeFile(path('letter.pdf'), PDF);
  host = await spawnService(['shl-host', '--port', '0', '--data-dir', path('host')]);
  url = host.match[1] as string;
});
afterAll(async () => {
  await host?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A failure told in exactly one line on stderr, no stack trace. */
function expectOneLine(r: CliResult, line: RegExp) {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
}

describe('medvault shl', () => {
  let link: string;
  let id: string;

  test('shl-host prints where it listens', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('create: encrypts here, prints the link and its viewer form, the token into a file', async () => {
    const r = await medvault(
      'shl',
      'create',
      '--host',
      url,
      '--passcode',
      'tulip-42',
      '--expires-in',
      '3600',
      '--label',
      'Allergies and letter for Dr. Ada',
      '--viewer',
      'https://viewer.example.org/',
      '--token-file',
      path('token'),
      path('allergies.json'),
      path('letter.pdf'),
    );
    expect(r.code, r.stderr).toBe(0);
    const [bare, viewer, ...more] = r.stdout.trim().split('\n');
    expect(more).toEqual([]);
    expect(bare).toMatch(/^shlink:\/[A-Za-z0-9_-]+$/);
    expect(viewer).toBe(`https://viewer.example.org/#${bare}`);
    link = bare as string;
    const payload = decodeLink(link);
    expect(payload).toMatchObject({ flag: 'P', label: 'Allergies and letter for Dr. Ada' });
    expect(payload.url).toMatch(new RegExp(`^${url}/shl/[A-Za-z0-9_-]{43}$`));
    expect(payload.url.length).toBeLessThanOrEqual(128);
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000 + 3500);
    id = payload.url.split('/').at(-1) as string;
    expect(r.stderr).toContain(`as link ${id}`);
    expect(r.stderr).toContain(
      'whoever holds this link and its passcode can read these 2 files until',
    );
    expect(r.stderr).toContain(`management token written to ${path('token')}`);
    expect((await readFile(path('token'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // the host holds ciphertext only: neither the key nor any plaintext is on its disk
    const onDisk = await readAll(path('host'));
    expect(onDisk).not.toContain(payload.key);
    expect(onDisk).not.toContain('Penicillin');
    expect(onDisk).not.toContain('tulip-42');
  });

  test('open without the passcode, then with a wrong one: refused in words', async () => {
    const [none, wrong] = await Promise.all([
      medvault('shl', 'open', link, '--out', path('nope')),
      medvault('shl', 'open', link, '--passcode', '-daisy-41', '--recipient', 'Mallory'),
    ]);
    expectOneLine(
      none,
      /^medvault: this link needs a passcode: ask its sender for it and give it with --passcode$/,
    );
    expectOneLine(wrong, /^medvault: wrong passcode: 9 attempts left before the link is disabled$/);
  });

  test('open: resolves as a receiver and writes the files, the PDF as it was', async () => {
    const r = await medvault(
      'shl',
      'open',
      link,
      '--passcode',
      'tulip-42',
      '--recipient',
      'Dr. Ada, St. Elsewhere',
      '--out',
      path('received'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      path('received/1-Bundle.json'),
      path('received/2-DocumentReference.json'),
      path('received/2-DocumentReference.pdf'),
    ]);
    expect(JSON.parse(await readFile(path('received/1-Bundle.json'), 'utf8'))).toEqual(BUNDLE);
    expect(await readFile(path('received/2-DocumentReference.pdf'))).toEqual(PDF);
    const doc = JSON.parse(await readFile(path('received/2-DocumentReference.json'), 'utf8'));
    expect(doc.content[0].attachment).toMatchObject({
      contentType: 'application/pdf',
      title: 'letter',
    });
  });

  test('log: who asked and what they got, checked against the host signature', async () => {
    const r = await medvault(
      'shl',
      'log',
      '--host',
      url,
      '--id',
      id,
      '--token-file',
      path('token'),
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/: active, expires .*passcode: 9 wrong attempts left, 2 files$/);
    expect(lines[1]).toMatch(
      /^access log: 2 requests, each signed by the host key 0[23][0-9a-f]{64}$/,
    );
    expect(lines[2]).toMatch(/ {2}wrong passcode {2}"Mallory", 9 attempts left$/);
    expect(lines[3]).toMatch(/ {2}served {10}"Dr. Ada, St. Elsewhere", 9 attempts left$/);
  });

  test('revoke: the link no longer opens, and says so', async () => {
    const token = (await readFile(path('token'), 'utf8')).trim();
    const r = await medvault('shl', 'revoke', '--host', url, '--id', id, '--token', token);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`revoked ${id}\n`);
    expectOneLine(
      await medvault('shl', 'open', link, '--passcode', 'tulip-42', '--out', path('late')),
      /^medvault: the host no longer serves this link: it expired, was revoked, or was disabled/,
    );
  });

  test('bad input: one line each, no stack trace', async () => {
    await writeFile(path('note.json'), '{"note":"not FHIR"}');
    const [noHost, notFhir, unknown] = await Promise.all([
      medvault('shl', 'create', path('note.json')),
      medvault('shl', 'create', '--host', url, path('note.json'), path('missing.json')),
      medvault(
        'shl',
        'revoke',
        '--host',
        url,
        '--id',
        `-${'A'.repeat(42)}`,
        '--token',
        'B'.repeat(43),
      ),
    ]);
    expectOneLine(noHost, /^medvault: missing --host URL .*\(see medvault shl --help\)$/);
    expect(noHost.code).toBe(2);
    expectOneLine(notFhir, /^medvault: .*note\.json is JSON without a FHIR resourceType/);
    expectOneLine(
      unknown,
      /^medvault: the SHL host at .* has no link with this id for this token \[SHL_HOST_NOT_FOUND\]$/,
    );
  });
});

/** Every file under `root`, concatenated as text. */
async function readAll(root: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
  );
  return texts.join('\n');
}
