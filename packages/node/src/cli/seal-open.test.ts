/** `medvault seal` and `medvault open`, run as real child processes. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { testPatient } from '@medvault/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLedgerHost } from '../ledger-host/server.js';
import { FsStore } from '../storage/fs-store.js';
import { writeKeyFile } from './key-file.js';
import { medvault, medvaultBinary } from './run-cli.js';

let dir: string;
const path = (name: string) => join(dir, name);
let patientPk: string;
const plaintext = new Uint8Array(3 * 1024 * 1024 + 77).map((_, i) => (i * 13) & 255);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-seal-'));
  patientPk = (await medvault('keygen', '--out', path('patient.key'))).stdout.trim();
  await medvault('keygen', '--out', path('other.key'));
  await writeFile(path('scan.dcm'), plaintext);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('medvault seal / open', () => {
  let cid: string;
  const openByCid = () =>
    medvaultBinary('open', cid, '--key', path('patient.key'), '--store', path('blobs'));

  test('seal prints the CID of the sealed blob in the store; open by CID prints the plaintext', async () => {
    const sealed = await medvault(
      'seal',
      '--to',
      patientPk,
      path('scan.dcm'),
      '--out',
      path('blobs'),
    );
    expect(sealed.stderr).toBe('');
    expect(sealed.code).toBe(0);
    cid = sealed.stdout.trim();
    expect(cid).toMatch(/^bafybei[a-z2-7]+$/);
    const opened = await openByCid();
    expect(opened.code).toBe(0);
    expect(Buffer.compare(opened.stdout, Buffer.from(plaintext))).toBe(0);
  });

  test('open takes a sealed file too', async () => {
    const store = await FsStore.open(path('blobs'));
    const bytes = new Uint8Array(await new Response(await store.get(cid)).arrayBuffer());
    await writeFile(path('scan.mvre'), bytes);
    const opened = await medvaultBinary('open', path('scan.mvre'), '--key', path('patient.key'));
    expect(Buffer.compare(opened.stdout, Buffer.from(plaintext))).toBe(0);
  });

  test('every failure is a non-zero exit and one line naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['seal', path('scan.dcm')], /^medvault: usage: medvault seal/],
      [['seal', '--to', 'abc', path('scan.dcm')], /is not a public key/],
      [['seal', '--to', patientPk, path('missing.dcm')], /cannot read .*missing\.dcm/],
      [
        ['seal', '--to', patientPk, path('scan.dcm'), '--segment-size', '12'],
        /\[ENVELOPE_SEGMENT_SIZE\]$/,
      ],
      [
        ['open', cid, '--key', path('other.key'), '--store', path('blobs')],
        /\[ENVELOPE_KEY_UNWRAP\]$/,
      ],
      [['open', 'not-a-cid', '--key', path('patient.key')], /\[STORAGE_INVALID_CID\]$/],
      [
        [
          'open',
          'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
          '--key',
          path('patient.key'),
          '--store',
          path('blobs'),
        ],
        /\[STORAGE_NOT_FOUND\]$/,
      ],
      [['open', path('scan.dcm'), '--key', path('patient.key')], /\[ENVELOPE_UNKNOWN_FORMAT\]$/],
      [['open', cid], /^medvault: usage: medvault open/],
    ];
    const results = await Promise.all(cases.map(([args]) => medvault(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(message);
    }
  });

  test('a block altered in the store stops the output with STORAGE_INTEGRITY', async () => {
    const blocks = join(path('blobs'), 'blocks');
    const shards = await readdir(blocks);
    // find a leaf (not the root) and overwrite it with other bytes of the same length
    for (const shard of shards) {
      for (const name of await readdir(join(blocks, shard))) {
        if (name !== cid && name.startsWith('bafkrei')) {
          await writeFile(join(blocks, shard, name), new Uint8Array(1024 * 1024));
          const r = await openByCid();
          expect(r.code).not.toBe(0);
          expect(r.stderr.trim()).toMatch(/\[STORAGE_INTEGRITY\]$/);
          return;
        }
      }
    }
    throw new Error('no leaf block found');
  });
});

describe('medvault seal --to-ledger', () => {
  test('seals to the patient’s current key for the category, read from the verified ledger; says which', async () => {
    const host = await startLedgerHost({ dataDir: path('ledgers'), log: () => {} });
    try {
      const patient = testPatient();
      const client = new LedgerHostClient({ url: host.url, signer: patient.owner });
      const local = await Ledger.create(patient.owner, { store: new MemoryLedgerStore() });
      const id = await client.createLedger(local.entryBytes(0));
      await client.submit(id, 'encryption-keys', patient.keysEntry(), patient.owner);
      await writeKeyFile(path('lab0.key'), patient.secretOf('laboratory', 0));
      await writeKeyFile(path('lab1.key'), patient.secretOf('laboratory', 1));
      const seal = () =>
        medvault(
          'seal',
          '--to-ledger',
          `${host.url}/${id}`,
          '--category',
          'laboratory',
          path('scan.dcm'),
          '--out',
          path('ledger-blobs'),
        );
      const open = (cidOf: string, key: string) =>
        medvaultBinary('open', cidOf, '--key', path(key), '--store', path('ledger-blobs'));

      const first = await seal();
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/"laboratory" key, epoch 0 \(ledger verified: 2 entries\)/);
      const opened = await open(first.stdout.trim(), 'lab0.key');
      expect(Buffer.compare(opened.stdout, Buffer.from(plaintext))).toBe(0);
      expect((await open(first.stdout.trim(), 'patient.key')).code).not.toBe(0);

      // after a rotation the next seal goes to epoch 1
      await client.submit(
        id,
        'encryption-keys',
        { keys: [{ category: 'laboratory', epoch: 1, key: patient.recipientOf('laboratory', 1) }] },
        patient.owner,
      );
      const second = await seal();
      expect(second.stderr).toMatch(/epoch 1/);
      expect((await open(second.stdout.trim(), 'lab1.key')).code).toBe(0);
      expect((await open(second.stdout.trim(), 'lab0.key')).code).not.toBe(0);

      // bad input: one line each
      const cases: [string[], RegExp][] = [
        [
          [
            'seal',
            '--to-ledger',
            `${host.url}/${id}`,
            '--category',
            'dermatology',
            path('scan.dcm'),
          ],
          /published no encryption key yet/,
        ],
        [['seal', '--to-ledger', `${host.url}/${id}`, path('scan.dcm')], /needs --category/],
        [
          ['seal', '--to-ledger', 'not-a-host', '--category', 'laboratory', path('scan.dcm')],
          /is not HOST\/LEDGERID/,
        ],
        [
          [
            'seal',
            '--to-ledger',
            `${host.url}/${id}`,
            '--category',
            'Lab Results',
            path('scan.dcm'),
          ],
          /--category: .*a–z/,
        ],
        [
          [
            'seal',
            '--to-ledger',
            `${host.url}/${'00'.repeat(32)}`,
            '--category',
            'laboratory',
            path('scan.dcm'),
          ],
          /cannot read ledger/,
        ],
      ];
      for (const [args, message] of cases) {
        const r = await medvault(...args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr, args.join(' ')).toMatch(message);
      }
    } finally {
      await host.close();
    }
  }, 120_000);
});
