/**
 * Test support: real Debian Chromium (playwright-core) with the built
 * MedVault extension loaded, and the patient's steps through its real pages —
 * onboarding, restoring (from the phrase or from guardian shares), guardian
 * shares, settings, the consent prompt. Shared by every
 * browser test that needs the wallet (the extension's own, the share button,
 * the example sites).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildExtension } from '../../build.js';

/** Where browser tests save their screenshots (an artifact, never committed). */
export const SHOTS = join(import.meta.dirname, '../../../../artifacts/screens');

/** Chromium flags for a quiet, headless, sandbox-free run on CI. */
const QUIET = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A Chromium profile, with the wallet loaded or without it. */
export type WalletBrowser = {
  context: BrowserContext;
  /** The extension's id (its pages live at chrome-extension://ID/…); undefined without the wallet. */
  extensionId: string | undefined;
  close(): Promise<void>;
};

/**
 * Launches Chromium with a fresh profile under `dir`. With `extension: true`
 * (the default) the extension is built into `dir/dist` and loaded.
 */
export async function launchBrowser(
  dir: string,
  options: { extension?: boolean } = {},
): Promise<WalletBrowser> {
  const withWallet = options.extension ?? true;
  await mkdir(SHOTS, { recursive: true });
  const built = withWallet ? await buildExtension(join(dir, 'dist')) : undefined;
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: process.env.MEDVAULT_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: built
      ? [
          `--disable-extensions-except=${built.chrome}`,
          `--load-extension=${built.chrome}`,
          ...QUIET,
        ]
      : QUIET,
  });
  let extensionId: string | undefined;
  if (built) {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    extensionId = new URL(worker.url()).host;
  }
  return { context, extensionId, close: () => context.close() };
}

/** Opens one of the extension's pages. */
export async function extensionPage(browser: WalletBrowser, path: string): Promise<Page> {
  if (!browser.extensionId) throw new Error('this browser has no wallet loaded');
  const p = await browser.context.newPage();
  await p.goto(`chrome-extension://${browser.extensionId}/${path}`);
  return p;
}

/** The next consent (or unlock) prompt window the extension opens. */
export function nextPrompt(browser: WalletBrowser, timeout = 20_000): Promise<Page> {
  return browser.context.waitForEvent('page', {
    predicate: (p) => p.url().includes('/prompt.html'),
    timeout,
  });
}

/** What `window.medvault.request` settled with. */
export type Answer = { ok: true; value: unknown } | { ok: false; code: number; message: string };

/** Calls `window.medvault.request` in `target`; never rejects. */
export function ask(target: Page, method: string, params?: unknown[]): Promise<Answer> {
  return target.evaluate(
    ([m, p]) =>
      (window as unknown as { medvault: { request(a: unknown): Promise<unknown> } }).medvault
        .request({ method: m, params: p })
        .then(
          (value) => ({ ok: true as const, value }),
          (e: { code: number; message: string }) => ({
            ok: false as const,
            code: e.code,
            message: e.message,
          }),
        ),
    [method, params] as const,
  );
}

/** Sends a UI message from an extension page (the path the dashboard uses). */
export async function uiCall(
  browser: WalletBrowser,
  message: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  const p = await extensionPage(browser, 'dashboard.html');
  try {
    return await p.evaluate(
      (m) =>
        (
          globalThis as unknown as {
            chrome: { runtime: { sendMessage(m: unknown): Promise<never> } };
          }
        ).chrome.runtime.sendMessage(m),
      message,
    );
  } finally {
    await p.close();
  }
}

/**
 * Types the passphrase twice on the onboarding page's passphrase step and
 * finishes; resolves when the wallet is ready. `shot` names a screenshot
 * taken before finishing.
 */
export async function choosePassphrase(p: Page, passphrase: string, shot?: string): Promise<void> {
  await p.locator('#passphrase').fill(passphrase);
  await p.locator('#passphrase2').fill(passphrase);
  if (shot) await p.screenshot({ path: join(SHOTS, shot) });
  await p.locator('#finish').click();
  await p.locator('#done').waitFor({ timeout: 30_000 });
}

/**
 * Onboards a new identity through the real onboarding page: the phrase is
 * read off the screen, confirmed word by word, and a passphrase chosen.
 * Returns the recovery phrase. `shots` saves the onboarding screenshots.
 */
export async function onboardNewIdentity(
  browser: WalletBrowser,
  passphrase: string,
  options: { shots?: boolean } = {},
): Promise<string> {
  const p = await extensionPage(browser, 'onboarding.html');
  await p.getByRole('button', { name: 'Create a new identity' }).click();
  await p.locator('#mnemonic li').first().waitFor();
  const mnemonic = (await p.locator('#mnemonic .word').allTextContents()).join(' ');
  if (options.shots) await p.screenshot({ path: join(SHOTS, 'onboarding-phrase.png') });
  await p.locator('#written').check();
  await p.locator('#next').click();
  const words = mnemonic.split(' ');
  const inputs = p.locator('input[data-index]');
  await inputs.first().waitFor();
  for (let i = 0; i < (await inputs.count()); i++) {
    const index = Number(await inputs.nth(i).getAttribute('data-index'));
    await inputs.nth(i).fill(words[index - 1] as string);
  }
  await p.getByRole('button', { name: 'Continue' }).click();
  await choosePassphrase(p, passphrase, options.shots ? 'onboarding-passphrase.png' : undefined);
  if (options.shots) await p.screenshot({ path: join(SHOTS, 'onboarding-done.png') });
  await p.close();
  return mnemonic;
}

/** Restores an identity from its recovery phrase through the real onboarding page. */
export async function restoreIdentity(
  browser: WalletBrowser,
  mnemonic: string,
  passphrase: string,
): Promise<void> {
  const p = await extensionPage(browser, 'onboarding.html');
  await p.locator('#restore').click();
  await p.locator('#phrase').fill(mnemonic);
  await p.locator('#restore-form button[type=submit]').click();
  await choosePassphrase(p, passphrase);
  await p.close();
}

/**
 * Makes guardian shares through the real dashboard (Backup → Guardian
 * shares): `threshold` of `count`, behind the passphrase. Returns the share
 * texts as the page shows them. `shot` names a screenshot of the shares.
 *
 * @example
 * ```ts
 * const shares = await makeGuardianShares(browser, passphrase, { threshold: 2, count: 3 });
 * ```
 */
export async function makeGuardianShares(
  browser: WalletBrowser,
  passphrase: string,
  options: { threshold?: number; count?: number; shot?: string } = {},
): Promise<string[]> {
  const p = await extensionPage(browser, 'dashboard.html');
  try {
    await p.locator('#guardian-form').waitFor({ timeout: 30_000 });
    // the first ledger check may redraw the page (records adopted): let it settle
    await p.locator('#ledger-status:not(.pending)').waitFor({ timeout: 30_000 });
    await p.locator('#guardian-threshold').fill(String(options.threshold ?? 2));
    await p.locator('#guardian-count').fill(String(options.count ?? 3));
    await p.locator('#guardian-passphrase').fill(passphrase);
    await p.locator('#make-shares').click();
    const result = p.locator('#guardian-shares .share-text, #guardian-result .notice.error');
    await result.first().waitFor({ timeout: 30_000 });
    const refused = p.locator('#guardian-result .notice.error');
    if (await refused.count()) throw new Error(`no shares: ${await refused.textContent()}`);
    if (options.shot) {
      await p.locator('#guardian-shares').scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(SHOTS, options.shot), fullPage: true });
    }
    return await p.locator('#guardian-shares .share-text').allTextContents();
  } finally {
    await p.close();
  }
}

/**
 * Opens the onboarding page's "Restore from guardian shares", types
 * `shares` one per field (adding fields as needed) and clicks Continue.
 * Returns the page: on the passphrase step if the shares checked out,
 * else showing `#error`.
 *
 * @example
 * ```ts
 * const p = await enterGuardianShares(browser, [shares[0]]);
 * await p.locator('#error:not([hidden])').textContent(); // '2 of 3 needed: give 1 more.'
 * ```
 */
export async function enterGuardianShares(
  browser: WalletBrowser,
  shares: readonly string[],
): Promise<Page> {
  const p = await extensionPage(browser, 'onboarding.html');
  await p.locator('#restore-shares').click();
  for (const [i, share] of shares.entries()) {
    const field = p.locator(`#share-${i + 1}`);
    if (!(await field.count())) await p.locator('#add-share').click();
    await field.fill(share);
  }
  await p.locator('#check-shares').click();
  await p.locator('#passphrase, #error:not([hidden])').first().waitFor({ timeout: 30_000 });
  return p;
}

/**
 * Restores an identity from guardian shares through the real onboarding
 * page; returns what the ready page says came back from the ledger (the
 * `#restored` line, or undefined) and the key fingerprint it shows.
 *
 * @example
 * ```ts
 * const { fingerprint } = await restoreFromGuardianShares(second, [shares[0], shares[2]], passphrase);
 * ```
 */
export async function restoreFromGuardianShares(
  browser: WalletBrowser,
  shares: readonly string[],
  passphrase: string,
  shot?: string,
): Promise<{ restored: string | undefined; fingerprint: string }> {
  const p = await enterGuardianShares(browser, shares);
  try {
    const error = p.locator('#error:not([hidden])');
    if (await error.count()) throw new Error(`shares refused: ${await error.textContent()}`);
    await choosePassphrase(p, passphrase);
    if (shot) await p.screenshot({ path: join(SHOTS, shot) });
    const restored = p.locator('#restored');
    return {
      restored: (await restored.count())
        ? ((await restored.textContent()) ?? undefined)
        : undefined,
      fingerprint: (await p.locator('#fingerprint').textContent()) ?? '',
    };
  } finally {
    await p.close();
  }
}

/** The wallet's settings, as the dashboard's form saves them. */
export type WalletSettings = {
  ledgerHost: string;
  storage?: string;
  shlHost?: string;
  rpcUrl: string;
  registry: string;
  proxies: { url: string; publicKey?: string }[];
  threshold: number;
  fragments?: number;
  autoLockMinutes: number;
  promptTimeoutSeconds: number;
};

/**
 * The wallet's settings for a local stack: its ledger host, record storage
 * (the blob service), chain and three proxies, 2 of 3, then the stack's
 * standby proxies.
 */
export function stackSettings(stack: {
  ledgerHost: { url: string };
  chain: { rpcUrl: string; registry: string };
  proxies: { url: string }[];
  standbyProxies?: { url: string }[];
  blobService?: { url: string };
  shlHost?: { url: string };
}): WalletSettings {
  return {
    ledgerHost: stack.ledgerHost.url,
    ...(stack.blobService ? { storage: stack.blobService.url } : {}),
    ...(stack.shlHost ? { shlHost: stack.shlHost.url } : {}),
    rpcUrl: stack.chain.rpcUrl,
    registry: stack.chain.registry,
    proxies: [...stack.proxies, ...(stack.standbyProxies ?? [])].map((p) => ({ url: p.url })),
    fragments: stack.proxies.length,
    threshold: 2,
    autoLockMinutes: 15,
    promptTimeoutSeconds: 300,
  };
}

/** Points the wallet at a stack (the settings the dashboard form saves). */
export async function saveSettings(
  browser: WalletBrowser,
  settings: WalletSettings,
): Promise<void> {
  const saved = await uiCall(browser, { type: 'settings/save', settings });
  if (!saved.ok) throw new Error(`settings refused: ${saved.error?.message}`);
}

/**
 * Answers a prompt by clicking `#approve` or `#deny`. Approve is inert for
 * a moment after the window appears (APPROVE_DELAY_MS), so the click waits
 * until it is enabled. The prompt window closes itself under the click,
 * which Playwright may report as a closed target; only that is tolerated.
 */
export async function answerPrompt(popup: Page, answer: 'approve' | 'deny'): Promise<void> {
  await popup
    .locator(answer === 'approve' ? '#approve:not([disabled])' : '#deny')
    .click()
    .catch((error: Error) => {
      if (!popup.isClosed() && !/has been closed/.test(error.message)) throw error;
    });
}
