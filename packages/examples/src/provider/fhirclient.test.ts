/**
 * A standard SMART client against the portal: `fhirclient` (the SMART on
 * FHIR JavaScript library, its Node entry) runs a small app on 127.0.0.1
 * that launches standalone with PKCE — its own discovery, authorize
 * redirect and code exchange — while the test plays the patient's browser
 * at the portal. The app then fetches every Observation with
 * `pageLimit: 0` through the portal's paging, and refreshes its token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import smart from 'fhirclient';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_PATIENT_PASSWORD } from './options.js';
import { type ProviderPortal, startProviderPortal } from './server.js';
import { completeSignIn, signInForTokens } from './sign-in.js';

type Storage = Parameters<typeof smart>[2] & object;

/** fhirclient's server-side state, kept in memory for the one test session. */
class MemoryStorage {
  readonly #values = new Map<string, unknown>();
  async get(key: string) {
    return this.#values.get(key);
  }
  async set(key: string, value: unknown) {
    this.#values.set(key, value);
    return value;
  }
  async unset(key: string) {
    return this.#values.delete(key);
  }
}

let portal: ProviderPortal;
let app: Server;
let appUrl: string;
const storage = new MemoryStorage() as unknown as Storage;

beforeAll(async () => {
  portal = await startProviderPortal({
    patients: 2,
    clients: [{ client_id: 'fhirclient-app', redirect_uris: ['http://127.0.0.1/callback'] }],
  });
  // the app: /launch starts the sign-in, /callback finishes it and reads the records
  app = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const client = smart(req, res, storage);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const work =
      path === '/launch'
        ? client.authorize({
            iss: portal.fhirBaseUrl,
            clientId: 'fhirclient-app',
            scope: 'openid fhirUser launch/patient offline_access patient/*.rs',
            redirectUri: '/callback',
            pkceMode: 'required',
          })
        : client.ready().then(async (fhir) => {
            const observations = await fhir.request(
              `Observation?patient=${fhir.patient.id}&_count=7`,
              {
                pageLimit: 0,
                flat: true,
              },
            );
            const before = fhir.state.tokenResponse?.access_token;
            await fhir.refresh();
            const after = fhir.state.tokenResponse?.access_token;
            const patient = await fhir.patient.read();
            answer(200, {
              patient: fhir.patient.id,
              observations: (observations as { id: string }[]).map((o) => o.id),
              refreshed: Boolean(after) && after !== before,
              name: patient.name?.[0]?.text,
            });
          });
    work.catch((error: Error) => answer(500, { error: error.message }));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => app?.close(resolve));
  await portal?.close();
});

test('fhirclient launches standalone with PKCE and pages through every Observation with pageLimit: 0', async () => {
  // the browser opens the app's launch page; it redirects to the portal
  const launch = await fetch(`${appUrl}/launch`, { redirect: 'manual' });
  expect(launch.status).toBe(302);
  const authorize = new URL(launch.headers.get('location') as string);
  expect(authorize.origin).toBe(portal.url);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('aud')).toBe(portal.fhirBaseUrl);

  // the patient signs in and allows; the portal sends the browser back to the app
  const callback = await completeSignIn(authorize.href, `${appUrl}/callback`, {
    username: 'helen',
    password: DEFAULT_PATIENT_PASSWORD,
  });
  portal.clearRequests();
  const response = await fetch(callback);
  const body = (await response.json()) as {
    patient: string;
    observations: string[];
    refreshed: boolean;
    name: string;
    error?: string;
  };
  expect(response.status, body.error).toBe(200);
  expect(body.patient).toBe(portal.accounts[0]?.patientId);
  expect(body.name).toBe('Helen Alvarez');
  expect(body.refreshed).toBe(true);
  const appRequests = portal.requests;
  // the app's code exchange and its refresh (without client_id, as fhirclient does) went to the token endpoint
  expect(appRequests.filter((r) => r.path === '/token').map((r) => r.status)).toEqual([200, 200]);

  // every Observation, once, across the pages the portal linked
  const tokens = await signInForTokens({
    fhirBaseUrl: portal.fhirBaseUrl,
    clientId: 'fhirclient-app',
    redirectUri: 'http://127.0.0.1/callback',
    username: 'helen',
    password: DEFAULT_PATIENT_PASSWORD,
  });
  const all = (await (
    await fetch(`${portal.fhirBaseUrl}/Observation?_count=0`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
  ).json()) as { total: number };
  expect(body.observations).toHaveLength(all.total);
  expect(new Set(body.observations).size).toBe(all.total);
  const pages = appRequests.filter((r) => r.path === '/fhir' && r.query.includes('_getpages'));
  expect(pages).toHaveLength(Math.ceil(all.total / 7) - 1);
});
