/**
 * The patient opens her own records in the wallet, over the real local
 * stack (ledger host, blob service): the wallet takes the record's key from
 * its category and epoch in the verified ledger, reads the sealed copy from
 * storage and opens it in the background. Storage is not trusted: one that
 * serves other bytes under a record's address is caught, and the export
 * names what it could not include rather than dropping it.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealRecordBytes } from '@medvault/core/envelope';
import { resolveLink } from '@medvault/core/health-links';
import { PublicKey } from '@medvault/core/pre';
import { HttpStore } from '@medvault/core/storage';
import type { Settings, Wallet } from '@medvault/extension/background';
import { stackSettings } from '@medvault/extension/testing';
import { type RunningShlHost, startShlHost } from '@medvault/node/services';
import { caughtAsync } from '@medvault/testing';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FREE_PORTS, type LocalStack, startLocalStack } from '../src/local-stack.js';
import { walletDevice } from './support/wallet-device.js';

const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const PASSPHRASE = 'harbour lamp quiet 7';
const HOSPITAL = 'https://hospital.example';

let dir: string;
let stack: LocalStack;
let settings: Settings;
let liar: Server;
let shlHost: RunningShlHost;
let liarUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-my-records-'));
  stack = await startLocalStack({ dataDir: join(dir, 'stack'), ports: FREE_PORTS, log: () => {} });
  shlHost = await startShlHost({ dataDir: join(dir, 'shl'), port: 0, log: () => {} });
  settings = {
    ...stackSettings(stack),
    storage: stack.blobService.url,
    shlHost: shlHost.url,
  };
  // storage that lies: for any address, the bytes of a record that is not the one asked for
  const other = await sealRecordBytes(
    PublicKey.fromCompressedBytes(
      hexToBytes(`02${'79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'}`),
    ),
    new TextEncoder().encode('{"resourceType":"Observation","id":"not-yours"}'),
    { contentType: 'application/fhir+json' },
  );
  liar = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' });
    res.end(other.bytes);
  });
  await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
  liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => liar?.close(resolve));
  await shlHost?.close();
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A wallet wired as the background wires it, onboarded, pointed at the stack. */
async function patientWallet() {
  const device = await walletDevice('my-records', settings);
  await device.ui.handle({ type: 'onboard', mnemonic: PHRASE, passphrase: PASSPHRASE });
  await device.wallet.saveSettings(settings);
  return device;
}

/** What a hospital does: seal to the patient's current key of `category`, store, hand over. */
async function deliver(
  wallet: Wallet,
  resource: Record<string, unknown>,
  title: string,
  category: string,
) {
  const { publicKey } = await wallet.encryptionKey(category);
  const plaintext = new TextEncoder().encode(JSON.stringify(resource));
  const sealed = await sealRecordBytes(
    PublicKey.fromCompressedBytes(hexToBytes(publicKey)),
    plaintext,
    {
      contentType: 'application/fhir+json',
    },
  );
  await new HttpStore({ gateway: stack.blobService.url }).put(sealed.bytes);
  await wallet.receive(
    {
      cid: sealed.cid.toString(),
      capsule: bytesToHex(sealed.capsule.toBytes()),
      contentType: 'application/fhir+json',
      resourceType: String(resource.resourceType),
      category,
      recipient: publicKey,
      size: sealed.size,
      title,
    },
    HOSPITAL,
  );
  return { cid: sealed.cid.toString(), plaintext };
}

describe('my records, opened in the wallet', () => {
  test('a record opens with the key of its category; storage that lies and unknown records are refused in words', async () => {
    const { wallet, ui, session } = await patientWallet();
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ text: 'Ana Lima' }],
      telecom: [{ system: 'phone', value: '555-0100' }],
    };
    const lab = await deliver(
      wallet,
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }] },
      'Lab results, March',
      'laboratory',
    );
    const note = await deliver(
      wallet,
      { resourceType: 'Condition', id: 'c1', code: { text: 'Asthma' } },
      'Asthma',
      'problem-list',
    );

    const opened = (await ui.handle({ type: 'record/open', cid: lab.cid })) as {
      body: string;
      title: string;
      category: string;
      origin: string;
    };
    expect(opened).toMatchObject({
      title: 'Lab results, March',
      category: 'laboratory',
      origin: HOSPITAL,
    });
    expect(base64.decode(opened.body)).toEqual(lab.plaintext);
    // opening it taught the wallet what identifying data it carries (for the share prompt)
    expect(await wallet.identifyingIn([lab.cid, note.cid])).toEqual({
      kinds: ['name', 'phone number'],
      unchecked: [],
    });

    const unknown = await caughtAsync(
      ui.handle({
        type: 'record/open',
        cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      }),
    );
    expect(unknown).toMatchObject({ code: 'WALLET_NO_SUCH_RECORD' });

    // the export holds both records' resources, once each
    const all = await wallet.exportRecords();
    expect(all.failed).toEqual([]);
    expect(all.included).toBe(2);
    const bundle = JSON.parse(all.bundle) as {
      type: string;
      entry: { resource: { id: string } }[];
    };
    expect(bundle.type).toBe('collection');
    expect(bundle.entry.map((e) => e.resource.id).sort()).toEqual(['c1', 'p1']);

    // storage that serves other bytes under the address: caught, said in words, nothing shown
    await wallet.saveSettings({ ...settings, storage: liarUrl });
    const lied = await caughtAsync(ui.handle({ type: 'record/open', cid: note.cid }));
    expect(lied).toMatchObject({ code: 'WALLET_RECORD_UNAVAILABLE' });
    expect((lied as Error).message).toMatch(/^“Asthma” could not be opened: /);
    const partial = await wallet.exportRecords();
    expect(partial.included).toBe(0);
    expect(partial.failed.map((f) => f.title).sort()).toEqual(['Asthma', 'Lab results, March']);

    // locked, nothing opens
    session.lock();
    await wallet.saveSettings(settings);
    const locked = await caughtAsync(ui.handle({ type: 'record/open', cid: lab.cid }));
    expect(locked).toMatchObject({ code: 'WALLET_LOCKED' });
  }, 60_000);
});

describe('sharing as a SMART Health Link', () => {
  test('a link to lab results opens in a receiver with its passcode; wrong passcodes and openings reach the patient; ended, it opens nothing', async () => {
    const { wallet, ui } = await patientWallet();
    const lab = await deliver(
      wallet,
      { resourceType: 'Observation', id: 'hba1c', code: { text: 'HbA1c' } },
      'HbA1c 6.1 %',
      'laboratory',
    );
    await deliver(
      wallet,
      { resourceType: 'Condition', id: 'asthma', code: { text: 'Asthma' } },
      'Asthma',
      'problem-list',
    );
    const made = (await ui.handle({
      type: 'links/create',
      label: 'Lab results for Dr Rossi',
      categories: ['laboratory'],
      expiresAt: Date.now() + 7 * 86_400_000,
    })) as { shlink: string; passcode: string };
    expect(made.shlink).toMatch(/^shlink:\/[A-Za-z0-9_-]+$/);
    expect(made.passcode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    // the host holds ciphertext only: the link's key never reached it
    const key = JSON.parse(Buffer.from(made.shlink.slice(8), 'base64url').toString()).key as string;
    const { readdir, readFile } = await import('node:fs/promises');
    const files = await readdir(join(dir, 'shl'), { recursive: true });
    for (const file of files) {
      const text = await readFile(join(dir, 'shl', String(file))).catch(() => Buffer.alloc(0));
      expect(text.includes(key)).toBe(false);
      expect(text.includes('HbA1c')).toBe(false);
    }
    // a receiver that knows no MedVault: a wrong passcode, then the right one
    const wrong = await caughtAsync(
      resolveLink(made.shlink, { recipient: 'Night nurse', passcode: 'WRONG-CODE' }),
    );
    expect(wrong).toMatchObject({ code: 'SHL_PASSCODE_REJECTED', remainingAttempts: 9 });
    const resolved = await resolveLink(made.shlink, {
      recipient: 'Dr Rossi, Cardiology',
      passcode: made.passcode,
    });
    // the laboratory records of this ledger (the earlier test's too), and nothing else
    const texts = resolved.files.map((f) => new TextDecoder().decode(f.bytes));
    expect(texts).toContain(new TextDecoder().decode(lab.plaintext));
    expect(texts.join(' ')).not.toMatch(/Asthma/);
    // the patient sees who opened it, by the name they gave
    const [listed] = (await ui.handle({ type: 'links/list' })) as {
      opened: { recipient: string; outcome: string }[];
      status: string;
    }[];
    expect(listed?.status).toBe('active');
    expect(listed?.opened.map((o) => `${o.recipient}: ${o.outcome}`)).toEqual([
      'Dr Rossi, Cardiology: served',
      'Night nurse: wrong-passcode',
    ]);
    // ended by the patient: the same link and passcode open nothing
    const [{ id }] = (await ui.handle({ type: 'links/list' })) as [{ id: string }];
    await ui.handle({ type: 'links/revoke', id });
    const ended = await caughtAsync(
      resolveLink(made.shlink, { recipient: 'Dr Rossi', passcode: made.passcode }),
    );
    expect(ended).toMatchObject({ code: 'SHL_NOT_FOUND' });
    // a link needs a record and a sane end
    await expect(
      ui.handle({
        type: 'links/create',
        label: 'x',
        categories: ['imaging'],
        expiresAt: Date.now() + 86_400_000,
      }),
    ).rejects.toMatchObject({ code: 'WALLET_INVALID_LINK_REQUEST' });
  }, 60_000);

  test('the emergency card: an IPS summary without mental health records, opened with no passcode, updated in place', async () => {
    const { wallet, ui } = await patientWallet();
    await deliver(
      wallet,
      { resourceType: 'AllergyIntolerance', id: 'pen', code: { text: 'Penicillin' } },
      'Penicillin allergy',
      'allergy',
    );
    await deliver(
      wallet,
      { resourceType: 'Condition', id: 'depression', code: { text: 'Major depression' } },
      'Psychiatric assessment',
      'psychiatry',
    );
    const card = (await ui.handle({ type: 'links/emergency' })) as { shlink: string };
    const opened = await resolveLink(card.shlink, { recipient: 'Paramedic' });
    expect(opened.flag).toBe('L');
    const text = new TextDecoder().decode(opened.files[0]?.bytes);
    expect(text).toMatch(/Penicillin/);
    expect(text).not.toMatch(/depression/i);
    // a new record: the same link now carries it (the file was replaced, not a new link made)
    await deliver(
      wallet,
      { resourceType: 'AllergyIntolerance', id: 'latex', code: { text: 'Latex' } },
      'Latex allergy',
      'allergy',
    );
    await expect
      .poll(async () =>
        new TextDecoder().decode(
          (await resolveLink(card.shlink, { recipient: 'Paramedic' })).files[0]?.bytes,
        ),
      )
      .toMatch(/Latex/);
  }, 60_000);
});
