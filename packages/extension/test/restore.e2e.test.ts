/**
 * Restoring the wallet from a recovery phrase, end to end in real Chromium
 * (the shared launcher, a fresh profile of its own). No chain is needed:
 * connecting asks nothing of it. A phrase with a bad checksum is refused on
 * screen and creates no wallet; a known BIP39 phrase restores exactly the
 * key `deriveIdentity` gives, and a local page that connects receives it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deriveIdentity } from '../src/background/identity.js';
import {
  answerPrompt,
  ask,
  extensionPage,
  launchBrowser,
  nextPrompt,
  restoreIdentity,
  SHOTS,
  uiCall,
  type WalletBrowser,
} from './support/wallet-browser.js';

// BIP39 reference vector (entropy 7f7f…7f)
const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
// every word is on the list, but the last one does not carry the checksum
const BAD_CHECKSUM = `${'abandon '.repeat(11)}abandon`;
const PASSPHRASE = 'harbour quiet lamp 7';

let dir: string;
let browser: WalletBrowser;
let site: Server;
let siteUrl: string;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-restore-'));
  browser = await launchBrowser(dir);
  site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Family Practice</title><h1>Family Practice</h1>');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Restore from `phrase` on the onboarding page `p`, up to clicking Finish (the outcome is the caller's to check). */
async function submitRestore(p: Page, phrase: string): Promise<void> {
  await p.locator('#restore').click();
  await p.locator('#phrase').fill(phrase);
  await p.locator('#restore-form button[type=submit]').click();
  await p.locator('#passphrase').fill(PASSPHRASE);
  await p.locator('#passphrase2').fill(PASSPHRASE);
  await p.locator('#finish').click();
}

describe('restoring MedVault from a recovery phrase', () => {
  test('a phrase with a bad checksum is refused on screen, and no wallet is created', async () => {
    const p = await extensionPage(browser, 'onboarding.html');
    // the page checks the phrase when it creates the wallet, after the passphrase
    await submitRestore(p, BAD_CHECKSUM);
    const error = p.locator('#error:not([hidden])');
    await error.waitFor({ timeout: 30_000 });
    await expect(error.textContent()).resolves.toMatch(
      /^Those words are not a valid recovery phrase: .*12 or 24 words .*matching checksum/,
    );
    await p.screenshot({ path: join(SHOTS, 'restore-invalid-phrase.png') });
    await expect(p.locator('#done').count()).resolves.toBe(0);
    await expect(p.locator('#finish').isEnabled()).resolves.toBe(true);
    await p.close();

    expect(await uiCall(browser, { type: 'state' })).toMatchObject({
      ok: true,
      value: { onboarded: false, unlocked: false },
    });
    page = await browser.context.newPage();
    await page.goto(siteUrl);
    expect(await ask(page, 'medvault_connect')).toMatchObject({
      ok: false,
      code: 4100,
      message: expect.stringMatching(/not set up/),
    });
  });

  test('a known phrase restores its key; a local page connects and gets exactly that key', async () => {
    const identity = await deriveIdentity(PHRASE);
    const expected = bytesToHex(identity.secretKey.publicKey().toCompressedBytes());
    await restoreIdentity(browser, PHRASE, PASSPHRASE);
    expect(await uiCall(browser, { type: 'state' })).toMatchObject({
      ok: true,
      value: { onboarded: true, unlocked: true, publicKey: expected },
    });

    expect(await ask(page, 'medvault_getPublicKey')).toMatchObject({ ok: false, code: 4100 });
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_connect');
    const popup = await prompt;
    await popup.locator('#approve').waitFor();
    await expect(popup.locator('#origin').textContent()).resolves.toBe(new URL(siteUrl).origin);
    await popup.screenshot({ path: join(SHOTS, 'restore-connect.png') });
    await answerPrompt(popup, 'approve');
    expect(await answer).toEqual({ ok: true, value: { publicKey: expected } });
    expect(await ask(page, 'medvault_getPublicKey')).toEqual({ ok: true, value: expected });

    // the vault holds this phrase: the backup shows it back, in normal form
    expect(await uiCall(browser, { type: 'backup/reveal', passphrase: PASSPHRASE })).toEqual({
      ok: true,
      value: { mnemonic: PHRASE },
    });
  });

  test('onboarding over the existing wallet is refused until the patient types REPLACE', async () => {
    const before = (await uiCall(browser, { type: 'state' })) as { value: { publicKey: string } };
    const other = `${'abandon '.repeat(11)}about`;
    const p = await extensionPage(browser, 'onboarding.html');
    const warning = p.locator('#existing-wallet');
    await warning.waitFor();
    await expect(warning.textContent()).resolves.toMatch(/already set up in this browser/);
    await p.screenshot({ path: join(SHOTS, 'onboarding-existing-wallet.png') });
    await submitRestore(p, other);
    const error = p.locator('#error:not([hidden])');
    await error.waitFor({ timeout: 30_000 });
    await expect(error.textContent()).resolves.toMatch(/already set up.*Type REPLACE to confirm/);
    await p.screenshot({ path: join(SHOTS, 'onboarding-replace-refused.png') });
    await p.close();
    // nothing changed
    expect(await uiCall(browser, { type: 'state' })).toMatchObject({
      value: { publicKey: before.value.publicKey },
    });
    // typed, it goes through: the browser now holds the other phrase's identity
    const again = await extensionPage(browser, 'onboarding.html');
    await again.locator('#replace-confirm').fill('REPLACE');
    await submitRestore(again, other);
    await again.locator('#done').waitFor({ timeout: 30_000 });
    await again.close();
    const expected = await deriveIdentity(other);
    expect(await uiCall(browser, { type: 'state' })).toMatchObject({
      value: { publicKey: bytesToHex(expected.secretKey.publicKey().toCompressedBytes()) },
    });
  });
});
