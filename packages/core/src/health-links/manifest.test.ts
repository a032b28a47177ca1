/**
 * The manifest exchange's schemas, as a host uses them: requests with and
 * without passcode, unknown properties dropped, every refusal typed; the
 * manifest's embedded-xor-location rule; the 401 body.
 */
import { expectError } from '@medvault/testing';
import { describe, expect, test } from 'vitest';
import {
  parseManifest,
  parseManifestRequest,
  passcodeRejectionSchema,
  ShlInvalidManifestRequestError,
  ShlMalformedManifestError,
} from './index.js';

const FHIR = 'application/fhir+json';

describe('manifest requests', () => {
  test('recipient, passcode and embeddedLengthMax; other properties dropped', () => {
    expect(parseManifestRequest({ recipient: 'Dr. Rivera' })).toEqual({ recipient: 'Dr. Rivera' });
    expect(
      parseManifestRequest({
        recipient: 'Dr. Rivera',
        passcode: '7291',
        embeddedLengthMax: 0,
        x: 1,
      }),
    ).toEqual({ recipient: 'Dr. Rivera', passcode: '7291', embeddedLengthMax: 0 });
    expect(parseManifestRequest({ recipient: 'r'.repeat(256) }).recipient).toHaveLength(256);
  });

  test.each([
    ['no recipient', { passcode: '1' }, /recipient/],
    ['blank recipient', { recipient: '   ' }, /recipient: recipient must not be blank/],
    ['recipient too long', { recipient: 'r'.repeat(257) }, /recipient/],
    ['recipient a number', { recipient: 5 }, /recipient/],
    ['passcode a number', { recipient: 'a', passcode: 1234 }, /passcode/],
    ['passcode too long', { recipient: 'a', passcode: 'p'.repeat(257) }, /passcode/],
    ['embeddedLengthMax negative', { recipient: 'a', embeddedLengthMax: -1 }, /embeddedLengthMax/],
    [
      'embeddedLengthMax fractional',
      { recipient: 'a', embeddedLengthMax: 1.5 },
      /embeddedLengthMax/,
    ],
    ['not an object', 'recipient', /expected object/],
    ['null', null, /expected object/],
  ])('%s is refused, naming the field', (_, body, message) => {
    expectError(
      () => parseManifestRequest(body),
      ShlInvalidManifestRequestError,
      'SHL_INVALID_MANIFEST_REQUEST',
    );
    try {
      parseManifestRequest(body);
    } catch (e) {
      expect((e as ShlInvalidManifestRequestError).shortMessage).toMatch(message);
      expect((e as ShlInvalidManifestRequestError).shortMessage).toMatch(/expected \{"recipient"/);
    }
  });
});

describe('manifests', () => {
  test('files with embedded or location, optional metadata, unknown properties dropped', () => {
    const manifest = {
      files: [
        { contentType: FHIR, embedded: 'a.b.c.d.e', lastUpdated: '2026-01-05T10:00:00Z', x: 1 },
        {
          contentType: 'application/smart-health-card',
          location: 'https://shl.example/f/1',
          status: 'finalized',
          fhirVersion: '4.0.1',
        },
      ],
      status: 'can-change',
      list: { resourceType: 'List' },
      extra: true,
    };
    expect(parseManifest(manifest)).toEqual({
      files: [
        { contentType: FHIR, embedded: 'a.b.c.d.e', lastUpdated: '2026-01-05T10:00:00Z' },
        {
          contentType: 'application/smart-health-card',
          location: 'https://shl.example/f/1',
          status: 'finalized',
          fhirVersion: '4.0.1',
        },
      ],
      status: 'can-change',
      list: { resourceType: 'List' },
    });
    expect(parseManifest({ files: [] })).toEqual({ files: [] });
  });

  test.each([
    ['no files', {}],
    ['files not an array', { files: {} }],
    ['neither embedded nor location', { files: [{ contentType: FHIR }] }],
    [
      'both embedded and location',
      { files: [{ contentType: FHIR, embedded: 'x', location: 'https://a.example/' }] },
    ],
    ['location not http(s)', { files: [{ contentType: FHIR, location: 'file:///etc/passwd' }] }],
    ['contentType not a media type', { files: [{ contentType: 'fhir', embedded: 'x' }] }],
    ['embedded empty', { files: [{ contentType: FHIR, embedded: '' }] }],
    ['list not an object', { files: [], list: 'List' }],
    ['null', null],
  ])('%s is refused', (_, body) => {
    expectError(() => parseManifest(body), ShlMalformedManifestError, 'SHL_MALFORMED_MANIFEST');
  });

  test('the 401 body', () => {
    expect(passcodeRejectionSchema.parse({ remainingAttempts: 3 })).toEqual({
      remainingAttempts: 3,
    });
    expect(passcodeRejectionSchema.safeParse({ remainingAttempts: -1 }).success).toBe(false);
  });
});
