/**
 * The provider's permission logic with its real collaborators: the wallet
 * over WalletDb (fake-indexeddb), the session, the consent queue — whose
 * prompts are answered through the real UiHandler, as the prompt page does —
 * and a real ledger host on 127.0.0.1. Nothing here needs chrome.* APIs.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLedgerStore } from '@medvault/core/ledger';
import { encrypt, SecretKey } from '@medvault/core/pre';
import type { GrantJson } from '@medvault/core/proxy';
import { type RunningLedgerHost, startLedgerHost } from '@medvault/node/services';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ProviderMethod } from '../shared/provider-schema.js';
import type { ProviderRpcError } from '../shared/rpc-error.js';
import { ConsentQueue, type PendingPrompt } from './consent-queue.js';
import { WrongPassphraseError } from './errors.js';
import { deriveIdentity } from './identity.js';
import { ProviderHandler } from './provider-handler.js';
import { Session } from './session.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { UiHandler } from './ui-handler.js';
import { Wallet } from './wallet.js';
import { WalletDb } from './wallet-db.js';

const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const OTHER_PHRASE = `${'abandon '.repeat(11)}about`;
const PASSPHRASE = 'orchard lantern 42';
// the lowest cost a vault accepts: these tests are about permissions, not the KDF
const FAST_SCRYPT = { N: 2 ** 14, r: 1, p: 1 };
const CLINIC = 'https://clinic.example';
const DAY = 86_400_000;

const reader = bytesToHex(SecretKey.random().publicKey().toCompressedBytes());
const patientKey = deriveIdentity(PHRASE).then((i) =>
  bytesToHex(i.secretKey.publicKey().toCompressedBytes()),
);

const shareRequest = () => ({
  reader: { publicKey: reader, name: 'Riverside Clinic — Dr. Okafor' },
  scope: { categories: ['laboratory'] },
  purpose: 'Diabetes follow-up',
  expiresAt: Date.now() + 30 * DAY,
});
const recordRequest = async () => {
  const [capsule] = encrypt(SecretKey.random().publicKey(), new Uint8Array(32));
  return {
    cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
    capsule: bytesToHex(capsule.toBytes()),
    contentType: 'application/fhir+json',
    size: 1234,
    title: 'HbA1c 6.1 %',
  };
};

let dir: string;
let host: RunningLedgerHost;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-provider-'));
  host = await startLedgerHost({ dataDir: dir, port: 0, log: () => {} });
});
afterAll(async () => {
  await host?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** How the patient answers a prompt: yes, no, or leave it on screen. */
type Answer = (prompt: PendingPrompt) => 'approve' | 'deny' | 'wait';

let dbCount = 0;

/** A wallet as the background wires it, onboarded unless told otherwise. */
async function setup(options: { onboard?: boolean } = {}) {
  const db = await WalletDb.open(`provider-handler-${++dbCount}`);
  const session = new Session({ autoLockMs: () => 15 * 60_000 });
  const shown: PendingPrompt[] = [];
  const decisions: unknown[] = [];
  const patient: { answer: Answer } = { answer: () => 'approve' };
  const queue = new ConsentQueue({
    show: (prompt) => {
      shown.push(prompt);
      const answer = patient.answer(prompt);
      if (answer === 'wait') return;
      // the prompt page answers after it loads, never inside the request
      setTimeout(() => {
        void ui
          .handle({ type: 'prompt/decide', id: prompt.id, approve: answer === 'approve' })
          .then((outcome) => decisions.push(outcome));
      }, 0);
    },
    hide: () => {},
    timeoutMs: () => 60_000,
  });
  const wallet = new Wallet({
    db,
    session,
    ledgerStore: new MemoryLedgerStore(),
    scrypt: FAST_SCRYPT,
  });
  const ui = new UiHandler({ wallet, db, session, queue });
  let notOnboarded = 0;
  const handler = new ProviderHandler({
    wallet,
    db,
    session,
    queue,
    onNotOnboarded: () => {
      notOnboarded++;
    },
  });
  cleanups.push(() => {
    queue.clear('test over');
    session.lock();
  });
  await wallet.saveSettings({ ...DEFAULT_SETTINGS, ledgerHost: host.url });
  if (options.onboard ?? true) await wallet.onboard(PHRASE, PASSPHRASE);
  let id = 0;
  /** A request from `origin`, settled: the value, or the error's code and message. */
  const ask = (origin: string, method: string, params?: unknown) =>
    handler
      .handle({ id: String(++id), method, ...(params === undefined ? {} : { params }) }, origin)
      .then(
        (value) => ({ value }),
        (error: ProviderRpcError) => ({ code: error.code, message: error.message }),
      );
  return {
    db,
    session,
    queue,
    wallet,
    ui,
    shown,
    decisions,
    patient,
    ask,
    notOnboarded: () => notOnboarded,
  };
}

/** Valid params for every method that needs the site to be connected. */
async function permissionedCalls(): Promise<[ProviderMethod, unknown][]> {
  return [
    ['medvault_getPublicKey', []],
    ['medvault_requestShare', [shareRequest()]],
    ['medvault_receiveRecord', [await recordRequest()]],
    ['medvault_listGrants', undefined],
    ['medvault_revoke', [{ grantId: 'cd'.repeat(32) }]],
  ];
}

describe('provider permissions', () => {
  test('before onboarding every method is 4100 "not set up" and onboarding opens; no prompt', async () => {
    const w = await setup({ onboard: false });
    for (const [method, params] of [
      ['medvault_connect', undefined] as const,
      ...(await permissionedCalls()),
    ]) {
      expect(await w.ask(CLINIC, method, params), method).toMatchObject({
        code: 4100,
        message: expect.stringMatching(/not set up/),
      });
    }
    expect(w.notOnboarded()).toBe(6);
    expect(w.shown).toEqual([]);
    // an unknown method is still an unknown method
    expect(await w.ask(CLINIC, 'eth_accounts')).toMatchObject({ code: 4200 });
  });

  test('a site that has not connected gets 4100 for every method but connect, and the patient is never asked', async () => {
    const w = await setup();
    for (const [method, params] of await permissionedCalls()) {
      expect(await w.ask(CLINIC, method, params), method).toMatchObject({
        code: 4100,
        message: expect.stringMatching(/not connected.*medvault_connect/),
      });
    }
    expect(w.shown).toEqual([]);
    expect(await w.db.permissions()).toEqual([]);
  });

  test('connect asks the patient once; approved, the site gets the key and may call methods', async () => {
    const w = await setup();
    const key = await patientKey;
    expect(await w.ask(CLINIC, 'medvault_connect')).toEqual({ value: { publicKey: key } });
    expect(w.shown.map((p) => [p.kind, p.origin])).toEqual([['connect', CLINIC]]);
    expect(await w.db.permission(CLINIC)).toMatchObject({ origin: CLINIC });
    expect(await w.ask(CLINIC, 'medvault_getPublicKey')).toEqual({ value: key });
    expect(await w.ask(CLINIC, 'medvault_listGrants', [])).toEqual({ value: [] });
    // connected and unlocked: connecting again asks nothing
    expect(await w.ask(CLINIC, 'medvault_connect', [])).toEqual({ value: { publicKey: key } });
    expect(w.shown).toHaveLength(1);
  });

  test('a denied connect leaves the site unconnected', async () => {
    const w = await setup();
    w.patient.answer = () => 'deny';
    expect(await w.ask(CLINIC, 'medvault_connect')).toMatchObject({
      code: 4001,
      message: expect.stringMatching(/denied/),
    });
    expect(await w.db.permission(CLINIC)).toBeUndefined();
    expect(await w.ask(CLINIC, 'medvault_getPublicKey')).toMatchObject({ code: 4100 });
  });

  test('connecting one origin connects no other: scheme, port, subdomain and look-alike hosts differ', async () => {
    const w = await setup();
    const key = await patientKey;
    const local = 'http://127.0.0.1:5173';
    for (const origin of [CLINIC, local]) {
      expect(await w.ask(origin, 'medvault_connect')).toEqual({ value: { publicKey: key } });
    }
    for (const origin of [
      'http://clinic.example',
      'https://clinic.example:8443',
      'https://www.clinic.example',
      'https://clinic.example.evil.test',
      'https://xn--clnic-0sa.example', // clínic.example
      'http://127.0.0.1:5174',
      'https://127.0.0.1:5173',
      'http://localhost:5173',
    ]) {
      expect(await w.ask(origin, 'medvault_getPublicKey'), origin).toMatchObject({ code: 4100 });
    }
    for (const origin of [CLINIC, local]) {
      expect(await w.ask(origin, 'medvault_getPublicKey'), origin).toEqual({ value: key });
    }
    expect((await w.db.permissions()).map((p) => p.origin).sort()).toEqual([local, CLINIC]);
  });

  test('a grant made for one site is neither listed to nor revocable by another', async () => {
    const w = await setup();
    const other = 'https://other-clinic.example';
    await w.ask(CLINIC, 'medvault_connect');
    await w.ask(other, 'medvault_connect');
    const key = await patientKey;
    const grant: GrantJson = {
      grantId: 'ab'.repeat(32),
      ledgerId: 'cd'.repeat(32),
      patient: key,
      verifyingKey: key,
      reader,
      categories: ['laboratory'],
      scope: { categories: ['laboratory'] },
      purpose: 'Diabetes follow-up',
      expiresAt: Date.now() + DAY,
      proxies: [{ url: 'http://127.0.0.1:9001', publicKey: reader }],
      threshold: 1,
      ledgerHost: 'http://127.0.0.1:8787',
      salt: '5a'.repeat(32),
    };
    await w.db.putGrant({ grant, origin: CLINIC, readerName: 'Dr. Okafor', createdAt: 1 });
    const listed = (await w.ask(CLINIC, 'medvault_listGrants')) as { value: { grantId: string }[] };
    expect(listed.value.map((g) => g.grantId)).toEqual([grant.grantId]);
    expect(await w.ask(other, 'medvault_listGrants')).toEqual({ value: [] });
    expect(await w.ask(other, 'medvault_revoke', [{ grantId: grant.grantId }])).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/No grant/),
    });
    expect((await w.db.grant(grant.grantId))?.revokedAt).toBeUndefined();
  });

  test('setting the wallet up again forgets every connected site', async () => {
    const w = await setup();
    await w.ask(CLINIC, 'medvault_connect');
    expect(await w.ask(CLINIC, 'medvault_getPublicKey')).toEqual({ value: await patientKey });
    await w.wallet.onboard(OTHER_PHRASE, PASSPHRASE);
    expect(await w.ask(CLINIC, 'medvault_getPublicKey')).toMatchObject({ code: 4100 });
  });

  test('locked, a connected site is not asked to connect again, and its public key needs no passphrase', async () => {
    const w = await setup();
    await w.ask(CLINIC, 'medvault_connect');
    w.session.lock();
    w.patient.answer = () => 'wait';
    expect(await w.ask(CLINIC, 'medvault_connect')).toEqual({
      value: { publicKey: await patientKey },
    });
    expect(await w.ask(CLINIC, 'medvault_getPublicKey')).toEqual({ value: await patientKey });
    expect(w.queue.size).toBe(0);
  });

  test('locked, a connected site waits for the passphrase; approving without it is refused', async () => {
    const w = await setup();
    await w.ask(CLINIC, 'medvault_connect');
    w.session.lock();
    w.patient.answer = () => 'wait';
    let settled = false;
    const answer = w.ask(CLINIC, 'medvault_listGrants').finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    const prompt = w.queue.current();
    expect(prompt).toMatchObject({ kind: 'unlock', origin: CLINIC });
    expect(
      await w.ui.handle({ type: 'prompt/decide', id: prompt?.id as string, approve: true }),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/Unlock/) });
    await expect(w.ui.handle({ type: 'unlock', passphrase: 'not it at all' })).rejects.toThrow(
      WrongPassphraseError,
    );
    expect(settled).toBe(false);
    await w.ui.handle({ type: 'unlock', passphrase: PASSPHRASE });
    expect(await answer).toEqual({ value: [] });
  });
});

describe('provider errors', () => {
  test('an unknown method is 4200, whatever it is called', async () => {
    const w = await setup();
    await w.ask(CLINIC, 'medvault_connect');
    for (const method of [
      'eth_accounts',
      'toString',
      '__proto__',
      'constructor',
      'backup/reveal',
      'medvault_connectAll',
    ]) {
      expect(await w.ask(CLINIC, method), method).toMatchObject({
        code: 4200,
        message: expect.stringContaining('medvault_requestShare'),
      });
    }
  });

  test('a malformed envelope is -32602', async () => {
    const w = await setup();
    const handler = new ProviderHandler({
      wallet: w.wallet,
      db: w.db,
      session: w.session,
      queue: w.queue,
    });
    for (const bad of [
      null,
      'medvault_connect',
      { method: 'medvault_connect' },
      { id: '1', method: '' },
      { id: '1', method: 'medvault_connect', origin: CLINIC },
    ]) {
      await expect(handler.handle(bad, CLINIC)).rejects.toMatchObject({ code: -32602 });
    }
  });

  test('invalid params are -32602 naming the field, and reach no prompt', async () => {
    const w = await setup();
    await w.ask(CLINIC, 'medvault_connect');
    const share = shareRequest();
    const cases: [ProviderMethod, unknown, RegExp][] = [
      ['medvault_connect', ['please'], /^medvault_connect: params: /],
      ['medvault_getPublicKey', ['x'], /^medvault_getPublicKey: params: /],
      [
        'medvault_requestShare',
        [{ ...share, reader: { ...share.reader, publicKey: 'XYZ' } }],
        /^medvault_requestShare: params\.0\.reader\.publicKey: expected 33 bytes/,
      ],
      [
        'medvault_requestShare',
        [{ ...share, expiresAt: 'soon' }],
        /^medvault_requestShare: params\.0\.expiresAt: /,
      ],
      [
        'medvault_requestShare',
        [{ ...share, expiresAt: Date.now() + 1000 }],
        /^medvault_requestShare: expiresAt must be at least a minute from now/,
      ],
      [
        'medvault_requestShare',
        [{ ...share, scope: { cids: [] } }],
        /^medvault_requestShare: scope\.cids must not be empty/,
      ],
      [
        // a site cannot bring its own proxy: with the reader it would hold the records
        'medvault_requestShare',
        [
          {
            ...share,
            proxies: [{ url: 'http://proxy.evil.example', publicKey: reader }],
            threshold: 1,
          },
        ],
        /^medvault_requestShare: proxy http:\/\/proxy\.evil\.example is not one of the patient’s proxies/,
      ],
      [
        // nor lower the patient's threshold
        'medvault_requestShare',
        [
          {
            ...share,
            proxies: [{ url: DEFAULT_SETTINGS.proxies[0]?.url, publicKey: reader }],
            threshold: 1,
          },
        ],
        /^medvault_requestShare: threshold 1 is below the patient’s 2/,
      ],
      [
        'medvault_receiveRecord',
        [{ ...(await recordRequest()), capsule: 'ab'.repeat(10) }],
        /^medvault_receiveRecord: params\.0\.capsule: /,
      ],
      ['medvault_revoke', [{ grantId: 'nope' }], /^medvault_revoke: params\.0\.grantId: /],
      ['medvault_revoke', undefined, /^medvault_revoke: params: /],
    ];
    for (const [method, params, message] of cases) {
      expect(await w.ask(CLINIC, method, params), method).toMatchObject({
        code: -32602,
        message: expect.stringMatching(message),
      });
    }
    expect(w.shown.map((p) => p.kind)).toEqual(['connect']);
  });

  test('valid requests from a connected site reach the patient with what the prompt shows; denied, 4001', async () => {
    const w = await setup();
    await w.ask(CLINIC, 'medvault_connect');
    w.patient.answer = () => 'deny';
    const share = shareRequest();
    expect(await w.ask(CLINIC, 'medvault_requestShare', [share])).toMatchObject({
      code: 4001,
      message: expect.stringMatching(/denied/),
    });
    const record = await recordRequest();
    expect(await w.ask(CLINIC, 'medvault_receiveRecord', [record])).toMatchObject({
      code: 4001,
    });
    const [, sharePrompt, recordPrompt] = w.shown;
    expect(sharePrompt).toMatchObject({
      kind: 'share',
      origin: CLINIC,
      details: {
        request: share,
        proxies: DEFAULT_SETTINGS.proxies.slice(0, 3).map((p) => p.url),
        threshold: DEFAULT_SETTINGS.threshold,
        matches: [],
      },
    });
    expect(recordPrompt).toMatchObject({ kind: 'receive', origin: CLINIC, details: record });
    await new Promise((r) => setTimeout(r, 0));
    expect(w.decisions).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });
});
