/**
 * What the Chromium end-to-end tests share: the local stack on free ports, a
 * browser with the built extension, and a plain page standing for a
 * hospital's or clinic's site — started together, stopped together.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  answerPrompt,
  launchBrowser,
  nextPrompt,
  onboardNewIdentity,
  SHOTS,
  saveSettings,
  stackSettings,
  type WalletBrowser,
} from '@medvault/extension/testing';
import type { Page } from 'playwright-core';
import { FREE_PORTS, type LocalStack, startLocalStack } from '../../src/local-stack.js';

/** A running stack, browser and site. */
export type BrowserStack = {
  dir: string;
  stack: LocalStack;
  browser: WalletBrowser;
  /** The site's page, `http://127.0.0.1:PORT/`. */
  siteUrl: string;
  /** The same site under another origin, `http://localhost:PORT/`. */
  otherSiteUrl: string;
  close(): Promise<void>;
};

/**
 * Starts the stack and the browser at once, and a site whose page is titled `siteTitle`.
 *
 * @example
 * ```ts
 * let env: BrowserStack;
 * beforeAll(async () => { env = await startBrowserStack('medvault-ext-', 'Riverside Clinic'); }, 120_000);
 * afterAll(() => env?.close());
 * ```
 */
export async function startBrowserStack(prefix: string, siteTitle: string): Promise<BrowserStack> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const [browser, stack] = await Promise.all([
    launchBrowser(dir),
    startLocalStack({ dataDir: join(dir, 'stack'), ports: FREE_PORTS, log: () => {} }),
  ]);
  const site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>${siteTitle}</title><h1>${siteTitle}</h1>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const { port } = site.address() as AddressInfo;
  return {
    dir,
    stack,
    browser,
    siteUrl: `http://127.0.0.1:${port}/`,
    otherSiteUrl: `http://localhost:${port}/`,
    close: async () => {
      await browser.close();
      await new Promise((r) => site.close(r));
      await stack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A running stack and a browser whose wallet is set up and pointed at it. */
export type WalletStack = {
  dir: string;
  stack: LocalStack;
  browser: WalletBrowser;
  close(): Promise<void>;
};

/**
 * The stack and the browser at once, then a new identity (passphrase
 * `passphrase`) whose wallet settings point at the stack.
 *
 * @example
 * ```ts
 * let env: WalletStack;
 * beforeAll(async () => { env = await startWalletStack('medvault-story-', 'juniper harbour 1987 kite'); }, 180_000);
 * afterAll(() => env?.close());
 * ```
 */
export async function startWalletStack(prefix: string, passphrase: string): Promise<WalletStack> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const [stack, browser] = await Promise.all([
    startLocalStack({ dataDir: join(dir, 'stack'), ports: FREE_PORTS, log: () => {} }),
    launchBrowser(join(dir, 'browser')),
  ]);
  await onboardNewIdentity(browser, passphrase);
  await saveSettings(browser, stackSettings(stack));
  return {
    dir,
    stack,
    browser,
    async close() {
      await browser.close();
      await stack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Approves the prompt the extension opens next, after `trigger`; `shot`
 * saves it under artifacts/screens first. Returns the prompt's page.
 *
 * @example
 * ```ts
 * await approveNext(browser, () => page.locator('#connect').click());
 * ```
 */
export async function approveNext(
  browser: WalletBrowser,
  trigger: () => Promise<unknown>,
  shot?: string,
): Promise<Page> {
  const prompt = nextPrompt(browser);
  await trigger();
  const popup = await prompt;
  await popup.locator('#approve').waitFor();
  if (shot) await popup.screenshot({ path: join(SHOTS, shot), fullPage: true });
  await answerPrompt(popup, 'approve');
  return popup;
}

/**
 * A site not yet connected asks to share: clicks its share button, approves
 * the connect prompt, and resolves to the share's own consent prompt (it
 * opens as the first closes), ready to be narrowed and answered.
 *
 * @example
 * ```ts
 * const consent = await connectThenShare(browser, clinic.locator('medvault-share-button'));
 * await answerPrompt(consent, 'approve');
 * ```
 */
export async function connectThenShare(
  browser: WalletBrowser,
  share: ReturnType<Page['locator']>,
): Promise<Page> {
  const connectPrompt = nextPrompt(browser);
  await share.locator('button').click();
  const connect = await connectPrompt;
  await connect.locator('#approve').waitFor();
  const sharePrompt = browser.context.waitForEvent('page', {
    predicate: (p) => p !== connect && p.url().includes('/prompt.html'),
    timeout: 20_000,
  });
  await answerPrompt(connect, 'approve');
  const consent = await sharePrompt;
  await consent.locator('#approve').waitFor();
  return consent;
}
