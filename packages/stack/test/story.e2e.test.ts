/**
 * The whole story in real Chromium with the real extension, against the
 * whole local stack (chain, ledger host, blob service, three proxies, both
 * sites) started by this test: a patient onboards; the hospital portal
 * seals records to them and they confirm them into their ledger; the clinic's
 * staff sign in, its share button asks, the patient approves in the
 * extension's prompt, and the clinic page renders the decrypted records with
 * their verification — to its signed-in staff, and to no one else.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLink } from '@medvault/core/health-links';
import type { ChartSummary } from '@medvault/examples';
import {
  answerPrompt,
  ask,
  extensionPage,
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
let chart: ChartSummary;

beforeAll(async () => {
  env = await startWalletStack('medvault-story-', 'juniper harbour 1987 kite');
  ({ stack, browser } = env);
  const charts = (await (await fetch(`${stack.hospital.url}/api/charts`)).json()) as ChartSummary[];
  chart = charts[0] as ChartSummary;
}, 180_000);

afterAll(async () => {
  await env?.close();
});

/** Approves the prompt the extension opens next, after `trigger`. */
const approveNext = (trigger: () => Promise<unknown>, shot?: string) =>
  approveIn(browser, trigger, shot);

describe('the whole story in Chromium', () => {
  let hospital: Page;

  test('the hospital portal seals records to the connected patient, who confirms them into their ledger', async () => {
    hospital = await browser.context.newPage();
    hospital.on('pageerror', (e) => console.error('hospital page error:', e));
    hospital.on('console', (m) => console.error('hospital console:', m.text()));
    await hospital.goto(stack.hospital.url);
    await approveNext(() => hospital.locator('#connect').click());
    await expect
      .poll(() => hospital.locator('#wallet-status').textContent())
      .toMatch(/^Connected · patient key [0-9A-F]{4}( [0-9A-F]{4}){4}$/);
    const lab = chart.records.find(
      (r) => r.category === 'laboratory' && r.resourceType === 'Bundle',
    );
    const pdf = chart.records.find((r) => r.contentType === 'application/pdf');
    const problems = chart.records.find((r) => r.category === 'problem-list');
    // outside the scope the clinic will ask for
    const demographics = chart.records.find((r) => r.category === 'demographics');
    expect(lab && pdf && problems && demographics).toBeTruthy();
    for (const record of [lab, pdf, problems, demographics]) {
      const name = record?.name as string;
      await approveNext(
        () => hospital.locator(`[data-send="${name}"]`).click(),
        record === lab ? 'story-receive-record.png' : undefined,
      ).catch(async (error) => {
        throw new Error(
          `no prompt for ${name}; the desk shows: ${await hospital.locator('#sent').textContent()}`,
          { cause: error },
        );
      });
      await hospital.locator(`#sent li[data-record="${name}"][data-state="filed"]`).waitFor({
        timeout: 30_000,
      });
    }
    // a file uploaded at the desk goes the same way
    const upload = {
      resourceType: 'Observation',
      id: 'upload-vitd',
      status: 'final',
      category: [{ coding: [{ code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '1989-3' }], text: 'Vitamin D' },
      valueQuantity: {
        value: 31,
        unit: 'ng/mL',
        system: 'http://unitsofmeasure.org',
        code: 'ng/mL',
      },
      referenceRange: [{ low: { value: 30, unit: 'ng/mL' }, high: { value: 100, unit: 'ng/mL' } }],
    };
    await hospital.locator('details.upload summary').click();
    await hospital.locator('#file').setInputFiles({
      name: 'vitamin-d.json',
      mimeType: 'application/fhir+json',
      buffer: Buffer.from(JSON.stringify(upload)),
    });
    await hospital.locator('#upload-title').fill('Vitamin D 31 ng/mL, uploaded');
    await hospital.locator('#upload-category').selectOption('laboratory');
    await approveNext(() => hospital.locator('#upload-form button[type=submit]').click());
    await hospital
      .locator('#sent li[data-record="vitamin-d.json"][data-state="filed"]')
      .waitFor({ timeout: 30_000 });
    await hospital.screenshot({ path: join(SHOTS, 'story-hospital.png'), fullPage: true });
    // the patient anchors a checkpoint from the dashboard
    const dashboard = await extensionPage(browser, 'dashboard.html');
    await dashboard.locator('#records li').nth(4).waitFor({ timeout: 20_000 });
    await dashboard.locator('#anchor').click();
    await expect
      .poll(() => dashboard.locator('#ledger-status').textContent(), { timeout: 30_000 })
      .toMatch(/anchored at block \d+/);
    await dashboard.close();
  }, 120_000);

  test('the patient opens her records in the wallet as the clinic would see them, downloads one and exports all as one FHIR Bundle', async () => {
    const lab = chart.records.find(
      (r) => r.category === 'laboratory' && r.resourceType === 'Bundle',
    );
    const pdf = chart.records.find((r) => r.contentType === 'application/pdf');
    const dashboard = await extensionPage(browser, 'dashboard.html');
    await dashboard.locator('#records a[data-cid]').nth(4).waitFor({ timeout: 20_000 });
    // a lab Bundle: the clinician's tables with units and ranges, decrypted in the background
    await dashboard.locator('#records a', { hasText: lab?.title as string }).click();
    await dashboard.waitForURL(/record\.html\?cid=/);
    const view = dashboard.locator('#record-view');
    await view.locator('table').first().waitFor({ timeout: 20_000 });
    await expect(dashboard.locator('#record-title').textContent()).resolves.toBe(lab?.title);
    const table = (await view.locator('table').allTextContents()).join(' ');
    expect(table).toMatch(/HbA1c|Hemoglobin A1c/i);
    expect(table).toMatch(/\d+(\.\d+)?\s*[–-]\s*\d+(\.\d+)?/);
    await dashboard.screenshot({ path: join(SHOTS, 'my-records-open.png'), fullPage: true });
    const [download] = await Promise.all([
      dashboard.waitForEvent('download'),
      dashboard.locator('#download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
    expect(saved).toMatchObject({ resourceType: 'Bundle' });
    // the discharge letter: the PDF itself, inline
    await dashboard.goBack();
    await dashboard.locator('#records a', { hasText: pdf?.title as string }).click();
    const frame = dashboard.locator('#record-view iframe[data-pdf-cid]');
    await frame.waitFor({ timeout: 20_000 });
    await expect(frame.evaluate((el) => (el as HTMLIFrameElement).src)).resolves.toMatch(
      /^blob:chrome-extension:/,
    );
    await expect(dashboard.locator('#download').textContent()).resolves.toBe('Download (PDF)');
    const [pdfDownload] = await Promise.all([
      dashboard.waitForEvent('download'),
      dashboard.locator('#download').click(),
    ]);
    const pdfBytes = await readFile(await pdfDownload.path());
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await dashboard.screenshot({ path: join(SHOTS, 'my-records-pdf.png') });
    // everything as one FHIR Bundle: the lab results, the problems, the upload, the PDF
    await dashboard.goBack();
    const [exported] = await Promise.all([
      dashboard.waitForEvent('download'),
      dashboard.locator('#export').click(),
    ]);
    await expect(dashboard.locator('#export-result').textContent()).resolves.toBe(
      'Saved 5 records in one file.',
    );
    await dashboard.screenshot({ path: join(SHOTS, 'my-records-export.png'), fullPage: true });
    const bundle = JSON.parse(await readFile(await exported.path(), 'utf8')) as {
      resourceType: string;
      type: string;
      entry: { resource: { resourceType: string; id?: string; content?: unknown[] } }[];
    };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const types = new Set(bundle.entry.map((e) => e.resource.resourceType));
    for (const type of ['Patient', 'Observation', 'Condition', 'DocumentReference'])
      expect(types).toContain(type);
    expect(bundle.entry.some((e) => e.resource.id === 'upload-vitd')).toBe(true);
    const ids = bundle.entry
      .filter((e) => e.resource.id)
      .map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    await dashboard.close();
  }, 90_000);

  test('the patient shares lab results as a link with a QR code; a receiver without MedVault opens it, and the wallet shows who did', async () => {
    const page = await extensionPage(browser, 'links.html');
    await page.locator('input[name="category"][value="laboratory"]').check();
    await page.locator('#link-label').fill('Lab results for Dr Rossi');
    await expect(page.locator('#link-consent').textContent()).resolves.toMatch(
      /^Anyone who has this link .+ can read these records until/,
    );
    await page.locator('#make-link').click();
    await page.locator('#qr').waitFor({ timeout: 30_000 });
    const shlink = (await page.locator('#shlink').textContent()) as string;
    const passcode = (await page.locator('#passcode strong').textContent()) as string;
    expect(shlink).toMatch(/^shlink:\/[A-Za-z0-9_-]+$/);
    await page.screenshot({ path: join(SHOTS, 'share-link-qr.png'), fullPage: true });
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#save-qr').click(),
    ]);
    const image = await readFile(await png.path());
    expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
    // a receiving app that runs no MedVault: the SHL protocol only
    const opened = await resolveLink(shlink, { recipient: 'Dr Rossi, Cardiology', passcode });
    expect(opened.label).toBe('Lab results for Dr Rossi');
    expect(opened.files.length).toBeGreaterThanOrEqual(2);
    expect(opened.files.every((f) => f.contentType === 'application/fhir+json')).toBe(true);
    await page.reload();
    await expect(page.locator('#links [data-opened]').first().textContent()).resolves.toMatch(
      /“Dr Rossi, Cardiology” — opened it/,
    );
    await page.screenshot({ path: join(SHOTS, 'share-link-opened.png'), fullPage: true });
    await page.locator('[data-end-link]').first().click();
    await page.locator('#links .badge.revoked').waitFor({ timeout: 20_000 });
    await expect(
      resolveLink(shlink, { recipient: 'Dr Rossi', passcode }).catch(
        (e: { code?: string }) => e.code,
      ),
    ).resolves.toBe('SHL_NOT_FOUND');
    await page.close();
  }, 90_000);

  test('the emergency card: built from the records, printed as a PNG, opened by a first responder without a passcode, the opening shown to the patient', async () => {
    const page = await extensionPage(browser, 'links.html');
    await page.locator('#make-emergency').click();
    await page.locator('#emergency-qr').waitFor({ timeout: 30_000 });
    await page.locator('#printable-card').screenshot({ path: join(SHOTS, 'emergency-card.png') });
    const [image] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#save-lock-screen').click(),
    ]);
    expect(image.suggestedFilename()).toBe('medvault-emergency-lock-screen.png');
    const png = await readFile(await image.path());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1080); // IHDR width
    const links = (await uiCall(browser, { type: 'links/list' })).value as {
      shlink: string;
      emergency: boolean;
    }[];
    const card = links.find((l) => l.emergency) as { shlink: string };
    // a first responder's phone: any SHL receiver, no passcode
    const opened = await resolveLink(card.shlink, { recipient: 'Paramedic unit 12' });
    expect(opened.flag).toBe('L');
    const summary = opened.files[0]?.resource as unknown as {
      type: string;
      entry: { resource: { resourceType: string; section?: { title: string }[] } }[];
    };
    expect(summary.type).toBe('document');
    expect(summary.entry[0]?.resource.resourceType).toBe('Composition');
    expect(summary.entry[0]?.resource.section?.map((s) => s.title)).toContain('Problem list');
    expect(summary.entry.some((e) => e.resource.resourceType === 'Condition')).toBe(true);
    await page.reload();
    await expect(page.locator('#links [data-opened]').first().textContent()).resolves.toMatch(
      /“Paramedic unit 12” — opened it/,
    );
    await page.screenshot({ path: join(SHOTS, 'emergency-card-opened.png'), fullPage: true });
    // and on the dashboard, beside who read the shared records
    const dashboard = await extensionPage(browser, 'dashboard.html');
    await expect
      .poll(() => dashboard.locator('#link-openings').textContent())
      .toMatch(/“Paramedic unit 12” opened Emergency summary/);
    await dashboard.close();
    await page.close();
  }, 90_000);

  test('the clinic staff sign in and ask with the share button; approved in the prompt, the page renders the decrypted records, verified', async () => {
    const clinic = await browser.context.newPage();
    clinic.on('pageerror', (e) => console.error('clinic page error:', e));
    clinic.on('console', (m) => console.error('clinic console:', m.text()));
    await clinic.goto(stack.clinic.url);
    // signed out, the page asks for the staff's sign-in and shows nothing else
    await clinic.locator('#sign-in:not([hidden])').waitFor();
    await expect(clinic.locator('#staff-area').isHidden()).resolves.toBe(true);
    const { username, password } = stack.clinic.staff;
    await clinic.locator('#username').fill(username);
    await clinic.locator('#password').fill('not the password');
    await clinic.locator('#sign-in-form button[type=submit]').click();
    // the staff password is checked with a slow hash: allow for a busy machine
    await expect
      .poll(() => clinic.locator('#sign-in-status').textContent(), { timeout: 20_000 })
      .toMatch(/CLINIC_BAD_CREDENTIALS/);
    await clinic.screenshot({ path: join(SHOTS, 'story-clinic-sign-in.png') });
    await clinic.locator('#password').fill(password);
    await clinic.locator('#sign-in-form button[type=submit]').click();
    await clinic.locator('#staff-area:not([hidden])').waitFor();
    await expect(clinic.locator('#signed-in-as').textContent()).resolves.toBe(
      `Signed in as ${username}`,
    );
    await clinic.locator('input[name=scope][value*="problem-list"]').check();
    const share = clinic.locator('medvault-share-button');
    await expect.poll(() => share.getAttribute('state')).toBe('ready');
    // connect, then the share itself (the second prompt opens as the first closes)
    const consent = await connectThenShare(browser, share);
    await expect(consent.locator('#reader-name').textContent()).resolves.toMatch(
      /Riverside Clinic/,
    );
    await consent.screenshot({ path: join(SHOTS, 'story-consent.png'), fullPage: true });
    await answerPrompt(consent, 'approve');
    await expect.poll(() => share.getAttribute('state'), { timeout: 30_000 }).toBe('granted');
    await clinic
      .locator('#read-status.ok')
      .waitFor({ timeout: 60_000 })
      .catch(async (error) => {
        throw new Error(`the clinic says: ${await clinic.locator('#read-status').textContent()}`, {
          cause: error,
        });
      });
    // four of the five records are in the scope asked for; the demographics one is not
    await expect(clinic.locator('#read-status').textContent()).resolves.toBe(
      '4 records read and verified.',
    );
    const shared = clinic.locator('#shared');
    await clinic.screenshot({ path: join(SHOTS, 'story-clinic.png'), fullPage: true });
    // a lab table with units and reference ranges, the conditions, the PDF inline
    const labTable = (await shared.locator('table').allTextContents()).join(' ');
    expect(labTable).toMatch(/%/);
    expect(labTable).toMatch(/\d+(\.\d+)?\s*[–-]\s*\d+(\.\d+)?/);
    await expect(shared.textContent()).resolves.toMatch(/HbA1c|Hemoglobin A1c/i);
    await expect(shared.textContent()).resolves.toMatch(/Conditions/i);
    await expect(shared.textContent()).resolves.toMatch(/Vitamin D/);
    await expect(
      shared.locator('iframe[data-pdf-cid], object[data-pdf-cid]').count(),
    ).resolves.toBe(1);
    const src = await shared
      .locator('iframe[data-pdf-cid], object[data-pdf-cid]')
      .first()
      .evaluate((el) => (el as HTMLIFrameElement).src || (el as HTMLObjectElement).data);
    expect(src).toMatch(/^blob:/);
    await expect(shared.textContent()).resolves.toMatch(/anchored at block \d+/);
    // the badge's proof link answers the staff's page with a verified inclusion proof
    const proofUrl = (await shared
      .locator('a[href*="/proofs/"]')
      .first()
      .getAttribute('href')) as string;
    const proof = await clinic.evaluate(async (url) => (await fetch(url)).json(), proofUrl);
    expect(proof).toMatchObject({ status: 'anchored', verified: true });
    // and nothing to anyone else: no session, no proof and no records
    const grantId = /\/api\/grants\/([0-9a-f]{64})\//.exec(proofUrl)?.[1] as string;
    const stranger = [
      await fetch(new URL(proofUrl, stack.clinic.url)),
      await fetch(`${stack.clinic.url}/api/grants`),
      await fetch(`${stack.clinic.url}/api/grants/${grantId}/read`, {
        method: 'POST',
        headers: { origin: stack.clinic.url, 'content-type': 'application/json' },
        body: '{}',
      }),
    ];
    expect(stranger.map((r) => r.status)).toEqual([401, 401, 401]);
    // the patient's wallet lists the grant for this site
    const grants = await ask(clinic, 'medvault_listGrants');
    expect(grants).toMatchObject({ ok: true });
    expect((grants as { value: unknown[] }).value).toHaveLength(1);
    // a patient who brings a SMART Health Link instead: pasted at the desk, shown the same way
    const made = (
      await uiCall(browser, {
        type: 'links/create',
        label: 'Problems and labs for Riverside',
        categories: ['problem-list'],
        expiresAt: Date.now() + 86_400_000,
        passcode: true,
      })
    ).value as { shlink: string; passcode: string };
    await clinic.locator('#shl-link').fill(made.shlink);
    await clinic.locator('#shl-passcode').fill('WRONG-CODE');
    await clinic.locator('#shl-open').click();
    await expect
      .poll(() => clinic.locator('#read-code').textContent())
      .toBe('SHL_PASSCODE_REJECTED');
    await clinic.locator('#shl-passcode').fill(made.passcode);
    await clinic.locator('#shl-open').click();
    await expect
      .poll(() => clinic.locator('#shl-about').textContent())
      .toMatch(/^The link says: “Problems and labs for Riverside”, works until /);
    await expect(shared.textContent()).resolves.toMatch(/Conditions/i);
    await expect(shared.locator('[data-verification="link"]').count()).resolves.toBeGreaterThan(0);
    await clinic.screenshot({ path: join(SHOTS, 'clinic-health-link.png'), fullPage: true });
    // signing out clears the records from the page and ends the session
    await clinic.locator('#sign-out').click();
    await clinic.locator('#sign-in:not([hidden])').waitFor();
    await expect(shared.innerHTML()).resolves.toBe('');
    const after = await clinic.evaluate(async (url) => (await fetch(url)).status, proofUrl);
    expect(after).toBe(401);
  }, 150_000);
});
