/**
 * The clinic's grant book on disk: what it received, when and by whom, and
 * when the patient ended a share, survive a restart; books written before
 * receipts were kept (a bare list of grants) still open; the share list the
 * page shows is newest first, with each share's standing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFingerprint, SecretKey } from '@medvault/core/pre';
import { type GrantJson, grantFromJson, grantToJson } from '@medvault/core/proxy';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, describe, expect, test } from 'vitest';
import { GrantBook } from './grant-book.js';
import { shareList } from './share-list.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'medvault-grant-book-'));
  dirs.push(dir);
  return dir;
}

const key = () => bytesToHex(SecretKey.random().publicKey().toCompressedBytes());
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 4, 10);

function grantJson(scope: GrantJson['scope'], expiresAt: number): GrantJson {
  return {
    grantId: bytesToHex(randomBytes(32)),
    ledgerId: bytesToHex(randomBytes(32)),
    patient: key(),
    verifyingKey: key(),
    reader: key(),
    scope,
    purpose: 'Diabetes follow-up',
    expiresAt,
    proxies: [{ url: 'http://127.0.0.1:9', publicKey: key() }],
    threshold: 1,
    ledgerHost: 'http://127.0.0.1:9',
    salt: bytesToHex(randomBytes(32)),
    categories: ['laboratory'],
  };
}

describe('GrantBook', () => {
  test('receipts and endings survive a restart; a grant received again keeps its first receipt', async () => {
    const dir = await dataDir();
    const book = await GrantBook.open(dir);
    const first = grantFromJson(grantJson({ categories: ['laboratory'] }, NOW + 30 * DAY));
    const second = grantFromJson(grantJson({ from: 0 }, NOW + 30 * DAY));
    await book.add(first, { receivedAt: NOW - 2 * DAY, receivedBy: 'okafor' });
    await book.add(second, { receivedAt: NOW - DAY, receivedBy: 'adeyemi' });
    await book.add(first, { receivedAt: NOW, receivedBy: 'someone else' });
    await book.markEnded(first.grantId, NOW - DAY / 2);

    const reopened = await GrantBook.open(dir);
    expect(reopened.all().map(grantToJson)).toEqual([first, second].map(grantToJson));
    expect(reopened.heldOf(first.grantId)).toMatchObject({
      receivedAt: NOW - 2 * DAY,
      receivedBy: 'okafor',
      endedAt: NOW - DAY / 2,
    });
    expect(reopened.heldOf(second.grantId)).toMatchObject({ receivedBy: 'adeyemi' });
    expect(reopened.heldOf(second.grantId)?.endedAt).toBeUndefined();
  });

  test('a book of bare grants (written before receipts were kept) opens, and is rewritten with receipts', async () => {
    const dir = await dataDir();
    const bare = grantJson({ categories: ['laboratory'] }, NOW + DAY);
    await writeFile(join(dir, 'grants.json'), JSON.stringify([bare]));
    const book = await GrantBook.open(dir);
    expect(book.all().map(grantToJson)).toEqual([bare]);
    expect(book.heldOf(bare.grantId)?.receivedAt).toBeUndefined();
    await book.markEnded(bare.grantId, NOW);
    const saved = JSON.parse(await readFile(join(dir, 'grants.json'), 'utf8'));
    expect(saved).toEqual([{ grant: bare, endedAt: NOW }]);
  });
});

describe('shareList', () => {
  test('newest first, with the patient’s fingerprint, what it covers, and whether it stands', () => {
    const active = grantFromJson(
      grantJson({ categories: ['laboratory', 'problem-list'] }, NOW + DAY),
    );
    const expired = grantFromJson(grantJson({ from: 0 }, NOW - DAY));
    const ended = grantFromJson(grantJson({ resourceTypes: ['Observation'] }, NOW + DAY));
    const old = grantFromJson(grantJson({ cids: ['bafy1', 'bafy2'] }, NOW + 2 * DAY));
    const list = shareList(
      [
        { grant: old },
        { grant: expired, receivedAt: NOW - 40 * DAY, receivedBy: 'okafor' },
        { grant: active, receivedAt: NOW - DAY, receivedBy: 'okafor' },
        { grant: ended, receivedAt: NOW - 3 * DAY, endedAt: NOW - 2 * DAY },
      ],
      NOW,
    );
    expect(list.map((s) => [s.grantId, s.status, s.covers])).toEqual([
      [active.grantId, 'active', 'Lab results, Problem list'],
      [ended.grantId, 'ended', 'Observation'],
      [expired.grantId, 'expired', 'Everything'],
      [old.grantId, 'active', '2 chosen records'],
    ]);
    expect(list[0]).toEqual({
      grantId: active.grantId,
      patient: keyFingerprint(active.patient),
      purpose: 'Diabetes follow-up',
      covers: 'Lab results, Problem list',
      expiresAt: NOW + DAY,
      receivedAt: NOW - DAY,
      receivedBy: 'okafor',
      status: 'active',
    });
    expect(list[1]?.endedAt).toBe(NOW - 2 * DAY);
  });
});
