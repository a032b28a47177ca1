/**
 * Random valid ledgers always verify; every random mutation of one is caught.
 */
import { testPatient } from '@medvault/testing';
import { randomBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { LedgerError } from './errors.js';
import { Ledger } from './ledger.js';
import { fakeClock } from './test-fixtures.js';
import { verifyLedger } from './verify.js';

const patient = testPatient();
const owner = patient.owner;
const hospital = new Signer(SecretKey.random());
const proxy = new Signer(SecretKey.random());
const clinic = SecretKey.random().publicKey().toCompressedBytes();

type Op = 'record' | 'grant' | 'access' | 'revoke' | 'emergency';

/** Builds a valid ledger from a list of wished operations (skipping ones not possible yet). */
async function build(ops: Op[]) {
  const clock = fakeClock();
  const ledger = await Ledger.create(owner, { now: clock.now });
  await ledger.append('encryption-keys', patient.keysEntry(['laboratory']), owner);
  const grants: { id: Uint8Array; revoked: boolean }[] = [];
  for (const op of ops) {
    clock.advance(1000);
    const active = grants.find((g) => !g.revoked);
    if (op === 'record') {
      await ledger.append(
        'record',
        {
          cid: `bafk${ledger.size}`,
          capsule: randomBytes(105),
          contentType: 'application/pdf',
          category: 'laboratory',
          size: 10,
          recipient: patient.recipientOf('laboratory'),
        },
        hospital,
      );
    } else if (op === 'grant' || (!active && (op === 'access' || op === 'revoke'))) {
      const id = randomBytes(32);
      grants.push({ id, revoked: false });
      await ledger.append(
        'grant',
        {
          grantId: id,
          grantee: clinic,
          scope: { cids: ['bafk1'] },
          note: new TextEncoder().encode('purpose sealed to the owner'),
          readerNote: new TextEncoder().encode('purpose sealed to the reader'),
          ledgerHost: 'http://127.0.0.1:8787',
          salt: new Uint8Array(32).fill(7),
          expiresAt: clock.now() + 1e9,
          proxies: [{ url: 'http://127.0.0.1:1', key: proxy.verifyingKey().toCompressedBytes() }],
          threshold: 1,
          categories: ['laboratory'],
        },
        owner,
      );
    } else if (op === 'access' && active) {
      await ledger.append(
        'access',
        {
          grantId: active.id,
          proxy: proxy.verifyingKey().toCompressedBytes(),
          capsules: ['bafk1'],
        },
        proxy,
      );
    } else if (op === 'revoke' && active) {
      active.revoked = true;
      await ledger.append('revoke', { grantId: active.id }, owner);
    } else {
      await ledger.append(
        'emergency',
        { grantee: clinic, note: new TextEncoder().encode('drill'), expiresAt: clock.now() + 1e6 },
        owner,
      );
    }
  }
  return ledger;
}

const ops = fc.array(fc.constantFrom<Op>('record', 'grant', 'access', 'revoke', 'emergency'), {
  minLength: 1,
  maxLength: 8,
});
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), entry: fc.nat(), bit: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), entry: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), entry: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('foreign' as const), entry: fc.nat() }),
);

test('random valid ledgers verify, and every random mutation is caught', async () => {
  const foreign = await build([
    'record',
    'record',
    'grant',
    'access',
    'emergency',
    'record',
    'record',
    'record',
    'record',
  ]);
  await fc.assert(
    fc.asyncProperty(ops, mutation, async (wished, m) => {
      const ledger = await build(wished);
      const cp = await ledger.checkpoint(owner);
      const entries = ledger.allEntryBytes();
      expect(verifyLedger(entries, { checkpoints: [cp] }).size).toBe(entries.length);

      const n = entries.length;
      let mutated: Uint8Array[] = entries.map((e) => Uint8Array.from(e));
      if (m.kind === 'flip') {
        const target = mutated[m.entry % n] as Uint8Array;
        const bit = m.bit % (target.length * 8);
        target[bit >> 3]! ^= 1 << (bit & 7);
      } else if (m.kind === 'drop') {
        mutated.splice(m.entry % n, 1);
      } else if (m.kind === 'duplicate') {
        const i = m.entry % n;
        mutated.splice(i, 0, mutated[i] as Uint8Array);
      } else if (m.kind === 'swap') {
        const a = m.a % n;
        const b = (a + 1 + (m.b % Math.max(n - 1, 1))) % n;
        if (a === b) return; // a one-entry ledger has nothing to swap
        [mutated[a], mutated[b]] = [mutated[b] as Uint8Array, mutated[a] as Uint8Array];
      } else if (m.kind === 'truncate') {
        mutated = mutated.slice(0, m.keep % n);
      } else {
        const i = m.entry % n;
        mutated[i] = foreign.entryBytes(i % foreign.size);
      }
      let caught: unknown;
      try {
        verifyLedger(mutated, { ledgerId: ledger.id, checkpoints: [cp] });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(LedgerError);
    }),
    { numRuns: 60 },
  );
});
