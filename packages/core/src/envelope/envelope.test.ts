import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { collect, InvalidInputError } from '../bytes/index.js';
import { generateKFrags, reencrypt } from '../pre/index.js';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { openRecord, openSegment, sealRecord, sealRecordBytes } from './envelope.js';
import {
  EnvelopeError,
  KeyUnwrapError,
  MalformedHeaderError,
  SegmentAuthenticationError,
  SegmentIndexError,
  SegmentSizeError,
  TrailingDataError,
  TruncatedRecordError,
  UnknownEnvelopeFormatError,
} from './errors.js';
import { segmentCipher } from './segment-cipher.js';

const patient = SecretKey.random();
const pk = patient.publicKey();
const SEG = 4096;
const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
const open = async (sealed: Uint8Array, key = patient as Parameters<typeof openRecord>[1]) =>
  collect(await openRecord(sealed, key));

async function rejects(
  p: Promise<unknown>,
  cls: abstract new (...a: never[]) => Error,
  code?: string,
) {
  const error = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeInstanceOf(cls);
  if (code) expect((error as { code: string }).code).toBe(code);
}

const sealed = (n: number) =>
  sealRecordBytes(pk, data(n), { contentType: 'application/octet-stream', segmentSize: SEG });
const headerLength = async () => (await sealed(1)).header.bytes.length;

describe('sealing and opening', () => {
  test.each([0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 5 * SEG + 17])(
    '%i bytes round-trip',
    async (n) => {
      const { bytes, header } = await sealed(n);
      expect(bytes.length).toBe(header.bytes.length + Math.max(1, Math.ceil(n / SEG)) * 16 + n);
      expect(await open(bytes)).toEqual(data(n));
    },
  );

  test('Blob and ReadableStream inputs, odd chunk sizes', async () => {
    const input = data(3 * SEG + 5);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < input.length; i += 1000) c.enqueue(input.slice(i, i + 1000));
        c.close();
      },
    });
    const fromStream = await sealRecordBytes(pk, stream, {
      contentType: 'image/dicom',
      segmentSize: SEG,
    });
    const fromBlob = await sealRecordBytes(pk, new Blob([input]), {
      contentType: 'image/dicom',
      segmentSize: SEG,
    });
    expect(await open(fromStream.bytes)).toEqual(input);
    expect(
      await collect(await openRecord(new Blob([fromBlob.bytes as BlobPart]), patient)),
    ).toEqual(input);
    expect(fromStream.header.contentType).toBe('image/dicom');
  });

  test('a reader opens through threshold capsule fragments', async () => {
    const reader = SecretKey.random();
    const { bytes, header } = await sealed(2 * SEG + 3);
    const kfrags = generateKFrags(
      patient,
      reader.publicKey(),
      new Signer(patient),
      2,
      3,
      true,
      true,
    );
    const cfrags = kfrags.slice(1).map((k) => reencrypt(header.capsule, k));
    expect(await open(bytes, { receivingSk: reader, delegatingPk: pk, cfrags })).toEqual(
      data(2 * SEG + 3),
    );
    const other = await sealed(10);
    const foreign = kfrags.slice(1).map((k) => reencrypt(other.header.capsule, k));
    await rejects(
      open(bytes, { receivingSk: reader, delegatingPk: pk, cfrags: foreign }),
      KeyUnwrapError,
      'ENVELOPE_KEY_UNWRAP',
    );
  });

  test('openSegment reads one segment of a large record', async () => {
    const n = 10 * SEG + 100;
    const { bytes } = await sealed(n);
    let read = 0;
    const source = {
      size: bytes.length,
      read: async (o: number, l: number) => {
        read += l;
        return bytes.subarray(o, o + l);
      },
    };
    expect(await openSegment(source, patient, 7)).toEqual(data(n).subarray(7 * SEG, 8 * SEG));
    expect(read).toBeLessThan(2 * SEG);
    expect(await openSegment(bytes, patient, 10)).toEqual(data(n).subarray(10 * SEG));
    await rejects(openSegment(bytes, patient, 11), SegmentIndexError, 'ENVELOPE_SEGMENT_INDEX');
  });

  test('node:crypto and WebCrypto segments are interchangeable', async () => {
    const key = new Uint8Array(32).fill(3);
    const nonce = new Uint8Array(12).fill(1);
    const aad = Uint8Array.of(9);
    const node = await segmentCipher(key, 'node');
    const web = await segmentCipher(key, 'webcrypto');
    const pt = data(1000);
    const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    expect(join(await web.open(nonce, [join(await node.seal(nonce, pt, aad))], aad))).toEqual(pt);
    expect(join(await node.open(nonce, [join(await web.seal(nonce, pt, aad))], aad))).toEqual(pt);
  });

  test('segments longer than node:crypto’s update piece, in parts cut anywhere, match WebCrypto byte for byte', async () => {
    const key = new Uint8Array(32).fill(4);
    const nonce = new Uint8Array(12).fill(6);
    const aad = Uint8Array.of(7, 7);
    const node = await segmentCipher(key, 'node');
    const web = await segmentCipher(key, 'webcrypto');
    const same = (a: Uint8Array[], b: Uint8Array) =>
      Buffer.concat(a).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 64 * 1024 - 3, max: 300_000 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 299_999 }), { maxLength: 6 }),
        async (length, cuts) => {
          const pt = data(length);
          const sealedParts = await node.seal(nonce, pt, aad);
          const expected = Buffer.concat(await web.seal(nonce, pt, aad));
          expect(same(sealedParts, expected)).toBe(true);
          const points = [0, ...cuts.filter((c) => c < expected.length).sort((a, b) => a - b)];
          const parts = [...points, expected.length]
            .slice(1)
            .map((end, i) => expected.subarray(points[i], end));
          expect(same(await node.open(nonce, parts, aad), pt)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a caller altering the returned header or the chunks it read does not change what is sealed next', async () => {
    const input = data(5 * SEG + 3);
    const sealed = await sealRecord(pk, input, { contentType: 'x', segmentSize: SEG });
    const reader = sealed.stream.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Uint8Array.from(value));
      value.fill(0); // the chunk just read
      sealed.header.noncePrefix.fill(0xff);
      sealed.header.bytes.fill(0xee);
    }
    expect(await open(Buffer.concat(chunks))).toEqual(input);
  });

  test('the default 1 MiB segments round-trip from odd-sized chunks', async () => {
    const input = data(2 * 1024 * 1024 + 12_345);
    const chunks = function* () {
      for (let at = 0; at < input.length; at += 99_991) yield input.subarray(at, at + 99_991);
    };
    const { bytes } = await sealRecordBytes(pk, chunks(), { contentType: 'application/dicom' });
    const back: Uint8Array[] = [];
    for await (const part of (await openRecord(
      bytes,
      patient,
    )) as unknown as AsyncIterable<Uint8Array>)
      back.push(part);
    expect(Buffer.concat(back).equals(input)).toBe(true);
  });

  test('a cipher keeps its own key: wiping the caller’s copy (as sealing does) changes nothing', async () => {
    const nonce = new Uint8Array(12).fill(1);
    const aad = Uint8Array.of(9);
    const pt = data(1000);
    const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    const make = async (backend: 'node' | 'webcrypto') => {
      const key = new Uint8Array(32).fill(3);
      const cipher = await segmentCipher(key, backend);
      key.fill(0);
      return cipher;
    };
    const zero = await segmentCipher(new Uint8Array(32), 'node');
    for (const [a, b] of [
      ['node', 'webcrypto'],
      ['webcrypto', 'node'],
    ] as const) {
      const sealedPart = join(await (await make(a)).seal(nonce, pt, aad));
      expect(join(await (await make(b)).open(nonce, [sealedPart], aad))).toEqual(pt);
      await expect(zero.open(nonce, [sealedPart], aad)).rejects.toThrow();
    }
  });

  test('a sealed record does not open under the all-zero key', async () => {
    const { bytes, header } = await sealRecordBytes(pk, data(100), { contentType: 'text/plain' });
    const n = new Uint8Array(12);
    n.set(header.noncePrefix, 0);
    n[11] = 1;
    const zero = await segmentCipher(new Uint8Array(32), 'node');
    await expect(
      zero.open(n, [bytes.subarray(header.bytes.length)], header.bytes),
    ).rejects.toThrow();
  });

  test('a sealed segment opens from parts split anywhere, tag included, and only if it verifies', async () => {
    const key = new Uint8Array(32).fill(5);
    const nonce = new Uint8Array(12).fill(2);
    const aad = Uint8Array.of(1, 2);
    const pt = data(3000);
    const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    for (const backend of ['node', 'webcrypto'] as const) {
      const cipher = await segmentCipher(key, backend);
      const sealedSegment = join(await cipher.seal(nonce, pt, aad));
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: 1, max: sealedSegment.length - 1 }), { maxLength: 5 }),
          fc.option(fc.nat(sealedSegment.length * 8 - 1)),
          async (cuts, flip) => {
            const bytes = Uint8Array.from(sealedSegment);
            if (flip !== null) bytes[flip >> 3]! ^= 1 << (flip & 7);
            const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
            const parts = points.slice(1).map((end, i) => bytes.subarray(points[i], end));
            const opened = await cipher.open(nonce, parts, aad).then(join, () => undefined);
            if (flip === null) expect(opened).toEqual(pt);
            else expect(opened).toBeUndefined();
          },
        ),
        { numRuns: 40 },
      );
    }
  });
});

describe('what opening detects', () => {
  test('a wrong key', async () => {
    const { bytes } = await sealed(100);
    await rejects(open(bytes, SecretKey.random()), KeyUnwrapError, 'ENVELOPE_KEY_UNWRAP');
  });

  test('truncation at a segment boundary, mid-segment, and after the header', async () => {
    const { bytes, header } = await sealed(3 * SEG);
    const h = header.bytes.length;
    await rejects(
      open(bytes.subarray(0, h + 2 * (SEG + 16))),
      TruncatedRecordError,
      'ENVELOPE_TRUNCATED',
    );
    await rejects(
      open(bytes.subarray(0, h + SEG)),
      SegmentAuthenticationError,
      'ENVELOPE_SEGMENT_AUTH',
    );
    await rejects(open(bytes.subarray(0, h)), TruncatedRecordError);
    await rejects(
      open(bytes.subarray(0, h - 1)),
      MalformedHeaderError,
      'ENVELOPE_MALFORMED_HEADER',
    );
  });

  test('extension after the final segment', async () => {
    const { bytes } = await sealed(2 * SEG);
    const extra = new Uint8Array(bytes.length + SEG + 16);
    extra.set(bytes);
    await rejects(open(extra), TrailingDataError, 'ENVELOPE_TRAILING_DATA');
  });

  test('reordered segments and a segment spliced from another record', async () => {
    const { bytes, header } = await sealed(3 * SEG);
    const h = header.bytes.length;
    const s = SEG + 16;
    const swapped = Uint8Array.from(bytes);
    swapped.set(bytes.subarray(h + s, h + 2 * s), h);
    swapped.set(bytes.subarray(h, h + s), h + s);
    await rejects(open(swapped), SegmentAuthenticationError);
    const other = (await sealed(3 * SEG)).bytes;
    const spliced = Uint8Array.from(bytes);
    spliced.set(other.subarray(h + s, h + 2 * s), h + s);
    await rejects(open(spliced), SegmentAuthenticationError);
  });

  test('header edits, unknown magic or version, bad segment size', async () => {
    const { bytes } = await sealed(SEG);
    const typeEdit = Uint8Array.from(bytes);
    typeEdit[(await headerLength()) - 1]! ^= 1; // last byte of the content type
    await rejects(open(typeEdit), SegmentAuthenticationError);
    const magic = Uint8Array.from(bytes);
    magic[0] = 0;
    await rejects(open(magic), UnknownEnvelopeFormatError, 'ENVELOPE_UNKNOWN_FORMAT');
    const version = Uint8Array.from(bytes);
    version[4] = 2;
    await rejects(open(version), UnknownEnvelopeFormatError);
    const size = Uint8Array.from(bytes);
    size[5] = 0xff;
    await rejects(open(size), SegmentSizeError, 'ENVELOPE_SEGMENT_SIZE');
    await rejects(
      sealRecord(pk, data(1), { contentType: 'x', segmentSize: 100 }),
      SegmentSizeError,
    );
  });

  test('any single bit flipped anywhere is rejected', async () => {
    const { bytes } = await sealed(2 * SEG + 50);
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length * 8 - 1), async (bit) => {
        const flipped = Uint8Array.from(bytes);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const error = await open(flipped).then(
          () => undefined,
          (e) => e,
        );
        expect(error).toBeInstanceOf(EnvelopeError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('input that is not bytes', () => {
  test.each([
    ['a number', 42],
    ['a string', 'record'],
    ['null', null],
    ['an iterable of numbers', [1, 2, 3]],
    [
      'a stream of strings',
      new ReadableStream({
        start(c) {
          c.enqueue('x');
          c.close();
        },
      }),
    ],
  ])('%s: InvalidInputError', async (_, input) => {
    const sealing = sealRecordBytes(pk, input as never, { contentType: 'text/plain' });
    await rejects(sealing, InvalidInputError, 'BYTES_INVALID_INPUT');
  });

  test('generators of chunks are accepted', async () => {
    function* parts() {
      yield data(5000);
      yield data(10);
    }
    const { bytes } = await sealRecordBytes(pk, parts(), {
      contentType: 'text/plain',
      segmentSize: SEG,
    });
    const expected = new Uint8Array(5010);
    expected.set(data(5000));
    expected.set(data(10), 5000);
    expect(await open(bytes)).toEqual(expected);
  });
});
