/**
 * The sign-in and consent pages in a real browser (Debian Chromium through
 * playwright-core), as a patient meets them when an app sends her there:
 * the pages render under their CSP (the inline style allowed by its hash,
 * nothing else), a wrong password says so beside the fields, the forms post
 * from the portal's own origin (a browser's `Origin`, not a test's), and
 * Allow or Deny sends the browser back to the app's redirect URI.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_PATIENT_PASSWORD } from './options.js';
import { type ProviderPortal, startProviderPortal } from './server.js';

// the discard port: nothing answers, the browser's request to it is what counts
const REDIRECT = 'http://127.0.0.1:9/callback';
let portal: ProviderPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startProviderPortal({
    patients: 1,
    clients: [{ client_id: 'wallet', client_name: 'MedVault wallet', redirect_uris: [REDIRECT] }],
  });
  browser = await chromium.launch({
    executablePath: process.env.MEDVAULT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

/** A page at the start of an app's sign-in, collecting what the browser complains about. */
async function startSignIn(state: string): Promise<{ page: Page; complaints: string[] }> {
  const page = await browser.newPage();
  const complaints: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('401')) complaints.push(m.text());
  });
  const authorize = new URL(`${portal.url}/auth`);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: 'wallet',
    redirect_uri: REDIRECT,
    scope: 'openid fhirUser launch/patient offline_access patient/*.rs',
    state,
    aud: portal.fhirBaseUrl,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(name, value);
  await page.goto(authorize.href);
  return { page, complaints };
}

/** Clicks `selector` and resolves with the request the browser then makes to the redirect URI. */
async function answerFrom(page: Page, selector: string): Promise<URL> {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().startsWith(REDIRECT)),
    page.click(selector),
  ]);
  return new URL(request.url());
}

describe('the portal pages in Chromium', () => {
  test('sign in (after a wrong password), allow, and the app gets its code', async () => {
    const { page, complaints } = await startSignIn('allow-state');
    await expect(
      page.getByRole('heading', { name: 'Sign in to see your health record' }),
    ).toBeTruthy();
    await page.getByLabel('Username').fill('helen');
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/do not match an account/);
    expect(await page.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Password').fill(DEFAULT_PATIENT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('heading', { name: 'Allow MedVault wallet to use your health record?' })
      .waitFor();
    // the shared look applied: the inline style passed the CSP
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(241, 245, 249)');
    const answer = await answerFrom(page, 'button[value=allow]');
    expect(answer.searchParams.get('state')).toBe('allow-state');
    expect(answer.searchParams.get('code')).toBeTruthy();
    expect(complaints).toEqual([]);
  });

  test('Deny sends the app access_denied', async () => {
    const { page, complaints } = await startSignIn('deny-state');
    await page.getByLabel('Username').fill('helen');
    await page.getByLabel('Password').fill(DEFAULT_PATIENT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Deny' }).waitFor();
    const answer = await answerFrom(page, 'button[value=deny]');
    expect(answer.searchParams.get('error')).toBe('access_denied');
    expect(answer.searchParams.get('state')).toBe('deny-state');
    expect(complaints).toEqual([]);
  });
});
