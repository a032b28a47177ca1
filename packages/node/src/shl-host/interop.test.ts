/**
 * The SHL host against an independent receiver: links whose files MedVault
 * encrypted and this host serves resolve in `kill-the-clipboard`'s
 * `SHLViewer` (MIT, a devDependency used only here), with a passcode, wrong
 * passcodes and the lockout after them, expiry and revocation — each as
 * that receiver sees it, over real HTTP on 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeLink, encryptFile, newLinkKey } from '@medvault/core/health-links';
import { SHLInvalidPasscodeError, SHLViewer } from 'kill-the-clipboard';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningShlHost, startShlHost } from './server.js';

const clock = { t: Date.now() };
let dir: string;
let host: RunningShlHost;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-shl-interop-'));
  host = await startShlHost({
    dataDir: dir,
    now: () => clock.t,
    passcodeScrypt: { N: 1024, r: 8, p: 1 },
    log: () => {},
  });
});
afterAll(async () => {
  await host?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const OBSERVATION = {
  resourceType: 'Observation',
  id: 'hba1c',
  status: 'final',
  code: { text: 'HbA1c' },
};

/** A link as the wallet and the CLI make it: encrypted here, uploaded as ciphertext. */
async function makeLink(
  options: { passcode?: string; exp?: number; maxAttempts?: number } = {},
  /** Put `exp` in the link too (the receiver then checks it as well as the host). */
  inLink = true,
) {
  const key = newLinkKey();
  const jwe = await encryptFile(JSON.stringify(OBSERVATION), key, {
    contentType: 'application/fhir+json',
  });
  const response = await fetch(`${host.url}/api/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      files: [{ contentType: 'application/fhir+json', jwe }],
      label: 'Lab results',
      ...options,
    }),
  });
  expect(response.status).toBe(201);
  const made = (await response.json()) as {
    id: string;
    manifestUrl: string;
    managementToken: string;
  };
  const link = encodeLink({
    url: made.manifestUrl,
    key,
    label: 'Lab results',
    ...(options.passcode ? { flag: 'P' } : {}),
    ...(options.exp && inLink ? { exp: options.exp } : {}),
  });
  return { ...made, link };
}

describe('links this host serves, opened by an independent SHL receiver', () => {
  test('a passcode link: wrong passcodes refused, the right one opens the file', async () => {
    const { link } = await makeLink({ passcode: '4821-9930' });
    const viewer = new SHLViewer({ shlinkURI: link });
    expect(viewer.shl.requiresPasscode).toBe(true);
    await expect(viewer.resolveSHL({ recipient: 'KTC', passcode: 'nope' })).rejects.toBeInstanceOf(
      SHLInvalidPasscodeError,
    );
    const resolved = await viewer.resolveSHL({ recipient: 'KTC', passcode: '4821-9930' });
    expect(resolved.fhirResources).toEqual([OBSERVATION]);
  });

  test('after the last wrong passcode the link stops working, even with the right one', async () => {
    const { link } = await makeLink({ passcode: '1111-2222', maxAttempts: 2 });
    const viewer = new SHLViewer({ shlinkURI: link });
    for (let i = 0; i < 2; i++) {
      await expect(
        viewer.resolveSHL({ recipient: 'Guesser', passcode: `wrong-${i}` }),
      ).rejects.toBeInstanceOf(SHLInvalidPasscodeError);
    }
    await expect(
      viewer.resolveSHL({ recipient: 'Owner', passcode: '1111-2222' }),
    ).rejects.toThrow();
  });

  test('an expired link and a revoked one open nothing', async () => {
    // exp only on the host: the refusal is the host's, not the receiver's own check
    const expiring = await makeLink({ exp: Math.floor(clock.t / 1000) + 60 }, false);
    const viewer = new SHLViewer({ shlinkURI: expiring.link });
    expect((await viewer.resolveSHL({ recipient: 'Before' })).fhirResources).toEqual([OBSERVATION]);
    clock.t += 120_000;
    await expect(
      new SHLViewer({ shlinkURI: expiring.link }).resolveSHL({ recipient: 'After' }),
    ).rejects.toThrow();

    const revoked = await makeLink();
    const deleted = await fetch(`${host.url}/api/links/${revoked.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${revoked.managementToken}` },
    });
    expect(deleted.ok).toBe(true);
    await expect(
      new SHLViewer({ shlinkURI: revoked.link }).resolveSHL({ recipient: 'Late' }),
    ).rejects.toThrow();
  });
});
