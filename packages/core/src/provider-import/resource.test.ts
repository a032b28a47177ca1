/**
 * What makes a resource importable as the patient's: its type, an id, a
 * version, and a patient reference naming the signed-in patient.
 */
import { describe, expect, test } from 'vitest';
import {
  ImportUnexpectedResourceError,
  ImportUnversionedError,
  ImportWrongPatientError,
} from './errors.js';
import { checkIdentity, compareInstants, isInstant } from './resource.js';

const BASE = 'https://fhir.example.org/r4';
const check = (value: unknown, type = 'Observation' as never) =>
  checkIdentity(value, { type, patientId: 'p1', base: BASE });
const obs = (fields: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id: 'o1',
  meta: { versionId: '2', lastUpdated: '2026-03-03T09:30:00Z' },
  subject: { reference: 'Patient/p1' },
  ...fields,
});

describe('checkIdentity', () => {
  test('the patient named relatively, absolutely on this server, or version-specifically', () => {
    for (const reference of ['Patient/p1', `${BASE}/Patient/p1`, 'Patient/p1/_history/3']) {
      expect(check(obs({ subject: { reference } }))).toMatchObject({
        ref: 'Observation/o1',
        versionId: '2',
      });
    }
    expect(
      check({ resourceType: 'Patient', id: 'p1', meta: { versionId: '1' } }, 'Patient' as never)
        .ref,
    ).toBe('Patient/p1');
    expect(
      check(
        {
          resourceType: 'Immunization',
          id: 'i1',
          meta: { versionId: '1' },
          patient: { reference: 'Patient/p1' },
        },
        'Immunization' as never,
      ).ref,
    ).toBe('Immunization/i1');
  });

  test('another patient, none, or one on another server is refused', () => {
    for (const subject of [
      { reference: 'Patient/p2' },
      { reference: 'Patient/p1x' },
      { reference: 'https://evil.example/r4/Patient/p1' },
      { reference: 'Group/p1' },
      { display: 'p1' },
      undefined,
    ]) {
      expect(() => check(obs({ subject })), JSON.stringify(subject)).toThrow(
        ImportWrongPatientError,
      );
    }
    expect(() =>
      check({ resourceType: 'Patient', id: 'p2', meta: { versionId: '1' } }, 'Patient' as never),
    ).toThrow(ImportWrongPatientError);
    // an AllergyIntolerance names its patient in `patient`, not `subject`
    expect(() =>
      check(
        {
          resourceType: 'AllergyIntolerance',
          id: 'a1',
          meta: { versionId: '1' },
          subject: { reference: 'Patient/p1' },
        },
        'AllergyIntolerance' as never,
      ),
    ).toThrow(ImportWrongPatientError);
  });

  test('without an id or a version it has no import key', () => {
    for (const bad of [
      obs({ id: undefined }),
      obs({ id: 'has space' }),
      obs({ id: 'x'.repeat(65) }),
      obs({ meta: undefined }),
      obs({ meta: {} }),
      obs({ meta: { versionId: 'a/b' } }),
      obs({ meta: { lastUpdated: '2026-03-03' } }),
      obs({ meta: { versionId: 7 } }),
    ]) {
      expect(() => check(bad), JSON.stringify(bad)).toThrow(ImportUnversionedError);
    }
    expect(
      check(obs({ meta: { lastUpdated: '2026-03-03T09:30:00.123456+01:00' } })).versionId,
    ).toBeUndefined();
  });

  test('another type than asked, or no resource, is unexpected', () => {
    for (const bad of [undefined, null, 'text', [], {}, { resourceType: 'Patient', id: 'p1' }]) {
      expect(() => check(bad), JSON.stringify(bad)).toThrow(ImportUnexpectedResourceError);
    }
  });
});

test('instants: with a zone, ordered by time then text', () => {
  expect(isInstant('2026-03-03T09:30:00Z')).toBe(true);
  expect(isInstant('2026-03-03T09:30:00')).toBe(false);
  expect(isInstant('2026-13-03T09:30:00Z')).toBe(false);
  expect(compareInstants('2026-01-01T10:00:00Z', '2026-01-01T09:00:00-02:00')).toBeLessThan(0);
  expect(compareInstants('2026-01-01T10:00:00Z', '2026-01-01T10:00:00.000Z')).not.toBe(0);
  expect(compareInstants('2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z')).toBe(0);
});
