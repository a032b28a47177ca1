import { describe, expect, test } from 'vitest';
import { senderOrigin } from './origin.js';

describe('senderOrigin: the origin the browser reported, for web pages only', () => {
  test('the origin, normalised: no path, no default port, lowercase, punycode', () => {
    expect(senderOrigin({ origin: 'https://clinic.example' })).toBe('https://clinic.example');
    expect(senderOrigin({ url: 'https://clinic.example/records?id=1#top' })).toBe(
      'https://clinic.example',
    );
    expect(senderOrigin({ origin: 'https://CLINIC.example:443' })).toBe('https://clinic.example');
    expect(senderOrigin({ url: 'http://127.0.0.1:5173/app' })).toBe('http://127.0.0.1:5173');
    // a Unicode host is compared in the punycode form the browser uses
    expect(senderOrigin({ url: 'https://аpple.com/' })).toBe('https://xn--pple-43d.com');
  });

  test('the reported origin wins over the URL (a frame’s URL can be about:blank)', () => {
    expect(
      senderOrigin({ origin: 'https://clinic.example', url: 'https://evil.example/page' }),
    ).toBe('https://clinic.example');
    expect(senderOrigin({ origin: 'https://clinic.example', url: 'about:blank' })).toBe(
      'https://clinic.example',
    );
  });

  test('no origin for opaque, extension, file or unparsable senders', () => {
    for (const sender of [
      undefined,
      {},
      { origin: 'null' },
      { origin: 'null', url: 'https://clinic.example/' },
      { url: 'about:blank' },
      { url: 'data:text/html,<p>hi' },
      { url: 'file:///home/patient/page.html' },
      { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' },
      { url: 'moz-extension://1234/page.html' },
      { url: 'javascript:alert(1)' },
      { url: 'not a url' },
      { origin: 'ftp://files.example' },
    ]) {
      expect(senderOrigin(sender), JSON.stringify(sender)).toBeUndefined();
    }
  });
});
