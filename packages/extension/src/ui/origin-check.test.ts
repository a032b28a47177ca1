import { describe, expect, test } from 'vitest';
import { originWarnings } from './origin-check.js';

/** The warnings for `origin`, as level and the gist of the text. */
function warned(origin: string): string[] {
  return originWarnings(origin).map((w) => {
    const gist = /secure connection/.test(w.text)
      ? 'http'
      : /international characters/.test(w.text)
        ? 'punycode'
        : /IP address/.test(w.text)
          ? 'ip'
          : /on this computer/.test(w.text)
            ? 'local'
            : /could not tell/.test(w.text)
              ? 'unknown'
              : w.text;
    return `${w.level}:${gist}`;
  });
}

describe('originWarnings: what the prompt tells the patient about who is asking', () => {
  test('an https site with a plain name gets no warning', () => {
    expect(warned('https://clinic.example')).toEqual([]);
    expect(warned('https://riverside-clinic.example:8443')).toEqual([]);
  });

  test('http is dangerous off this computer; the same host over https is not', () => {
    expect(warned('http://clinic.example')).toEqual(['danger:http']);
    expect(warned('https://clinic.example')).toEqual([]);
    // only the host counts as local, not a name that starts like it
    expect(warned('http://localhost.evil.example')).toEqual(['danger:http']);
    expect(warned('http://127.0.0.1.nip.io')).toEqual(['danger:http']);
  });

  test('this computer (localhost, 127.x, ::1) is named as local, with no http alarm', () => {
    for (const origin of [
      'http://localhost:5173',
      'http://127.0.0.1:8080',
      'http://127.1.2.3',
      'http://[::1]:3000',
      'https://localhost',
    ]) {
      expect(warned(origin), origin).toEqual(['info:local']);
    }
  });

  test('a punycode (xn--) label in any position is a look-alike warning', () => {
    expect(warned('https://xn--80ak6aa92e.com')).toEqual(['danger:punycode']);
    expect(warned('https://login.xn--pple-43d.com')).toEqual(['danger:punycode']);
    expect(warned('https://clinic.xn--p1ai')).toEqual(['danger:punycode']);
    expect(warned('http://xn--80ak6aa92e.com')).toEqual(['danger:http', 'danger:punycode']);
    // a label that merely contains "xn--" is not punycode
    expect(warned('https://axn--b.example')).toEqual([]);
  });

  test('mixed-script look-alikes are caught however they are written', () => {
    // Cyrillic "а" in "apple", Greek "ο" in "google", Cyrillic "і" in "clinic"
    for (const origin of ['https://аpple.com', 'https://gοogle.com', 'https://clіnic.example']) {
      expect(warned(origin), origin).toEqual(['danger:punycode']);
    }
    // full-width Latin letters are the ASCII name itself (the URL parser maps them)
    expect(warned('https://ｃｌｉｎｉｃ.example')).toEqual([]);
  });

  test('a bare IP address is a caution, and over http also a danger', () => {
    expect(warned('https://203.0.113.7')).toEqual(['caution:ip']);
    expect(warned('http://203.0.113.7:8080')).toEqual(['danger:http', 'caution:ip']);
    expect(warned('https://[2001:db8::1]')).toEqual(['caution:ip']);
  });

  test('an origin the browser could not name is a danger', () => {
    expect(warned('')).toEqual(['danger:unknown']);
    expect(warned('null')).toEqual(['danger:unknown']);
  });
});
