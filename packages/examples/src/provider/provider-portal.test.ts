/**
 * The provider's patient portal over real HTTP on 127.0.0.1, as an app (and
 * an attacker) would use it: discovery, a standalone SMART launch with PKCE
 * through the sign-in and consent pages with nothing but fetch, refresh
 * tokens, paging, `_lastUpdated` syncs, the patient compartment, bad and
 * expired tokens, injected faults, Deny, attachments, and the in-process
 * test controls.
 */
import { createHash } from 'node:crypto';
import { caughtAsync, expectError } from '@medvault/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkFhirResource } from '../hospital/fhir-validation.js';
import {
  ProviderOptionsError,
  ResourceRejectedError,
  UnknownAccountError,
  UnknownResourceError,
} from './errors.js';
import type { FhirJson } from './fhir-types.js';
import { DEFAULT_PATIENT_PASSWORD } from './options.js';
import { COMPARTMENT_TYPES } from './resource-types.js';
import { type ProviderPortal, startProviderPortal } from './server.js';
import { authorizeAtPortal, type SmartTokenResponse, signInForTokens } from './sign-in.js';

const APP = {
  client_id: 'test-app',
  client_name: 'Test app',
  redirect_uris: ['http://127.0.0.1/callback'],
};
const WALLET = { client_id: 'wallet', redirect_uris: ['https://*.chromiumapp.org/provider'] };
const CALLBACK = 'http://127.0.0.1:45678/callback'; // a loopback redirect on any port (native client)
const TYPES: readonly string[] = COMPARTMENT_TYPES;

type Bundle = {
  resourceType: 'Bundle';
  type: string;
  total: number;
  meta: { lastUpdated: string };
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: FhirJson }[];
};
type Outcome = {
  resourceType: 'OperationOutcome';
  issue: { severity: string; code: string; diagnostics: string }[];
};

let portal: ProviderPortal;
let helen: SmartTokenResponse;
let aisha: SmartTokenResponse;
const portals: ProviderPortal[] = [];

const signIn = (p: ProviderPortal, username: string, extra: { scope?: string } = {}) =>
  signInForTokens({
    fhirBaseUrl: p.fhirBaseUrl,
    clientId: APP.client_id,
    redirectUri: CALLBACK,
    username,
    password: DEFAULT_PATIENT_PASSWORD,
    ...extra,
  });

const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

type Attachment = { url: string; contentType: string; size: number; hash: string };

/** The first entry's resource of a searchset (the test fails if there is none). */
function firstOf(bundle: Bundle): FhirJson {
  const resource = bundle.entry?.[0]?.resource;
  if (!resource) throw new Error(`no entries in ${bundle.link[0]?.url}`);
  return resource;
}

/** The first attachment of a DocumentReference. */
const attachmentOf = (document: FhirJson) =>
  (document.content as { attachment: Attachment }[])[0]?.attachment as Attachment;

/** Every entry of a search, following next links; the pages' URLs too. */
async function everything(url: string, token: string) {
  const resources: FhirJson[] = [];
  const pages: Bundle[] = [];
  for (let next: string | undefined = url; next; ) {
    const response = await get(next, token);
    expect(response.status, next).toBe(200);
    const bundle = await json<Bundle>(response);
    pages.push(bundle);
    resources.push(...(bundle.entry ?? []).map((e) => e.resource));
    next = bundle.link.find((l) => l.relation === 'next')?.url;
  }
  return { resources, pages };
}

/** A refresh at the token endpoint, as the app (`client_id` unless `null`) and from `origin`. */
const refresh = (
  p: ProviderPortal,
  refreshToken: string,
  {
    clientId = APP.client_id as string | null,
    origin,
  }: { clientId?: string | null; origin?: string } = {},
) =>
  fetch(`${p.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...(clientId === null ? {} : { client_id: clientId }),
    }),
  });

/** An app's authorization request, up to the sign-in page: the browser's cookies and the interaction. */
async function startAuthorization(state: string): Promise<{ cookie: string; uid: string }> {
  const started = await fetch(
    `${portal.url}/auth?${new URLSearchParams({
      response_type: 'code',
      client_id: APP.client_id,
      redirect_uri: CALLBACK,
      scope: 'launch/patient patient/*.rs',
      state,
      aud: portal.fhirBaseUrl,
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    })}`,
    { redirect: 'manual' },
  );
  const cookie = started.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const uid = /\/interaction\/([^/]+)$/.exec(started.headers.get('location') as string)?.[1];
  return { cookie, uid: uid as string };
}

beforeAll(async () => {
  portal = await startProviderPortal({ patients: 2, clients: [APP, WALLET] });
  portals.push(portal);
  [helen, aisha] = await Promise.all([signIn(portal, 'helen'), signIn(portal, 'aisha')]);
});

afterAll(async () => {
  await Promise.all(portals.map((p) => p.close()));
});

describe('discovery', () => {
  test('the SMART configuration names the endpoints, PKCE S256 and the standalone patient capabilities', async () => {
    const response = await get(`${portal.fhirBaseUrl}/.well-known/smart-configuration`, undefined, {
      origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const config = await json<Record<string, unknown>>(response);
    expect(config).toMatchObject({
      issuer: portal.url,
      authorization_endpoint: `${portal.url}/auth`,
      token_endpoint: `${portal.url}/token`,
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
    });
    expect(config.registration_endpoint).toBeUndefined(); // dynamic registration is off
    expect(config.capabilities).toEqual(
      expect.arrayContaining([
        'launch-standalone',
        'client-public',
        'context-standalone-patient',
        'permission-patient',
        'permission-offline',
      ]),
    );
    expect(config.scopes_supported).toEqual(
      expect.arrayContaining([
        'openid',
        'fhirUser',
        'launch/patient',
        'offline_access',
        'patient/*.read',
        'patient/*.rs',
        'patient/Observation.read',
      ]),
    );
    // the issuer's own OpenID configuration agrees, and offers no plain PKCE
    const oidc = await json<Record<string, unknown>>(
      await get(`${portal.url}/.well-known/openid-configuration`),
    );
    expect(oidc.code_challenge_methods_supported).toEqual(['S256']);
    expect(oidc.token_endpoint).toBe(config.token_endpoint);
  });

  test('the CapabilityStatement carries the SMART security extension, without a token', async () => {
    const response = await get(`${portal.fhirBaseUrl}/metadata`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const statement = await json<{
      resourceType: string;
      fhirVersion: string;
      rest: {
        security: {
          service: { coding: { code: string }[] }[];
          extension: { url: string; extension: { url: string; valueUri: string }[] }[];
        };
        resource: { type: string }[];
      }[];
    }>(response);
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.fhirVersion).toBe('4.0.1');
    const [rest] = statement.rest;
    expect(rest?.security.service[0]?.coding[0]?.code).toBe('SMART-on-FHIR');
    const uris = rest?.security.extension.find((e) => e.url.endsWith('oauth-uris'))?.extension;
    expect(uris).toEqual(
      expect.arrayContaining([
        { url: 'authorize', valueUri: `${portal.url}/auth` },
        { url: 'token', valueUri: `${portal.url}/token` },
      ]),
    );
    expect(rest?.resource.map((r) => r.type)).toEqual(expect.arrayContaining([...TYPES, 'Binary']));
    checkFhirResource(statement);
  });

  test('a CORS preflight of the FHIR API allows the Authorization header', async () => {
    const response = await fetch(`${portal.fhirBaseUrl}/Observation`, {
      method: 'OPTIONS',
      headers: {
        origin: 'chrome-extension://abc',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    // and the token endpoint answers a browser extension's CORS request too
    const token = await fetch(`${portal.url}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'chrome-extension://abc', 'access-control-request-method': 'POST' },
    });
    expect(token.headers.get('access-control-allow-origin')).toBe('chrome-extension://abc');
  });
});

describe('a standalone launch with PKCE, with plain fetch', () => {
  test('sign-in and consent pages, then a token with the patient in context', async () => {
    const verifier = 'a-very-long-code-verifier-of-at-least-43-characters-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(`${portal.url}/auth`);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: APP.client_id,
      redirect_uri: CALLBACK,
      scope: 'openid fhirUser launch/patient offline_access patient/*.read',
      state: 'state-123',
      aud: portal.fhirBaseUrl,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(name, value);
    const cookies = new Map<string, string>();
    const keep = (response: Response) => {
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(';')[0] as string;
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
    };
    const cookie = () => [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    const step = async (url: string, form?: Record<string, string>) => {
      const response = await fetch(new URL(url, portal.url), {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: cookie(),
          ...(form
            ? { 'content-type': 'application/x-www-form-urlencoded', origin: portal.url }
            : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      keep(response);
      return response;
    };

    // the authorisation server sends the browser to the sign-in page
    const started = await step(authorize.href);
    expect(started.status).toBe(303);
    const signInUrl = started.headers.get('location') as string;
    const signInPage = await step(signInUrl);
    expect(signInPage.status).toBe(200);
    const csp = signInPage.headers.get('content-security-policy') as string;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:45678/);
    expect(csp).not.toMatch(/script-src|unsafe/);
    const signInHtml = await signInPage.text();
    expect(signInHtml).toContain('Test app wants to connect');
    expect(signInHtml).toMatch(/<label class="field" for="username">Username/);
    expect(signInHtml).toMatch(/<label class="field" for="password">Password/);
    expect(signInHtml).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const loginAction = /action="(\/interaction\/[^"]+\/login)"/.exec(signInHtml)?.[1] as string;

    // a wrong password: the form again, saying so
    const wrong = await step(loginAction, { username: 'helen', password: 'not-her-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/role="alert"[^>]*>That username and password do not match/);

    // the right one goes on to consent
    const signedIn = await step(loginAction, {
      username: 'Helen',
      password: DEFAULT_PATIENT_PASSWORD,
    });
    expect(signedIn.status).toBe(303);
    let location = signedIn.headers.get('location') as string;
    while (!location.includes('/interaction/'))
      location = (await step(location)).headers.get('location') as string;
    const consent = await step(location);
    const consentHtml = await consent.text();
    expect(consentHtml).toContain('Allow Test app to use your health record?');
    expect(consentHtml).toContain('Signed in as Helen Alvarez');
    expect(consentHtml).toContain('Read your whole health record');
    expect(consentHtml).toContain('Keep this access after you close the app');
    expect(consentHtml).not.toMatch(/autofocus/); // neither Allow nor Deny focused first
    const consentAction = /action="(\/interaction\/[^"]+\/consent)"/.exec(
      consentHtml,
    )?.[1] as string;

    // Allow: back to the app with a code and its state
    const allowed = await step(consentAction, { decision: 'allow' });
    location = allowed.headers.get('location') as string;
    while (!location.startsWith(CALLBACK))
      location = (await step(location)).headers.get('location') as string;
    const redirect = new URL(location);
    expect(redirect.searchParams.get('state')).toBe('state-123');
    const code = redirect.searchParams.get('code') as string;

    // a wrong verifier does not redeem the code …
    const exchange = (codeVerifier: string) =>
      fetch(`${portal.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: CALLBACK,
          client_id: APP.client_id,
          code_verifier: codeVerifier,
        }),
      });
    const stolen = await exchange('b'.repeat(64));
    expect(stolen.status).toBe(400);
    expect((await json<{ error: string }>(stolen)).error).toBe('invalid_grant');
  });

  test('the token response carries patient, scope, a refresh token and an ID token naming fhirUser', async () => {
    expect(helen).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      patient: portal.accounts[0]?.patientId,
    });
    expect(helen.scope.split(' ').sort()).toEqual(
      ['fhirUser', 'launch/patient', 'offline_access', 'openid', 'patient/*.rs'].sort(),
    );
    expect(helen.refresh_token).toMatch(/^[\w-]{20,}$/);
    const claims = JSON.parse(
      Buffer.from((helen.id_token as string).split('.')[1] as string, 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      iss: portal.url,
      aud: APP.client_id,
      sub: helen.patient,
      fhirUser: `${portal.fhirBaseUrl}/Patient/${helen.patient}`,
    });
    // the token reads the patient it names
    const patient = await json<FhirJson>(
      await get(`${portal.fhirBaseUrl}/Patient/${helen.patient}`, helen.access_token),
    );
    expect(patient).toMatchObject({ resourceType: 'Patient', id: helen.patient });
  });

  test('without PKCE, with plain PKCE or for another FHIR server the request is refused', async () => {
    const base = {
      response_type: 'code',
      client_id: APP.client_id,
      redirect_uri: CALLBACK,
      scope: 'launch/patient patient/*.rs',
      state: 's',
      aud: portal.fhirBaseUrl,
    };
    const refused = async (params: Record<string, string>) => {
      const response = await fetch(`${portal.url}/auth?${new URLSearchParams(params)}`, {
        redirect: 'manual',
      });
      const location = new URL(response.headers.get('location') as string);
      expect(location.href.startsWith(CALLBACK), location.href).toBe(true);
      return location.searchParams;
    };
    expect((await refused(base)).get('error')).toBe('invalid_request'); // no code_challenge
    const plain = await refused({
      ...base,
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'plain',
    });
    expect(plain.get('error')).toBe('invalid_request');
    const otherServer = await refused({
      ...base,
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      aud: 'https://fhir.elsewhere.example/r4',
    });
    expect(otherServer.get('error_description')).toMatch(
      /aud .* is not this server's FHIR base URL/,
    );
  });

  test('a redirect URI is matched exactly, a *. host label standing for one extension id', async () => {
    const signInWallet = (redirectUri: string) =>
      authorizeAtPortal({
        fhirBaseUrl: portal.fhirBaseUrl,
        clientId: WALLET.client_id,
        redirectUri,
        username: 'helen',
        password: DEFAULT_PATIENT_PASSWORD,
      });
    const extension = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/provider';
    expect((await signInWallet(extension)).redirect.searchParams.get('code')).toBeTruthy();
    for (const other of [
      'https://evil.example/provider',
      'https://a.b.chromiumapp.org/provider',
      'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/other',
    ]) {
      const error = await caughtAsync(signInWallet(other));
      expect(String(error), other).toMatch(/no form to go on/); // the error page, no redirect
    }
  });

  test('Deny (and Cancel on the sign-in page) answers the app access_denied', async () => {
    const { redirect, state } = await authorizeAtPortal({
      fhirBaseUrl: portal.fhirBaseUrl,
      clientId: APP.client_id,
      redirectUri: CALLBACK,
      username: 'aisha',
      password: DEFAULT_PATIENT_PASSWORD,
      decision: 'deny',
    });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('code')).toBeNull();

    const { cookie, uid } = await startAuthorization('cancelled');
    const cancelled = await fetch(`${portal.url}/interaction/${uid}/abort`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: portal.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const resumed = await fetch(new URL(cancelled.headers.get('location') as string, portal.url), {
      redirect: 'manual',
      headers: { cookie },
    });
    const answer = new URL(resumed.headers.get('location') as string);
    expect(answer.searchParams.get('error')).toBe('access_denied');
    expect(answer.searchParams.get('state')).toBe('cancelled');
  });

  test('a form posted from another site is refused', async () => {
    const { cookie, uid } = await startAuthorization('forged');
    const forged = await fetch(`${portal.url}/interaction/${uid}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie,
        origin: 'https://attacker.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        username: 'helen',
        password: DEFAULT_PATIENT_PASSWORD,
      }).toString(),
    });
    expect(forged.status).toBe(403);
    // and a page without its interaction cookie has expired, as far as the portal knows
    expect((await fetch(`${portal.url}/interaction/${uid}`)).status).toBe(400);
  });
});

describe('refresh tokens', () => {
  test('a refresh token gives a new access token for the same patient, once (rotation)', async () => {
    const tokens = await signIn(portal, 'helen');
    const response = await refresh(portal, tokens.refresh_token as string, {
      origin: 'chrome-extension://abc',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('chrome-extension://abc');
    const renewed = await json<SmartTokenResponse>(response);
    expect(renewed.patient).toBe(tokens.patient);
    expect(renewed.access_token).not.toBe(tokens.access_token);
    expect(renewed.scope).toContain('patient/*.rs');
    expect(renewed.refresh_token).toBeTruthy();
    expect((await get(`${portal.fhirBaseUrl}/Condition`, renewed.access_token)).status).toBe(200);
    // a public client may leave out client_id: its refresh token names it (fhirclient's default)
    const anonymous = await refresh(portal, renewed.refresh_token as string, { clientId: null });
    expect(anonymous.status).toBe(200);
    const latest = await json<SmartTokenResponse>(anonymous);
    expect(latest.patient).toBe(tokens.patient);
    // the first refresh token was used up; using it again looks like theft and ends the whole grant
    const again = await refresh(portal, tokens.refresh_token as string);
    expect((await json<{ error: string }>(again)).error).toBe('invalid_grant');
    expect((await get(`${portal.fhirBaseUrl}/Condition`, latest.access_token)).status).toBe(401);
  });

  test('without offline_access there is no refresh token', async () => {
    const tokens = await signIn(portal, 'aisha', { scope: 'launch/patient patient/*.rs' });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.patient).toBe(aisha.patient);
  });
});

describe('search', () => {
  test('pages of _count entries, linked by absolute next links, hold every match once', async () => {
    const { resources, pages } = await everything(
      `${portal.fhirBaseUrl}/Observation?patient=${helen.patient}&_count=10`,
      helen.access_token,
    );
    expect(pages.length).toBe(Math.ceil((pages[0]?.total ?? 0) / 10));
    expect(pages.length).toBeGreaterThan(2);
    expect(resources.length).toBe(pages[0]?.total);
    expect(new Set(resources.map((r) => r.id)).size).toBe(resources.length);
    for (const page of pages) {
      expect(page).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      for (const link of page.link) expect(link.url.startsWith(portal.fhirBaseUrl)).toBe(true);
      expect(page.entry?.length).toBeLessThanOrEqual(10);
    }
    expect(pages[1]?.link.map((l) => l.relation)).toEqual(
      expect.arrayContaining(['previous', 'next']),
    );
    for (const r of resources)
      expect(r.subject).toMatchObject({ reference: `Patient/${helen.patient}` });
    // the default page is 50
    const whole = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Observation`, helen.access_token),
    );
    expect(whole.entry?.length).toBe(Math.min(50, whole.total));
  });

  test('every type of the patient-access API has resources, each with a version and a time', async () => {
    for (const type of TYPES) {
      const bundle = await json<Bundle>(
        await get(`${portal.fhirBaseUrl}/${type}?patient=${helen.patient}`, helen.access_token),
      );
      expect(bundle.total, type).toBeGreaterThan(0);
      for (const { resource, fullUrl } of bundle.entry ?? []) {
        expect(resource.meta?.versionId, type).toMatch(/^\d+$/);
        expect(Date.parse(resource.meta?.lastUpdated ?? '')).toBeLessThanOrEqual(Date.now());
        expect(fullUrl).toBe(`${portal.fhirBaseUrl}/${type}/${resource.id}`);
      }
    }
    const patients = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Patient?_id=${helen.patient}`, helen.access_token),
    );
    expect(patients.entry?.map((e) => e.resource.id)).toEqual([helen.patient]);
  });

  test('_lastUpdated=gt… returns only what changed since the last sync; updates bump the version', async () => {
    const first = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Condition?patient=${helen.patient}`, helen.access_token),
    );
    const since = first.meta.lastUpdated;
    const condition = first.entry?.[0]?.resource as FhirJson;
    const updated = portal.updateResource('Condition', condition.id as string, (c) => {
      c.note = [{ text: 'Reviewed at follow-up' }];
    });
    expect(updated.meta?.versionId).toBe(String(Number(condition.meta?.versionId) + 1));
    expect(Date.parse(updated.meta?.lastUpdated ?? '')).toBeGreaterThan(Date.parse(since));
    const added = portal.addResource('helen', {
      resourceType: 'Condition',
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
        ],
      },
      code: { text: 'Seasonal allergic rhinitis' },
    });
    expect(added).toMatchObject({
      meta: { versionId: '1' },
      subject: { reference: `Patient/${helen.patient}` },
    });

    portal.clearRequests();
    const query = `_lastUpdated=gt${encodeURIComponent(since)}`;
    const changed = await json<Bundle>(
      await get(
        `${portal.fhirBaseUrl}/Condition?patient=${helen.patient}&${query}`,
        helen.access_token,
      ),
    );
    expect(changed.entry?.map((e) => e.resource.id).sort()).toEqual(
      [condition.id, added.id].sort(),
    );
    expect(
      changed.entry?.find((e) => e.resource.id === condition.id)?.resource.meta?.versionId,
    ).toBe(updated.meta?.versionId);
    // the log shows exactly what was asked, and nothing else
    expect(portal.requests).toEqual([
      {
        method: 'GET',
        path: '/fhir/Condition',
        query: `patient=${helen.patient}&_lastUpdated=gt${encodeURIComponent(since)}`,
        status: 200,
      },
    ]);
    // ge / lt by day, the latest first, and the read of the new version
    const newestFirst = await json<Bundle>(
      await get(
        `${portal.fhirBaseUrl}/Condition?_sort=-_lastUpdated&_lastUpdated=ge2000-01-01`,
        helen.access_token,
      ),
    );
    expect([condition.id, added.id]).toContain(newestFirst.entry?.[0]?.resource.id);
    const none = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Condition?_lastUpdated=lt2000-01`, helen.access_token),
    );
    expect(none.total).toBe(0);
    const read = await get(`${portal.fhirBaseUrl}/Condition/${condition.id}`, helen.access_token);
    expect(read.headers.get('etag')).toBe(`W/"${updated.meta?.versionId}"`);
  });

  test('malformed parameters are a 400 OperationOutcome; unknown ones are ignored unless strict', async () => {
    const bad = await get(
      `${portal.fhirBaseUrl}/Observation?_lastUpdated=yesterday`,
      helen.access_token,
    );
    expect(bad.status).toBe(400);
    const outcome = await json<Outcome>(bad);
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'invalid' });
    expect(outcome.issue[0]?.diagnostics).toMatch(/_lastUpdated=yesterday is not a FHIR date/);
    expect(
      (await get(`${portal.fhirBaseUrl}/Observation?_count=ten`, helen.access_token)).status,
    ).toBe(400);
    const lenient = await json<Bundle>(
      await get(
        `${portal.fhirBaseUrl}/Observation?category=laboratory&_count=1`,
        helen.access_token,
      ),
    );
    expect(lenient.link[0]?.url).toBe(`${portal.fhirBaseUrl}/Observation?_count=1`);
    const strict = await get(
      `${portal.fhirBaseUrl}/Observation?category=laboratory`,
      helen.access_token,
      {
        prefer: 'handling=strict',
      },
    );
    expect(strict.status).toBe(400);
    expect(
      (
        await get(`${portal.fhirBaseUrl}/Observation`, helen.access_token, {
          accept: 'application/fhir+xml',
        })
      ).status,
    ).toBe(406);
    const unknownType = await get(`${portal.fhirBaseUrl}/Claim`, helen.access_token);
    expect(unknownType.status).toBe(404);
    expect((await json<Outcome>(unknownType)).issue[0]?.code).toBe('not-supported');
    const write = await fetch(`${portal.fhirBaseUrl}/Observation/x`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${helen.access_token}` },
    });
    expect(write.status).toBe(405);
  });
});

describe('the patient compartment', () => {
  test("a token reads its own patient's records only: another's are not found, searching them is forbidden", async () => {
    const hers = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Observation?_count=1`, aisha.access_token),
    );
    const herObservation = hers.entry?.[0]?.resource as FhirJson;
    expect(herObservation.subject).toMatchObject({ reference: `Patient/${aisha.patient}` });

    for (const path of [`Observation/${herObservation.id}`, `Patient/${aisha.patient}`]) {
      const response = await get(`${portal.fhirBaseUrl}/${path}`, helen.access_token);
      expect(response.status, path).toBe(404);
      expect((await json<Outcome>(response)).issue[0]?.code).toBe('not-found');
    }
    for (const query of [
      `patient=${aisha.patient}`,
      `patient=Patient/${aisha.patient}`,
      `subject=${portal.fhirBaseUrl}/Patient/${aisha.patient}`,
    ]) {
      const response = await get(`${portal.fhirBaseUrl}/Observation?${query}`, helen.access_token);
      expect(response.status, query).toBe(403);
      expect((await json<Outcome>(response)).issue[0]?.code).toBe('forbidden');
    }
    // a search without a patient holds only the token's patient's resources
    const { resources } = await everything(
      `${portal.fhirBaseUrl}/Observation?_id=${herObservation.id}`,
      helen.access_token,
    );
    expect(resources).toEqual([]);
    const own = await json<Bundle>(await get(`${portal.fhirBaseUrl}/Patient`, helen.access_token));
    expect(own.entry?.map((e) => e.resource.id)).toEqual([helen.patient]);
    // her attachments too
    const docs = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/DocumentReference`, aisha.access_token),
    );
    const { url } = attachmentOf(firstOf(docs));
    expect((await get(url, helen.access_token)).status).toBe(404);
    expect((await get(url, aisha.access_token)).status).toBe(200);
    // and her next-page links
    const paged = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Observation?_count=2`, aisha.access_token),
    );
    const next = paged.link.find((l) => l.relation === 'next')?.url as string;
    expect((await get(next, helen.access_token)).status).toBe(410);
  });

  test("a token's scopes limit the types it reads", async () => {
    const labsOnly = await signIn(portal, 'helen', {
      scope: 'launch/patient patient/Observation.rs',
    });
    expect((await get(`${portal.fhirBaseUrl}/Observation`, labsOnly.access_token)).status).toBe(
      200,
    );
    const denied = await get(`${portal.fhirBaseUrl}/Condition`, labsOnly.access_token);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toMatch(
      /error="insufficient_scope", scope="patient\/Condition\.rs"/,
    );
    const readOnly = await signIn(portal, 'helen', {
      scope: 'launch/patient patient/Observation.r',
    });
    expect((await get(`${portal.fhirBaseUrl}/Observation`, readOnly.access_token)).status).toBe(
      403,
    );
  });

  test('the hospital and its clinicians are readable by any signed-in patient', async () => {
    const observation = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/Observation?_count=1`, aisha.access_token),
    );
    const [performer] = firstOf(observation).performer as { reference: string }[];
    const organization = await get(
      `${portal.fhirBaseUrl}/${performer?.reference}`,
      helen.access_token,
    );
    expect(organization.status).toBe(200);
  });
});

describe('tokens that do not work', () => {
  test('no token is a 401 with a Bearer challenge; a bad one a 401 invalid_token', async () => {
    const none = await get(`${portal.fhirBaseUrl}/Observation`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="${portal.fhirBaseUrl}"`);
    expect((await json<Outcome>(none)).resourceType).toBe('OperationOutcome');
    const bad = await get(`${portal.fhirBaseUrl}/Observation`, 'not-a-token-we-issued');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(
      /^Bearer realm=".*", error="invalid_token"/,
    );
    expect((await json<Outcome>(bad)).issue[0]?.code).toBe('expired');
  });

  test('an expired access token is a 401 invalid_token; its refresh token still works', async () => {
    const short = await startProviderPortal({
      patients: 1,
      clients: [APP],
      accessTokenTtlSeconds: 1,
    });
    portals.push(short);
    const tokens = await signIn(short, 'helen');
    expect(tokens.expires_in).toBe(1);
    expect(
      (await get(`${short.fhirBaseUrl}/Patient/${tokens.patient}`, tokens.access_token)).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 2_100));
    const expired = await get(
      `${short.fhirBaseUrl}/Patient/${tokens.patient}`,
      tokens.access_token,
    );
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const refreshed = await refresh(short, tokens.refresh_token as string);
    expect(refreshed.status).toBe(200);
  });

  test("revokeTokens ends a patient's access and refresh tokens, not another's", async () => {
    const tokens = await signIn(portal, 'aisha');
    const other = await signIn(portal, 'helen');
    expect(portal.revokeTokens('aisha')).toBeGreaterThan(0);
    expect((await get(`${portal.fhirBaseUrl}/Condition`, tokens.access_token)).status).toBe(401);
    const refreshed = await refresh(portal, tokens.refresh_token as string);
    expect((await json<{ error: string }>(refreshed)).error).toBe('invalid_grant');
    expect((await get(`${portal.fhirBaseUrl}/Condition`, other.access_token)).status).toBe(200);
    aisha = await signIn(portal, 'aisha'); // for the other tests
  });
});

describe('faults', () => {
  test('failNext answers the next data requests with the fault, then normally', async () => {
    portal.failNext({ status: 429, count: 2, retryAfterSeconds: 3 });
    portal.failNext({ status: 503 });
    const url = `${portal.fhirBaseUrl}/Observation?_count=1`;
    // discovery is not a data request: the faults wait
    expect((await get(`${portal.fhirBaseUrl}/metadata`)).status).toBe(200);
    for (const expected of [429, 429]) {
      const response = await get(url, helen.access_token);
      expect(response.status).toBe(expected);
      expect(response.headers.get('retry-after')).toBe('3');
      expect((await json<Outcome>(response)).issue[0]?.code).toBe('throttled');
    }
    const unavailable = await get(url, helen.access_token);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBeNull();
    expect((await json<Outcome>(unavailable)).issue[0]?.code).toBe('transient');
    portal.failNext({ status: 500 });
    expect((await get(url, helen.access_token)).status).toBe(500);
    expect((await get(url, helen.access_token)).status).toBe(200);
    expectError(
      () => portal.failNext({ status: 404 as 429 }),
      ProviderOptionsError,
      'PROVIDER_BAD_OPTIONS',
    );
    expectError(
      () => portal.failNext({ status: 503, count: 0 }),
      ProviderOptionsError,
      'PROVIDER_BAD_OPTIONS',
    );
  });
});

describe('attachments', () => {
  test("a DocumentReference's attachment is a Binary: the PDF itself, or the Binary resource as JSON", async () => {
    const docs = await json<Bundle>(
      await get(`${portal.fhirBaseUrl}/DocumentReference`, helen.access_token),
    );
    const attachment = attachmentOf(firstOf(docs));
    expect(attachment?.url.startsWith(`${portal.fhirBaseUrl}/Binary/`)).toBe(true);
    const pdf = await get(attachment?.url as string, helen.access_token, {
      accept: 'application/pdf',
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBe(attachment?.size);
    expect(createHash('sha1').update(bytes).digest('base64')).toBe(attachment?.hash);
    const binary = await json<{ resourceType: string; contentType: string; data: string }>(
      await get(attachment?.url as string, helen.access_token, { accept: 'application/fhir+json' }),
    );
    expect(binary.resourceType).toBe('Binary');
    expect(binary.contentType).toBe('application/pdf');
    expect(Buffer.from(binary.data, 'base64').equals(bytes)).toBe(true);
  });

  test('hugeAttachment: a file over 20 MiB, its size known before a byte is read', async () => {
    const big = await startProviderPortal({
      patients: 1,
      clients: [APP],
      hugeAttachment: { bytes: 21 * 1024 * 1024 + 7 },
    });
    portals.push(big);
    const tokens = await signIn(big, 'helen');
    const docs = await json<Bundle>(
      await get(`${big.fhirBaseUrl}/DocumentReference`, tokens.access_token),
    );
    const large = (docs.entry ?? [])
      .map((e) => attachmentOf(e.resource))
      .find((a) => a.size > 20 * 1024 * 1024);
    expect(large?.size).toBe(21 * 1024 * 1024 + 7);
    const head = await fetch(large?.url as string, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(head.headers.get('content-length')).toBe(String(large?.size));
    // an importer reads until its limit and stops
    const response = await get(large?.url as string, tokens.access_token, {
      accept: 'application/pdf',
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let read = 0;
    while (read < 1024 * 1024) read += ((await reader.read()).value as Uint8Array).length;
    await reader.cancel();
    // the whole file, streamed, matches its hash
    const whole = Buffer.from(
      await (
        await get(large?.url as string, tokens.access_token, { accept: 'application/pdf' })
      ).arrayBuffer(),
    );
    expect(whole.length).toBe(large?.size);
    expect(createHash('sha1').update(whole).digest('base64')).toBe(large?.hash);
    // the JSON form streams the base64 with a correct length
    const asJson = await get(large?.url as string, tokens.access_token, {
      accept: 'application/fhir+json',
    });
    const text = await asJson.text();
    expect(Buffer.byteLength(text)).toBe(Number(asJson.headers.get('content-length')));
    expect(JSON.parse(text).data.length).toBe(4 * Math.ceil((large?.size ?? 0) / 3));
  });
});

describe('test controls and options', () => {
  test('bad arguments are typed errors that say what was expected', async () => {
    expectError(
      () => portal.addResource('nobody', { resourceType: 'Condition' }),
      UnknownAccountError,
      'PROVIDER_UNKNOWN_ACCOUNT',
    );
    expectError(
      () => portal.updateResource('Condition', 'no-such', () => undefined),
      UnknownResourceError,
      'PROVIDER_UNKNOWN_RESOURCE',
    );
    expectError(
      () => portal.addResource('helen', { resourceType: 'Patient' }),
      ResourceRejectedError,
      'PROVIDER_RESOURCE_REJECTED',
    );
    expectError(
      () =>
        portal.addResource('helen', {
          resourceType: 'Condition',
          subject: { reference: `Patient/${aisha.patient}` },
          code: { text: 'x' },
        }),
      ResourceRejectedError,
      'PROVIDER_RESOURCE_REJECTED',
    );
    const [first] =
      (
        await json<Bundle>(
          await get(`${portal.fhirBaseUrl}/Condition?_count=1`, helen.access_token),
        )
      ).entry ?? [];
    expectError(
      () =>
        portal.updateResource('Condition', first?.resource.id as string, (c) => ({
          ...c,
          id: 'moved',
        })),
      ResourceRejectedError,
      'PROVIDER_RESOURCE_REJECTED',
    );
    // an update that breaks R4 is refused and changes nothing
    expect(() =>
      portal.updateResource('Condition', first?.resource.id as string, (c) => {
        c.clinicalStatus = 'active';
      }),
    ).toThrow();
    const after = await json<FhirJson>(
      await get(`${portal.fhirBaseUrl}/Condition/${first?.resource.id}`, helen.access_token),
    );
    expect(after.meta?.versionId).toBe(first?.resource.meta?.versionId);
    for (const options of [
      { port: -1 },
      { password: 'short' },
      { patients: 6 },
      { accessTokenTtlSeconds: 0 },
      { clients: [] },
      { clients: [{ client_id: 'x', redirect_uris: ['not a uri'] }] },
      { clients: [{ client_id: 'x', redirect_uris: ['ftp://files.example/callback'] }] },
    ]) {
      const error = await caughtAsync(startProviderPortal(options));
      expect(error, JSON.stringify(options)).toBeInstanceOf(ProviderOptionsError);
    }
  });

  test('the request log names method, path and query, never a token, code or password', async () => {
    const tokens = await signIn(portal, 'helen');
    await get(`${portal.fhirBaseUrl}/Immunization`, tokens.access_token);
    const log = JSON.stringify(portal.requests);
    for (const secret of [
      tokens.access_token,
      tokens.refresh_token as string,
      DEFAULT_PATIENT_PASSWORD,
    ])
      expect(log).not.toContain(secret);
    expect(portal.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/fhir/Immunization',
      query: '',
      status: 200,
    });
    expect(portal.requests.some((r) => r.path === '/auth' && /code_challenge=/.test(r.query))).toBe(
      true,
    );
  });

  test('another Host is refused (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        `${portal.fhirBaseUrl}/metadata`,
        { headers: { host: 'attacker.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  test('close stops everything', async () => {
    const brief = await startProviderPortal({ patients: 1, clients: [APP] });
    await signIn(brief, 'helen');
    await brief.close();
    expect(brief.server.listening).toBe(false);
    await expect(fetch(`${brief.fhirBaseUrl}/metadata`)).rejects.toThrow();
  });
});
