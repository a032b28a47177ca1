/**
 * "Add records from my provider", end to end: the real extension in
 * Chromium, the real stack (ledger host, blob service, chain, proxies, the
 * example clinic), and the example provider portal — a FHIR R4 API behind
 * a real OAuth 2 / SMART authorisation server — with the extension's
 * redirect URI registered as its client. The patient connects, signs in
 * and allows access on the portal's own pages (in the browser's auth
 * window, `chrome.identity.launchWebAuthFlow`), her records come in with
 * their provenance, she shares one with the clinic, which shows where it
 * came from; a changed resource comes in once on "Sync now"; a 503
 * part-way is shown as incomplete and the next sync completes without
 * duplicates.
 *
 * The second part drives the same background code without a browser (the
 * portal's sign-in followed by `completeSignIn`), for what the browser run
 * cannot show quickly: discovery and sign-in refusals in words, the
 * refresh token kept only sealed and used after a restart, access tokens
 * dropped on lock and refreshed by fhirclient, a withdrawn authorisation,
 * another patient's sign-in refused, Remove forgetting everything.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { MemoryLedgerStore } from '@medvault/core/ledger';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import {
  completeSignIn,
  DEFAULT_PATIENT_PASSWORD,
  type PatientAnswers,
  type ProviderPortal,
  startProviderPortal,
} from '@medvault/examples';
import { type AuthWindow, Wallet } from '@medvault/extension/background';
import {
  answerPrompt,
  deriveIdentity,
  extensionPage,
  SHOTS,
  stackSettings,
  uiCall,
  type WalletBrowser,
} from '@medvault/extension/testing';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalStack } from '../src/local-stack.js';
import { connectThenShare, startWalletStack, type WalletStack } from './support/browser-stack.js';
import { walletDevice } from './support/wallet-device.js';

let env: WalletStack;
let stack: LocalStack;
let browser: WalletBrowser;
let portal: ProviderPortal;

beforeAll(async () => {
  env = await startWalletStack('medvault-add-from-provider-', 'cedar harbour 2045 wren');
  ({ stack, browser } = env);
  // the provider registers the wallet as a public client with the extension's redirect URI
  portal = await startProviderPortal({
    port: 0,
    patients: 2,
    clients: [
      {
        client_id: 'medvault-wallet',
        client_name: 'MedVault wallet',
        redirect_uris: [`https://${browser.extensionId}.chromiumapp.org/provider`],
      },
    ],
    log: () => {},
  });
}, 180_000);

afterAll(async () => {
  await portal?.close();
  await env?.close();
});

type ListedRecord = {
  cid: string;
  title: string;
  resourceType?: string;
  category?: string;
  origin: string;
  imported?: { source: string; version: string; fetchedAt: string };
};

/** The wallet's records list (what the dashboard shows). */
async function listed(): Promise<ListedRecord[]> {
  const answer = await uiCall(browser, { type: 'dashboard' });
  expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
  return (answer.value as { records: ListedRecord[] }).records;
}

/** Each imported resource version once. */
function expectNoDuplicates(records: ListedRecord[]) {
  const keys = records.flatMap((r) =>
    r.imported ? [`${r.origin} ${r.imported.source} ${r.imported.version}`] : [],
  );
  expect(new Set(keys).size).toBe(keys.length);
}

/** The provider's row on the page, once its sync has ended with a result. */
async function syncResult(page: Page, base: string) {
  const row = page.locator(`li[data-server="${base}"]`);
  await row.locator('.provider-result').waitFor({ timeout: 180_000 });
  return {
    row,
    complete: await row.locator('.provider-result').getAttribute('data-complete'),
    text: ((await row.locator('.provider-result').textContent()) ?? '').trim(),
  };
}

/** Clicks "Sync now" and waits for the sync it starts to end. */
async function syncNow(page: Page, base: string) {
  const row = page.locator(`li[data-server="${base}"]`);
  await row.locator('button.sync:not([disabled])').click();
  await row.locator('.provider-activity').waitFor({ state: 'detached', timeout: 180_000 });
  return syncResult(page, base);
}

describe('Add records from my provider, in Chromium', () => {
  let providers: Page;
  let total = 0;
  let condition: ListedRecord;

  test('the patient connects her provider, signs in and allows access at the provider, and her records come in', async () => {
    const dashboard = await extensionPage(browser, 'dashboard.html');
    await dashboard.locator('#add-from-provider').click();
    await dashboard.waitForURL(/\/providers\.html$/);
    providers = dashboard;
    await providers.locator('#provider-url').fill(portal.fhirBaseUrl);
    await providers.screenshot({ path: join(SHOTS, 'provider-connect.png'), fullPage: true });

    // the browser's auth window opens the provider's own sign-in page
    const authWindow = browser.context.waitForEvent('page', {
      predicate: (p) => p.url().startsWith(portal.url),
      timeout: 30_000,
    });
    await providers.locator('#connect').click();
    const signIn = await authWindow;
    await signIn.locator('#username').fill('helen');
    await signIn.locator('#password').fill(DEFAULT_PATIENT_PASSWORD);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn
      .getByRole('heading', { name: 'Allow MedVault wallet to use your health record?' })
      .waitFor();
    await expect(signIn.locator('ul.asks').textContent()).resolves.toMatch(
      /Read your whole health record/,
    );
    await signIn.screenshot({ path: join(SHOTS, 'provider-consent.png'), fullPage: true });
    await signIn.getByRole('button', { name: 'Allow' }).click();
    // the window closes itself once the provider sends the patient back to the extension
    await expect.poll(() => signIn.isClosed(), { timeout: 30_000 }).toBe(true);

    const { complete, text } = await syncResult(providers, portal.fhirBaseUrl);
    expect(text).toMatch(/^Done: \d+ new records added to your records\.$/);
    expect(complete).toBe('true');
    total = Number(/^Done: (\d+)/.exec(text)?.[1]);
    expect(total).toBeGreaterThan(20);

    const records = await listed();
    const imported = records.filter((r) => r.imported);
    expect(imported).toHaveLength(total);
    expectNoDuplicates(records);
    expect(new Set(imported.map((r) => r.origin))).toEqual(new Set([portal.fhirBaseUrl]));
    expect(imported.find((r) => r.resourceType === 'Patient')?.category).toBe('demographics');
    expect(imported.filter((r) => r.resourceType === 'Observation').every((r) => r.category)).toBe(
      true,
    );

    // no token reaches a page: what the page is told about the provider carries none
    const summaries = await uiCall(browser, { type: 'providers/list' });
    expect(summaries.value).toMatchObject([
      { serverUrl: portal.fhirBaseUrl, signedIn: true, lasting: true, needsSignIn: false },
    ]);
    expect(JSON.stringify(summaries)).not.toMatch(/token|capsule|ciphertext/i);

    // what the provider saw: this app's searches of her record, in date order, with its token
    const searches = portal.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith('/fhir/'),
    );
    expect(
      searches.some((r) => r.path === '/fhir/Observation' && /_sort=_lastUpdated/.test(r.query)),
    ).toBe(true);
    expect(searches.every((r) => r.status === 200)).toBe(true);

    // the dashboard lists each with where it came from
    const page = await extensionPage(browser, 'dashboard.html');
    await page.locator('#records li').first().waitFor();
    await expect(page.locator('#records li').count()).resolves.toBe(total);
    await expect(page.locator('#records .imported-from').first().textContent()).resolves.toMatch(
      new RegExp(
        `^Imported from ${portal.fhirBaseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} — [A-Za-z]+/[A-Za-z0-9.-]+, version \\d+, fetched \\d{1,2} \\w+ \\d{4}, \\d{2}:\\d{2}$`,
      ),
    );
    await page.evaluate(() =>
      document.querySelector('section[aria-label^="Records ("]')?.scrollIntoView(),
    );
    await page.screenshot({ path: join(SHOTS, 'provider-records.png') });
    await page.close();
  }, 300_000);

  test('an imported record opens with its provenance: server, resource, version, fetched', async () => {
    condition = (await listed()).find(
      (r) => r.resourceType === 'Condition' && r.imported,
    ) as ListedRecord;
    expect(condition).toBeDefined();
    const page = await extensionPage(
      browser,
      `record.html?cid=${encodeURIComponent(condition.cid)}`,
    );
    const line = page.locator('#record-provenance');
    await line.waitFor({ timeout: 30_000 });
    const { source, version } = condition.imported as NonNullable<ListedRecord['imported']>;
    await expect(line.textContent()).resolves.toMatch(
      new RegExp(`^Imported from ${portal.fhirBaseUrl} — ${source}, version ${version}, fetched `),
    );
    // the record view (the clinic's too) reads the Provenance the record's Bundle carries
    await expect(page.locator('.mv-imported').first().textContent()).resolves.toContain(
      `Imported from ${portal.fhirBaseUrl} — ${source}, version ${version}, fetched`,
    );
    await page.screenshot({ path: join(SHOTS, 'provider-record-open.png') });
    await page.close();
  }, 60_000);

  test('shared with the clinic, the record shows there with where it came from', async () => {
    const clinic = await browser.context.newPage();
    await clinic.goto(stack.clinic.url);
    const { username, password } = stack.clinic.staff;
    await clinic.locator('#username').fill(username);
    await clinic.locator('#password').fill(password);
    await clinic.locator('#sign-in-form button[type=submit]').click();
    await clinic.locator('#staff-area:not([hidden])').waitFor();
    // the clinic asks for labs, conditions, medications and letters; the patient keeps only conditions
    await clinic.locator('input[name=scope][value*="problem-list"]').check();
    const share = clinic.locator('medvault-share-button');
    await expect.poll(() => share.getAttribute('state')).toBe('ready');
    const consent = await connectThenShare(browser, share);
    for (const box of await consent.locator('input[name="category"]').all()) {
      if ((await box.getAttribute('value')) !== 'problem-list') await box.uncheck();
    }
    await answerPrompt(consent, 'approve');
    await clinic.locator('#read-status.ok').waitFor({ timeout: 120_000 });
    const conditions = (await listed()).filter((r) => r.category === 'problem-list').length;
    await expect(clinic.locator('#read-status').textContent()).resolves.toBe(
      `${conditions} records read and verified.`,
    );
    const { source, version } = condition.imported as NonNullable<ListedRecord['imported']>;
    const lines = clinic.locator('#shared .mv-imported');
    await expect(lines.count()).resolves.toBe(conditions);
    await expect(lines.allTextContents()).resolves.toContainEqual(
      expect.stringContaining(
        `Imported from ${portal.fhirBaseUrl} — ${source}, version ${version}, fetched`,
      ),
    );
    await expect(clinic.locator('#shared .mv-provenance').textContent()).resolves.toContain(
      `${conditions} imported from a provider’s FHIR server`,
    );
    await lines.first().scrollIntoViewIfNeeded();
    await clinic.screenshot({
      path: join(SHOTS, 'clinic-imported-provenance.png'),
      fullPage: true,
    });
    await clinic.close();
  }, 180_000);

  test('a resource changed at the provider comes in once on "Sync now", as a new version, and nothing twice', async () => {
    const [, id] = (condition.imported?.source ?? '').split('/');
    portal.clearRequests();
    portal.updateResource('Condition', id as string, (r) => ({
      ...r,
      note: [{ text: 'Reviewed at the annual visit.' }],
    }));
    const { complete, text } = await syncNow(providers, portal.fhirBaseUrl);
    expect(complete).toBe('true');
    // the searches start at the newest change landed, so some already in come back: unchanged
    expect(text).toMatch(
      /^Done: 1 new record added to your records \(\d+ you already had were left as they are\)\.$/,
    );
    // incremental: each search starts at what the ledger's notes say landed last
    const searches = portal.requests.filter((r) => r.path === '/fhir/Observation');
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((r) => /_lastUpdated=ge/.test(r.query))).toBe(true);
    const records = await listed();
    expect(records.filter((r) => r.imported)).toHaveLength(total + 1);
    expectNoDuplicates(records);
    expect(
      records
        .filter((r) => r.imported?.source === condition.imported?.source)
        .map((r) => r.imported?.version)
        .sort(),
    ).toEqual(
      [condition.imported?.version, String(Number(condition.imported?.version) + 1)].sort(),
    );
  }, 240_000);

  test('a 503 part-way: the wallet says the sync is incomplete, in words; the next sync completes without duplicates', async () => {
    const records = await listed();
    const another = records.find(
      (r) =>
        r.resourceType === 'Condition' &&
        r.imported &&
        r.cid !== condition.cid &&
        r.imported.source !== condition.imported?.source,
    ) as ListedRecord;
    const vaccine = records.find((r) => r.resourceType === 'Immunization') as ListedRecord;
    const idOf = (r: ListedRecord) => r.imported?.source.split('/')[1] as string;
    portal.updateResource('Condition', idOf(another), (r) => ({
      ...r,
      note: [{ text: 'Stable.' }],
    }));
    portal.updateResource('Immunization', idOf(vaccine), (r) => ({
      ...r,
      note: [{ text: 'Batch recorded.' }],
    }));
    // the provider fails as the sync reaches the test results: after the condition came in,
    // before the vaccination
    const server = portal.server as Server;
    const failAtObservations = (req: { url?: string }) => {
      if (req.url?.startsWith('/fhir/Observation?')) {
        server.off('request', failAtObservations);
        portal.failNext({ status: 503 });
      }
    };
    server.prependListener('request', failAtObservations);
    const stopped = await syncNow(providers, portal.fhirBaseUrl);
    expect(stopped.complete).toBe('false');
    const host = new URL(portal.fhirBaseUrl).host;
    expect(stopped.text).toBe(
      `${host}’s server was busy or had a problem, so this sync stopped part-way: 1 new record was added. Try again later — the next sync carries on where this one stopped.`,
    );
    await expect(stopped.row.locator('.provider-result').getAttribute('class')).resolves.toContain(
      'warning',
    );
    await stopped.row.scrollIntoViewIfNeeded();
    await providers.screenshot({
      path: join(SHOTS, 'provider-sync-incomplete.png'),
      fullPage: true,
    });
    expect((await listed()).filter((r) => r.imported)).toHaveLength(total + 2);

    const resumed = await syncNow(providers, portal.fhirBaseUrl);
    expect(resumed.complete).toBe('true');
    expect(resumed.text).toMatch(
      /^Done: 1 new record added to your records \(\d+ you already had were left as they are\)\.$/,
    );
    const after = await listed();
    expect(after.filter((r) => r.imported)).toHaveLength(total + 3);
    expectNoDuplicates(after);
    expect(after.filter((r) => r.imported?.source === vaccine.imported?.source)).toHaveLength(2);
  }, 240_000);
});

describe('the same background without a browser: sign-in, tokens and refusals', () => {
  let provider: ProviderPortal;
  const redirectUri = 'https://medvault-node-test.chromiumapp.org/provider';
  const passphrase = 'linden quarry 2046 owl';
  /** Who signs in and what she answers, for the next sign-in window. */
  let answers: PatientAnswers = { username: 'helen', password: DEFAULT_PATIENT_PASSWORD };
  const authWindow: AuthWindow = {
    redirectUri,
    open: async (url) => (await completeSignIn(url, redirectUri, answers)).href,
  };
  let device: Awaited<ReturnType<typeof walletDevice>>;
  /** The same wallet's database and session under a restarted background. */
  let restarted: Wallet;
  let mnemonic: string;

  beforeAll(async () => {
    provider = await startProviderPortal({
      port: 0,
      patients: 2,
      // a short-lived access token: fhirclient refreshes it as syncs run
      accessTokenTtlSeconds: 12,
      clients: [{ client_id: 'medvault-wallet', redirect_uris: [redirectUri] }],
      log: () => {},
    });
    device = await walletDevice('add-from-provider', stackSettings(stack), { authWindow });
    ({ mnemonic } = (await device.ui.handle({ type: 'onboard/new-mnemonic' })) as {
      mnemonic: string;
    });
    await device.ui.handle({ type: 'onboard', mnemonic, passphrase });
  }, 120_000);

  afterAll(async () => {
    await provider?.close();
  });

  const tokenRequests = () =>
    provider.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;

  test('an address that is no SMART server, or not https, is refused in plain words; so is a denied consent — and nothing is kept', async () => {
    const { ui, wallet } = device;
    await expect(
      ui.handle({ type: 'providers/connect', serverUrl: stack.ledgerHost.url }),
    ).rejects.toMatchObject({
      code: 'WALLET_PROVIDER_NO_SMART',
      shortMessage: expect.stringMatching(
        /^127\.0\.0\.1:\d+ does not offer a sign-in for patient apps \(SMART on FHIR\): it answered 404 for its SMART configuration/,
      ),
    });
    await expect(
      ui.handle({ type: 'providers/connect', serverUrl: 'http://fhir.example.org/r4' }),
    ).rejects.toMatchObject({
      code: 'WALLET_PROVIDER_ADDRESS',
      shortMessage: expect.stringMatching(/not https: the access token would travel in clear/),
    });
    answers = { username: 'helen', password: DEFAULT_PATIENT_PASSWORD, decision: 'deny' };
    await expect(
      ui.handle({ type: 'providers/connect', serverUrl: provider.fhirBaseUrl }),
    ).rejects.toMatchObject({
      code: 'WALLET_PROVIDER_SIGN_IN',
      shortMessage: `You did not allow MedVault to read your records at ${new URL(provider.fhirBaseUrl).host} (you chose Deny, or cancelled). Nothing was added to your records.`,
    });
    await expect(wallet.providers()).resolves.toEqual([]);
  }, 60_000);

  test('the refresh token is kept only sealed; fhirclient refreshes the access token, also after a restart and a lock', async () => {
    const { wallet, db, session } = device;
    answers = { username: 'helen', password: DEFAULT_PATIENT_PASSWORD };
    const connected = await wallet.connectProvider(provider.fhirBaseUrl);
    expect(connected).toMatchObject({
      serverUrl: provider.fhirBaseUrl,
      lasting: true,
      signedIn: true,
    });
    const first = await wallet.providerSettled(provider.fhirBaseUrl);
    expect(first).toMatchObject({ complete: true, refused: [] });
    expect(first?.imported).toBeGreaterThan(20);

    // at rest: the refresh token sealed to the patient's notes key, no access token at all
    const [stored] = await db.providers();
    expect(Object.keys(stored?.refreshToken ?? {}).sort()).toEqual(['capsule', 'ciphertext']);
    expect(JSON.stringify(stored)).not.toMatch(/access_token|refresh_token|"token"/);

    // the access token nears its end (12 s, refreshed 10 s early): fhirclient refreshes it
    // before the next request, and the refresh token it rotates to is what the wallet keeps
    await new Promise((r) => setTimeout(r, 3_000));
    const beforeRefresh = tokenRequests();
    await wallet.syncProvider(provider.fhirBaseUrl);
    await expect(wallet.providerSettled(provider.fhirBaseUrl)).resolves.toMatchObject({
      complete: true,
      imported: 0,
    });
    expect(tokenRequests()).toBeGreaterThan(beforeRefresh);
    const [kept] = await db.providers();
    expect(kept?.refreshToken).not.toEqual(stored?.refreshToken);

    // a restarted background holds no access token: the sealed refresh token gets one
    restarted = new Wallet({ db, session, ledgerStore: new MemoryLedgerStore(), authWindow });
    const before = tokenRequests();
    await restarted.syncProvider(provider.fhirBaseUrl);
    await expect(restarted.providerSettled(provider.fhirBaseUrl)).resolves.toMatchObject({
      complete: true,
      imported: 0,
    });
    expect(tokenRequests()).toBeGreaterThan(before);

    // locking drops the access token; after unlocking, the refresh token gets a new one
    session.lock();
    await device.ui.handle({ type: 'unlock', passphrase });
    const beforeLock = tokenRequests();
    await restarted.syncProvider(provider.fhirBaseUrl);
    await expect(restarted.providerSettled(provider.fhirBaseUrl)).resolves.toMatchObject({
      complete: true,
    });
    expect(tokenRequests()).toBeGreaterThan(beforeLock);
  }, 180_000);

  test('access withdrawn at the provider: the sync says sign in again; another patient’s sign-in is refused; the same patient carries on; Remove forgets it', async () => {
    const { wallet, db } = device;
    const host = new URL(provider.fhirBaseUrl).host;
    provider.revokeTokens('helen');
    // the background that holds an access token: its sync stops, and says why
    await restarted.syncProvider(provider.fhirBaseUrl);
    const ended = await restarted.providerSettled(provider.fhirBaseUrl);
    expect(ended).toMatchObject({
      complete: false,
      imported: 0,
      stopped: { reason: 'unauthorized' },
    });
    expect(ended?.summary).toBe(
      `Your sign-in at ${host} has ended (it expired or was withdrawn), so this sync stopped part-way: nothing new was added. Sign in again to carry on.`,
    );
    const [after] = await db.providers();
    expect(after).toMatchObject({ needsSignIn: true });
    expect(after?.refreshToken).toBeUndefined();
    await expect(wallet.providers()).resolves.toMatchObject([
      { needsSignIn: true, signedIn: false },
    ]);
    await expect(wallet.syncProvider(provider.fhirBaseUrl)).rejects.toMatchObject({
      code: 'WALLET_PROVIDER_SIGN_IN_AGAIN',
    });

    answers = { username: 'aisha', password: DEFAULT_PATIENT_PASSWORD };
    await expect(wallet.connectProvider(provider.fhirBaseUrl)).rejects.toMatchObject({
      code: 'WALLET_PROVIDER_SIGN_IN',
      shortMessage: expect.stringMatching(/^You signed in to another patient’s record at /),
    });
    // nothing of that sign-in is kept
    await expect(db.providers()).resolves.toEqual([after]);

    answers = { username: 'helen', password: DEFAULT_PATIENT_PASSWORD };
    await wallet.connectProvider(provider.fhirBaseUrl);
    await expect(wallet.providerSettled(provider.fhirBaseUrl)).resolves.toMatchObject({
      complete: true,
      imported: 0,
    });
    await expect(wallet.providers()).resolves.toMatchObject([
      { needsSignIn: false, signedIn: true },
    ]);

    await wallet.removeProvider(provider.fhirBaseUrl);
    await expect(wallet.providers()).resolves.toEqual([]);
    await expect(db.providers()).resolves.toEqual([]);
    // the records it added stay
    expect((await wallet.records()).filter((r) => r.imported).length).toBeGreaterThan(20);
  }, 180_000);

  test('a key for a category that the wallet did not make (published with a stolen signing key) gets nothing sealed to it', async () => {
    const { wallet } = device;
    // someone holding the patient's signing key publishes their own key for vaccinations
    const { secretKey, ledgerId } = await deriveIdentity(mnemonic);
    const owner = new Signer(secretKey);
    const host = new LedgerHostClient({ url: stack.ledgerHost.url }).withSigner(owner);
    const { state } = await host.sync(bytesToHex(ledgerId));
    await host.submit(
      bytesToHex(ledgerId),
      'encryption-keys',
      {
        keys: [
          {
            category: 'immunization',
            epoch: state.encryptionKeys.get('immunization')?.length ?? 0,
            key: SecretKey.random().publicKey().toCompressedBytes(),
          },
        ],
      },
      owner,
    );
    answers = { username: 'helen', password: DEFAULT_PATIENT_PASSWORD };
    await wallet.connectProvider(provider.fhirBaseUrl);
    await wallet.providerSettled(provider.fhirBaseUrl);
    const vaccine = (await wallet.records()).find((r) => r.resourceType === 'Immunization');
    provider.updateResource(
      'Immunization',
      vaccine?.imported?.source.split('/')[1] as string,
      (r) => ({
        ...r,
        note: [{ text: 'Second dose due.' }],
      }),
    );
    const before = (await wallet.records()).length;
    await wallet.syncProvider(provider.fhirBaseUrl);
    const outcome = await wallet.providerSettled(provider.fhirBaseUrl);
    expect(outcome).toMatchObject({
      complete: false,
      imported: 0,
      stopped: { reason: 'land-failed' },
    });
    expect(outcome?.summary).toMatch(
      /^Your records could not be saved \(Your ledger names a key for “immunization” \(epoch \d+\) that you did not make, so nothing is locked to it: replace your signing key \(dashboard → Signing key\) first\), so this sync stopped part-way/,
    );
    expect((await wallet.records()).length).toBe(before);
  }, 120_000);
});
