/**
 * SHL files as JWE: round trips (bytes, text, compressed), the header
 * written, size limits (a compressed bomb stops at the limit), every
 * refusal with its code, and properties — any text, any mutation of a valid
 * JWE, any header and any key give the plaintext or a typed ShlError, never
 * another exception, and quickly.
 */
import fc from 'fast-check';
import { CompactEncrypt } from 'jose';
import { describe, expect, test } from 'vitest';
import {
  decryptFile,
  encryptFile,
  maxJweLength,
  newLinkKey,
  ShlDecryptionError,
  ShlError,
  ShlFileTooLargeError,
  ShlInvalidContentTypeError,
  ShlInvalidInputError,
  ShlInvalidKeyError,
  ShlMalformedJweError,
} from './index.js';

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const FHIR = 'application/fhir+json';
const b64u = (v: string | Uint8Array) => Buffer.from(v).toString('base64url');
const header = (jwe: string) => JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  return undefined;
}

async function expectRejects(
  promise: Promise<unknown>,
  cls: abstract new (...a: never[]) => Error,
  code: string,
): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(cls);
  expect((error as ShlError).code).toBe(code);
}

describe('round trips', () => {
  test('bytes and text, with the header the spec asks for', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const jwe = await encryptFile(bytes, KEY, { contentType: 'application/octet-stream' });
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe.split('.')[1]).toBe('');
    expect(header(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', cty: 'application/octet-stream' });
    expect(Buffer.from(jwe.split('.')[2]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(jwe.split('.')[4]!, 'base64url')).toHaveLength(16);
    expect(await decryptFile(jwe, KEY)).toEqual({
      contentType: 'application/octet-stream',
      bytes,
      compressed: false,
    });
    const text = '{"resourceType":"Patient","name":[{"text":"Ana Souza — ñ"}]}';
    const file = await decryptFile(await encryptFile(text, KEY, { contentType: FHIR }), KEY);
    expect(new TextDecoder().decode(file.bytes)).toBe(text);
  });

  test('empty files, keys as bytes, and a fresh IV every time', async () => {
    const key = Buffer.from(KEY, 'base64url');
    const a = await encryptFile(new Uint8Array(0), new Uint8Array(key), { contentType: FHIR });
    const b = await encryptFile(new Uint8Array(0), KEY, { contentType: FHIR });
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect((await decryptFile(a, KEY)).bytes).toHaveLength(0);
    expect((await decryptFile(b, new Uint8Array(key))).bytes).toHaveLength(0);
  });

  test('compressed (zip DEF) files: smaller, marked, and read back', async () => {
    const text = JSON.stringify({
      resourceType: 'Bundle',
      entry: Array(200).fill({ a: 'repeat' }),
    });
    const plain = await encryptFile(text, KEY, { contentType: FHIR });
    const zipped = await encryptFile(text, KEY, { contentType: FHIR, compress: true });
    expect(header(zipped)).toEqual({ alg: 'dir', enc: 'A256GCM', cty: FHIR, zip: 'DEF' });
    expect(zipped.length).toBeLessThan(plain.length / 5);
    const file = await decryptFile(zipped, KEY);
    expect(file.compressed).toBe(true);
    expect(new TextDecoder().decode(file.bytes)).toBe(text);
  });
});

describe('limits', () => {
  test('a plaintext over maxBytes, or a JWE too long for it, is refused', async () => {
    const jwe = await encryptFile(new Uint8Array(2000), KEY, { contentType: FHIR });
    expect((await decryptFile(jwe, KEY, { maxBytes: 2000 })).bytes).toHaveLength(2000);
    await expectRejects(
      decryptFile(jwe, KEY, { maxBytes: 1999 }),
      ShlFileTooLargeError,
      'SHL_FILE_TOO_LARGE',
    );
    await expectRejects(
      decryptFile(jwe, KEY, { maxBytes: 0 }),
      ShlFileTooLargeError,
      'SHL_FILE_TOO_LARGE',
    );
    expect(maxJweLength(2000)).toBeGreaterThan(jwe.length);
  });

  test('a compressed bomb stops inflating at the limit', async () => {
    const bomb = await encryptFile(new Uint8Array(20 * 1024 * 1024), KEY, {
      contentType: FHIR,
      compress: true,
    });
    expect(bomb.length).toBeLessThan(100_000);
    const error = await rejection(decryptFile(bomb, KEY, { maxBytes: 1024 * 1024 }));
    expect(error).toBeInstanceOf(ShlFileTooLargeError);
    expect((error as ShlFileTooLargeError).limit).toBe(1024 * 1024);
  });

  test('maxBytes must be a non-negative integer', async () => {
    await expectRejects(
      decryptFile('x', KEY, { maxBytes: -1 }),
      ShlInvalidInputError,
      'SHL_INVALID_INPUT',
    );
    await expectRejects(
      decryptFile('x', KEY, { maxBytes: 1.5 }),
      ShlInvalidInputError,
      'SHL_INVALID_INPUT',
    );
  });
});

describe('refusals, each with its code', () => {
  test('encrypting: bad content types, inputs and keys', async () => {
    for (const contentType of ['json', 'application/json; charset=utf-8', '', 'a/b/c', 42]) {
      await expectRejects(
        encryptFile('x', KEY, { contentType } as never),
        ShlInvalidContentTypeError,
        'SHL_INVALID_CONTENT_TYPE',
      );
    }
    await expectRejects(
      encryptFile(42 as never, KEY, { contentType: FHIR }),
      ShlInvalidInputError,
      'SHL_INVALID_INPUT',
    );
    await expectRejects(
      encryptFile('x', 'short', { contentType: FHIR }),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    );
    await expectRejects(
      encryptFile('x', new Uint8Array(16), { contentType: FHIR }),
      ShlInvalidKeyError,
      'SHL_INVALID_KEY',
    );
  });

  test('decrypting: the wrong key and every altered part', async () => {
    const jwe = await encryptFile('{"resourceType":"Patient"}', KEY, { contentType: FHIR });
    await expectRejects(
      decryptFile(jwe, newLinkKey()),
      ShlDecryptionError,
      'SHL_DECRYPTION_FAILED',
    );
    const parts = jwe.split('.');
    for (const index of [0, 2, 3, 4]) {
      const altered = [...parts];
      const part = altered[index]!;
      // change the first character: always changes the decoded bytes
      altered[index] = (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
      const error = await rejection(decryptFile(altered.join('.'), KEY));
      expect(error, `part ${index}`).toBeInstanceOf(ShlError);
      expect(['SHL_DECRYPTION_FAILED', 'SHL_MALFORMED_JWE']).toContain((error as ShlError).code);
    }
  });

  test('decrypting: headers other than dir / A256GCM / cty, and bad shapes', async () => {
    const jwe = await encryptFile('{}', KEY, { contentType: FHIR });
    const [, , iv, ct, tag] = jwe.split('.');
    const withHeader = (h: unknown) => [b64u(JSON.stringify(h)), '', iv, ct, tag].join('.');
    const malformed = [
      withHeader({ alg: 'A256KW', enc: 'A256GCM', cty: FHIR }),
      withHeader({ alg: 'dir', enc: 'A128GCM', cty: FHIR }),
      withHeader({ alg: 'dir', enc: 'A256GCM' }),
      withHeader({ alg: 'dir', enc: 'A256GCM', cty: 'fhir' }),
      withHeader({ alg: 'dir', enc: 'A256GCM', cty: FHIR, zip: 'GZIP' }),
      withHeader([1, 2]),
      withHeader('dir'),
      [b64u('{not json'), '', iv, ct, tag].join('.'),
      [jwe.split('.')[0], 'AAAA', iv, ct, tag].join('.'),
      [jwe.split('.')[0], '', `${iv}+`, ct, tag].join('.'),
      jwe.split('.').slice(0, 4).join('.'),
      `${jwe}.`,
      '',
      'not a jwe',
    ];
    for (const text of malformed) {
      await expectRejects(decryptFile(text, KEY), ShlMalformedJweError, 'SHL_MALFORMED_JWE');
    }
    await expectRejects(decryptFile(42 as never, KEY), ShlMalformedJweError, 'SHL_MALFORMED_JWE');
    await expectRejects(decryptFile(jwe, `${KEY}A`), ShlInvalidKeyError, 'SHL_INVALID_KEY');
  });

  test('decrypting: a critical header parameter it does not know is refused', async () => {
    const key = new Uint8Array(Buffer.from(KEY, 'base64url'));
    const crit = await new CompactEncrypt(new Uint8Array([1]))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: FHIR, crit: ['x-mv'], 'x-mv': 1 })
      .encrypt(key, { crit: { 'x-mv': true } });
    await expectRejects(decryptFile(crit, KEY), ShlMalformedJweError, 'SHL_MALFORMED_JWE');
  });
});

describe('properties: typed errors only, and fast', () => {
  /** decryptFile's outcome: the plaintext, or a typed error's code; anything else fails. */
  async function outcome(
    jwe: string,
    key: string | Uint8Array = KEY,
  ): Promise<Uint8Array | string> {
    try {
      return (await decryptFile(jwe, key, { maxBytes: 1 << 20 })).bytes;
    } catch (e) {
      if (e instanceof ShlError) return e.code;
      throw e;
    }
  }

  test('any text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc
            .array(fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/), { maxLength: 7 })
            .map((p) => p.join('.')),
        ),
        async (text) => {
          expect(typeof (await outcome(text))).toBe('string');
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('any mutation of a valid JWE: the same plaintext or a typed error', async () => {
    const plaintext = new TextEncoder().encode('{"resourceType":"Bundle","type":"collection"}');
    const jwes = [
      await encryptFile(plaintext, KEY, { contentType: FHIR }),
      await encryptFile(plaintext, KEY, { contentType: FHIR, compress: true }),
    ];
    const mutation = fc.record({
      which: fc.nat(1),
      at: fc.nat(),
      kind: fc.constantFrom('replace', 'delete', 'insert', 'truncate'),
      char: fc.constantFrom(...'AZaz09-_.=+/ \u00e9'),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ which, at, kind, char }) => {
        const jwe = jwes[which]!;
        const i = at % (jwe.length + 1);
        const mutated =
          kind === 'replace'
            ? jwe.slice(0, i) + char + jwe.slice(i + 1)
            : kind === 'delete'
              ? jwe.slice(0, i) + jwe.slice(i + 1)
              : kind === 'insert'
                ? jwe.slice(0, i) + char + jwe.slice(i)
                : jwe.slice(0, i);
        const result = await outcome(mutated);
        if (typeof result !== 'string') expect(result).toEqual(plaintext);
      }),
      { numRuns: 1500 },
    );
  });

  test('any header over a valid IV, ciphertext and tag', async () => {
    const [original, , iv, ct, tag] = (await encryptFile('{}', KEY, { contentType: FHIR })).split(
      '.',
    );
    const headerLike = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record(
        {
          alg: fc.oneof(fc.constant('dir'), fc.anything({ maxDepth: 0 })),
          enc: fc.oneof(fc.constant('A256GCM'), fc.anything({ maxDepth: 0 })),
          cty: fc.oneof(fc.constant(FHIR), fc.string()),
          zip: fc.oneof(fc.constant('DEF'), fc.anything({ maxDepth: 0 })),
          crit: fc.array(fc.string(), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(headerLike, async (h) => {
        const encoded = b64u(JSON.stringify(h) ?? '');
        const result = await outcome([encoded, '', iv, ct, tag].join('.'));
        // only the very header it was sealed under (the AAD) decrypts
        if (typeof result !== 'string') expect(encoded).toBe(original);
      }),
      { numRuns: 1000 },
    );
  });

  test('any key', async () => {
    const jwe = await encryptFile('{}', KEY, { contentType: FHIR });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 50 }),
          fc.uint8Array({ maxLength: 40 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64u),
        ),
        async (key) => {
          const result = await outcome(jwe, key);
          if (typeof result !== 'string')
            expect(key === KEY || b64u(key as Uint8Array) === KEY).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a megabyte of noise is refused at once, not after a long computation', async () => {
    const noise = `${'e'.repeat(50)}..${'A'.repeat(16)}.${'x'.repeat(1_000_000)}.${'A'.repeat(22)}`;
    const started = performance.now();
    expect(typeof (await outcome(noise))).toBe('string');
    expect(performance.now() - started).toBeLessThan(5000); // ~10 ms; generous for loaded machines
  });
});
