/**
 * A wallet restored from its phrase on a second device gets its records and
 * shares back from the ledger, over the real local stack (anvil, ledger
 * host, proxies): the restored grants are whole enough to revoke, and each
 * device learns of the other's revocations at its next ledger check. Also
 * the ledger check against the chain: an anchor over other entries, or
 * beyond the entries the host gave, is a problem.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anchorCheckpoint } from '@medvault/core/chain';
import { LEDGER_VERSION, sealNote } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { encrypt, PublicKey, SecretKey, Signer } from '@medvault/core/pre';
import { deriveIdentity, type Settings } from '@medvault/extension/background';
import { stackSettings } from '@medvault/extension/testing';
import { devClient } from '@medvault/node/services';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FREE_PORTS, type LocalStack, startLocalStack } from '../src/local-stack.js';
import { walletDevice } from './support/wallet-device.js';

const PHRASE = 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above';
const PASSPHRASE = 'quiet harbour lamp 9';
const HOSPITAL = 'https://hospital.example';
const CLINIC = 'https://clinic.example';
const DAY = 86_400_000;

let dir: string;
let stack: LocalStack;
let settings: Settings;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-lists-'));
  stack = await startLocalStack({ dataDir: join(dir, 'stack'), ports: FREE_PORTS, log: () => {} });
  settings = stackSettings(stack);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One device: its own IndexedDB and ledger copy, wired as the background wires them. */
const device = () => walletDevice('lists-from-ledger', settings);

const record = (cid: string, title: string, category: string) => {
  const [capsule] = encrypt(SecretKey.random().publicKey(), randomBytes(32));
  return {
    cid,
    capsule: bytesToHex(capsule.toBytes()),
    contentType: 'application/fhir+json',
    size: 2048,
    title,
    resourceType: 'Observation',
    category,
  };
};

const share = (purpose: string) => ({
  reader: {
    publicKey: bytesToHex(stack.clinicKey.publicKey().toCompressedBytes()),
    name: 'Riverside Clinic — Dr. Okafor',
  },
  scope: { categories: ['laboratory'] },
  purpose,
  expiresAt: Date.now() + 30 * DAY,
});

describe('the lists, restored from the ledger', () => {
  test('a second device restored from the phrase lists the records and shares, and can revoke', async () => {
    const first = await device();
    await first.ui.handle({ type: 'onboard', mnemonic: PHRASE, passphrase: PASSPHRASE });
    const hba1c = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    const lipids = 'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su';
    await first.wallet.receive(record(hba1c, 'HbA1c 6.1 %', 'laboratory'), HOSPITAL);
    await first.wallet.receive(record(lipids, 'Lipid panel', 'laboratory'), HOSPITAL);
    const ended = await first.wallet.share(share('Second opinion'), CLINIC);
    const ongoing = await first.wallet.share(share('Diabetes follow-up'), CLINIC);
    // ending one lab share moves the laboratory key to a new epoch; the other lab share gets it
    expect(await first.wallet.revoke(ended.grantId)).toEqual({
      grantId: ended.grantId,
      unreachable: [],
      rotated: ['laboratory'],
      updated: 1,
    });
    expect((await first.wallet.grants()).find((g) => g.grantId === ongoing.grantId)).toMatchObject({
      status: 'active',
      categories: ['laboratory'],
      keysUpdatedAt: expect.any(Number),
    });
    // someone else's record entry: anyone may propose one, no list shows it until the patient accepts
    const { ledgerId, publicKey } = (await first.db.identity()) as {
      ledgerId: string;
      publicKey: string;
    };
    const [stranger] = encrypt(SecretKey.random().publicKey(), randomBytes(32));
    const strangerKey = new Signer(SecretKey.random());
    const proposal = await new LedgerHostClient({ url: stack.ledgerHost.url }).submit(
      ledgerId,
      'record',
      {
        cid: 'bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba',
        capsule: stranger.toBytes(),
        contentType: 'text/plain',
        category: 'other',
        size: 1,
        recipient: hexToBytes(publicKey),
      },
      strangerKey,
    );

    const second = await device();
    const onboarded = (await second.ui.handle({
      type: 'onboard',
      mnemonic: PHRASE,
      passphrase: PASSPHRASE,
    })) as { restored?: unknown };
    expect(onboarded.restored).toEqual({ records: 2, grants: 2, revoked: 1 });
    const records = await second.wallet.records();
    expect(records.map((r) => r.cid).sort()).toEqual([hba1c, lipids].sort());
    // titles and sites come back: sealed to the patient in the ledger, opened with the phrase's key
    expect(Object.fromEntries(records.map((r) => [r.cid, r.title]))).toEqual({
      [hba1c]: 'HbA1c 6.1 %',
      [lipids]: 'Lipid panel',
    });
    for (const r of records) {
      expect(r).toMatchObject({ origin: HOSPITAL, category: 'laboratory', size: 2048 });
    }
    const grants = await second.wallet.grants();
    expect(Object.fromEntries(grants.map((g) => [g.grantId, g.status]))).toEqual({
      [ended.grantId]: 'revoked',
      [ongoing.grantId]: 'active',
    });
    // the grant as the first device made it, every field the ledger holds
    expect((await second.db.grant(ongoing.grantId))?.grant).toEqual(ongoing);
    // the reader's name and the site come back too (sealed to the patient), so the site sees its shares
    expect(grants.map((g) => [g.origin, g.readerName])).toEqual([
      [CLINIC, 'Riverside Clinic — Dr. Okafor'],
      [CLINIC, 'Riverside Clinic — Dr. Okafor'],
    ]);
    expect((await second.wallet.grants(CLINIC)).length).toBe(2);
    // the host never saw them: the stored entries hold no title, purpose, name or site in clear
    const raw = await new LedgerHostClient({ url: stack.ledgerHost.url })
      .withSigner(new Signer((await deriveIdentity(PHRASE)).secretKey))
      .entries(ledgerId);
    const text = Buffer.concat(raw).toString('latin1');
    for (const secret of [
      'HbA1c 6.1 %',
      'Lipid panel',
      'Second opinion',
      'Diabetes follow-up',
      'Riverside',
      CLINIC,
      HOSPITAL,
    ]) {
      expect(text).not.toContain(secret);
    }

    // the restored grant is whole: revoking it goes through the chain and the proxies
    expect(await second.wallet.revoke(ongoing.grantId)).toEqual({
      grantId: ongoing.grantId,
      unreachable: [],
      rotated: ['laboratory'],
      updated: 0,
    });
    // and the first device learns of it at its next ledger check
    const status = await first.wallet.ledgerStatus();
    expect(status).toMatchObject({ ok: true, adopted: { records: 0, grants: 0, revoked: 1 } });
    const onFirst = await first.wallet.grants();
    expect(onFirst.find((g) => g.grantId === ongoing.grantId)).toMatchObject({
      status: 'revoked',
      origin: CLINIC,
      readerName: 'Riverside Clinic — Dr. Okafor',
    });
    // the stranger's record waits for the patient's decision, with its author; rejected, it is gone
    expect(await second.wallet.proposals()).toMatchObject([
      {
        seq: proposal.seq,
        author: bytesToHex(strangerKey.verifyingKey().toCompressedBytes()),
        contentType: 'text/plain',
      },
    ]);
    expect(
      await second.ui.handle({ type: 'proposal/decide', seq: proposal.seq, accept: false }),
    ).toEqual({
      seq: proposal.seq,
      accepted: false,
    });
    expect(await second.wallet.proposals()).toEqual([]);
    expect((await second.wallet.records()).length).toBe(2);
    // a hospital's record sent while the patient was away: accepted, it joins the list with its title
    // sealed, as a hospital does, to the patient's current laboratory key
    const labKey = (await second.wallet.encryptionKey('laboratory')).publicKey;
    const sealedTitle = sealNote(PublicKey.fromCompressedBytes(hexToBytes(labKey)), {
      title: 'Ferritin',
      origin: HOSPITAL,
    });
    const [capsule] = encrypt(SecretKey.random().publicKey(), randomBytes(32));
    const sent = await new LedgerHostClient({ url: stack.ledgerHost.url }).submit(
      ledgerId,
      'record',
      {
        cid: 'bafkreihyyavekzt6coios4brxulsvmtuqhxfz3tkyfjzx6f3jrzqqxlpqy',
        capsule: capsule.toBytes(),
        contentType: 'application/fhir+json',
        category: 'laboratory',
        size: 10,
        recipient: hexToBytes(labKey),
        note: sealedTitle,
      },
      strangerKey,
    );
    expect((await second.wallet.proposals()).map((p) => [p.seq, p.title, p.origin])).toEqual([
      [sent.seq, 'Ferritin', HOSPITAL],
    ]);
    await second.wallet.decideProposal(sent.seq, true);
    expect((await second.wallet.records()).map((r) => r.title)).toContain('Ferritin');
    // a second pass adds nothing: the rebuild is idempotent
    expect(await second.wallet.restoreFromLedger()).toEqual({ records: 0, grants: 0, revoked: 0 });
  }, 120_000);

  test('a restored wallet asked for its dashboard and its ledger check at once syncs its ledger once', async () => {
    const third = await device();
    await third.ui.handle({ type: 'onboard', mnemonic: PHRASE, passphrase: PASSPHRASE });
    // the dashboard page sends both as it opens
    const [dashboard, status] = await Promise.all([
      third.ui.handle({ type: 'dashboard' }),
      third.ui.handle({ type: 'ledger/status' }),
    ]);
    expect(dashboard).toBeDefined();
    expect(status).toMatchObject({ ok: true });
  }, 60_000);

  test('a new identity has no ledger to restore, and onboarding makes none', async () => {
    const fresh = await device();
    const phrase = 'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong';
    const onboarded = (await fresh.ui.handle({
      type: 'onboard',
      mnemonic: phrase,
      passphrase: PASSPHRASE,
    })) as { restored?: unknown };
    expect(onboarded.restored).toEqual({ records: 0, grants: 0, revoked: 0 });
    const { ledgerId } = await deriveIdentity(phrase);
    await expect(
      new LedgerHostClient({ url: stack.ledgerHost.url }).head(
        bytesToHex(ledgerId),
        new Signer(SecretKey.random()),
      ),
    ).rejects.toMatchObject({ status: 404 });
  });

  test('an anchor over other entries, or beyond those the host gave, is reported', async () => {
    const phrase =
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
    const patient = await device();
    await patient.ui.handle({ type: 'onboard', mnemonic: phrase, passphrase: PASSPHRASE });
    await patient.wallet.receive(
      record('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', 'CBC', 'laboratory'),
      HOSPITAL,
    );
    const anchored = await patient.wallet.anchor();
    expect(await patient.wallet.ledgerStatus()).toMatchObject({
      ok: true,
      entries: anchored.size,
      anchor: { size: anchored.size },
    });
    // The patient's own key signs anchors: what follows stands for a stolen
    // key, or a bug, putting another root on chain.
    const { secretKey, ledgerId } = await deriveIdentity(phrase);
    const { client, relayer } = await devClient(stack.chain.rpcUrl);
    const forge = (size: number) =>
      anchorCheckpoint(client, {
        registry: getAddress(stack.chain.registry),
        relayer,
        owner: secretKey,
        checkpoint: {
          v: LEDGER_VERSION,
          ledger: ledgerId,
          size,
          root: randomBytes(32),
          time: Date.now(),
          signer: secretKey.publicKey().toCompressedBytes(),
          sig: new Uint8Array(64),
        },
      });
    await patient.wallet.receive(
      record('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4', 'TSH', 'laboratory'),
      HOSPITAL,
    );
    await forge(anchored.size + 1);
    expect(await patient.wallet.ledgerStatus()).toMatchObject({
      ok: false,
      adopted: { records: 0, grants: 0, revoked: 0 },
      problem: `the ledger's first ${anchored.size + 1} entries are not the ones anchored on chain`,
    });
    await forge(anchored.size + 50);
    expect(await patient.wallet.ledgerStatus()).toMatchObject({
      ok: false,
      problem: `the chain anchors ${anchored.size + 50} entries, but the ledger host gave only ${anchored.size + 1}`,
    });
  }, 60_000);
});

describe('replacing the signing key', () => {
  test('after the patient replaces a stolen signing key, shares go on, and a device restored from the phrase uses the new key', async () => {
    const first = await device();
    const { mnemonic } = (await first.ui.handle({ type: 'onboard/new-mnemonic' })) as {
      mnemonic: string;
    };
    await first.ui.handle({ type: 'onboard', mnemonic, passphrase: PASSPHRASE });
    const before = await first.wallet.publicKey();
    await first.wallet.receive(
      record('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', 'HbA1c', 'laboratory'),
      HOSPITAL,
    );
    const old = await first.wallet.share(share('Diabetes follow-up'), CLINIC);
    // a wrong passphrase replaces nothing
    expect(
      await first.ui
        .handle({ type: 'identity/rotate', passphrase: 'not it at all 1' })
        .catch((e) => e),
    ).toBeInstanceOf(Error);
    const rotated = (await first.ui.handle({
      type: 'identity/rotate',
      passphrase: PASSPHRASE,
    })) as {
      publicKey: string;
      identityIndex: number;
    };
    expect(rotated.identityIndex).toBe(1);
    expect(rotated.publicKey).not.toBe(before);
    expect(await first.wallet.publicKey()).toBe(rotated.publicKey);
    const { secretKey: stolen } = await deriveIdentity(mnemonic, 0);
    expect(bytesToHex(stolen.publicKey().toCompressedBytes())).toBe(before);
    expect(await first.wallet.ledgerStatus()).toMatchObject({ ok: true });

    // the new key shares, and ends the share the old key made (through the registry)
    const fresh = await first.wallet.share(share('Second opinion'), CLINIC);
    expect(fresh.patient).toBe(rotated.publicKey);
    expect(await first.wallet.revoke(old.grantId)).toMatchObject({
      rotated: ['laboratory'],
      updated: 1,
    });

    // a second device restored from the phrase finds the ledger's owner among the phrase's keys
    const second = await device();
    const onboarded = (await second.ui.handle({
      type: 'onboard',
      mnemonic,
      passphrase: PASSPHRASE,
    })) as { restored?: unknown };
    expect(onboarded.restored).toMatchObject({ records: 1, grants: 2, revoked: 1 });
    expect(await second.wallet.publicKey()).toBe(rotated.publicKey);
    // unlocking again derives the same key (the index is kept with the public identity)
    await second.ui.handle({ type: 'lock' });
    await second.ui.handle({ type: 'unlock', passphrase: PASSPHRASE });
    expect(await second.wallet.publicKey()).toBe(rotated.publicKey);
    expect(await second.wallet.revoke(fresh.grantId)).toMatchObject({ rotated: ['laboratory'] });
  }, 120_000);

  test('a key someone published with the stolen signing key is reported; sites get keys only for known categories', async () => {
    const wallet = await device();
    const { mnemonic } = (await wallet.ui.handle({ type: 'onboard/new-mnemonic' })) as {
      mnemonic: string;
    };
    await wallet.ui.handle({ type: 'onboard', mnemonic, passphrase: PASSPHRASE });
    const lab = await wallet.wallet.encryptionKey('laboratory');
    expect(lab).toMatchObject({ category: 'laboratory', epoch: 0 });
    // a site cannot make the wallet publish a category of its choosing
    expect(await wallet.wallet.encryptionKey('hiv-status').catch((e) => e)).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/no key for category "hiv-status"/),
    });
    // the thief, holding the identity key, publishes its own key as the next laboratory epoch
    const { secretKey, ledgerId } = await deriveIdentity(mnemonic);
    const thiefKey = SecretKey.random().publicKey().toCompressedBytes();
    await new LedgerHostClient({ url: stack.ledgerHost.url }).submit(
      bytesToHex(ledgerId),
      'encryption-keys',
      { keys: [{ category: 'laboratory', epoch: 1, key: thiefKey }] },
      new Signer(secretKey),
    );
    expect(await wallet.wallet.ledgerStatus()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/laboratory epoch 1.*replace your signing key/),
    });
    // replacing the signing key retires the thief's, and the wallet puts its own laboratory key back
    await wallet.ui.handle({ type: 'identity/rotate', passphrase: PASSPHRASE });
    expect(await wallet.wallet.ledgerStatus()).toMatchObject({ ok: true });
    expect(await wallet.wallet.encryptionKey('laboratory')).toMatchObject({ epoch: 2 });
  }, 60_000);
});
