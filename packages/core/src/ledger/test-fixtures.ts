/**
 * Test helpers: a small realistic ledger (genesis, the patient's
 * encryption keys, records the patient signed as a hospital handed them over,
 * a grant to a clinic through three proxies, accesses, a revoke). Not
 * exported from the package.
 */
import { testPatient } from '@medvault/testing';
import { randomBytes } from '@noble/hashes/utils.js';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { Ledger } from './ledger.js';
import type { LedgerStore } from './store.js';

/** A controllable clock. */
export function fakeClock(start = 1_750_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** The parties of a sharing scenario. */
export function parties() {
  const key = () => SecretKey.random();
  const keys = testPatient();
  const patient = keys.identity;
  const hospital = key();
  const clinic = key();
  const proxies = [key(), key(), key()];
  return {
    keys,
    patient,
    owner: keys.owner,
    hospital: new Signer(hospital),
    clinic,
    proxies: proxies.map((p) => new Signer(p)),
  };
}

/** A ledger with genesis, `records` records, one grant, `accesses` accesses and optionally a revoke. */
export async function sampleLedger(
  options: { records?: number; accesses?: number; revoke?: boolean; store?: LedgerStore } = {},
) {
  const p = parties();
  const clock = fakeClock();
  const ledger = await Ledger.create(p.owner, { now: clock.now, store: options.store });
  await ledger.append('encryption-keys', p.keys.keysEntry(), p.owner);
  for (let i = 0; i < (options.records ?? 3); i++) {
    clock.advance(1000);
    await ledger.append(
      'record',
      {
        cid: `bafkreirecord${i}`,
        capsule: randomBytes(105),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: 2048 + i,
        recipient: p.keys.recipientOf('laboratory'),
      },
      p.owner,
    );
  }
  const grantId = randomBytes(32);
  clock.advance(1000);
  await ledger.append(
    'grant',
    {
      grantId,
      grantee: p.clinic.publicKey().toCompressedBytes(),
      scope: { resourceTypes: ['Observation'], categories: ['laboratory'] },
      note: new TextEncoder().encode('purpose sealed to the owner'),
      readerNote: new TextEncoder().encode('purpose sealed to the reader'),
      ledgerHost: 'http://127.0.0.1:8787',
      salt: new Uint8Array(32).fill(7),
      expiresAt: clock.now() + 30 * 24 * 3600 * 1000,
      proxies: p.proxies.map((s, i) => ({
        url: `http://127.0.0.1:${9000 + i}`,
        key: s.verifyingKey().toCompressedBytes(),
      })),
      threshold: 2,
      categories: ['laboratory'],
    },
    p.owner,
  );
  for (let i = 0; i < (options.accesses ?? 2); i++) {
    clock.advance(1000);
    const proxy = p.proxies[i % 3] as Signer;
    await ledger.append(
      'access',
      { grantId, proxy: proxy.verifyingKey().toCompressedBytes(), capsules: ['bafkreirecord0'] },
      proxy,
    );
  }
  if (options.revoke) {
    clock.advance(1000);
    await ledger.append('revoke', { grantId }, p.owner);
  }
  return { ...p, ledger, clock, grantId };
}
