/**
 * MedVaultRegistry and the viem client against a real EVM node (anvil over
 * JSON-RPC on 127.0.0.1).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AnchorMismatchError,
  anchorCheckpoint,
  deployRegistry,
  getAnchor,
  isGrantActive,
  NotAnchoredError,
  RegistryRevertError,
  RpcUnreachableError,
  registerGrant,
  registryAbi,
  registryDomain,
  registryTypes,
  revokeGrant,
  verifyLedgerAgainstChain,
  watchRegistry,
} from '@medvault/core/chain';
import { Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { SecretKey, Signer } from '@medvault/core/pre';
import { randomBytes } from '@noble/hashes/utils.js';
import { type Address, bytesToHex, createWalletClient, http, publicActions } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningAnvil, startAnvil } from './anvil.js';
import { devClient } from './dev-chain.js';

let anvil: RunningAnvil;
let client: Awaited<ReturnType<typeof devClient>>['client'];
let relayer: Address;
let registry: Address;

beforeAll(async () => {
  anvil = await startAnvil();
  ({ client, relayer } = await devClient(anvil.rpcUrl));
  registry = await deployRegistry(client, { account: relayer });
});
afterAll(async () => {
  await anvil.stop();
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e) => e,
  );
}

async function patientLedger(records = 3) {
  const sk = SecretKey.random();
  const owner = new Signer(sk);
  const hospital = new Signer(SecretKey.random());
  const ledger = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  for (let i = 0; i < records; i++) {
    await ledger.append(
      'record',
      {
        cid: `bafk${i}`,
        capsule: randomBytes(105),
        contentType: 'application/fhir+json',
        size: i + 1,
        recipient: ledger.owner,
      },
      hospital,
    );
  }
  return { sk, owner, hospital, ledger };
}

const relay = () => ({ registry, relayer });

describe('anchors', () => {
  test('anchor, read back, and verify a ledger against the chain', async () => {
    const { sk, owner, ledger } = await patientLedger();
    const cp = await ledger.checkpoint(owner);
    const { blockNumber } = await anchorCheckpoint(client, {
      ...relay(),
      checkpoint: cp,
      owner: sk,
    });
    const anchor = await getAnchor(client, { registry, ledgerId: ledger.id, owner: ledger.owner });
    expect(anchor).toEqual({ size: 4, root: bytesToHex(cp.root), blockNumber });
    expect(
      await getAnchor(client, { registry, ledgerId: ledger.id, owner: ledger.owner, size: 4 }),
    ).toMatchObject({ root: bytesToHex(cp.root) });
    const result = await verifyLedgerAgainstChain(client, {
      registry,
      entries: ledger.allEntryBytes(),
    });
    expect(result.anchor.blockNumber).toBe(blockNumber);
    await verifyLedgerAgainstChain(client, { registry, checkpoint: cp });
  });

  test('sizes strictly increase; a later anchor extends by a consistency proof', async () => {
    const { sk, owner, ledger, hospital } = await patientLedger(1);
    const first = await ledger.checkpoint(owner);
    await anchorCheckpoint(client, { ...relay(), checkpoint: first, owner: sk });
    const again = await caught(
      anchorCheckpoint(client, { ...relay(), checkpoint: first, owner: sk }),
    );
    expect(again).toBeInstanceOf(RegistryRevertError);
    expect(again).toMatchObject({ errorName: 'SizeNotIncreasing', code: 'CHAIN_REVERTED' });
    await ledger.append(
      'record',
      { cid: 'x', capsule: randomBytes(10), contentType: 'a/b', size: 1, recipient: ledger.owner },
      hospital,
    );
    const second = await ledger.checkpoint(owner);
    await verifyLedgerAgainstChain(client, {
      registry,
      checkpoint: second,
      consistencyProof: ledger.proveConsistency(first.size, second.size),
    });
    expect(
      await caught(verifyLedgerAgainstChain(client, { registry, checkpoint: second })),
    ).toBeInstanceOf(AnchorMismatchError);
    await anchorCheckpoint(client, { ...relay(), checkpoint: second, owner: sk });
    expect(
      (await getAnchor(client, { registry, ledgerId: ledger.id, owner: ledger.owner }))?.size,
    ).toBe(3);
  });

  test('a tampered ledger file fails verification against the chain', async () => {
    const { sk, owner, ledger } = await patientLedger();
    await anchorCheckpoint(client, {
      ...relay(),
      checkpoint: await ledger.checkpoint(owner),
      owner: sk,
    });
    const entries = ledger.allEntryBytes().map((e) => Uint8Array.from(e));
    entries[2]![40]! ^= 1;
    expect(await caught(verifyLedgerAgainstChain(client, { registry, entries }))).toBeInstanceOf(
      Error,
    );
    const cut = ledger.allEntryBytes().slice(0, 2);
    expect(
      await caught(verifyLedgerAgainstChain(client, { registry, entries: cut })),
    ).toBeInstanceOf(AnchorMismatchError);
  });

  test('a rewritten ledger with a new valid checkpoint not consistent with the anchor is caught', async () => {
    const { sk, owner, ledger, hospital } = await patientLedger(2);
    const anchored = await ledger.checkpoint(owner);
    await anchorCheckpoint(client, { ...relay(), checkpoint: anchored, owner: sk });
    const rewritten = await Ledger.open(ledger.id, { store: new MemoryLedgerStore() });
    await rewritten.appendSigned(ledger.entryBytes(0));
    for (let i = 0; i < 4; i++) {
      await rewritten.append(
        'record',
        {
          cid: `evil${i}`,
          capsule: randomBytes(10),
          contentType: 'a/b',
          size: 1,
          recipient: ledger.owner,
        },
        hospital,
      );
    }
    const cp = await rewritten.checkpoint(owner);
    expect(
      await caught(
        verifyLedgerAgainstChain(client, { registry, entries: rewritten.allEntryBytes() }),
      ),
    ).toBeInstanceOf(AnchorMismatchError);
    expect(
      await caught(
        verifyLedgerAgainstChain(client, {
          registry,
          checkpoint: cp,
          consistencyProof: rewritten.proveConsistency(anchored.size, cp.size),
        }),
      ),
    ).toBeInstanceOf(AnchorMismatchError);
  });

  test('an unanchored ledger, and an anchor of size 0', async () => {
    const { sk, ledger } = await patientLedger(0);
    expect(
      await caught(verifyLedgerAgainstChain(client, { registry, entries: ledger.allEntryBytes() })),
    ).toBeInstanceOf(NotAnchoredError);
    const owner = privateKeyToAccount(bytesToHex(sk.toBEBytes()));
    const message = { ledgerId: bytesToHex(ledger.id), size: 0n, root: bytesToHex(ledger.root()) };
    const sig = await owner.signTypedData({
      domain: registryDomain(foundry.id, registry),
      types: registryTypes,
      primaryType: 'Anchor',
      message,
    });
    await expect(
      client.simulateContract({
        address: registry,
        abi: registryAbi,
        functionName: 'anchor',
        args: [message.ledgerId, 0n, message.root, sig],
        account: relayer,
      }),
    ).rejects.toThrow(/EmptyCheckpoint/);
  });
});

describe('grants', () => {
  const scope = { categories: ['laboratory'] };

  test('active → revoked → inactive; revoke twice and by another key refused', async () => {
    const { sk, ledger } = await patientLedger(0);
    const grantId = randomBytes(32);
    const clinic = SecretKey.random().publicKey().toCompressedBytes();
    expect(await isGrantActive(client, { registry, grantId })).toBe(false);
    await registerGrant(client, {
      ...relay(),
      owner: sk,
      grantId,
      ledgerId: ledger.id,
      grantee: clinic,
      scope,
      expiresAt: Date.now() + 86_400_000,
    });
    expect(await isGrantActive(client, { registry, grantId })).toBe(true);
    const twice = await caught(
      registerGrant(client, {
        ...relay(),
        owner: sk,
        grantId,
        ledgerId: ledger.id,
        grantee: clinic,
        scope,
        expiresAt: Date.now() + 86_400_000,
      }),
    );
    expect(twice).toMatchObject({ errorName: 'GrantExists' });
    const stranger = await caught(
      revokeGrant(client, { ...relay(), owner: SecretKey.random(), grantId }),
    );
    expect(stranger).toMatchObject({ errorName: 'NotGrantOwner' });
    await revokeGrant(client, { ...relay(), owner: sk, grantId });
    expect(await isGrantActive(client, { registry, grantId })).toBe(false);
    expect(await caught(revokeGrant(client, { ...relay(), owner: sk, grantId }))).toMatchObject({
      errorName: 'AlreadyRevoked',
    });
    expect(
      await caught(revokeGrant(client, { ...relay(), owner: sk, grantId: randomBytes(32) })),
    ).toMatchObject({ errorName: 'UnknownGrant' });
  });

  test('expiry by block time (evm_increaseTime), and an already expired grant is refused', async () => {
    const { sk, ledger } = await patientLedger(0);
    const grantId = randomBytes(32);
    const block = await client.getBlock();
    const expiresAt = Number(block.timestamp) * 1000 + 3_600_000;
    await registerGrant(client, {
      ...relay(),
      owner: sk,
      grantId,
      ledgerId: ledger.id,
      grantee: relayer,
      scope,
      expiresAt,
    });
    expect(await isGrantActive(client, { registry, grantId })).toBe(true);
    await client.request({ method: 'evm_increaseTime' as never, params: [3601] as never });
    await client.request({ method: 'evm_mine' as never });
    expect(await isGrantActive(client, { registry, grantId })).toBe(false);
    const late = await caught(
      registerGrant(client, {
        ...relay(),
        owner: sk,
        grantId: randomBytes(32),
        ledgerId: ledger.id,
        grantee: relayer,
        scope,
        expiresAt,
      }),
    );
    expect(late).toMatchObject({ errorName: 'AlreadyExpired' });
  });

  test('a forged or replayed owner signature is refused', async () => {
    const { sk, ledger } = await patientLedger(0);
    const owner = privateKeyToAccount(bytesToHex(sk.toBEBytes()));
    const grantId = randomBytes(32);
    await registerGrant(client, {
      ...relay(),
      owner: sk,
      grantId,
      ledgerId: ledger.id,
      grantee: relayer,
      scope,
      expiresAt: Date.now() + 1e9,
    });
    // a revoke signed for another chain id is another signer to the contract: refused
    const otherChain = await owner.signTypedData({
      domain: registryDomain(1, registry),
      types: registryTypes,
      primaryType: 'RevokeGrant',
      message: { grantId: bytesToHex(grantId) },
    });
    const send = (sig: `0x${string}`) =>
      client.simulateContract({
        address: registry,
        abi: registryAbi,
        functionName: 'revokeGrant',
        args: [bytesToHex(grantId), sig],
        account: relayer,
      });
    await expect(send(otherChain)).rejects.toThrow(/NotGrantOwner/);
    // a signature for another contract
    const otherContract = await owner.signTypedData({
      domain: registryDomain(foundry.id, relayer),
      types: registryTypes,
      primaryType: 'RevokeGrant',
      message: { grantId: bytesToHex(grantId) },
    });
    await expect(send(otherContract)).rejects.toThrow(/NotGrantOwner/);
    // an anchor signature replayed as a revoke (another call)
    const anchorSig = await owner.signTypedData({
      domain: registryDomain(foundry.id, registry),
      types: registryTypes,
      primaryType: 'Anchor',
      message: { ledgerId: bytesToHex(grantId), size: 1n, root: bytesToHex(grantId) },
    });
    await expect(send(anchorSig)).rejects.toThrow(/NotGrantOwner/);
    // garbage
    await expect(send('0x1234')).rejects.toThrow(/ECDSAInvalidSignatureLength|revert/);
    // the real revoke works once; replaying it is refused
    await revokeGrant(client, { ...relay(), owner: sk, grantId });
    expect(await isGrantActive(client, { registry, grantId })).toBe(false);
  });

  test('watchRegistry sees anchors, grants and revocations', async () => {
    const seen: string[] = [];
    const stop = watchRegistry(client, {
      registry,
      pollingInterval: 100,
      onAnchored: () => seen.push('anchored'),
      onGrantRegistered: () => seen.push('granted'),
      onGrantRevoked: () => seen.push('revoked'),
    });
    try {
      const { sk, owner, ledger } = await patientLedger(0);
      const grantId = randomBytes(32);
      await anchorCheckpoint(client, {
        ...relay(),
        checkpoint: await ledger.checkpoint(owner),
        owner: sk,
      });
      await registerGrant(client, {
        ...relay(),
        owner: sk,
        grantId,
        ledgerId: ledger.id,
        grantee: relayer,
        scope,
        expiresAt: Date.now() + 1e9,
      });
      await revokeGrant(client, { ...relay(), owner: sk, grantId });
      await expect
        .poll(() => seen, { timeout: 5000 })
        .toEqual(expect.arrayContaining(['anchored', 'granted', 'revoked']));
    } finally {
      stop();
    }
  });
});

describe('artifact and failures', () => {
  test('the committed ABI and bytecode match the Solidity source', async () => {
    const script = join(import.meta.dirname, '../../../core/scripts/compile-registry.mjs');
    const { compile } = (await import(script)) as { compile: () => string };
    const committed = await readFile(
      join(import.meta.dirname, '../../../core/src/chain/registry-artifact.ts'),
      'utf8',
    );
    expect(compile()).toBe(committed);
  });

  test('an RPC that is down gives a clear error, not a hang', async () => {
    const down = createWalletClient({
      chain: foundry,
      transport: http('http://127.0.0.1:9', { retryCount: 0, timeout: 3000 }),
    }).extend(publicActions);
    const started = Date.now();
    const error = await caught(isGrantActive(down, { registry, grantId: randomBytes(32) }));
    expect(error).toBeInstanceOf(RpcUnreachableError);
    expect((error as RpcUnreachableError).code).toBe('CHAIN_RPC_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
