/**
 * Test helper run as a child process: stores grants one after another and
 * prints each grant id once `put` has resolved (acknowledged), so the parent
 * can kill it at any moment and check every acknowledged grant survived.
 */
import { randomBytes } from 'node:crypto';
import { KfragStore } from './kfrag-store.js';

const store = await KfragStore.open(process.argv[2] as string);
const key = `02${'11'.repeat(32)}`;
for (;;) {
  const grantId = randomBytes(32).toString('hex');
  await store.put({
    grantId,
    ledgerId: '00'.repeat(32),
    ledgerHost: 'http://127.0.0.1:1',
    patient: key,
    verifyingKey: key,
    reader: key,
    scope: { categories: ['laboratory'] },
    expiresAt: 1_900_000_000_000,
    salt: '5a'.repeat(32),
    kfrags: [{ key, kfrag: randomBytes(300).toString('hex') }],
    storedAt: Date.now(),
  });
  process.stdout.write(`${grantId}\n`);
}
