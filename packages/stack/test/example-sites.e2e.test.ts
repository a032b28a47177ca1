import { join } from 'node:path';
import {
  answerPrompt,
  nextPrompt,
  SHOTS,
  uiCall,
  type WalletBrowser,
} from '@medvault/extension/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalStack } from '../src/local-stack.js';
import {
  approveNext as approveIn,
  connectThenShare,
  startWalletStack,
  type WalletStack,
} from './support/browser-stack.js';

let env: WalletStack;
let stack: LocalStack;
let browser: WalletBrowser;

beforeAll(async () => {
  env = await startWalletStack('medvault-example-sites-', 'quince lantern 2041 moor');
  ({ stack, browser } = env);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

/** Approves the prompt the extension opens next, after `trigger`. */
const approveNext = async (trigger: () => Promise<unknown>): Promise<void> => {
  await approveIn(browser, trigger);
};

/** A page that reports its script errors and console to the test's output. */
async function sitePage(url: string, name: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(`${name} page error:`, e));
  await page.goto(url);
  return page;
}

const observation = {
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ code: 'laboratory' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '1989-3' }], text: 'Vitamin D' },
  valueQuantity: { value: 31, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
};

/** Fills the desk's upload form with `resource` as a JSON file and submits it. */
async function upload(hospital: Page, name: string, resource: unknown, category: string) {
  await hospital.locator('#file').setInputFiles({
    name,
    mimeType: 'application/fhir+json',
    buffer: Buffer.from(JSON.stringify(resource)),
  });
  await hospital.locator('#upload-title').fill(`${name}, uploaded at the desk`);
  await hospital.locator('#upload-category').selectOption(category);
  await hospital.locator('#upload-form button[type=submit]').click();
}

describe('the example sites in Chromium', () => {
  let hospital: Page;
  let clinic: Page;
  let grantId: string;

  test('the records desk refuses a file that is not FHIR R4, and an upload without a category, beside the field', async () => {
    hospital = await sitePage(stack.hospital.url, 'hospital');
    await hospital.locator('details.upload summary').click();
    // no default category: the form starts on "Choose a category…"
    await expect(hospital.locator('#upload-category').inputValue()).resolves.toBe('');

    await upload(hospital, 'banana.json', { resourceType: 'Banana' }, 'laboratory');
    const fileError = hospital.locator('#file-error');
    await expect
      .poll(() => fileError.textContent())
      .toMatch(
        /^"Banana" is not a FHIR R4 resource type\. Expected one of the 146 R4 types, such as Observation, Bundle/,
      );
    await expect(hospital.locator('#file').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(hospital.locator('#file').getAttribute('aria-describedby')).resolves.toBe(
      'file-error',
    );
    await expect(fileError.getAttribute('role')).resolves.toBe('alert');
    // beside the form, not at the top of the page; nothing was sealed or sent
    await expect(hospital.locator('#wallet-status').textContent()).resolves.toBe('');
    await expect(hospital.locator('#sent li').count()).resolves.toBe(0);
    await fileError.scrollIntoViewIfNeeded();
    await hospital.screenshot({ path: join(SHOTS, 'hospital-invalid-fhir.png') });

    await upload(hospital, 'vitamin-d.json', observation, '');
    const categoryError = hospital.locator('#upload-category-error');
    await expect
      .poll(() => categoryError.textContent())
      .toMatch(/^Choose a category\. It decides which of the patient’s shares include this record/);
    await expect(hospital.locator('#upload-category').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    // the file is fine now: its message went
    await expect(fileError.textContent()).resolves.toBe('');
    await expect(hospital.locator('#file').getAttribute('aria-invalid')).resolves.toBe('false');
    await expect(hospital.locator('#sent li').count()).resolves.toBe(0);
    await categoryError.scrollIntoViewIfNeeded();
    await hospital.screenshot({ path: join(SHOTS, 'hospital-category-required.png') });
  }, 60_000);

  test('with a category chosen, the valid file is sealed and filed in the patient’s ledger', async () => {
    await approveNext(() => hospital.locator('#connect').click());
    await expect
      .poll(() => hospital.locator('#wallet-status').textContent())
      .toMatch(/^Connected · patient key/);
    await approveNext(() => upload(hospital, 'vitamin-d.json', observation, 'laboratory'));
    await hospital
      .locator('#sent li[data-record="vitamin-d.json"][data-state="filed"]')
      .waitFor({ timeout: 30_000 });
    await expect(hospital.locator('#upload-category-error').textContent()).resolves.toBe('');
  }, 60_000);

  test('after a reload the clinic still lists the share it holds and reads it without a new one; a declined new share clears the screen', async () => {
    clinic = await sitePage(stack.clinic.url, 'clinic');
    const { username, password } = stack.clinic.staff;
    await clinic.locator('#username').fill(username);
    await clinic.locator('#password').fill(password);
    await clinic.locator('#sign-in-form button[type=submit]').click();
    await clinic.locator('#staff-area:not([hidden])').waitFor();
    await expect(clinic.locator('#read-status').textContent()).resolves.toBe('Nothing shared yet.');
    const share = clinic.locator('medvault-share-button');
    await expect.poll(() => share.getAttribute('state')).toBe('ready');
    // this site is not connected yet: the connect prompt, then the share's
    const consent = await connectThenShare(browser, share);
    await answerPrompt(consent, 'approve');
    await clinic.locator('#read-status.ok').waitFor({ timeout: 60_000 });
    await expect(clinic.locator('#read-status').textContent()).resolves.toBe(
      '1 record read and verified.',
    );
    grantId = (await clinic.locator('#shares li').first().getAttribute('data-grant-id')) as string;
    expect(grantId).toMatch(/^[0-9a-f]{64}$/);

    // the page forgets everything on reload; the clinic's server does not
    await clinic.reload();
    await clinic.locator('#staff-area:not([hidden])').waitFor();
    const row = clinic.locator(`#shares li[data-grant-id="${grantId}"]`);
    await row.waitFor();
    await expect(clinic.locator('#shares li').count()).resolves.toBe(1);
    await expect(row.getAttribute('data-status')).resolves.toBe('active');
    const meta = (await row.textContent()) as string;
    expect(meta).toMatch(/^Patient [0-9A-F]{4}( [0-9A-F]{4}){4} · Diabetes follow-up/);
    expect(meta).toContain('Latest');
    expect(meta).toMatch(
      new RegExp(
        `Lab results · received \\d{1,2} \\w+ \\d{4} by ${username} · until \\d{1,2} \\w+ \\d{4}`,
      ),
    );
    await expect(clinic.locator('#read-status').textContent()).resolves.toBe(
      '1 share held (1 active): choose Read to see the records.',
    );
    await expect(clinic.locator('#shared').innerHTML()).resolves.toBe('');
    await row.locator('button[data-read]').click();
    await clinic.locator('#read-status.ok').waitFor({ timeout: 30_000 });
    await expect(clinic.locator('#read-status').textContent()).resolves.toBe(
      '1 record read and verified.',
    );
    await expect(clinic.locator('#shared').textContent()).resolves.toMatch(/Vitamin D/);
    await clinic.screenshot({ path: join(SHOTS, 'clinic-after-reload.png'), fullPage: true });

    // the patient declines a new share: the earlier share's records do not stay under that
    const askAgain = nextPrompt(browser);
    await clinic.locator('medvault-share-button').locator('button').click();
    const declined = await askAgain;
    await declined.locator('#deny').waitFor();
    await answerPrompt(declined, 'deny');
    await expect
      .poll(() => clinic.locator('#read-status').textContent())
      .toBe('The patient declined to share.');
    await expect(clinic.locator('#shared').innerHTML()).resolves.toBe('');
    // the share held is still there to read
    await row.locator('button[data-read]').click();
    await clinic.locator('#read-status.ok').waitFor({ timeout: 30_000 });
  }, 90_000);

  test('once the patient ends the share, Read says so in words and the records leave the screen', async () => {
    // the patient ends the share in the wallet (the message the dashboard's button sends):
    // on chain, in the ledger, and the proxies told to forget
    const revoked = await uiCall(browser, { type: 'grant/revoke', grantId });
    expect(revoked, JSON.stringify(revoked.error)).toMatchObject({ ok: true });

    // the records read before are still on the clinic's page until it asks again
    await expect(clinic.locator('#shared').textContent()).resolves.toMatch(/Vitamin D/);
    await clinic.locator(`#shares li[data-grant-id="${grantId}"] button[data-read]`).click();
    await clinic.locator('#read-status.bad').waitFor({ timeout: 30_000 });
    const said = (await clinic.locator('#read-status').textContent()) as string;
    expect(said).toMatch(
      /^The patient ended this share on \d{1,2} \w+ \d{4} — records already read are not taken back, but no new reads are possible\.$/,
    );
    expect(said).not.toMatch(/PROXY_|\[/);
    await expect(clinic.evaluate(() => document.body.dataset.refusal)).resolves.toBe('ended');
    await expect(clinic.locator('#shared').innerHTML()).resolves.toBe('');
    await expect(clinic.locator('#read-code').isHidden()).resolves.toBe(true);
    const row = clinic.locator(`#shares li[data-grant-id="${grantId}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('ended');
    await expect(row.textContent()).resolves.toMatch(/ended by the patient \d{1,2} \w+ \d{4}/);
    await clinic.screenshot({ path: join(SHOTS, 'clinic-share-ended.png'), fullPage: true });
  }, 60_000);
});
