/**
 * MedVaultRegistry and the viem client against a real EVM node (anvil over
 * JSON-RPC on 127.0.0.1).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AnchorMismatchError,
  addressOfKey,
  anchorCheckpoint,
  currentRegistryKey,
  deployRegistry,
  getAnchor,
  getGrant,
  getKeyLinks,
  grantCommitment,
  isGrantActive,
  KeyRetiredError,
  ledgerKey,
  NotAnchoredError,
  type RegistryLog,
  RegistryRevertError,
  RpcUnreachableError,
  registerGrant,
  registryAbi,
  registryDomain,
  registryTypes,
  revokeGrant,
  rotateRegistryKey,
  SignatureExpiredError,
  scopeHash,
  verifyLedgerAgainstChain,
  watchRegistry,
} from '@medvault/core/chain';
import { Ledger, MemoryLedgerStore } from '@medvault/core/ledger';
import { SecretKey, Signer } from '@medvault/core/pre';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  type Address,
  bytesToHex,
  ContractFunctionRevertedError,
  createWalletClient,
  decodeEventLog,
  encodeAbiParameters,
  type Hash,
  type Hex,
  http,
  keccak256,
  publicActions,
  BaseError as ViemError,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningAnvil, startAnvil } from './anvil.js';
import { devClient } from './dev-chain.js';

let anvil: RunningAnvil;
let client: Awaited<ReturnType<typeof devClient>>['client'];
let relayer: Address;
/** Another funded account: someone else relaying. */
let someoneElse: Address;
let registry: Address;

beforeAll(async () => {
  anvil = await startAnvil();
  ({ client, relayer } = await devClient(anvil.rpcUrl));
  someoneElse = (await client.getAddresses())[1] as Address;
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

/**
 * Appends `count` entries by the owner. The registry only sees checkpoints,
 * so any kind does: `emergency` needs nothing published before it.
 */
async function appendEntries(ledger: Ledger, owner: Signer, count: number) {
  for (let i = 0; i < count; i++) {
    await ledger.append(
      'emergency',
      { grantee: ledger.owner, note: randomBytes(64), expiresAt: Date.now() + 86_400_000 },
      owner,
    );
  }
}

async function patientLedger(entries = 3) {
  const sk = SecretKey.random();
  const owner = new Signer(sk);
  const ledger = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  await appendEntries(ledger, owner, entries);
  return { sk, owner, ledger };
}

const relay = () => ({ registry, relayer });
const ownerAccountOf = (sk: SecretKey) => privateKeyToAccount(bytesToHex(sk.toBEBytes())).address;

const scope = { categories: ['laboratory'] };
const LEDGER_HOST = 'https://ledger.example.org';

/** A patient's grant for a new clinic: everything registerGrant needs but the relay. */
async function newGrant(expiresAt = Date.now() + 86_400_000) {
  const { sk, ledger } = await patientLedger(0);
  return {
    owner: sk,
    grantId: randomBytes(32),
    ledgerId: ledger.id,
    grantee: SecretKey.random().publicKey().toCompressedBytes(),
    scope,
    ledgerHost: LEDGER_HOST,
    salt: randomBytes(32),
    expiresAt,
  };
}
const ownerKey = (g: { owner: SecretKey }) => g.owner.publicKey().toCompressedBytes();
const active = (g: { owner: SecretKey; grantId: Uint8Array }) =>
  isGrantActive(client, { registry, owner: ownerKey(g), grantId: g.grantId });

/** A transaction's calldata and its logs' raw topics and data, lowercased. */
async function publicTrace(hash: Hash) {
  const [tx, receipt] = await Promise.all([
    client.getTransaction({ hash }),
    client.getTransactionReceipt({ hash }),
  ]);
  return {
    input: tx.input.toLowerCase(),
    logs: receipt.logs.map((l) => ({ topics: l.topics as [Hex, ...Hex[]], data: l.data })),
  };
}
const logText = (log: { topics: readonly Hex[]; data: Hex }) =>
  [...log.topics, log.data].join('').toLowerCase();
/** Bytes or an 0x value as bare lowercase hex, to search raw chain data for. */
const hex = (value: Uint8Array | Hex) =>
  (typeof value === 'string' ? value.slice(2) : bytesToHex(value).slice(2)).toLowerCase();

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
    const { sk, owner, ledger } = await patientLedger(1);
    const first = await ledger.checkpoint(owner);
    await anchorCheckpoint(client, { ...relay(), checkpoint: first, owner: sk });
    const again = await caught(
      anchorCheckpoint(client, { ...relay(), checkpoint: first, owner: sk }),
    );
    expect(again).toBeInstanceOf(RegistryRevertError);
    expect(again).toMatchObject({ errorName: 'SizeNotIncreasing', code: 'CHAIN_REVERTED' });
    await appendEntries(ledger, owner, 1);
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
    const { sk, owner, ledger } = await patientLedger(2);
    const anchored = await ledger.checkpoint(owner);
    await anchorCheckpoint(client, { ...relay(), checkpoint: anchored, owner: sk });
    const rewritten = await Ledger.open(ledger.id, { store: new MemoryLedgerStore() });
    await rewritten.appendSigned(ledger.entryBytes(0));
    await appendEntries(rewritten, owner, 4);
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
    const message = {
      ledgerKey: ledgerKey(ledger.id),
      size: 0n,
      root: bytesToHex(ledger.root()),
      deadline: BigInt(Math.floor(Date.now() / 1000) + 86_400),
    };
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
        args: [message.ledgerKey, 0n, message.root, message.deadline, sig],
        account: relayer,
      }),
    ).rejects.toThrow(/EmptyCheckpoint/);
  });

  test('the chain holds the ledger key, never the ledger id (calldata, log, storage key)', async () => {
    const { sk, owner, ledger } = await patientLedger(1);
    const { hash } = await anchorCheckpoint(client, {
      ...relay(),
      checkpoint: await ledger.checkpoint(owner),
      owner: sk,
    });
    const { input, logs } = await publicTrace(hash);
    const id = hex(ledger.id);
    expect(input).not.toContain(id);
    for (const log of logs) expect(logText(log)).not.toContain(id);
    const [anchored] = logs.map((l) => decodeEventLog({ abi: registryAbi, ...l }));
    expect(anchored).toMatchObject({
      eventName: 'Anchored',
      args: { ledgerKey: ledgerKey(ledger.id), owner: addressOfKey(ledger.owner), size: 2n },
    });
    // nothing lives under the plain id
    const [size] = await client.readContract({
      address: registry,
      abi: registryAbi,
      functionName: 'latestAnchor',
      args: [bytesToHex(ledger.id), addressOfKey(ledger.owner)],
    });
    expect(size).toBe(0n);
  });
});

describe('grants', () => {
  /** The owner's own signature of a registration, as registerGrant makes it. */
  async function signedRegistration(g: Awaited<ReturnType<typeof newGrant>>, deadline: number) {
    const message = {
      grantId: bytesToHex(g.grantId),
      commitment: grantCommitment(g),
      expiresAt: BigInt(Math.floor(g.expiresAt / 1000)),
      deadline: BigInt(Math.floor(deadline / 1000)),
    };
    const signature = await privateKeyToAccount(bytesToHex(g.owner.toBEBytes())).signTypedData({
      domain: registryDomain(foundry.id, registry),
      types: registryTypes,
      primaryType: 'RegisterGrant',
      message,
    });
    return [
      message.grantId,
      message.commitment,
      message.expiresAt,
      message.deadline,
      signature,
    ] as const;
  }

  test('active → revoked → inactive; other terms under the same id are GrantExists; revoking again resolves', async () => {
    const g = await newGrant();
    expect(await active(g)).toBe(false);
    expect(await getGrant(client, { registry, owner: ownerKey(g), grantId: g.grantId })).toBe(
      undefined,
    );
    const sent = await registerGrant(client, { ...relay(), ...g });
    expect(sent).toMatchObject({ alreadyRegistered: false });
    expect(await active(g)).toBe(true);
    const twice = await caught(registerGrant(client, { ...relay(), ...g, salt: randomBytes(32) }));
    expect(twice).toBeInstanceOf(RegistryRevertError);
    expect(twice).toMatchObject({ errorName: 'GrantExists', code: 'CHAIN_REVERTED' });
    expect(
      await revokeGrant(client, { ...relay(), owner: g.owner, grantId: g.grantId }),
    ).toMatchObject({ alreadyRevoked: false });
    expect(await active(g)).toBe(false);
    expect(
      await getGrant(client, { registry, owner: ownerKey(g), grantId: g.grantId }),
    ).toMatchObject({ revoked: true });
    // someone relayed the revocation first, or the patient retries: done already
    expect(await revokeGrant(client, { ...relay(), owner: g.owner, grantId: g.grantId })).toEqual({
      alreadyRevoked: true,
    });
    // a revoked grant stays revoked: registering it again is GrantExists
    expect(await caught(registerGrant(client, { ...relay(), ...g }))).toMatchObject({
      errorName: 'GrantExists',
    });
    expect(
      await caught(revokeGrant(client, { ...relay(), owner: g.owner, grantId: randomBytes(32) })),
    ).toMatchObject({ errorName: 'UnknownGrant' });
  });

  test("a stranger's revocation of the patient's grant id touches only the stranger's namespace", async () => {
    const g = await newGrant();
    await registerGrant(client, { ...relay(), ...g });
    const stranger = await caught(
      revokeGrant(client, { ...relay(), owner: SecretKey.random(), grantId: g.grantId }),
    );
    expect(stranger).toMatchObject({ errorName: 'UnknownGrant' });
    expect(await active(g)).toBe(true);
  });

  test('expiry by block time (evm_increaseTime), and an already expired grant is refused', async () => {
    const block = await client.getBlock();
    const g = await newGrant(Number(block.timestamp) * 1000 + 3_600_000);
    await registerGrant(client, { ...relay(), ...g });
    expect(await active(g)).toBe(true);
    await client.request({ method: 'evm_increaseTime' as never, params: [3601] as never });
    await client.request({ method: 'evm_mine' as never });
    expect(await active(g)).toBe(false);
    expect(
      await getGrant(client, { registry, owner: ownerKey(g), grantId: g.grantId }),
    ).toMatchObject({ revoked: false, expiresAt: g.expiresAt - (g.expiresAt % 1000) });
    const late = await caught(
      registerGrant(client, { ...relay(), ...g, grantId: randomBytes(32) }),
    );
    expect(late).toMatchObject({ errorName: 'AlreadyExpired' });
  });

  test('a signature for another chain, contract or call recovers to another owner: nothing revoked', async () => {
    const g = await newGrant(Date.now() + 1e9);
    const owner = privateKeyToAccount(bytesToHex(g.owner.toBEBytes()));
    await registerGrant(client, { ...relay(), ...g });
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 86_400);
    const message = { grantId: bytesToHex(g.grantId), deadline };
    const send = (sig: Hex) =>
      client.simulateContract({
        address: registry,
        abi: registryAbi,
        functionName: 'revokeGrant',
        args: [message.grantId, deadline, sig],
        account: relayer,
      });
    // signed for another chain id, or another contract: another signer, who has no such grant
    const otherChain = await owner.signTypedData({
      domain: registryDomain(1, registry),
      types: registryTypes,
      primaryType: 'RevokeGrant',
      message,
    });
    await expect(send(otherChain)).rejects.toThrow(/UnknownGrant/);
    const otherContract = await owner.signTypedData({
      domain: registryDomain(foundry.id, relayer),
      types: registryTypes,
      primaryType: 'RevokeGrant',
      message,
    });
    await expect(send(otherContract)).rejects.toThrow(/UnknownGrant/);
    // an anchor signature replayed as a revoke (another call)
    const anchorSig = await owner.signTypedData({
      domain: registryDomain(foundry.id, registry),
      types: registryTypes,
      primaryType: 'Anchor',
      message: { ledgerKey: message.grantId, size: 1n, root: message.grantId, deadline },
    });
    await expect(send(anchorSig)).rejects.toThrow(/UnknownGrant/);
    // the deadline is signed: the same signature with a later deadline is another signer
    const real = await owner.signTypedData({
      domain: registryDomain(foundry.id, registry),
      types: registryTypes,
      primaryType: 'RevokeGrant',
      message,
    });
    await expect(
      client.simulateContract({
        address: registry,
        abi: registryAbi,
        functionName: 'revokeGrant',
        args: [message.grantId, deadline + 1n, real],
        account: relayer,
      }),
    ).rejects.toThrow(/UnknownGrant/);
    await expect(send('0x1234')).rejects.toThrow(/ECDSAInvalidSignatureLength|revert/);
    expect(await active(g)).toBe(true);
    await send(real);
  });

  test("front-run: a stranger registers the patient's grant id first with their own signature; the patient's registration still succeeds", async () => {
    const g = await newGrant();
    const strangerKey = SecretKey.random();
    // the stranger saw the pending grant id and registers it first, with other terms
    await registerGrant(client, {
      ...relay(),
      ...g,
      owner: strangerKey,
      salt: randomBytes(32),
      ledgerHost: 'https://attacker.example',
    });
    const sent = await registerGrant(client, { ...relay(), ...g });
    expect(sent).toMatchObject({ alreadyRegistered: false });
    const onChain = await getGrant(client, { registry, owner: ownerKey(g), grantId: g.grantId });
    expect(onChain).toEqual({
      expiresAt: Math.floor(g.expiresAt / 1000) * 1000,
      revoked: false,
      commitment: grantCommitment(g),
    });
    // the stranger's is another grant, under the stranger's address
    const theirs = await getGrant(client, {
      registry,
      owner: ownerAccountOf(strangerKey),
      grantId: g.grantId,
    });
    expect(theirs?.commitment).not.toBe(onChain?.commitment);
    // and revoking theirs leaves the patient's active
    await revokeGrant(client, { ...relay(), owner: strangerKey, grantId: g.grantId });
    expect(await active(g)).toBe(true);
  });

  /** Ten minutes ahead by block time (earlier tests moved the chain's clock on). */
  const soon = async () => Number((await client.getBlock()).timestamp) * 1000 + 600_000;

  test("a replay of the patient's own signed registration by someone else first: the patient's call resolves", async () => {
    const g = await newGrant();
    const deadline = await soon();
    // someone else took the patient's signed call (from the mempool, say) and relayed it first
    const args = await signedRegistration(g, deadline);
    const hash = await client.writeContract({
      address: registry,
      abi: registryAbi,
      functionName: 'registerGrant',
      args,
      account: someoneElse,
    });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(await registerGrant(client, { ...relay(), ...g, deadline })).toEqual({
      alreadyRegistered: true,
    });
    expect(await active(g)).toBe(true);
    // other terms under the same id are still refused
    const other = await caught(
      registerGrant(client, { ...relay(), ...g, expiresAt: g.expiresAt + 86_400_000 }),
    );
    expect(other).toMatchObject({ errorName: 'GrantExists' });
  });

  test("a copy of the patient's pending registration mined before it: the patient's call resolves", async () => {
    const g = await newGrant();
    const deadline = await soon();
    const args = await signedRegistration(g, deadline);
    await client.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    try {
      const fees = await client.estimateFeesPerGas();
      // the copy pays more, so it is mined first in the same block
      await client.writeContract({
        address: registry,
        abi: registryAbi,
        functionName: 'registerGrant',
        args,
        account: someoneElse,
        maxFeePerGas: fees.maxFeePerGas * 2n + 2_000_000_000n,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas + 1_000_000_000n,
      });
      const patient = registerGrant(client, { ...relay(), ...g, deadline });
      await expect
        .poll(
          async () =>
            Number(
              ((await client.request({ method: 'txpool_status' as never })) as { pending: Hex })
                .pending,
            ),
          { timeout: 10_000 },
        )
        .toBe(2);
      await client.request({ method: 'evm_mine' as never });
      expect(await patient).toEqual({ alreadyRegistered: true });
    } finally {
      await client.request({ method: 'evm_setAutomine' as never, params: [true] as never });
    }
    expect(await active(g)).toBe(true);
  });

  test('a signature past its deadline is SignatureExpiredError, for each signed call', async () => {
    const block = await client.getBlock();
    const past = (Number(block.timestamp) - 10) * 1000;
    const g = await newGrant();
    const expired = await caught(registerGrant(client, { ...relay(), ...g, deadline: past }));
    expect(expired).toBeInstanceOf(SignatureExpiredError);
    expect(expired).toBeInstanceOf(RegistryRevertError);
    expect(expired).toMatchObject({
      code: 'CHAIN_SIGNATURE_EXPIRED',
      errorName: 'SignatureExpired',
      deadline: BigInt(past / 1000),
    });
    expect(await active(g)).toBe(false);
    await registerGrant(client, { ...relay(), ...g });
    expect(
      await caught(
        revokeGrant(client, { ...relay(), owner: g.owner, grantId: g.grantId, deadline: past }),
      ),
    ).toBeInstanceOf(SignatureExpiredError);
    expect(await active(g)).toBe(true);
    const { sk, owner, ledger } = await patientLedger(0);
    expect(
      await caught(
        anchorCheckpoint(client, {
          ...relay(),
          checkpoint: await ledger.checkpoint(owner),
          owner: sk,
          deadline: past,
        }),
      ),
    ).toBeInstanceOf(SignatureExpiredError);
    // a deadline still ahead (by block time) is good
    await anchorCheckpoint(client, {
      ...relay(),
      checkpoint: await ledger.checkpoint(owner),
      owner: sk,
      deadline: (Number(block.timestamp) + 600) * 1000,
    });
  });

  test('the chain learns neither the ledger id, the reader nor the scope (calldata and GrantRegistered log)', async () => {
    const g = await newGrant();
    const sent = await registerGrant(client, { ...relay(), ...g });
    if (sent.alreadyRegistered) throw new Error('expected a registration of ours');
    const { input, logs } = await publicTrace(sent.hash);
    const grantee = addressOfKey(g.grantee);
    const unsalted = keccak256(
      encodeAbiParameters(
        [{ type: 'bytes32' }, { type: 'address' }, { type: 'bytes32' }],
        [bytesToHex(g.ledgerId), grantee, scopeHash(scope)],
      ),
    );
    const secrets = [
      hex(g.ledgerId),
      hex(ledgerKey(g.ledgerId)),
      hex(grantee),
      hex(g.grantee),
      hex(scopeHash(scope)),
      hex(unsalted),
      hex(g.salt),
    ];
    for (const secret of secrets) {
      expect(input).not.toContain(secret);
      for (const log of logs) expect(logText(log)).not.toContain(secret);
    }
    const decoded = logs.map((l) => decodeEventLog({ abi: registryAbi, ...l }));
    expect(decoded).toEqual([
      {
        eventName: 'GrantRegistered',
        args: {
          grantId: bytesToHex(g.grantId),
          owner: ownerAccountOf(g.owner),
          commitment: grantCommitment(g),
          expiresAt: BigInt(Math.floor(g.expiresAt / 1000)),
        },
      },
    ]);
  });

  test('a party that knows ledger id, reader, scope, host and salt recomputes the commitment on chain', async () => {
    const g = await newGrant();
    await registerGrant(client, { ...relay(), ...g });
    // the reader, say, from the grant entry and its delivery — the host by any URL of its origin
    const recomputed = grantCommitment({
      ledgerId: Uint8Array.from(g.ledgerId),
      grantee: addressOfKey(g.grantee),
      scope: { categories: ['laboratory'] },
      ledgerHost: `${LEDGER_HOST}/v1/ledgers/`,
      salt: Uint8Array.from(g.salt),
    });
    const byKey = await getGrant(client, { registry, owner: ownerKey(g), grantId: g.grantId });
    const byAddress = await getGrant(client, {
      registry,
      owner: ownerAccountOf(g.owner),
      grantId: g.grantId,
    });
    expect(byKey?.commitment).toBe(recomputed);
    expect(byAddress).toEqual(byKey);
    // without the salt, or with another host, it does not match
    expect(grantCommitment({ ...g, salt: randomBytes(32) })).not.toBe(byKey?.commitment);
    expect(grantCommitment({ ...g, ledgerHost: 'https://other.example' })).not.toBe(
      byKey?.commitment,
    );
  });

  test('watchRegistry sees anchors, grants, revocations and key rotations, decoded', async () => {
    const anchored: RegistryLog<'Anchored'>[] = [];
    const granted: RegistryLog<'GrantRegistered'>[] = [];
    const revoked: RegistryLog<'GrantRevoked'>[] = [];
    const rotated: RegistryLog<'KeyRotated'>[] = [];
    const stop = watchRegistry(client, {
      registry,
      pollingInterval: 100,
      onAnchored: (logs) => anchored.push(...logs),
      onGrantRegistered: (logs) => granted.push(...logs),
      onGrantRevoked: (logs) => revoked.push(...logs),
      onKeyRotated: (logs) => rotated.push(...logs),
    });
    try {
      const { sk, owner, ledger } = await patientLedger(0);
      await new Promise((r) => setTimeout(r, 300)); // the watcher starts at the next block
      const g = { ...(await newGrant()), owner: sk, ledgerId: ledger.id };
      await anchorCheckpoint(client, {
        ...relay(),
        checkpoint: await ledger.checkpoint(owner),
        owner: sk,
      });
      await registerGrant(client, { ...relay(), ...g });
      await revokeGrant(client, { ...relay(), owner: sk, grantId: g.grantId });
      const fresh = SecretKey.random();
      await rotateRegistryKey(client, { ...relay(), oldOwner: sk, newOwner: fresh });
      const patient = ownerAccountOf(sk);
      await expect.poll(() => rotated.length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(rotated.map((l) => l.args)).toContainEqual({
        oldKey: patient,
        newKey: ownerAccountOf(fresh),
      });
      expect(anchored.map((l) => l.args)).toContainEqual({
        ledgerKey: ledgerKey(ledger.id),
        owner: patient,
        size: 1n,
        root: bytesToHex(ledger.root()),
      });
      expect(granted.map((l) => l.args)).toContainEqual({
        grantId: bytesToHex(g.grantId),
        owner: patient,
        commitment: grantCommitment(g),
        expiresAt: BigInt(Math.floor(g.expiresAt / 1000)),
      });
      expect(revoked.map((l) => l.args)).toContainEqual({
        grantId: bytesToHex(g.grantId),
        owner: patient,
      });
    } finally {
      stop();
    }
  });
});

describe('identity-key rotation', () => {
  const addr = ownerAccountOf;
  const pk = (sk: SecretKey) => sk.publicKey().toCompressedBytes();
  const rotate = (oldOwner: SecretKey, newOwner: SecretKey) =>
    rotateRegistryKey(client, { ...relay(), oldOwner, newOwner });
  /** Ten minutes ahead by block time, in seconds (earlier tests moved the chain's clock on). */
  const inTenMinutes = async () => (await client.getBlock()).timestamp + 600n;

  /**
   * The raw arguments of `rotateKey`, signed by whoever the test says: by
   * default `old` names `next` and `next` accepts, as rotateRegistryKey does.
   */
  async function rotationArgs(o: {
    old: SecretKey;
    next: SecretKey;
    deadline?: bigint;
    /** Who signs `RotateKey` (default `old`). */
    oldSigner?: SecretKey;
    /** Who signs `AcceptKey` (default `next`). */
    newSigner?: SecretKey;
    /** The old key the acceptance names (default `old`'s). */
    accepts?: Address;
  }) {
    const deadline = o.deadline ?? (await inTenMinutes());
    const domain = registryDomain(foundry.id, registry);
    const account = (sk: SecretKey) => privateKeyToAccount(bytesToHex(sk.toBEBytes()));
    const oldSig = await account(o.oldSigner ?? o.old).signTypedData({
      domain,
      types: registryTypes,
      primaryType: 'RotateKey',
      message: { newKey: addr(o.next), deadline },
    });
    const newSig = await account(o.newSigner ?? o.next).signTypedData({
      domain,
      types: registryTypes,
      primaryType: 'AcceptKey',
      message: { oldKey: o.accepts ?? addr(o.old), deadline },
    });
    return [addr(o.old), addr(o.next), deadline, oldSig, newSig] as const;
  }
  const simulateRotation = (args: Awaited<ReturnType<typeof rotationArgs>>) =>
    client.simulateContract({
      address: registry,
      abi: registryAbi,
      functionName: 'rotateKey',
      args,
      account: someoneElse,
    });
  /** The registry's custom error of a refused call, decoded. */
  async function revertOf(p: Promise<unknown>) {
    const error = await caught(p);
    const revert =
      error instanceof ViemError
        ? error.walk((e) => e instanceof ContractFunctionRevertedError)
        : undefined;
    if (!(revert instanceof ContractFunctionRevertedError)) throw error ?? new Error('no revert');
    return { errorName: revert.data?.errorName, args: revert.data?.args };
  }
  const current = (sk: SecretKey) => currentRegistryKey(client, { registry, owner: pk(sk) });

  test('after rotation the stolen key can no longer anchor, register, revoke or rotate: KeyRetiredError', async () => {
    const { sk: stolen, owner, ledger } = await patientLedger(2);
    await anchorCheckpoint(client, {
      ...relay(),
      checkpoint: await ledger.checkpoint(owner),
      owner: stolen,
    });
    const g = { ...(await newGrant()), owner: stolen, ledgerId: ledger.id };
    await registerGrant(client, { ...relay(), ...g });
    const fresh = SecretKey.random();
    const rotated = await rotate(stolen, fresh);
    expect(rotated).toMatchObject({ alreadyRotated: false });
    const retired = { key: addr(stolen), successor: addr(fresh) };

    // the thief, holding the stolen key: a forged history, a grant to itself, the patient's grant revoked
    await appendEntries(ledger, owner, 1);
    const forged = await caught(
      anchorCheckpoint(client, {
        ...relay(),
        checkpoint: await ledger.checkpoint(owner),
        owner: stolen,
      }),
    );
    expect(forged).toBeInstanceOf(KeyRetiredError);
    expect(forged).toBeInstanceOf(RegistryRevertError);
    expect(forged).toMatchObject({
      code: 'CHAIN_KEY_RETIRED',
      errorName: 'KeyRetired',
      args: [retired.key, retired.successor],
      ...retired,
    });
    expect((forged as Error).message).toContain(retired.successor);
    const toThief = { ...g, grantId: randomBytes(32), grantee: pk(SecretKey.random()) };
    expect(await caught(registerGrant(client, { ...relay(), ...toThief }))).toMatchObject({
      code: 'CHAIN_KEY_RETIRED',
      ...retired,
    });
    expect(
      await caught(revokeGrant(client, { ...relay(), owner: stolen, grantId: g.grantId })),
    ).toMatchObject({ code: 'CHAIN_KEY_RETIRED', ...retired });
    expect(
      await caught(
        revokeGrant(client, {
          ...relay(),
          owner: stolen,
          grantId: g.grantId,
          namespace: addr(fresh),
        }),
      ),
    ).toMatchObject({ code: 'CHAIN_KEY_RETIRED', ...retired });
    // nor rotate again, to a key of the thief's
    expect(await caught(rotate(stolen, SecretKey.random()))).toMatchObject({
      code: 'CHAIN_KEY_RETIRED',
      ...retired,
    });
    expect(await active(g)).toBe(true);
    expect(
      await isGrantActive(client, { registry, owner: addr(stolen), grantId: toThief.grantId }),
    ).toBe(false);
    expect(
      (await getAnchor(client, { registry, ledgerId: ledger.id, owner: addr(stolen) }))?.size,
    ).toBe(3);

    // the patient anchors on under the new key; the old key's anchor stays readable
    await anchorCheckpoint(client, {
      ...relay(),
      checkpoint: await ledger.checkpoint(owner),
      owner: fresh,
    });
    expect(
      await getAnchor(client, { registry, ledgerId: ledger.id, owner: pk(fresh) }),
    ).toMatchObject({
      size: 4,
      root: bytesToHex(ledger.root()),
    });
    expect(await current(stolen)).toBe(addr(fresh));
  });

  test('a rotation needs the new key to accept: an acceptance by another key, or for another old key, is WrongSigner', async () => {
    const patient = SecretKey.random();
    const wanted = SecretKey.random();
    const other = SecretKey.random();
    // signed by the old key only, the acceptance by some other key
    expect(
      await revertOf(
        simulateRotation(await rotationArgs({ old: patient, next: wanted, newSigner: other })),
      ),
    ).toEqual({ errorName: 'WrongSigner', args: [addr(wanted), addr(other)] });
    // the new key's acceptance of another old key
    expect(
      await revertOf(
        simulateRotation(await rotationArgs({ old: patient, next: wanted, accepts: addr(other) })),
      ),
    ).toEqual({ errorName: 'WrongSigner', args: [addr(wanted), expect.any(String)] });
    // a stranger rotating their own key onto the patient's, to give it a predecessor
    const stranger = SecretKey.random();
    expect(
      await revertOf(
        simulateRotation(await rotationArgs({ old: stranger, next: patient, newSigner: stranger })),
      ),
    ).toEqual({ errorName: 'WrongSigner', args: [addr(patient), addr(stranger)] });
    expect(await getKeyLinks(client, { registry, key: addr(patient) })).toEqual({
      predecessor: undefined,
      successor: undefined,
    });
    await rotate(patient, wanted);
    expect(await current(patient)).toBe(addr(wanted));
  });

  test("a stranger cannot rotate the patient's key, even to a key the stranger holds", async () => {
    const patient = SecretKey.random();
    const stranger = SecretKey.random();
    const theirs = SecretKey.random();
    const args = await rotationArgs({ old: patient, next: theirs, oldSigner: stranger });
    expect(await revertOf(simulateRotation(args))).toEqual({
      errorName: 'WrongSigner',
      args: [addr(patient), addr(stranger)],
    });
    // and the transaction, were it sent anyway, fails on chain
    const hash = await client.writeContract({
      address: registry,
      abi: registryAbi,
      functionName: 'rotateKey',
      args,
      account: someoneElse,
      gas: 300_000n,
    });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('reverted');
    expect(await current(patient)).toBe(addr(patient));
    // the patient still registers grants
    await registerGrant(client, { ...relay(), ...(await newGrant()), owner: patient });
  });

  test('a replayed rotation reverts; the client sees a relayed copy as done', async () => {
    const old = SecretKey.random();
    const next = SecretKey.random();
    const args = await rotationArgs({ old, next });
    // someone relays the patient's signed rotation first
    const hash = await client.writeContract({
      address: registry,
      abi: registryAbi,
      functionName: 'rotateKey',
      args,
      account: someoneElse,
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(receipt.logs.map((l) => decodeEventLog({ abi: registryAbi, ...l }))).toEqual([
      { eventName: 'KeyRotated', args: { oldKey: addr(old), newKey: addr(next) } },
    ]);
    expect(await revertOf(simulateRotation(args))).toEqual({
      errorName: 'KeyRetired',
      args: [addr(old), addr(next)],
    });
    expect(
      await rotateRegistryKey(client, {
        ...relay(),
        oldOwner: old,
        newOwner: next,
        deadline: Number(args[2]) * 1000,
      }),
    ).toEqual({ alreadyRotated: true });
    // to another key it is refused, not "done"
    expect(await caught(rotate(old, SecretKey.random()))).toBeInstanceOf(KeyRetiredError);
  });

  test('rotating to a retired key, to a key that has a predecessor, or to itself reverts', async () => {
    const [a, b, c, d] = [0, 1, 2, 3].map(() => SecretKey.random()) as [
      SecretKey,
      SecretKey,
      SecretKey,
      SecretKey,
    ];
    await rotate(a, b);
    // c (properly signed by both) onto a, which is retired
    const toRetired = await caught(rotate(c, a));
    expect(toRetired).toBeInstanceOf(KeyRetiredError);
    expect(toRetired).toMatchObject({ key: addr(a), successor: addr(b) });
    // c onto b, which already has a predecessor: no merging of histories
    expect(await caught(rotate(c, b))).toMatchObject({
      code: 'CHAIN_REVERTED',
      errorName: 'KeyHasPredecessor',
      args: [addr(b), addr(a)],
    });
    expect(await caught(rotate(d, d))).toMatchObject({ errorName: 'SameKey', args: [addr(d)] });
    // none of it changed anything
    expect(await getKeyLinks(client, { registry, key: pk(b) })).toEqual({
      predecessor: addr(a),
      successor: undefined,
    });
    expect(await getKeyLinks(client, { registry, key: pk(c) })).toEqual({
      predecessor: undefined,
      successor: undefined,
    });
  });

  test('a rotation past its deadline is SignatureExpiredError', async () => {
    const old = SecretKey.random();
    const next = SecretKey.random();
    const past = (Number((await client.getBlock()).timestamp) - 10) * 1000;
    const expired = await caught(
      rotateRegistryKey(client, { ...relay(), oldOwner: old, newOwner: next, deadline: past }),
    );
    expect(expired).toBeInstanceOf(SignatureExpiredError);
    expect(expired).toMatchObject({ deadline: BigInt(past / 1000) });
    expect(await current(old)).toBe(addr(old));
  });

  test('a grant registered before rotation stays active and is revoked by the newest key only', async () => {
    const [a, b, c] = [0, 1, 2].map(() => SecretKey.random()) as [SecretKey, SecretKey, SecretKey];
    const byA = { ...(await newGrant()), owner: a };
    const byA2 = { ...(await newGrant()), owner: a };
    await registerGrant(client, { ...relay(), ...byA });
    await registerGrant(client, { ...relay(), ...byA2 });
    const before = await getGrant(client, { registry, owner: pk(a), grantId: byA.grantId });
    await rotate(a, b);
    // readers keep their access; proxies find it where they did
    expect(await active(byA)).toBe(true);
    expect(await getGrant(client, { registry, owner: pk(a), grantId: byA.grantId })).toEqual(
      before,
    );
    // the new key's own namespace has no such grant
    expect(
      await caught(revokeGrant(client, { ...relay(), owner: b, grantId: byA.grantId })),
    ).toMatchObject({ errorName: 'UnknownGrant', args: [addr(b), bytesToHex(byA.grantId)] });
    // a key outside the chain cannot revoke in a's namespace
    const stranger = SecretKey.random();
    expect(
      await caught(
        revokeGrant(client, {
          ...relay(),
          owner: stranger,
          grantId: byA.grantId,
          namespace: pk(a),
        }),
      ),
    ).toMatchObject({ errorName: 'NotCurrentKey', args: [addr(a), addr(stranger)] });
    // b, the current key, revokes a's grant; the event names the grant's namespace, as proxies match it
    const revoked = await revokeGrant(client, {
      ...relay(),
      owner: b,
      grantId: byA.grantId,
      namespace: pk(a),
    });
    if (revoked.alreadyRevoked) throw new Error('expected a revocation of ours');
    const logs = (await client.getTransactionReceipt({ hash: revoked.hash })).logs;
    expect(logs.map((l) => decodeEventLog({ abi: registryAbi, ...l }))).toEqual([
      { eventName: 'GrantRevoked', args: { grantId: bytesToHex(byA.grantId), owner: addr(a) } },
    ]);
    expect(await active(byA)).toBe(false);
    expect(
      await revokeGrant(client, { ...relay(), owner: b, grantId: byA.grantId, namespace: pk(a) }),
    ).toEqual({ alreadyRevoked: true });

    // a second rotation: only the newest key revokes grants of a and of b
    const byB = { ...(await newGrant()), owner: b };
    await registerGrant(client, { ...relay(), ...byB });
    await rotate(b, c);
    expect(
      await caught(
        revokeGrant(client, { ...relay(), owner: b, grantId: byA2.grantId, namespace: pk(a) }),
      ),
    ).toMatchObject({ code: 'CHAIN_KEY_RETIRED', key: addr(b), successor: addr(c) });
    expect(await active(byA2)).toBe(true);
    expect(await active(byB)).toBe(true);
    await revokeGrant(client, { ...relay(), owner: c, grantId: byA2.grantId, namespace: addr(a) });
    await revokeGrant(client, { ...relay(), owner: c, grantId: byB.grantId, namespace: pk(b) });
    expect(await active(byA2)).toBe(false);
    expect(await active(byB)).toBe(false);
    // the current key of another chain of rotations is a stranger to this one
    const byC = { ...(await newGrant()), owner: c };
    await registerGrant(client, { ...relay(), ...byC });
    const [e, f] = [SecretKey.random(), SecretKey.random()];
    await rotate(e, f);
    expect(
      await caught(
        revokeGrant(client, { ...relay(), owner: f, grantId: byA2.grantId, namespace: pk(a) }),
      ),
    ).toMatchObject({ errorName: 'NotCurrentKey', args: [addr(a), addr(f)] });
    // and c's own grants are revoked as before rotation existed
    await revokeGrant(client, { ...relay(), owner: c, grantId: byC.grantId });
    expect(await active(byC)).toBe(false);
  });

  test('currentKey follows two rotations; predecessorOf and successorOf link them; KeyRotated events', async () => {
    const [a, b, c] = [0, 1, 2].map(() => SecretKey.random()) as [SecretKey, SecretKey, SecretKey];
    expect(await current(a)).toBe(addr(a));
    await rotate(a, b);
    expect(await current(a)).toBe(addr(b));
    await rotate(b, c);
    for (const key of [a, b, c]) expect(await current(key)).toBe(addr(c));
    expect(await getKeyLinks(client, { registry, key: pk(a) })).toEqual({
      predecessor: undefined,
      successor: addr(b),
    });
    expect(await getKeyLinks(client, { registry, key: addr(b) })).toEqual({
      predecessor: addr(a),
      successor: addr(c),
    });
    expect(await getKeyLinks(client, { registry, key: pk(c) })).toEqual({
      predecessor: addr(b),
      successor: undefined,
    });
    const rotations = await client.getContractEvents({
      address: registry,
      abi: registryAbi,
      eventName: 'KeyRotated',
      args: { oldKey: [addr(a), addr(b)] },
      fromBlock: 0n,
      strict: true,
    });
    expect(rotations.map((l) => l.args)).toEqual([
      { oldKey: addr(a), newKey: addr(b) },
      { oldKey: addr(b), newKey: addr(c) },
    ]);
  });

  test('a chain holds at most 32 rotations; the newest key revokes a grant of the first across all of them', async () => {
    const limit = await client.readContract({
      address: registry,
      abi: registryAbi,
      functionName: 'MAX_ROTATIONS',
    });
    expect(limit).toBe(32);
    const keys = Array.from({ length: limit + 1 }, () => SecretKey.random());
    const first = keys[0] as SecretKey;
    const newest = keys[limit] as SecretKey;
    const g = { ...(await newGrant()), owner: first };
    await registerGrant(client, { ...relay(), ...g });
    for (let i = 0; i < limit; i++) await rotate(keys[i] as SecretKey, keys[i + 1] as SecretKey);
    expect(await current(first)).toBe(addr(newest));
    expect(await caught(rotate(newest, SecretKey.random()))).toMatchObject({
      errorName: 'TooManyRotations',
      args: [32],
    });
    const sent = await revokeGrant(client, {
      ...relay(),
      owner: newest,
      grantId: g.grantId,
      namespace: pk(first),
    });
    expect(sent).toMatchObject({ alreadyRevoked: false });
    expect(await active(g)).toBe(false);
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
    const error = await caught(
      isGrantActive(down, { registry, owner: relayer, grantId: randomBytes(32) }),
    );
    expect(error).toBeInstanceOf(RpcUnreachableError);
    expect((error as RpcUnreachableError).code).toBe('CHAIN_RPC_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
