import { expect, test } from 'vitest';
import { renderBadge, verificationStatus } from './badge.js';

test('anchored: verified at its block, with links to the proof and the anchor', () => {
  const out = String(
    renderBadge({
      status: 'anchored',
      detail: 'Inclusion proof checked',
      blockNumber: 1204,
      proofUrl: 'https://ledger-host.example.org/proofs/7',
      anchorUrl: 'https://explorer.example.org/block/1204',
    }),
  );
  expect(out).toContain('mv-badge-anchored');
  expect(out).toContain('Verified · anchored at block 1204');
  expect(out).toContain('href="https://ledger-host.example.org/proofs/7"');
  expect(out).toContain('href="https://explorer.example.org/block/1204"');
  expect(out).toContain('title="Inclusion proof checked"');
});

test('in-ledger: the entry, and that it is not anchored yet', () => {
  const out = String(renderBadge({ status: 'in-ledger', detail: 'Chain checked', entrySeq: 14 }));
  expect(out).toContain('mv-badge-ledger');
  expect(out).toContain("In the patient's ledger (entry #14), not anchored yet");
  expect(String(renderBadge({ status: 'in-ledger', detail: '' }))).toContain(
    "In the patient's ledger, not anchored yet",
  );
});

test('failed: a red alert with the escaped detail', () => {
  const out = String(renderBadge({ status: 'failed', detail: 'Signature <mismatch>' }));
  expect(out).toContain('mv-badge-failed');
  expect(out).toContain('role="alert"');
  expect(out).toContain('Verification failed');
  expect(out).toContain('Signature &lt;mismatch&gt;');
});

test('anything unrecognised is failed, never verified', () => {
  for (const v of [{ status: 'ok' }, { status: 'ANCHORED' }, null, 'anchored', {}]) {
    expect(verificationStatus(v)).toBe('failed');
    expect(String(renderBadge(v))).toContain('mv-badge-failed');
  }
});

test('unsafe links and odd numbers are dropped, not rendered', () => {
  const out = String(
    renderBadge({
      status: 'anchored',
      detail: '',
      blockNumber: -3.5,
      proofUrl: 'javascript:alert(1)',
      anchorUrl: 'data:text/html,x',
    }),
  );
  expect(out).toContain('Verified · anchored</span>');
  expect(out).not.toContain('href');
  expect(
    String(renderBadge({ status: 'in-ledger', detail: '', entrySeq: Number.NaN })),
  ).not.toContain('#');
});

test('link: a record from a SMART Health Link says it is checked against no ledger', () => {
  const out = String(renderBadge({ status: 'link', detail: 'Opened from a link' }));
  expect(out).toContain('data-verification="link"');
  expect(out).toContain('not checked against a ledger');
});
