/**
 * `<medvault-share-button>` in real Debian Chromium (playwright-core): on a
 * plain page with one script tag, without the wallet and with the real
 * extension (a patient onboarded, a real stack: anvil with the registry, a
 * ledger host, three proxies), and inside a React 19 app. Screenshots of
 * each state go to artifacts/screens/share-button-*.png.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretKey } from '@medvault/core/pre';
import { grantFromJson } from '@medvault/core/proxy';
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
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FREE_PORTS, type LocalStack, startLocalStack } from '../../src/local-stack.js';
import { buildReactApp, buildShareButtonBundle } from './bundle.js';
import { REACT_APP_TSX, typecheckTsx } from './react-app.js';
import { clinicPage, type Site, startSite } from './site.js';

const PASSPHRASE = 'harbour quince lantern 7';
const clinic = SecretKey.random();
const clinicKey = bytesToHex(clinic.publicKey().toCompressedBytes());
const BUTTON = 'medvault-share-button';

/** The five lines a clinic adds (plus its own page around them). */
const FIVE_LINES = `<script type="module" src="/medvault-share-button.js"></script>
<medvault-share-button reader-key="${clinicKey}" reader-name="Riverside Clinic — Dr. Okafor"
  scope='{"categories":["laboratory"]}' purpose="Diabetes follow-up"
  expires-in-days="30">
</medvault-share-button>`;

const PLAIN_PAGE = clinicPage({
  title: 'Riverside Clinic — share your lab results',
  body: `<main class="card">
<p class="eyebrow">Riverside Clinic</p>
<h1>Share your lab results</h1>
<p>Dr. Okafor reviews them before your diabetes follow-up. You choose what is shared, and for how long.</p>
${FIVE_LINES}
</main>`,
});

const REACT_PAGE = clinicPage({
  title: 'Riverside Clinic — React',
  head: '<script type="module" src="/react-app.js"></script>',
  body: '<div id="root"></div>',
});

let dir: string;
let site: Site;
let bare: WalletBrowser;
let wallet: WalletBrowser;
let stack: LocalStack;
let reactTypeErrors: string[];

type Seen = { type: string; detail: Record<string, unknown>; state: string };

/** Records the button's events from the page's start (they bubble to document). */
function recordEvents(): void {
  const seen: unknown[] = [];
  (window as unknown as { seen: unknown[] }).seen = seen;
  for (const type of ['medvault-granted', 'medvault-denied', 'medvault-error']) {
    document.addEventListener(type, (event) => {
      const target = event.target as HTMLElement & { state: string };
      seen.push({ type, detail: (event as CustomEvent).detail, state: target.state });
    });
  }
}

async function open(browser: WalletBrowser, path: string): Promise<Page> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.addInitScript(recordEvents);
  await page.goto(`${site.url}${path}`);
  return page;
}

const problemsOf = (page: Page) => (page as Page & { problems: string[] }).problems;
const seen = (page: Page) =>
  page.evaluate(() => (window as unknown as { seen: Seen[] }).seen.slice());
const inState = (page: Page, state: string, selector = BUTTON) =>
  page.locator(`${selector}[state="${state}"]`).waitFor({ timeout: 30_000 });
const shot = (page: Page, name: string, selector = 'main') =>
  page
    .locator(selector)
    .first()
    .screenshot({ path: join(SHOTS, `share-button-${name}.png`) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-share-button-'));
  const bundle = join(dir, 'medvault-share-button.js');
  const reactApp = join(dir, 'react-app.js');
  await Promise.all([
    buildShareButtonBundle(bundle),
    buildReactApp(REACT_APP_TSX, reactApp, { READER_KEY: clinicKey }),
    startLocalStack({ dataDir: join(dir, 'stack'), ports: FREE_PORTS, log: () => {} }).then(
      (started) => {
        stack = started;
      },
    ),
    launchBrowser(join(dir, 'bare'), { extension: false }).then((b) => {
      bare = b;
    }),
    launchBrowser(join(dir, 'wallet')).then((b) => {
      wallet = b;
    }),
  ]);
  // checked here, reported by the React test: no browser needed for it
  reactTypeErrors = typecheckTsx(REACT_APP_TSX);
  site = await startSite({
    '/plain.html': ['text/html', PLAIN_PAGE],
    '/react.html': ['text/html', REACT_PAGE],
    '/medvault-share-button.js': ['text/javascript', await readFile(bundle)],
    '/react-app.js': ['text/javascript', await readFile(reactApp)],
    // so the browser's favicon request is no 404 in the console the tests watch
    '/favicon.ico': ['image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
  });
}, 120_000);

afterAll(async () => {
  await bare?.close();
  await wallet?.close();
  await site?.close();
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('without the wallet', () => {
  let page: Page;

  test('(a) one script tag: no-extension with the install link; a click says SHARE_NO_EXTENSION', async () => {
    page = await open(bare, '/plain.html');
    await inState(page, 'no-extension');
    // the page needed that one script and nothing else
    expect(site.requested.filter((p) => p.endsWith('.js'))).toEqual(['/medvault-share-button.js']);
    // no install-url: no link to an address nobody chose; the patient is told to ask the site
    const hint = page.getByRole('link', { name: 'Install the MedVault wallet' });
    await expect(hint.count()).resolves.toBe(0);
    // the status line is a live region: screen readers hear it change
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      'MedVault isn’t installed in this browser. Ask this site how to get it.',
    );
    await expect(page.getByRole('status').getAttribute('aria-live')).resolves.toBe('polite');
    await page.getByRole('button', { name: 'Share my records' }).click();
    await expect.poll(() => seen(page)).toHaveLength(1);
    const [event] = await seen(page);
    expect(event).toMatchObject({
      type: 'medvault-error',
      state: 'no-extension',
      detail: { code: 'SHARE_NO_EXTENSION', message: expect.stringMatching(/names no place/) },
    });
    // install-url is followed, resolved against the page
    await page.locator(BUTTON).evaluate((el) => el.setAttribute('install-url', '/get-medvault'));
    await expect.poll(() => hint.getAttribute('href')).toBe(`${site.url}/get-medvault`);
    await expect(hint.isVisible()).resolves.toBe(true);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      'MedVault isn’t installed in this browser.',
    );
    await shot(page, 'no-extension');
    expect(problemsOf(page)).toEqual([]);
  });

  test('(d) invalid attributes: state error naming the attribute, and medvault-error SHARE_INVALID_ATTRIBUTE', async () => {
    const good = {
      'reader-key': clinicKey,
      'reader-name': 'Riverside Clinic',
      scope: '{"categories":["laboratory"]}',
      purpose: 'Diabetes follow-up',
      'expires-in-days': '30',
    };
    const cases: { name: string; attrs: Record<string, string | null>; attribute: string }[] = [
      { name: 'bad-key', attrs: { 'reader-key': '02abc' }, attribute: 'reader-key' },
      {
        name: 'off-curve-key',
        attrs: { 'reader-key': `02${'00'.repeat(32)}` },
        attribute: 'reader-key',
      },
      { name: 'no-name', attrs: { 'reader-name': null }, attribute: 'reader-name' },
      { name: 'scope-text', attrs: { scope: 'laboratory' }, attribute: 'scope' },
      { name: 'scope-empty', attrs: { scope: '{}' }, attribute: 'scope' },
      { name: 'no-purpose', attrs: { purpose: null }, attribute: 'purpose' },
      { name: 'days', attrs: { 'expires-in-days': '-3' }, attribute: 'expires-in-days' },
      {
        name: 'both-expiries',
        attrs: { 'expires-at': '2030-01-01T00:00Z' },
        attribute: 'expires-at',
      },
      {
        name: 'past',
        attrs: { 'expires-in-days': null, 'expires-at': '2001-01-01' },
        attribute: 'expires-at',
      },
      {
        name: 'install-url',
        attrs: { 'install-url': 'javascript:alert(1)' },
        attribute: 'install-url',
      },
    ];
    await page.evaluate(
      ({ cases, good }) => {
        const main = document.querySelector('main') as HTMLElement;
        for (const c of cases) {
          const el = document.createElement('medvault-share-button');
          el.id = c.name;
          for (const [k, v] of Object.entries({ ...good, ...c.attrs })) {
            if (v !== null) el.setAttribute(k, v);
          }
          main.append(el);
        }
        // through the properties: an invalid Date and a wrong scope object
        const date = document.createElement('medvault-share-button');
        date.id = 'prop-date';
        for (const [k, v] of Object.entries(good)) date.setAttribute(k, v);
        date.removeAttribute('expires-in-days');
        (date as unknown as { expiresAt: Date }).expiresAt = new Date('not a date');
        const scope = document.createElement('medvault-share-button');
        for (const [k, v] of Object.entries(good)) scope.setAttribute(k, v);
        scope.id = 'prop-scope';
        (scope as unknown as { scope: unknown }).scope = { categories: 'laboratory' };
        main.append(date, scope);
      },
      { cases, good },
    );
    const all = [
      ...cases,
      { name: 'prop-date', attribute: 'expires-at' },
      { name: 'prop-scope', attribute: 'scope' },
    ];
    for (const c of all) {
      await inState(page, 'error', `#${c.name}`);
      const status = await page.locator(`#${c.name} [part="status"]`).textContent();
      expect(status, c.name).toMatch(new RegExp(`^${c.attribute}: `));
    }
    const errors = (await seen(page)).filter((e) => e.detail.code === 'SHARE_INVALID_ATTRIBUTE');
    expect(errors.map((e) => e.detail.attribute)).toEqual(all.map((c) => c.attribute));
    expect(errors.every((e) => e.state === 'error')).toBe(true);
    await page.locator('#bad-key').scrollIntoViewIfNeeded();
    await shot(page, 'error', '#bad-key');
    // a click reports it again; fixing the attribute clears it
    await page.locator('#bad-key button').click();
    await expect
      .poll(async () => (await seen(page)).filter((e) => e.detail.attribute === 'reader-key'))
      .toHaveLength(3);
    await page
      .locator('#bad-key')
      .evaluate((el, key) => el.setAttribute('reader-key', key), clinicKey);
    await inState(page, 'no-extension', '#bad-key');
    // the element never threw
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  test('(e) theming: custom properties and ::part change the computed style', async () => {
    const themed = await open(bare, '/plain.html');
    await inState(themed, 'no-extension');
    await themed.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = `
        medvault-share-button.themed {
          --medvault-accent: rgb(124, 58, 237);
          --medvault-radius: 999px;
          --medvault-font: Georgia, serif;
        }
        medvault-share-button.themed::part(button) { text-transform: uppercase; letter-spacing: 0.08em; }
        medvault-share-button.themed::part(hint) { color: rgb(190, 18, 60); }`;
      document.head.append(style);
      const original = document.querySelector('medvault-share-button') as HTMLElement;
      const row = document.createElement('div');
      row.className = 'row';
      const copy = original.cloneNode() as HTMLElement;
      copy.classList.add('themed');
      original.replaceWith(row);
      row.append(original, copy);
    });
    await inState(themed, 'no-extension', `${BUTTON}.themed`);
    const look = (selector: string) =>
      themed.locator(selector).evaluate((el) => {
        const button = getComputedStyle(el.shadowRoot?.querySelector('button') as Element);
        const hint = getComputedStyle(el.shadowRoot?.querySelector('a') as Element);
        return {
          background: button.backgroundColor,
          radius: button.borderTopLeftRadius,
          font: button.fontFamily,
          transform: button.textTransform,
          hint: hint.color,
        };
      });
    expect(await look(`${BUTTON}:not(.themed)`)).toEqual({
      background: 'rgb(15, 118, 110)',
      radius: '10px',
      font: expect.stringContaining('system-ui'),
      transform: 'none',
      hint: 'rgb(15, 118, 110)',
    });
    expect(await look(`${BUTTON}.themed`)).toEqual({
      background: 'rgb(124, 58, 237)',
      radius: '999px',
      font: 'Georgia, serif',
      transform: 'uppercase',
      hint: 'rgb(190, 18, 60)',
    });
    await shot(themed, 'themed');
    await themed.close();
  });
});

describe('with the wallet', () => {
  let page: Page;

  test('(b) a wallet not set up yet: medvault-error with its code, state error, ready to ask again', async () => {
    const early = await open(wallet, '/plain.html');
    await inState(early, 'ready');
    await early.getByRole('button', { name: 'Share my records' }).click();
    await inState(early, 'error');
    expect(await seen(early)).toMatchObject([
      {
        type: 'medvault-error',
        state: 'error',
        detail: { code: 4100, message: expect.stringMatching(/not set up/) },
      },
    ]);
    await expect(early.getByRole('status').textContent()).resolves.toMatch(/not set up/);
    await early.close();
  });

  test('(b) click → connect prompt → share prompt → approve: medvault-granted, state granted', async () => {
    await onboardNewIdentity(wallet, PASSPHRASE);
    await saveSettings(wallet, stackSettings(stack));
    page = await open(wallet, '/plain.html');
    await inState(page, 'ready');
    const button = page.getByRole('button', { name: 'Share my records' });
    await expect(button.getAttribute('aria-busy')).resolves.toBe('false');
    await shot(page, 'ready');

    const connectPrompt = nextPrompt(wallet);
    await button.click();
    const connect = await connectPrompt;
    await connect.locator('#approve').waitFor();
    await inState(page, 'connecting');
    await expect(button.getAttribute('aria-busy')).resolves.toBe('true');
    await shot(page, 'connecting');

    const sharePrompt = nextPrompt(wallet);
    await answerPrompt(connect, 'approve');
    const share = await sharePrompt;
    await share.locator('#reader-name').waitFor();
    await expect(share.locator('#purpose').textContent()).resolves.toBe('Diabetes follow-up');
    await inState(page, 'waiting');
    await expect(page.locator(`${BUTTON} [part="status"]`).textContent()).resolves.toBe(
      'Waiting for the patient…',
    );
    // pending (aria-disabled, so Playwright would wait): a second click does not ask twice
    await button.dispatchEvent('click');
    await shot(page, 'waiting');

    await answerPrompt(share, 'approve');
    await inState(page, 'granted');
    const events = await seen(page);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'medvault-granted', state: 'granted' });
    const grant = (events[0] as Seen).detail.grant as { reader: string; purpose: string };
    expect(grant.reader).toBe(clinicKey);
    expect(grant.purpose).toBe('Diabetes follow-up');
    // a real grant: it parses and names this reader's key
    expect(grantFromJson(grant).reader.toCompressedBytes()).toEqual(
      clinic.publicKey().toCompressedBytes(),
    );
    await expect(button.getAttribute('aria-busy')).resolves.toBe('false');
    await expect(page.locator(`${BUTTON} [part="status"]`).textContent()).resolves.toMatch(
      /^Shared with Riverside Clinic — Dr\. Okafor until /,
    );
    await shot(page, 'granted');
  });

  test('(b) again, from the keyboard, and deny: medvault-denied, state denied', async () => {
    const prompt = nextPrompt(wallet);
    const button = page.getByRole('button', { name: 'Share my records' });
    await button.focus();
    await page.keyboard.press('Enter');
    const popup = await prompt;
    await answerPrompt(popup, 'deny');
    await inState(page, 'denied');
    const last = (await seen(page)).at(-1);
    expect(last).toMatchObject({
      type: 'medvault-denied',
      state: 'denied',
      detail: { code: 4001, message: expect.stringMatching(/denied/) },
    });
    await shot(page, 'denied');
  });

  test('(b) closing the prompt window denies', async () => {
    const prompt = nextPrompt(wallet);
    // Space works as well as Enter: a real <button>, focused from the last test
    await page.keyboard.press('Space');
    const popup = await prompt;
    await popup.locator('#approve').waitFor();
    await inState(page, 'waiting');
    await popup.close();
    await inState(page, 'denied');
    const events = await seen(page);
    expect(events.map((e) => e.type)).toEqual([
      'medvault-granted',
      'medvault-denied',
      'medvault-denied',
    ]);
    expect(events.at(-1)?.detail).toMatchObject({
      code: 4001,
      message: expect.stringMatching(/closed/),
    });
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  test('(c) inside React 19: properties, onmedvault-granted, React state on the page', async () => {
    expect(reactTypeErrors).toEqual([]);
    const app = await open(wallet, '/react.html');
    await inState(app, 'ready');
    // React 19 set properties where the element has them: they reflect to attributes
    const attrs = await app.locator(BUTTON).evaluate((el) => ({
      key: el.getAttribute('reader-key'),
      scope: el.getAttribute('scope'),
      days: el.getAttribute('expires-in-days'),
      name: el.getAttribute('reader-name'),
      scopeProperty: (el as unknown as { scope: unknown }).scope,
    }));
    expect(attrs).toEqual({
      key: clinicKey,
      scope: '{"categories":["laboratory"]}',
      days: '30',
      name: 'Riverside Clinic — Dr. Okafor',
      scopeProperty: { categories: ['laboratory'] },
    });
    await expect(app.locator('#result').textContent()).resolves.toBe('Nothing shared yet.');

    // this origin is connected already: straight to the share prompt
    const prompt = nextPrompt(wallet);
    await app.getByRole('button', { name: 'Share my lab results' }).click();
    const popup = await prompt;
    await expect(popup.locator('#purpose').textContent()).resolves.toBe(
      'Diabetes follow-up (React)',
    );
    await answerPrompt(popup, 'approve');
    await inState(app, 'granted');
    await expect(app.locator('#result').textContent()).resolves.toMatch(/^Granted: [0-9a-f]{64}$/);
    // once, though StrictMode mounts twice in development
    await expect(app.locator('#result').getAttribute('data-shares')).resolves.toBe('1');
    expect(await seen(app)).toMatchObject([
      { type: 'medvault-granted', detail: { grant: { reader: clinicKey } } },
    ]);
    await shot(app, 'react-granted');
    expect(problemsOf(app)).toEqual([]);
    await app.close();
  });
});
