import { join } from 'node:path';
import { sealRecordBytes } from '@medvault/core/envelope';
import { PublicKey, SecretKey } from '@medvault/core/pre';
import { MemoryStore } from '@medvault/core/storage';
import {
  answerPrompt,
  ask,
  deriveIdentity,
  enterGuardianShares,
  extensionPage,
  keyFingerprint,
  launchBrowser,
  makeGuardianShares,
  nextPrompt,
  onboardNewIdentity,
  restoreFromGuardianShares,
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

const PASSPHRASE = 'copper meadow lantern 19';
const SECOND_PASSPHRASE = 'quiet harbour spruce 73';

let env: BrowserStack;
let dir: string;
let stack: LocalStack;
let siteUrl: string;
let browser: WalletBrowser;
let page: Page;
let mnemonic: string;
let publicKey: string;
let shares: string[];
let grantId: string;
const store = new MemoryStore();
const RECORD_TITLE = 'Lipid panel, St. Mary’s Hospital';
const clinic = SecretKey.random();

type Overview = {
  records: { cid: string; title: string }[];
  grants: { grantId: string; status: string }[];
};

beforeAll(async () => {
  env = await startBrowserStack('medvault-guardians-', 'St. Mary’s Hospital');
  ({ dir, stack, browser, siteUrl } = env);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('guardian recovery in Chromium', () => {
  test('a new identity receives a record from a hospital and shares it', async () => {
    mnemonic = await onboardNewIdentity(browser, PASSPHRASE);
    await saveSettings(browser, stackSettings(stack));
    const identity = await deriveIdentity(mnemonic);
    publicKey = bytesToHex(identity.secretKey.publicKey().toCompressedBytes());

    page = await browser.context.newPage();
    await page.goto(siteUrl);
    let prompt = nextPrompt(browser);
    const connected = ask(page, 'medvault_connect');
    let popup = await prompt;
    await answerPrompt(popup, 'approve');
    expect(await connected).toEqual({ ok: true, value: { publicKey } });

    const sealed = await sealRecordBytes(
      PublicKey.fromCompressedBytes(hexToBytes(publicKey)),
      new TextEncoder().encode(JSON.stringify({ resourceType: 'Observation', code: 'LDL' })),
      { contentType: 'application/fhir+json', resourceType: 'Observation' },
    );
    await store.put(sealed.bytes);
    prompt = nextPrompt(browser);
    const received = ask(page, 'medvault_receiveRecord', [
      {
        cid: sealed.cid.toString(),
        capsule: bytesToHex(sealed.capsule.toBytes()),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: sealed.size,
        title: RECORD_TITLE,
      },
    ]);
    popup = await prompt;
    await popup.locator('#record-title').waitFor();
    await answerPrompt(popup, 'approve');
    expect(await received).toMatchObject({ ok: true, value: { cid: sealed.cid.toString() } });

    prompt = nextPrompt(browser);
    const shared = ask(page, 'medvault_requestShare', [
      {
        reader: {
          publicKey: bytesToHex(clinic.publicKey().toCompressedBytes()),
          name: 'Riverside Clinic',
        },
        scope: { categories: ['laboratory'] },
        purpose: 'Cardiology referral',
        expiresAt: Date.now() + 30 * 86_400_000,
      },
    ]);
    popup = await prompt;
    await popup.locator('#reader-name').waitFor();
    await answerPrompt(popup, 'approve');
    const grant = await shared;
    expect(grant.ok).toBe(true);
    grantId = (grant as { value: { grantId: string } }).value.grantId;
    expect(grantId).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  test('the dashboard makes 2-of-3 guardian shares behind the passphrase', async () => {
    // a wrong passphrase makes none
    const dashboard = await extensionPage(browser, 'dashboard.html');
    await dashboard.locator('#guardian-form').waitFor();
    await expect(dashboard.locator('#guardian-threshold').inputValue()).resolves.toBe('2');
    await expect(dashboard.locator('#guardian-count').inputValue()).resolves.toBe('3');
    await dashboard.locator('#guardian-passphrase').fill('not my passphrase');
    await dashboard.locator('#make-shares').click();
    const refused = dashboard.locator('#guardian-result .notice.error');
    await refused.waitFor({ timeout: 30_000 });
    await expect(refused.textContent()).resolves.toMatch(/does not unlock/);
    await expect(dashboard.locator('#guardian-shares').count()).resolves.toBe(0);
    // the right one shows the shares; printing shows them alone, one per page
    await dashboard.locator('#guardian-passphrase').fill(PASSPHRASE);
    await dashboard.locator('#make-shares').click();
    await dashboard.locator('#guardian-shares .share-text').first().waitFor({ timeout: 30_000 });
    const earlier = await dashboard.locator('#guardian-shares .share-text').allTextContents();
    expect(earlier).toHaveLength(3);
    await expect(dashboard.locator('#guardian-passphrase').inputValue()).resolves.toBe('');
    await dashboard.emulateMedia({ media: 'print' });
    await expect(dashboard.locator('#records').isVisible()).resolves.toBe(false);
    await expect(dashboard.locator('#guardian-form h3').isVisible()).resolves.toBe(false);
    await expect(dashboard.locator('#guardian-share-2').isVisible()).resolves.toBe(true);
    await dashboard.screenshot({ path: join(SHOTS, 'guardian-shares-print.png'), fullPage: true });
    await dashboard.close();

    shares = await makeGuardianShares(browser, PASSPHRASE, {
      threshold: 2,
      count: 3,
      shot: 'guardian-shares.png',
    });
    expect(shares).toHaveLength(3);
    const splitId = shares[0]?.split(':')[2];
    // each split is a new set: another split id
    expect(earlier[0]?.split(':')[2]).not.toBe(splitId);
    shares.forEach((share, i) => {
      expect(share).toMatch(
        new RegExp(`^medvault-share:v1:${splitId}:2-of-3:${i + 1}:[0-9a-f]{34}:[0-9a-f]{8}$`),
      );
      // no share shows the phrase or a word of it
      expect(share).not.toContain(mnemonic.split(' ')[0] as string);
    });
    // they exist on the wallet's own page only: the site's page holds nothing of them
    const everything = await page.evaluate(() => document.documentElement.outerHTML);
    for (const share of shares) expect(everything).not.toContain(share.slice(36, 60));
  }, 60_000);

  test('on a second computer: 1 share is "1 more needed", a changed character a wrong checksum, 2 of 3 restore the key, the record and the share', async () => {
    const mine = (await uiCall(browser, { type: 'dashboard' })).value as Overview;
    expect(mine.records.map((r) => r.title)).toEqual([RECORD_TITLE]);
    const second = await launchBrowser(join(dir, 'second'));
    try {
      // this computer knows the stack before the restore: the ledger is found at once
      await saveSettings(second, stackSettings(stack));
      const [first, , third] = shares as [string, string, string];

      let p = await enterGuardianShares(second, [first]);
      const error = p.locator('#error:not([hidden])');
      await expect(error.textContent()).resolves.toBe('2 of 3 needed: give 1 more.');
      await p.screenshot({ path: join(SHOTS, 'guardian-restore-one-more.png') });
      await p.close();

      // one character of the second share given changed (a digit of its share part)
      const at = third.split(':').slice(0, 5).join(':').length + 3;
      const typo = `${third.slice(0, at)}${third[at] === '7' ? '8' : '7'}${third.slice(at + 1)}`;
      p = await enterGuardianShares(second, [first, typo]);
      await expect(p.locator('#error:not([hidden])').textContent()).resolves.toMatch(
        /^Share 2 has a wrong checksum: a character in it was mistyped or changed/,
      );
      await p.screenshot({ path: join(SHOTS, 'guardian-restore-checksum.png') });
      await p.close();
      expect((await uiCall(second, { type: 'state' })).value).toMatchObject({ onboarded: false });

      // typed as a person might: upper case, spaces
      const typed = third.toUpperCase().replace(/(.{8})/g, '$1 ');
      const { restored, fingerprint } = await restoreFromGuardianShares(
        second,
        [typed, first],
        SECOND_PASSPHRASE,
        'guardian-restore-done.png',
      );
      expect(fingerprint).toBe(keyFingerprint(publicKey));
      expect(restored).toBe('Restored from your ledger: 1 record and 1 share.');
      expect((await uiCall(second, { type: 'state' })).value).toMatchObject({
        onboarded: true,
        unlocked: true,
        publicKey,
      });
      // the same phrase in the new vault
      expect(
        (await uiCall(second, { type: 'backup/reveal', passphrase: SECOND_PASSPHRASE })).value,
      ).toEqual({
        mnemonic,
      });

      const dashboard = await extensionPage(second, 'dashboard.html');
      await dashboard.locator('#records li').first().waitFor({ timeout: 30_000 });
      await expect(dashboard.locator('#records').textContent()).resolves.toContain(RECORD_TITLE);
      await dashboard.locator(`[data-grant="${grantId}"] .badge.active`).waitFor();
      await expect
        .poll(() => dashboard.locator('#ledger-status').textContent(), { timeout: 30_000 })
        .toMatch(/^Verified, \d+ entries/);
      await dashboard.screenshot({
        path: join(SHOTS, 'guardian-restored-dashboard.png'),
        fullPage: true,
      });
      await dashboard.close();
      const theirs = (await uiCall(second, { type: 'dashboard' })).value as Overview;
      const listed = (o: Overview) => o.records.map((r) => `${r.cid} ${r.title}`).sort();
      expect(listed(theirs)).toEqual(listed(mine));
      expect(theirs.grants.map((g) => [g.grantId, g.status])).toEqual(
        mine.grants.map((g) => [g.grantId, g.status]),
      );
    } finally {
      await second.close();
    }
  }, 180_000);
});
