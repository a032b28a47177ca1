import {
  ImportAttachmentTooLargeError,
  ImportLandFailedError,
  ImportMalformedPageError,
  ImportServerError,
  ImportUnsortedError,
  ImportWrongPatientError,
  type SyncReport,
} from '@medvault/core/provider-import';
import { describe, expect, test } from 'vitest';
import { WalletLockedError } from './errors.js';
import { failedOutcome, outcomeOf, refusalWords, stopWords } from './import-words.js';

const HOST = 'fhir.example.org';
const AT = Date.UTC(2026, 2, 12, 8, 30);

const report = (overrides: Partial<SyncReport> = {}): SyncReport => ({
  server: `https://${HOST}/r4`,
  patientId: 'p1',
  imported: 0,
  unchanged: 0,
  failed: [],
  notOffered: [],
  complete: true,
  ...overrides,
});

describe('a sync’s outcome in the patient’s words', () => {
  test('complete: what was added and what was already there', () => {
    expect(outcomeOf(report({ imported: 12, unchanged: 28 }), HOST, AT)).toEqual({
      at: AT,
      complete: true,
      imported: 12,
      unchanged: 28,
      refused: [],
      summary:
        'Done: 12 new records added to your records (28 you already had were left as they are).',
    });
    expect(outcomeOf(report({ imported: 1 }), HOST, AT).summary).toBe(
      'Done: 1 new record added to your records.',
    );
    expect(outcomeOf(report({ unchanged: 40 }), HOST, AT).summary).toBe(
      'Up to date: nothing new since your last sync.',
    );
  });

  test('a 5xx part-way is never complete: what was added, and that the next sync carries on', () => {
    const stopped = outcomeOf(
      report({
        imported: 12,
        complete: false,
        stoppedAt: {
          type: 'Observation',
          reason: 'server-error',
          error: new ImportServerError(`https://${HOST}/r4/Observation`, 503),
        },
      }),
      HOST,
      AT,
    );
    expect(stopped).toMatchObject({ complete: false, stopped: { reason: 'server-error' } });
    expect(stopped.summary).toBe(
      'fhir.example.org’s server was busy or had a problem, so this sync stopped part-way: 12 new records were added. Try again later — the next sync carries on where this one stopped.',
    );
  });

  test('refused resources are listed with why; a list read out of order is not a refusal', () => {
    const outcome = outcomeOf(
      report({
        imported: 3,
        failed: [
          {
            ref: 'DocumentReference/d1',
            error: new ImportAttachmentTooLargeError('DocumentReference/d1', 'u', 20 * 1024 * 1024),
          },
          {
            ref: 'Observation/o9',
            error: new ImportWrongPatientError('Observation/o9', 'Patient/p1', 'Patient/p2'),
          },
          {
            ref: 'Observation (page 1)',
            error: new ImportUnsortedError('Observation', '2026-03-02', '2026-03-01'),
          },
        ],
      }),
      HOST,
      AT,
    );
    expect(outcome.refused).toEqual([
      {
        ref: 'DocumentReference/d1',
        reason: 'its attached file is larger than MedVault brings in (20 MB)',
      },
      { ref: 'Observation/o9', reason: 'it is about another patient, so it was refused' },
    ]);
    expect(outcome.summary).toBe(
      'Done: 3 new records added to your records. 2 items could not be added (listed below).',
    );
  });

  test('a list that could not be read to the end leaves the sync incomplete, in words', () => {
    const outcome = outcomeOf(
      report({
        imported: 2,
        complete: false,
        failed: [
          {
            ref: 'Observation (page 2)',
            error: new ImportMalformedPageError('Observation (page 2)', 'not JSON'),
          },
        ],
      }),
      HOST,
      AT,
    );
    expect(outcome.complete).toBe(false);
    expect(outcome.refused[0]?.reason).toBe(
      'the provider’s list of your test results and measurements could not be read to the end',
    );
    expect(outcome.summary).toMatch(
      /^Some of your records could not be read to the end, so this sync is not complete: 2 new records were added\./,
    );
  });

  test('saving that failed says what failed; a sync that could not start adds nothing', () => {
    const locked = new ImportLandFailedError('Condition/c1', new WalletLockedError());
    expect(stopWords('land-failed', HOST, 0, locked)).toBe(
      'Your records could not be saved (MedVault was locked during the sync), so this sync stopped part-way: nothing new was added. Check Advanced settings (ledger host, record storage), then sync again — it carries on where this one stopped.',
    );
    expect(stopWords('unauthorized', HOST, 1)).toBe(
      'Your sign-in at fhir.example.org has ended (it expired or was withdrawn), so this sync stopped part-way: 1 new record was added. Sign in again to carry on.',
    );
    expect(
      failedOutcome(Object.assign(new Error('x'), { code: 'LEDGER_HOST_UNREACHABLE' }), AT),
    ).toMatchObject({
      complete: false,
      imported: 0,
      stopped: { reason: 'failed' },
      summary:
        'This sync could not start: your ledger host did not answer as expected. Nothing was added; check Advanced settings (ledger host, record storage), then sync again.',
    });
    expect(
      refusalWords('Observation/o1', 'IMPORT_SOMETHING_NEW', 'The server sent a riddle.\nDetails'),
    ).toBe('The server sent a riddle.');
  });
});
