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
import { launchBrowser, type WalletBrowser } from '@medvault/extension/testing';
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
