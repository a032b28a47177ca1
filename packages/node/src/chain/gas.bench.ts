/**
 * `npm run gas -w @medvault/node`: gas used by each registry call on a real
 * node, against the targets. Not a test: figures, printed.
 */
import {
  anchorCheckpoint,
  registerGrant,
  revokeGrant,
  rotateRegistryKey,
} from '@medvault/core/chain';
import { Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { SecretKey, Signer } from '@medvault/core/pre';
import { randomBytes } from '@noble/hashes/utils.js';
import { devClient, startDevChain } from './dev-chain.js';

const chain = await startDevChain();
try {
  const { client, relayer } = await devClient(chain.rpcUrl);
  const relay = { registry: chain.registry, relayer };
  const sk = SecretKey.random();
  const owner = new Signer(sk);
  const ledger = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  const row = (name: string, gas: bigint, target: number) =>
    console.log(
      `${name.padEnd(34)} ${gas.toString().padStart(8)} gas   target ≤ ${target}  ${gas <= BigInt(target) ? 'met' : 'MISSED'}`,
    );

  const deployReceipt = await client
    .getTransactionReceipt({
      hash: (await client.getBlock({ blockNumber: 1n, includeTransactions: true })).transactions[0]
        ?.hash as `0x${string}`,
    })
    .catch(() => undefined);
  if (deployReceipt)
    console.log(`${'deploy'.padEnd(34)} ${deployReceipt.gasUsed.toString().padStart(8)} gas`);

  const first = await anchorCheckpoint(client, {
    ...relay,
    checkpoint: await ledger.checkpoint(owner),
    owner: sk,
  });
  row('anchor (first of a ledger)', first.gasUsed, 110_000);
  await ledger.append(
    'emergency',
    { grantee: ledger.owner, note: new TextEncoder().encode('x'), expiresAt: Date.now() + 1e9 },
    owner,
  );
  const later = await anchorCheckpoint(client, {
    ...relay,
    checkpoint: await ledger.checkpoint(owner),
    owner: sk,
  });
  row('anchor (later, same ledger)', later.gasUsed, 45_000);
  const grantTerms = () => ({
    ledgerId: ledger.id,
    grantee: SecretKey.random().publicKey().toCompressedBytes(),
    scope: { categories: ['laboratory'] },
    ledgerHost: 'https://ledger.example.org',
    salt: randomBytes(32),
    expiresAt: Date.now() + 30 * 86_400_000,
  });
  const grantId = randomBytes(32);
  const grant = await registerGrant(client, { ...relay, ...grantTerms(), owner: sk, grantId });
  if (!grant.alreadyRegistered) row('registerGrant', grant.gasUsed, 90_000);
  const revoke = await revokeGrant(client, { ...relay, owner: sk, grantId });
  if (!revoke.alreadyRevoked) row('revokeGrant', revoke.gasUsed, 40_000);

  // identity-key rotation: a grant of the first key, revoked by the key after one rotation
  const kept = { ...grantTerms(), owner: sk, grantId: randomBytes(32) };
  await registerGrant(client, { ...relay, ...kept });
  const next = SecretKey.random();
  const rotation = await rotateRegistryKey(client, { ...relay, oldOwner: sk, newOwner: next });
  if (!rotation.alreadyRotated) row('rotateKey', rotation.gasUsed, 110_000);
  const ofOld = await revokeGrant(client, {
    ...relay,
    owner: next,
    grantId: kept.grantId,
    namespace: sk.publicKey().toCompressedBytes(),
  });
  if (!ofOld.alreadyRevoked) row('revokeGrantOf (one rotation back)', ofOld.gasUsed, 50_000);
} finally {
  await chain.anvil.stop();
}
