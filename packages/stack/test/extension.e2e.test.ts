import { join } from 'node:path';
import { collect, sealRecordBytes } from '@medvault/core/envelope';
import { PublicKey, SecretKey } from '@medvault/core/pre';
import { grantFromJson, readShared } from '@medvault/core/proxy';
import { type BlobStore, HttpStore } from '@medvault/core/storage';
import {
  type Answer,
  answerPrompt,
  ask,
  choosePassphrase,
  deriveIdentity,
  extensionPage,
  keyFingerprint,
  launchBrowser,
  nextPrompt,
  restoreIdentity,
  SHOTS,
  saveSettings,
  stackSettings,
  uiCall,
  type WalletBrowser,
} from '@medvault/extension/testing';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalStack } from '../src/local-stack.js';
import { type BrowserStack, startBrowserStack } from './support/browser-stack.js';

const PASSPHRASE = 'tidal lantern orchard 42';

let env: BrowserStack;
let dir: string;
let stack: LocalStack;
let siteUrl: string;
let otherSiteUrl: string;
let browser: WalletBrowser;
let page: Page;
let mnemonic: string;
let patientSecretHex: string;
let store: BlobStore;
let recordCid: string;
let sharedGrant: ReturnType<typeof grantFromJson>;
const clinic = SecretKey.random();
const clinicKey = bytesToHex(clinic.publicKey().toCompressedBytes());

function shareParams(purpose: string) {
  return [
    {
      reader: { publicKey: clinicKey, name: 'Riverside Clinic — Dr. Okafor' },
      scope: { categories: ['laboratory'] },
      purpose,
      expiresAt: Date.now() + 30 * 86_400_000,
    },
  ];
}

beforeAll(async () => {
  env = await startBrowserStack('medvault-ext-', 'Riverside Clinic');
  ({ dir, stack, browser, siteUrl, otherSiteUrl } = env);
  // the hospital's side of the test puts sealed records where the wallet reads them
  store = new HttpStore({ gateway: stack.blobService.url });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('MedVault extension in Chromium', () => {
  test('before onboarding, a site is told the wallet is not set up', async () => {
    page = await browser.context.newPage();
    await page.goto(siteUrl);
    const answer = await ask(page, 'medvault_connect');
    expect(answer).toMatchObject({ ok: false, code: 4100 });
    expect((answer as { message: string }).message).toMatch(/not set up/);
  });

  test('onboarding: a new identity, the phrase shown and confirmed (shown again unchanged), a passphrase', async () => {
    const p = await extensionPage(browser, 'onboarding.html');
    await p.getByRole('button', { name: 'Create a new identity' }).click();
    await p.locator('#mnemonic li').first().waitFor();
    mnemonic = (await p.locator('#mnemonic .word').allTextContents()).join(' ');
    expect(mnemonic.split(' ')).toHaveLength(12);
    await p.screenshot({ path: join(SHOTS, 'onboarding-phrase.png') });
    await expect(p.locator('#next').isDisabled()).resolves.toBe(true);
    await expect(p.locator('.notice.warning').first().textContent()).resolves.toMatch(
      /show them again under Backup/,
    );
    await p.locator('#written').check();
    await p.locator('#next').click();
    // going back from the check shows the same words, never a new phrase
    await p.locator('#show-again').click();
    await expect(p.locator('#mnemonic .word').allTextContents()).resolves.toEqual(
      mnemonic.split(' '),
    );
    await p.locator('#written').check();
    await p.locator('#next').click();
    const words = mnemonic.split(' ');
    const inputs = p.locator('input[data-index]');
    await inputs.first().waitFor();
    // a wrong word is refused
    await inputs.first().fill('wrong');
    for (let i = 1; i < 3; i++) {
      const index = Number(await inputs.nth(i).getAttribute('data-index'));
      await inputs.nth(i).fill(words[index - 1] as string);
    }
    await p.getByRole('button', { name: 'Continue' }).click();
    await expect(p.locator('#error').textContent()).resolves.toMatch(/does not match/);
    for (let i = 0; i < 3; i++) {
      const index = Number(await inputs.nth(i).getAttribute('data-index'));
      await inputs.nth(i).fill(words[index - 1] as string);
    }
    await p.getByRole('button', { name: 'Continue' }).click();
    await choosePassphrase(p, PASSPHRASE, 'onboarding-passphrase.png');
    await p.screenshot({ path: join(SHOTS, 'onboarding-done.png') });
    const identity = await deriveIdentity(mnemonic);
    patientSecretHex = bytesToHex(identity.secretKey.toBEBytes());
    await expect(p.locator('#fingerprint').textContent()).resolves.toBe(
      keyFingerprint(bytesToHex(identity.secretKey.publicKey().toCompressedBytes())),
    );
    await p.close();
    // point the wallet at this test's stack (the settings the dashboard form saves)
    await saveSettings(browser, stackSettings(stack));
  });

  test('a site connects once the patient approves; errors use EIP-1193 codes', async () => {
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_connect');
    const popup = await prompt;
    await popup.locator('#approve').waitFor();
    await expect(popup.locator('#origin').textContent()).resolves.toBe(new URL(siteUrl).origin);
    await answerPrompt(popup, 'approve');
    const connected = await answer;
    expect(connected.ok).toBe(true);
    const publicKey = (connected as { value: { publicKey: string } }).value.publicKey;
    expect(publicKey).toBe(
      bytesToHex(
        SecretKey.fromBEBytes(hexToBytes(patientSecretHex)).publicKey().toCompressedBytes(),
      ),
    );
    expect(await ask(page, 'medvault_getPublicKey')).toEqual({ ok: true, value: publicKey });
    expect(await ask(page, 'eth_accounts')).toMatchObject({ ok: false, code: 4200 });
    expect(await ask(page, 'medvault_requestShare', [{ reader: {} }])).toMatchObject({
      ok: false,
      code: -32602,
    });
    expect(
      await ask(page, 'medvault_requestShare', [
        { ...shareParams('x')[0], expiresAt: Date.now() - 1 },
      ]),
    ).toMatchObject({ ok: false, code: -32602, message: expect.stringMatching(/expiresAt/) });
    // a reader key off the curve: refused at once, no prompt opens (the share would fail later)
    const prompts = browser.context.pages().length;
    const offCurve = `02${'00'.repeat(31)}05`; // x = 5: 5³ + 7 = 132 is no square mod p
    expect(
      await ask(page, 'medvault_requestShare', [
        { ...shareParams('x')[0], reader: { publicKey: offCurve, name: 'Riverside Clinic' } },
      ]),
    ).toMatchObject({
      ok: false,
      code: -32602,
      message: expect.stringMatching(/reader\.publicKey is not a secp256k1 public key/),
    });
    expect(browser.context.pages().length).toBe(prompts);
    // another origin is not connected by this approval
    const other = await browser.context.newPage();
    await other.goto(otherSiteUrl);
    expect(await ask(other, 'medvault_getPublicKey')).toMatchObject({ ok: false, code: 4100 });
    await other.close();
  });

  test('a hospital hands over a sealed record; the patient confirms it into the ledger', async () => {
    // the page asks the wallet which key lab results are sealed to: the laboratory key,
    // published in the ledger, never the identity key
    const asked = await ask(page, 'medvault_getEncryptionKey', [{ category: 'laboratory' }]);
    expect(asked).toMatchObject({ ok: true, value: { category: 'laboratory', epoch: 0 } });
    const labKeyHex = (asked as { value: { publicKey: string } }).value.publicKey;
    const identityPk = SecretKey.fromBEBytes(hexToBytes(patientSecretHex)).publicKey();
    expect(labKeyHex).not.toBe(bytesToHex(identityPk.toCompressedBytes()));
    const patientPk = PublicKey.fromCompressedBytes(hexToBytes(labKeyHex));
    const record = JSON.stringify({
      resourceType: 'Observation',
      code: { text: 'HbA1c' },
      valueQuantity: { value: 6.1, unit: '%' },
    });
    const sealed = await sealRecordBytes(patientPk, new TextEncoder().encode(record), {
      contentType: 'application/fhir+json',
      resourceType: 'Observation',
    });
    await store.put(sealed.bytes);
    recordCid = sealed.cid.toString();
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_receiveRecord', [
      {
        cid: sealed.cid.toString(),
        capsule: bytesToHex(sealed.capsule.toBytes()),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        recipient: labKeyHex,
        size: sealed.size,
        title: 'HbA1c 6.1 %, St. Mary’s Hospital',
      },
    ]);
    const popup = await prompt;
    await popup.locator('#record-title').waitFor();
    await answerPrompt(popup, 'approve');
    // entry 1 published the patient's encryption keys; the record is entry 2
    expect(await answer).toMatchObject({ ok: true, value: { cid: sealed.cid.toString(), seq: 2 } });
  });

  test('a share approved in the prompt reaches the page, and the reader decrypts through the real proxies', async () => {
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_requestShare', shareParams('Diabetes follow-up'));
    const popup = await prompt;
    await popup.locator('#reader-name').waitFor();
    await expect(popup.locator('#scope').textContent()).resolves.toBe('All your lab results');
    await expect(popup.locator('#match-count').textContent()).resolves.toMatch(
      /^One of your records matches today/,
    );
    await expect(popup.locator('#reader-fingerprint').textContent()).resolves.toMatch(
      /^[0-9A-F]{4}( [0-9A-F]{4}){4}$/,
    );
    await expect(popup.locator('#proxies').textContent()).resolves.toMatch(
      /^3 independent services .+ any 2 of them are needed/,
    );
    await popup.screenshot({ path: join(SHOTS, 'consent-share.png'), fullPage: true });
    // keyboard: the heading has the focus, never Share; once Share is enabled, Tab reaches
    // Deny before Share, and Enter approves
    await expect(popup.evaluate(() => document.activeElement?.id)).resolves.toBe('title');
    await popup.locator('#approve:not([disabled])').waitFor();
    const order: string[] = [];
    while (order.at(-1) !== 'approve' && order.length < 12) {
      await popup.keyboard.press('Tab');
      order.push(await popup.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(order.at(-1)).toBe('approve');
    expect(order.at(-2)).toBe('deny');
    await popup.keyboard.press('Enter').catch(() => undefined);
    const shared = await answer;
    expect(shared.ok).toBe(true);
    const grant = grantFromJson((shared as { value: unknown }).value);
    expect(grant.reader.equals(PublicKey.fromCompressedBytes(hexToBytes(clinicKey)))).toBe(true);
    sharedGrant = grant;
    const { records, failures } = await readShared({
      reader: clinic,
      grant,
      cids: [recordCid],
      store,
    });
    expect(failures).toEqual([]);
    const text = new TextDecoder().decode(
      await collect(records[0]?.stream as ReadableStream<Uint8Array>),
    );
    expect(JSON.parse(text)).toMatchObject({ code: { text: 'HbA1c' } });
  });

  test('deny, closing the prompt, and Escape all reject with 4001', async () => {
    let prompt = nextPrompt(browser);
    let answer = ask(page, 'medvault_requestShare', shareParams('Deny me'));
    let popup = await prompt;
    await answerPrompt(popup, 'deny');
    expect(await answer).toMatchObject({
      ok: false,
      code: 4001,
      message: expect.stringMatching(/denied/),
    });

    prompt = nextPrompt(browser);
    answer = ask(page, 'medvault_requestShare', shareParams('Close me'));
    popup = await prompt;
    await popup.locator('#approve').waitFor();
    await popup.close();
    expect(await answer).toMatchObject({
      ok: false,
      code: 4001,
      message: expect.stringMatching(/closed/),
    });

    prompt = nextPrompt(browser);
    answer = ask(page, 'medvault_requestShare', shareParams('Escape me'));
    popup = await prompt;
    await popup.locator('#approve').waitFor();
    // the window closes under the key press
    await popup.keyboard.press('Escape').catch(() => undefined);
    expect(await answer).toMatchObject({ ok: false, code: 4001 });
  });

  test('a second request while one is open waits its turn', async () => {
    const first = nextPrompt(browser);
    const a = ask(page, 'medvault_requestShare', shareParams('First'));
    const popupA = await first;
    await popupA.locator('#purpose').waitFor();
    const b = ask(page, 'medvault_requestShare', shareParams('Second'));
    await new Promise((r) => setTimeout(r, 500));
    // (a confirmation left open by an earlier share is not a request)
    const waiting = async () => {
      const prompts = browser.context.pages().filter((p) => p.url().includes('/prompt.html'));
      const open = await Promise.all(
        prompts.map((p) =>
          p
            .locator('#shared-summary')
            .count()
            .catch(() => 1),
        ),
      );
      return open.filter((confirmation) => confirmation === 0).length;
    };
    expect(await waiting()).toBe(1);
    const second = nextPrompt(browser);
    await answerPrompt(popupA, 'deny');
    const popupB = await second;
    await expect(popupB.locator('#purpose').textContent()).resolves.toBe('Second');
    await answerPrompt(popupB, 'deny');
    expect(await a).toMatchObject({ ok: false, code: 4001 });
    expect(await b).toMatchObject({ ok: false, code: 4001 });
  });

  test('locked, requests wait for the passphrase', async () => {
    expect((await uiCall(browser, { type: 'lock' })).ok).toBe(true);
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_listGrants');
    const popup = await prompt;
    await popup.locator('#passphrase').waitFor();
    await popup.screenshot({ path: join(SHOTS, 'unlock-prompt.png') });
    const settled = await Promise.race([
      answer.then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('waiting'), 500)),
    ]);
    expect(settled).toBe('waiting');
    await popup.locator('#passphrase').fill('not the passphrase');
    await popup.locator('#unlock').click();
    await popup.locator('#error:not([hidden])').waitFor({ timeout: 20_000 });
    await expect(popup.locator('#error').textContent()).resolves.toMatch(/does not unlock/);
    await popup.locator('#passphrase').fill(PASSPHRASE);
    await popup.locator('#unlock').click();
    expect(await answer).toMatchObject({ ok: true });
  });

  test('a page cannot read the key or reach the background directly', async () => {
    const surface = await page.evaluate(() =>
      Object.keys((window as unknown as { medvault: object }).medvault).sort(),
    );
    expect(surface).toEqual(['isMedVault', 'request']);
    // no externally_connectable: the page has no channel to the extension
    const extensionId = browser.extensionId as string;
    expect(extensionId).toMatch(/^[a-p]{32}$/);
    const direct = await page.evaluate(async (id) => {
      const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome
        ?.runtime;
      if (typeof runtime?.sendMessage !== 'function') return 'no runtime';
      try {
        await (runtime.sendMessage as (id: string, m: unknown) => Promise<unknown>)(id, {
          type: 'backup/reveal',
          passphrase: 'x',
        });
        return 'sent';
      } catch {
        return 'refused';
      }
    }, extensionId);
    expect(['no runtime', 'refused']).toContain(direct);
    // a UI message forged through the courier is not a provider method
    expect(await ask(page, 'backup/reveal', [{ passphrase: PASSPHRASE }])).toMatchObject({
      ok: false,
      code: 4200,
    });
    // nothing the page got or holds contains the secret key
    const everything = await page.evaluate(
      () =>
        document.documentElement.outerHTML + JSON.stringify(Object.entries(window).map(([k]) => k)),
    );
    expect(everything).not.toContain(patientSecretHex);
    const grants = await ask(page, 'medvault_listGrants');
    expect(JSON.stringify(grants)).not.toContain(patientSecretHex);
    expect(JSON.stringify(grants)).not.toContain(mnemonic.split(' ').slice(0, 3).join(' '));
    expect((grants as { value: unknown[] }).value).toHaveLength(1);
  });

  test('the dashboard shows records, the grant, the access and the ledger anchored; Revoke ends the share', async () => {
    const dashboard = await extensionPage(browser, 'dashboard.html');
    await dashboard.locator('#records li').first().waitFor();
    await dashboard.locator('#anchor').click();
    await expect
      .poll(() => dashboard.locator('#ledger-status').textContent(), { timeout: 20_000 })
      .toMatch(/^Verified, \d+ entries, anchored at block \d+/);
    // one read through 2 (or, hedging, 3) proxies is one row, naming each proxy
    await expect(dashboard.locator('#accesses tbody tr').count()).resolves.toBe(1);
    await expect(dashboard.locator('#accesses tbody tr td.mono').textContent()).resolves.toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/?, http:\/\/127\.0\.0\.1:\d+/,
    );
    await expect(dashboard.locator('#accesses').textContent()).resolves.toContain(
      'Riverside Clinic',
    );
    await dashboard.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
    // ending a share asks once more, saying what ending does and does not do
    await dashboard.locator(`[data-revoke="${sharedGrant.grantId}"]`).click();
    await expect(dashboard.locator('.revoke-confirm').textContent()).resolves.toMatch(
      /stops new reads.+cannot take back/,
    );
    await dashboard.screenshot({ path: join(SHOTS, 'revoke-confirm.png') });
    await dashboard.locator(`[data-revoke-confirm="${sharedGrant.grantId}"]`).click();
    await dashboard.locator('.badge.revoked').waitFor({ timeout: 20_000 });
    // an ended share says when it was created and ended, and which one it is
    await expect(
      dashboard.locator(`[data-grant="${sharedGrant.grantId}"] .hint`).first().textContent(),
    ).resolves.toMatch(
      new RegExp(`created .+ · ended by you .+ · share ${sharedGrant.grantId.slice(0, 8)}$`),
    );
    // the dashboard says what ending the share did to the key of its records
    await expect(dashboard.locator('#rotation-notice').textContent()).resolves.toMatch(
      /Your laboratory records from now on are locked with a new key, which the reader you removed never gets\. No other share covers them\./,
    );
    // the services the wallet uses live under Advanced; a wrong one is named, and nothing saved
    await dashboard.locator('#advanced').click();
    await dashboard.locator('#s-proxies').waitFor();
    const proxiesBefore = await dashboard.locator('#s-proxies').inputValue();
    await dashboard.locator('#s-proxies').fill('ftp://proxy.example');
    await dashboard.getByRole('button', { name: 'Save settings' }).click();
    await expect(dashboard.locator('#settings-saved').textContent()).resolves.toBe(
      '“Proxies” cannot be used: expected an http(s) URL.',
    );
    await expect(dashboard.locator('#s-proxies').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await dashboard.screenshot({
      path: join(SHOTS, 'advanced-settings-error.png'),
      fullPage: true,
    });
    await dashboard.reload();
    await expect(dashboard.locator('#s-proxies').inputValue()).resolves.toBe(proxiesBefore);
    const popup = await extensionPage(browser, 'popup.html');
    await popup.setViewportSize({ width: 420, height: 600 });
    await popup.locator('#ledger-status.ok').waitFor({ timeout: 20_000 });
    await popup.screenshot({ path: join(SHOTS, 'toolbar-popup.png') });
    await popup.close();
    await dashboard.close();
    const listed = (await ask(page, 'medvault_listGrants')) as { value: { status: string }[] };
    expect(listed.value[0]?.status).toBe('revoked');
    const refused = await readShared({
      reader: clinic,
      grant: sharedGrant,
      cids: [recordCid],
      store,
    }).catch((e) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused.message)).toMatch(/PROXY_GRANT_(UNKNOWN|INACTIVE)/);
  });

  /** What a hospital page does: asks the key of `category`, seals, stores, hands over. */
  async function deliver(resource: object, title: string, category: string): Promise<string> {
    const asked = (await ask(page, 'medvault_getEncryptionKey', [{ category }])) as {
      value: { publicKey: string };
    };
    const key = PublicKey.fromCompressedBytes(hexToBytes(asked.value.publicKey));
    const sealed = await sealRecordBytes(key, new TextEncoder().encode(JSON.stringify(resource)), {
      contentType: 'application/fhir+json',
    });
    await store.put(sealed.bytes);
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_receiveRecord', [
      {
        cid: sealed.cid.toString(),
        capsule: bytesToHex(sealed.capsule.toBytes()),
        contentType: 'application/fhir+json',
        resourceType: (resource as { resourceType: string }).resourceType,
        category,
        recipient: asked.value.publicKey,
        size: sealed.size,
        title,
      },
    ]);
    await answerPrompt(await prompt, 'approve');
    expect(await answer).toMatchObject({ ok: true });
    return sealed.cid.toString();
  }

  /** Every prompt window opened while `run` runs. */
  async function promptsDuring(run: () => Promise<void>): Promise<Page[]> {
    const opened: Page[] = [];
    const seen = (p: Page) => {
      if (p.url().includes('/prompt.html')) opened.push(p);
    };
    browser.context.on('page', seen);
    try {
      await run();
    } finally {
      browser.context.off('page', seen);
    }
    return opened;
  }

  /** Whether `selector` lies wholly inside the prompt window's viewport (460×720). */
  const inView = (popup: Page, selector: string) =>
    popup.locator(selector).evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
    });

  let lab2: string;
  let problems: string;

  test('one window for a locked wallet: the site is not asked to connect again, the prompt unlocks, and the patient narrows the share in it', async () => {
    lab2 = await deliver(
      { resourceType: 'Observation', id: 'ldl', code: { text: 'LDL cholesterol' } },
      'LDL 88 mg/dL',
      'laboratory',
    );
    problems = await deliver(
      {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            resource: {
              resourceType: 'Patient',
              name: [{ text: 'Ana Lima' }],
              telecom: [{ system: 'phone', value: '555-0100' }],
              address: [{ line: ['1 Main St'] }],
            },
          },
          { resource: { resourceType: 'Condition', code: { text: 'Type 2 diabetes' } } },
        ],
      },
      'Problem list',
      'problem-list',
    );
    expect((await uiCall(browser, { type: 'lock' })).ok).toBe(true);
    let answer!: Promise<Answer>;
    let popup!: Page;
    const windows = await promptsDuring(async () => {
      // connected before: answered at once, no window, even locked
      expect(await ask(page, 'medvault_connect')).toMatchObject({ ok: true });
      const prompt = nextPrompt(browser);
      answer = ask(page, 'medvault_requestShare', [
        {
          ...shareParams('Cardiology referral')[0],
          scope: { categories: ['laboratory', 'problem-list'] },
        },
      ]);
      popup = await prompt;
      // the size the background opens prompt windows at
      await popup.setViewportSize({ width: 460, height: 720 });
      await popup.locator('#passphrase').waitFor();
      await expect(popup.locator('#origin').textContent()).resolves.toBe(new URL(siteUrl).origin);
      await popup.screenshot({ path: join(SHOTS, 'one-window-locked.png') });
      await popup.locator('#passphrase').fill(PASSPHRASE);
      await popup.locator('#unlock').click();
      // the same window now asks the share itself
      await popup.locator('#reader-name').waitFor({ timeout: 20_000 });
      await expect(popup.locator('#match-count').textContent()).resolves.toMatch(
        /^3 of your records match today/,
      );
      // what approving means, above the buttons, in view at 460×720
      await expect(popup.locator('#consent').textContent()).resolves.toMatch(
        /can open these records as often as they like until .+Ending the share stops new reads\. It cannot take back what they have already read or saved\./,
      );
      await expect(popup.locator('#identifying').textContent()).resolves.toBe(
        'These records also show your name, phone number and address.',
      );
      for (const part of ['#consent', '#approve', '#deny']) {
        expect(await inView(popup, part)).toBe(true);
      }
      // untick problems, end after a week instead of 30 days
      await popup.locator('input[name="category"][value="problem-list"]').uncheck();
      await popup.locator('#until').selectOption({ label: '1 week from now' });
      await expect(popup.locator('#consent-until').textContent()).resolves.toMatch(/in 7 days/);
      await popup.screenshot({ path: join(SHOTS, 'consent-narrowed.png') });
      await answerPrompt(popup, 'approve');
      await popup.locator('#shared-summary').waitFor({ timeout: 30_000 });
      await popup.screenshot({ path: join(SHOTS, 'consent-shared.png') });
    });
    expect(windows).toHaveLength(1);
    const shared = await answer;
    expect(shared).toMatchObject({ ok: true });
    const grant = grantFromJson((shared as { value: unknown }).value);
    // the grant covers only what was left ticked: lab results, for a week
    expect(grant.scope).toEqual({ categories: ['laboratory'] });
    expect(grant.categories).toEqual(['laboratory']);
    expect(Math.abs(grant.expiresAt - (Date.now() + 7 * 86_400_000))).toBeLessThan(120_000);
    const read = await readShared({ reader: clinic, grant, cids: [lab2, problems], store }).catch(
      (e: Error) => e,
    );
    const opened = read instanceof Error ? [] : read.records.map((r) => r.cid.toString());
    expect(opened).not.toContain(problems);
  }, 90_000);

  test('a second share to the same reader is warned of; unticking a record shares exactly the records left', async () => {
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_requestShare', [
      {
        ...shareParams('Second opinion')[0],
        scope: { categories: ['laboratory', 'problem-list'] },
      },
    ]);
    const popup = await prompt;
    await popup.locator('#reader-name').waitFor();
    await expect(popup.locator('#overlap').textContent()).resolves.toMatch(
      /^Riverside Clinic — Dr\. Okafor already holds a share of 2 of these records/,
    );
    await popup.locator(`input[name="record"][value="${lab2}"]`).uncheck();
    await popup.locator('#fixed-set:not([hidden])').waitFor();
    await popup.screenshot({ path: join(SHOTS, 'consent-overlap-records.png'), fullPage: true });
    await answerPrompt(popup, 'approve');
    const shared = await answer;
    expect(shared).toMatchObject({ ok: true });
    const grant = grantFromJson((shared as { value: unknown }).value);
    expect(grant.scope.cids?.sort()).toEqual([recordCid, problems].sort());
    const { records, failures } = await readShared({
      reader: clinic,
      grant,
      cids: [recordCid],
      store,
    });
    expect(failures).toEqual([]);
    expect(records).toHaveLength(1);
    const refused = await readShared({ reader: clinic, grant, cids: [lab2], store }).catch(
      (e: Error) => e,
    );
    expect(refused instanceof Error || refused.records.length === 0).toBe(true);
  }, 60_000);

  test('on a second computer the phrase brings the records and shares back from the ledger', async () => {
    const mine = (await uiCall(browser, { type: 'dashboard' })).value as {
      records: { cid: string; title: string; origin: string }[];
      grants: { grantId: string; status: string }[];
    };
    expect(mine.records.length).toBeGreaterThan(0);
    const second = await launchBrowser(join(dir, 'second'));
    try {
      await restoreIdentity(second, mnemonic, PASSPHRASE);
      // a new profile knows no stack yet: the lists fill at the first ledger check
      await saveSettings(second, stackSettings(stack));
      const dashboard = await extensionPage(second, 'dashboard.html');
      await expect
        .poll(() => dashboard.locator('#records li').count(), { timeout: 30_000 })
        .toBe(mine.records.length);
      // titles and sites come back: sealed to the patient in the ledger (the host never read them)
      const firstTitle = mine.records[0]?.title as string;
      await expect(dashboard.locator('#records').textContent()).resolves.toContain(firstTitle);
      await dashboard.locator(`[data-grant="${sharedGrant.grantId}"] .badge.revoked`).waitFor();
      await expect(dashboard.locator('#grants li').count()).resolves.toBe(mine.grants.length);
      await dashboard.screenshot({ path: join(SHOTS, 'dashboard-restored.png'), fullPage: true });
      const theirs = (await uiCall(second, { type: 'dashboard' })).value as typeof mine;
      const listed = (records: typeof mine.records) =>
        records.map((r) => `${r.cid} ${r.title} ${r.origin}`).sort();
      expect(listed(theirs.records)).toEqual(listed(mine.records));
      expect(Object.fromEntries(theirs.grants.map((g) => [g.grantId, g.status]))).toEqual(
        Object.fromEntries(mine.grants.map((g) => [g.grantId, g.status])),
      );
      await dashboard.close();
    } finally {
      await second.close();
    }
  }, 120_000);
});
