/**
 * The consent prompt cannot be approved by a stray key press or a click
 * that lands as the window appears (issue #16, item 6), end to end in real
 * Chromium with the built extension: the focus starts on the heading, not
 * on the button that grants, and that button stays inert (disabled, and its
 * handler checks the clock too) until the window has been visible and
 * focused for APPROVE_DELAY_MS; losing focus or being hidden restarts the
 * wait. Deny and Escape work at once. No chain is needed: connecting and
 * the receive prompt ask nothing of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealRecordBytes } from '@medvault/core/envelope';
import { PublicKey } from '@medvault/core/pre';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APPROVE_DELAY_MS } from '../src/ui/approval-gate.js';
import {
  type Answer,
  ask,
  launchBrowser,
  nextPrompt,
  restoreIdentity,
  SHOTS,
  type WalletBrowser,
} from './support/wallet-browser.js';

const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const PASSPHRASE = 'meadow copper signal 5';

let dir: string;
let browser: WalletBrowser;
let site: Server;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-guard-'));
  browser = await launchBrowser(dir);
  site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Sly Site</title><h1>Sly Site</h1>');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  await restoreIdentity(browser, PHRASE, PASSPHRASE);
  page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (site) await new Promise((r) => site.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Whether `answer` has settled within `ms`. */
async function settledWithin(answer: Promise<Answer>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([
    answer,
    new Promise<typeof pending>((r) => setTimeout(() => r(pending), ms)),
  ]);
  return first !== pending;
}

/** The id of the focused element in the prompt, and whether Approve is disabled. */
function focusAndApprove(popup: Page) {
  return popup.evaluate(() => {
    const approve = document.getElementById('approve') as HTMLButtonElement;
    return {
      focused: document.activeElement?.id,
      disabled: approve.disabled,
      ariaDisabled: approve.getAttribute('aria-disabled'),
    };
  });
}

/** What a user with devtools (or a confused extension) could do: re-enable Approve by hand. */
function forceEnable(popup: Page) {
  return popup.evaluate(() => {
    const approve = document.getElementById('approve') as HTMLButtonElement;
    approve.disabled = false;
    approve.removeAttribute('aria-disabled');
  });
}

describe('the consent prompt resists stray input', () => {
  test('Enter pressed as the connect prompt appears does not approve', async () => {
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_connect');
    const popup = await prompt;
    await popup.locator('#approve').waitFor({ state: 'attached' });
    // the attacker's page counts on a user typing as the window pops up
    await popup.keyboard.press('Enter').catch(() => undefined);
    await popup.keyboard.press('Space').catch(() => undefined);
    expect(await settledWithin(answer, 300)).toBe(false);
    expect(popup.isClosed()).toBe(false);
    // Escape still denies, at once
    await popup.keyboard.press('Escape').catch(() => undefined);
    expect(await answer).toMatchObject({ ok: false, code: 4001 });
  });

  test('connect: focus is not on Approve, Enter and an early click do nothing, a click after the delay approves', async () => {
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_connect');
    const popup = await prompt;
    await popup.locator('#approve').waitFor({ state: 'attached' });
    const shown = Date.now();
    // (a) the heading has the focus; Approve reads disabled
    expect(await focusAndApprove(popup)).toEqual({
      focused: 'title',
      disabled: true,
      ariaDisabled: 'true',
    });
    // (b) Enter at once does not approve
    await popup.keyboard.press('Enter');
    // (c) a real click on Approve, re-enabled by hand, within the first ~300 ms does nothing
    await forceEnable(popup);
    await popup.locator('#approve').click({ force: true, timeout: 2000 });
    expect(Date.now() - shown).toBeLessThan(APPROVE_DELAY_MS / 2);
    expect(await settledWithin(answer, 100)).toBe(false);
    expect(popup.isClosed()).toBe(false);
    await expect(popup.locator('#approve').textContent()).resolves.toBe('Connect');
    // the guard puts the button back as it was
    await expect(popup.locator('#approve').getAttribute('aria-disabled')).resolves.toBe('true');
    await popup.screenshot({ path: join(SHOTS, 'consent-approve-waiting.png') });
    // (d) once the window has been visible and focused for the delay, a click approves
    const enabled = popup.locator('#approve:not([disabled])');
    await enabled.waitFor({ timeout: 5000 });
    expect(Date.now() - shown).toBeGreaterThanOrEqual(APPROVE_DELAY_MS - 100);
    await expect(enabled.getAttribute('aria-disabled')).resolves.toBeNull();
    await popup.screenshot({ path: join(SHOTS, 'consent-approve-ready.png') });
    // Approve never took the focus (the early click's focus left with the disabling): Enter still does nothing
    await expect(popup.evaluate(() => document.activeElement?.id)).resolves.not.toBe('approve');
    await popup.keyboard.press('Enter');
    expect(await settledWithin(answer, 100)).toBe(false);
    await enabled.click().catch((error: Error) => {
      if (!popup.isClosed() && !/has been closed/.test(error.message)) throw error;
    });
    expect(await answer).toMatchObject({ ok: true, value: { publicKey: expect.any(String) } });
  });

  test('losing focus or being hidden disables Approve and restarts the wait', async () => {
    const publicKey = (await ask(page, 'medvault_getPublicKey')) as { value: string };
    const sealed = await sealRecordBytes(
      PublicKey.fromCompressedBytes(hexToBytes(publicKey.value)),
      new TextEncoder().encode('{"resourceType":"Observation"}'),
      { contentType: 'application/fhir+json', resourceType: 'Observation' },
    );
    const prompt = nextPrompt(browser);
    const answer = ask(page, 'medvault_receiveRecord', [
      {
        cid: sealed.cid.toString(),
        capsule: bytesToHex(sealed.capsule.toBytes()),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        size: sealed.size,
        title: 'A record nobody asked for',
      },
    ]);
    const popup = await prompt;
    await popup.locator('#record-title').waitFor();
    // the receive prompt is guarded the same way
    expect(await focusAndApprove(popup)).toEqual({
      focused: 'title',
      disabled: true,
      ariaDisabled: 'true',
    });
    await popup.keyboard.press('Enter');
    await popup.locator('#approve:not([disabled])').waitFor({ timeout: 5000 });

    // the window loses focus: Approve is disabled again, and a click by hand does nothing
    await popup.evaluate(() => {
      document.hasFocus = () => false;
      window.dispatchEvent(new Event('blur'));
    });
    await expect(popup.locator('#approve').isDisabled()).resolves.toBe(true);
    await expect(popup.locator('#approve').getAttribute('aria-disabled')).resolves.toBe('true');
    // focus comes back: the full wait starts over
    const back = await popup.evaluate(() => {
      document.hasFocus = () => true;
      window.dispatchEvent(new Event('focus'));
      return performance.now();
    });
    await expect(popup.locator('#approve').isDisabled()).resolves.toBe(true);
    await forceEnable(popup);
    await popup.locator('#approve').click({ force: true, timeout: 2000 });
    expect((await popup.evaluate(() => performance.now())) - back).toBeLessThan(
      APPROVE_DELAY_MS / 2,
    );
    expect(await settledWithin(answer, 50)).toBe(false);
    await popup.locator('#approve:not([disabled])').waitFor({ timeout: 5000 });
    const enabledAt = await popup.evaluate(() => performance.now());
    expect(enabledAt - back).toBeGreaterThanOrEqual(APPROVE_DELAY_MS - 50);

    // hidden (another tab over it, minimised): the same
    await popup.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect(popup.locator('#approve').isDisabled()).resolves.toBe(true);
    const shown = await popup.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'visible',
      });
      document.dispatchEvent(new Event('visibilitychange'));
      return performance.now();
    });
    await expect(popup.locator('#approve').isDisabled()).resolves.toBe(true);
    await popup.locator('#approve:not([disabled])').waitFor({ timeout: 5000 });
    expect((await popup.evaluate(() => performance.now())) - shown).toBeGreaterThanOrEqual(
      APPROVE_DELAY_MS - 50,
    );

    // Deny was never held back
    expect(await settledWithin(answer, 50)).toBe(false);
    await popup
      .locator('#deny')
      .click()
      .catch(() => undefined);
    expect(await answer).toMatchObject({ ok: false, code: 4001 });
  });

  test('Deny works the moment the prompt appears', async () => {
    const prompt = nextPrompt(browser);
    const other = await browser.context.newPage();
    await other.goto(page.url().replace('127.0.0.1', 'localhost'));
    const answer = ask(other, 'medvault_connect');
    const popup = await prompt;
    await popup.locator('#deny').waitFor();
    await expect(popup.locator('#approve').isDisabled()).resolves.toBe(true);
    await popup
      .locator('#deny')
      .click()
      .catch((error: Error) => {
        if (!popup.isClosed() && !/has been closed/.test(error.message)) throw error;
      });
    expect(await answer).toMatchObject({ ok: false, code: 4001 });
    await other.close();
  });
});
