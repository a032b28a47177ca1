import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProviderAddressError, ProviderDiscoveryError } from './errors.js';
import {
  discoverSmart,
  providerBaseUrl,
  scopeFor,
  WANTED_SCOPES,
  WalletSmartAdapter,
} from './smart-sign-in.js';

describe('a provider’s address', () => {
  test('https anywhere, http only to this machine; one form kept', () => {
    expect(providerBaseUrl(' HTTPS://FHIR.Example.org/r4/ ')).toBe('https://fhir.example.org/r4');
    expect(providerBaseUrl('fhir.example.org/r4')).toBe('https://fhir.example.org/r4');
    expect(providerBaseUrl('http://127.0.0.1:8792/fhir')).toBe('http://127.0.0.1:8792/fhir');
    expect(() => providerBaseUrl('http://fhir.example.org/r4')).toThrow(
      /^That provider address cannot be used: the FHIR server http:\/\/fhir\.example\.org is not https: the access token would travel in clear/,
    );
    expect(() => providerBaseUrl('https://fhir.example.org/r4?patient=1')).toThrow(
      ProviderAddressError,
    );
    expect(() => providerBaseUrl('   ')).toThrow(/enter the address your provider gives for apps/);
  });
});

describe('the scopes asked for', () => {
  test('what the provider lists, in its grammar; the patient context always', () => {
    expect(scopeFor({ scopesSupported: undefined })).toBe(WANTED_SCOPES.join(' '));
    expect(
      scopeFor({
        scopesSupported: [
          'openid',
          'fhirUser',
          'launch/patient',
          'offline_access',
          'patient/*.read',
          'patient/*.rs',
        ],
      }),
    ).toBe('openid fhirUser launch/patient offline_access patient/*.read');
    expect(scopeFor({ scopesSupported: ['openid', 'patient/*.rs'] })).toBe(
      'openid launch/patient patient/*.rs',
    );
  });
});

describe('discovery, over HTTP', () => {
  let server: Server;
  let base: string;
  const documents: Record<string, { status: number; body: string; type?: string }> = {
    '/ok/.well-known/smart-configuration': {
      status: 200,
      body: JSON.stringify({
        authorization_endpoint: 'https://auth.example/authorize',
        token_endpoint: 'https://auth.example/token',
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'patient/*.rs', 42],
      }),
    },
    '/no-pkce/.well-known/smart-configuration': {
      status: 200,
      body: JSON.stringify({
        authorization_endpoint: 'https://auth.example/authorize',
        token_endpoint: 'https://auth.example/token',
        code_challenge_methods_supported: ['plain'],
      }),
    },
    '/html/.well-known/smart-configuration': {
      status: 200,
      body: '<html>hello</html>',
      type: 'text/html',
    },
  };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const doc = documents[req.url ?? ''];
      res.writeHead(doc?.status ?? 404, { 'content-type': doc?.type ?? 'application/json' });
      res.end(doc?.body ?? '{"error":"not found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('a SMART configuration with PKCE S256 is read', async () => {
    await expect(discoverSmart(`${base}/ok`)).resolves.toEqual({
      authorizationEndpoint: 'https://auth.example/authorize',
      tokenEndpoint: 'https://auth.example/token',
      scopesSupported: ['openid', 'patient/*.rs'],
    });
  });

  test('none, one without S256, or not JSON: refused in plain words', async () => {
    const host = new URL(base).host;
    await expect(discoverSmart(`${base}/none`)).rejects.toThrow(
      new RegExp(
        `^${host.replace('.', '\\.')} does not offer a sign-in for patient apps \\(SMART on FHIR\\): it answered 404 for its SMART configuration`,
      ),
    );
    await expect(discoverSmart(`${base}/no-pkce`)).rejects.toThrow(/does not offer PKCE with S256/);
    await expect(discoverSmart(`${base}/html`)).rejects.toThrow(ProviderDiscoveryError);
    await expect(discoverSmart('http://127.0.0.1:1/fhir')).rejects.toThrow(/could not be reached/);
  });
});

describe('fhirclient’s adapter for the background', () => {
  test('the sign-in window’s end becomes the page ready() reads; another address is refused', async () => {
    const redirectUri = 'https://abc.chromiumapp.org/provider';
    const adapter = new WalletSmartAdapter({
      redirectUri,
      open: async (url) => `${redirectUri}?code=c1&state=${new URL(url).searchParams.get('state')}`,
    });
    await adapter.redirect('https://auth.example/authorize?state=s1');
    expect(adapter.getUrl().searchParams.get('code')).toBe('c1');
    const elsewhere = new WalletSmartAdapter({
      redirectUri,
      open: async () => 'https://evil.example/provider?code=c1&state=s1',
    });
    await expect(elsewhere.redirect('https://auth.example/authorize')).rejects.toThrow(
      /another address than the wallet’s/,
    );
    await expect(
      new WalletSmartAdapter({ redirectUri }).redirect('https://x.example'),
    ).rejects.toThrow(/cannot open a sign-in window/);
  });

  test('its storage is memory only and tells its owner when tokens change', async () => {
    const seen: unknown[] = [];
    const adapter = new WalletSmartAdapter({
      redirectUri: 'https://abc.chromiumapp.org/provider',
      onTokens: (state) => seen.push(state.tokenResponse?.refresh_token),
    });
    const storage = adapter.getStorage();
    await storage.set('k', { serverUrl: 'https://x', tokenResponse: {} });
    await storage.set('k', {
      serverUrl: 'https://x',
      tokenResponse: { access_token: 'a', refresh_token: 'r2' },
    });
    expect(seen).toEqual(['r2']);
    await expect(storage.get('k')).resolves.toMatchObject({
      tokenResponse: { refresh_token: 'r2' },
    });
    await expect(storage.unset('k')).resolves.toBe(true);
  });

  test('base64url both ways, and JWT parts through atob', () => {
    const adapter = new WalletSmartAdapter({ redirectUri: 'https://abc.chromiumapp.org/provider' });
    expect(adapter.base64urlencode('ü?>')).toBe('w7w_Pg');
    expect(adapter.base64urldecode('w7w_Pg')).toBe('ü?>');
    expect(adapter.base64urlencode(new Uint8Array([251, 255]))).toBe('-_8');
    expect(adapter.atob('eyJhIjoxfQ')).toBe('{"a":1}');
  });
});
