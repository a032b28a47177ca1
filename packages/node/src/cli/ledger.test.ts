/** `medvault ledger …` run as a real child process. */
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { medvault } from './run-cli.js';

let dir: string;
const path = (name: string) => join(dir, name);
const keys: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-cli-'));
  await Promise.all(
    ['owner', 'lab', 'notes', 'hospital', 'clinic', 'proxy'].map(async (who) => {
      const r = await medvault('keygen', '--out', path(`${who}.key`));
      expect(r.code).toBe(0);
      keys[who] = r.stdout.trim();
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('medvault ledger', () => {
  const file = () => path('patient.ledger');
  const grantId = bytesToHex(randomBytes(32));

  test('init, append every kind, checkpoint, verify', async () => {
    const init = await medvault('ledger', 'init', file(), '--owner', path('owner.key'));
    expect(init.code).toBe(0);
    expect(init.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    // the patient publishes the key lab records are sealed to
    const published = await medvault(
      'ledger',
      'append',
      file(),
      '--kind',
      'encryption-keys',
      '--key',
      path('owner.key'),
      '--body',
      JSON.stringify({ keys: [{ category: 'laboratory', epoch: 0, key: keys.lab }] }),
    );
    expect(published.stdout).toMatch(/^seq 1 [0-9a-f]{64}/);

    const record = await medvault(
      'ledger',
      'append',
      file(),
      '--kind',
      'record',
      '--key',
      path('hospital.key'),
      '--body',
      JSON.stringify({
        cid: 'bafkreiabc',
        capsule: bytesToHex(randomBytes(105)),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: 2048,
      }),
    );
    expect(record.stdout).toMatch(/^seq 2 [0-9a-f]{64}/);
    const grant = await medvault(
      'ledger',
      'append',
      file(),
      '--kind',
      'grant',
      '--key',
      path('owner.key'),
      '--notes-to',
      keys.notes as string,
      '--body',
      JSON.stringify({
        grantId,
        grantee: keys.clinic,
        scope: { categories: ['laboratory'] },
        note: { purpose: 'follow-up', readerName: 'Riverside Clinic' },
        readerNote: { purpose: 'follow-up' },
        ledgerHost: 'http://127.0.0.1:8787',
        salt: '5a'.repeat(32),
        expiresAt: Date.now() + 86_400_000,
        proxies: [{ url: 'http://127.0.0.1:9001', key: keys.proxy }],
        threshold: 1,
        categories: ['laboratory'],
      }),
    );
    expect(grant.stdout).toMatch(/^seq 3 /);
    const access = await medvault(
      'ledger',
      'append',
      file(),
      '--kind',
      'access',
      '--key',
      path('proxy.key'),
      '--body',
      JSON.stringify({ grantId, proxy: keys.proxy, capsules: ['bafkreiabc'] }),
    );
    expect(access.stdout).toMatch(/^seq 4 /);
    const cp = await medvault('ledger', 'checkpoint', file(), '--key', path('owner.key'));
    expect(cp.stdout).toMatch(/^size 5 root [0-9a-f]{64}/);
    const revoke = await medvault(
      'ledger',
      'append',
      file(),
      '--kind',
      'revoke',
      '--key',
      path('owner.key'),
      '--body',
      JSON.stringify({ grantId }),
    );
    expect(revoke.code).toBe(0);
    await medvault('ledger', 'checkpoint', file(), '--key', path('owner.key'));

    const verify = await medvault('ledger', 'verify', file());
    expect(verify).toMatchObject({ code: 0, stderr: '' });
    expect(verify.stdout.trim()).toMatch(/^verified: 6 entries, root [0-9a-f]{64}, 2 checkpoints$/);
  });

  test('prove and check-proof: inclusion and consistency', async () => {
    const prove = await medvault('ledger', 'prove', file(), '--seq', '1');
    expect(prove.code).toBe(0);
    await writeFile(path('inclusion.json'), prove.stdout);
    const check = await medvault('ledger', 'check-proof', path('inclusion.json'));
    expect(check.stdout.trim()).toMatch(/^valid: entry 1 is in ledger [0-9a-f]{64} at size 6$/);

    const consistency = await medvault('ledger', 'prove', file(), '--consistency', '5');
    await writeFile(path('consistency.json'), consistency.stdout);
    expect((await medvault('ledger', 'check-proof', path('consistency.json'))).stdout.trim()).toBe(
      'valid: size 5 → 6 consistent',
    );

    const tampered = JSON.parse(prove.stdout);
    tampered.proof.path[0] = tampered.proof.path[0].replace(/^./, (c: string) =>
      c === '0' ? '1' : '0',
    );
    await writeFile(path('tampered.json'), JSON.stringify(tampered));
    const bad = await medvault('ledger', 'check-proof', path('tampered.json'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(
      /^medvault: Inclusion proof rejected.*\[LEDGER_INCLUSION_PROOF\]\n$/,
    );
  });

  test('an unauthorised append is refused and leaves the file unchanged', async () => {
    const before = await readFile(file());
    const r = await medvault(
      'ledger',
      'append',
      file(),
      '--kind',
      'revoke',
      '--key',
      path('hospital.key'),
      '--body',
      JSON.stringify({ grantId }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/LEDGER_UNAUTHORIZED/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readFile(file())).toEqual(before);
  });

  test('a tampered byte is found, with the entry it is in', async () => {
    const bytes = await readFile(file());
    const copy = path('tampered.ledger');
    const tampered = Buffer.from(bytes);
    tampered[Math.floor(bytes.length / 3)]! ^= 0x01;
    await writeFile(copy, tampered);
    const r = await medvault('ledger', 'verify', copy);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^medvault: .*(\(entry \d+\)|LEDGER_)/);
  });

  test('a file cut mid-entry reports the torn entry', async () => {
    const copy = path('torn.ledger');
    await writeFile(copy, await readFile(file()));
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(copy));
    await truncate(copy, size - 20);
    const r = await medvault('ledger', 'verify', copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/torn entry.*\[LEDGER_TORN_ENTRY\]/);
  });

  test('usage errors are one clear line', async () => {
    const cases: [string[], RegExp][] = [
      [
        [
          'ledger',
          'append',
          file(),
          '--kind',
          'nonsense',
          '--key',
          path('owner.key'),
          '--body',
          '{}',
        ],
        /--kind must be one of/,
      ],
      [
        [
          'ledger',
          'append',
          file(),
          '--kind',
          'revoke',
          '--key',
          path('owner.key'),
          '--body',
          '{not json',
        ],
        /--body is not valid JSON/,
      ],
      [
        [
          'ledger',
          'append',
          file(),
          '--kind',
          'revoke',
          '--key',
          path('owner.key'),
          '--body',
          '{"grantId":"abcd"}',
        ],
        /invalid revoke body: grantId/,
      ],
      [['ledger', 'checkpoint', file()], /missing --key/],
      [['ledger', 'verify', file(), '--owner', 'x'], /does not take --owner/],
      [['ledger', 'init', file(), '--owner', path('owner.key')], /already exists/],
      [['ledger', 'prove', file(), '--seq', '99'], /no entry 99/],
      [['ledger', 'verify', path('missing.ledger')], /holds no ledger/],
    ];
    for (const [args, pattern] of cases) {
      const r = await medvault(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(pattern);
    }
  });
});
