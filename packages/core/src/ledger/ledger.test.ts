import { caught } from '@medvault/testing';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { indexLedger } from '../proxy/record-index.js';
import { decodeCheckpoint, encodeCheckpoint, signCheckpoint } from './checkpoint.js';
import {
  decodeAnyEntry,
  decodeEntry,
  type EntryBody,
  encodeEntry,
  hashEntry,
  LEDGER_VERSION,
  signEntry,
  stubOf,
} from './entry.js';
import {
  AccessOutsideGrantError,
  ChainBrokenError,
  CheckpointMismatchError,
  ConsistencyProofError,
  DuplicateRecordError,
  ForkError,
  LedgerError,
  LedgerSignatureError,
  MalformedLedgerDataError,
  SequenceError,
  TruncatedLedgerError,
  UnauthorizedEntryError,
  WithheldEntryError,
  WrongRecipientError,
} from './errors.js';
import { Ledger } from './ledger.js';
import { signKeyRotation } from './state.js';
import { MemoryLedgerStore } from './store.js';
import { sampleLedger } from './test-fixtures.js';
import { verifyAppended, verifyConsistency, verifyInclusion, verifyLedger } from './verify.js';

describe('a valid ledger', () => {
  test('takes a chosen 32-byte id, and refuses any other length', async () => {
    const owner = new Signer(SecretKey.random());
    const id = randomBytes(32);
    const ledger = await Ledger.create(owner, { id });
    expect(ledger.id).toEqual(id);
    expect(decodeEntry(ledger.entryBytes(0)).ledger).toEqual(id);
    for (const bad of [randomBytes(31), randomBytes(33), new Uint8Array(0)]) {
      expect(await Ledger.create(owner, { id: bad }).catch((e) => e)).toBeInstanceOf(
        MalformedLedgerDataError,
      );
    }
  });

  test('verifies, with size, root and owner', async () => {
    const { ledger, owner } = await sampleLedger();
    const cp = await ledger.checkpoint(owner);
    const verified = verifyLedger(ledger.allEntryBytes(), { checkpoints: [cp] });
    expect(verified.size).toBe(8);
    expect(verified.root).toEqual(ledger.root());
    expect(verified.owner).toEqual(owner.verifyingKey().toCompressedBytes());
  });

  test('inclusion and consistency proofs verify against checkpoints', async () => {
    const { ledger, owner, grantId } = await sampleLedger();
    const early = await ledger.checkpoint(owner);
    await ledger.append('revoke', { grantId: grantId }, owner);
    const late = await ledger.checkpoint(owner);
    verifyInclusion(ledger.entryBytes(2), ledger.proveInclusion(2, late.size), late);
    verifyInclusion(ledger.entry(1), ledger.proveInclusion(1, early.size), early);
    verifyConsistency(early, late, ledger.proveConsistency(early.size, late.size));
    expect(
      caught(() =>
        verifyInclusion(ledger.entryBytes(3), ledger.proveInclusion(2, late.size), late),
      ),
    ).toMatchObject({
      code: 'LEDGER_INCLUSION_PROOF',
    });
  });

  test('incremental verification checks only what was appended', async () => {
    const { ledger, owner, grantId } = await sampleLedger();
    const head = verifyLedger(ledger.allEntryBytes());
    await ledger.append('revoke', { grantId }, owner);
    const next = verifyAppended(head, [ledger.entryBytes(head.size)]);
    expect(next.size).toBe(head.size + 1);
    expect(next.root).toEqual(ledger.root());
    expect(head.size).toBe(8); // the earlier head is untouched
  });

  test('a ledger reopened from its store verifies again', async () => {
    const store = new MemoryLedgerStore();
    const owner = new Signer(SecretKey.random());
    const ledger = await Ledger.create(owner, { store });
    await ledger.append(
      'emergency',
      {
        grantee: owner.verifyingKey().toCompressedBytes(),
        note: new TextEncoder().encode('test'),
        expiresAt: Date.now() + 1e6,
      },
      owner,
    );
    await ledger.checkpoint(owner);
    const reopened = await Ledger.open(ledger.id, { store });
    expect(reopened.size).toBe(2);
    expect(reopened.root()).toEqual(ledger.root());
    expect(reopened.checkpoints).toHaveLength(1);
  });
});

describe('two objects over one store (host replicas)', () => {
  test('refresh takes what the other appended, checked, with its checkpoints', async () => {
    const store = new MemoryLedgerStore();
    const { ledger: mine, owner, grantId } = await sampleLedger({ store });
    const theirs = await Ledger.open(mine.id, { store });
    await mine.append('revoke', { grantId }, owner);
    await mine.checkpoint(owner);
    expect(theirs.size).toBe(mine.size - 1);
    expect(await theirs.refresh()).toBe(1);
    expect(theirs.head).toEqual(mine.head);
    expect(theirs.checkpoints).toHaveLength(1);
    // a second refresh, and two at once, take nothing twice
    const both = await Promise.all([theirs.refresh(), theirs.refresh()]);
    expect(both).toEqual([0, 0]);
    expect(theirs.root()).toEqual(mine.root());
  });

  test('an entry the store gained that breaks a rule is refused, and nothing is taken', async () => {
    const store = new MemoryLedgerStore();
    const { ledger } = await sampleLedger({ store });
    const reader = await Ledger.open(ledger.id, { store });
    const stranger = new Signer(SecretKey.random());
    const forged = signEntry(
      {
        v: LEDGER_VERSION,
        ledger: ledger.id,
        seq: ledger.size,
        prev: ledger.head,
        time: Date.now(),
        kind: 'revoke',
        body: { grantId: randomBytes(32) },
        author: stranger.verifyingKey().toCompressedBytes(),
      },
      stranger,
    );
    await store.append(ledger.id, ledger.size, encodeEntry(forged));
    expect(await reader.refresh().catch((e) => e)).toBeInstanceOf(UnauthorizedEntryError);
    expect(reader.size).toBe(ledger.size);
  });
});

describe('what verification catches', () => {
  test('every single-bit change in any entry', async () => {
    const { ledger } = await sampleLedger({ records: 2, accesses: 1 });
    const entries = ledger.allEntryBytes();
    fc.assert(
      fc.property(fc.nat(entries.length - 1), fc.nat(), (i, bit) => {
        const copy = entries.map((e) => Uint8Array.from(e));
        const target = copy[i] as Uint8Array;
        const b = bit % (target.length * 8);
        target[b >> 3]! ^= 1 << (b & 7);
        expect(caught(() => verifyLedger(copy, { ledgerId: ledger.id }))).toBeInstanceOf(
          LedgerError,
        );
      }),
      { numRuns: 300 },
    );
  });

  test('a dropped, duplicated or reordered entry', async () => {
    const { ledger } = await sampleLedger();
    const e = ledger.allEntryBytes();
    expect(caught(() => verifyLedger([...e.slice(0, 3), ...e.slice(4)]))).toBeInstanceOf(
      SequenceError,
    );
    expect(caught(() => verifyLedger([...e.slice(0, 4), e[3]!, ...e.slice(4)]))).toBeInstanceOf(
      SequenceError,
    );
    expect(caught(() => verifyLedger([e[0]!, e[2]!, e[1]!, ...e.slice(3)]))).toBeInstanceOf(
      SequenceError,
    );
  });

  test('truncation after a checkpoint', async () => {
    const { ledger, owner } = await sampleLedger();
    const cp = await ledger.checkpoint(owner);
    const error = caught(() =>
      verifyLedger(ledger.allEntryBytes().slice(0, -2), { checkpoints: [cp] }),
    );
    expect(error).toBeInstanceOf(TruncatedLedgerError);
  });

  test('a fork: two different entries signed for one seq, with both as evidence', async () => {
    const { ledger, owner, grantId } = await sampleLedger();
    const e = ledger.allEntryBytes();
    const original = decodeEntry(e[5]!);
    // the owner signs a different entry 5 (a revoke instead of the proxy's access)
    const fork = signEntry(
      {
        ...original,
        kind: 'revoke',
        body: { grantId: grantId },
        author: owner.verifyingKey().toCompressedBytes(),
      },
      owner,
    );
    const error = caught(() => verifyLedger([...e, encodeEntry(fork)])) as ForkError;
    expect(error).toBeInstanceOf(ForkError);
    expect(error.seq).toBe(5);
    expect(error.evidence).toEqual([e[5], encodeEntry(fork)]);
  });

  test('an entry signed by a key not allowed for its kind', async () => {
    const { ledger, hospital, grantId } = await sampleLedger();
    const error = caught(() => {
      const revoke = signEntry(
        {
          v: LEDGER_VERSION,
          ledger: ledger.id,
          seq: ledger.size,
          prev: ledger.head,
          time: Date.now(),
          kind: 'revoke',
          body: { grantId },
          author: hospital.verifyingKey().toCompressedBytes(),
        },
        hospital,
      );
      verifyLedger([...ledger.allEntryBytes(), encodeEntry(revoke)]);
    });
    expect(error).toBeInstanceOf(UnauthorizedEntryError);
    await expect(ledger.append('revoke', { grantId }, hospital)).rejects.toBeInstanceOf(
      UnauthorizedEntryError,
    );
    expect(ledger.size).toBe(8); // nothing was stored
  });

  test('a record sealed to a key that is not the patient’s key for its category is refused (the owner’s at once, a proposal at endorsement)', async () => {
    const { ledger, owner, hospital, keys } = await sampleLedger({ records: 0, accesses: 0 });
    const body = {
      cid: 'x',
      capsule: randomBytes(105),
      contentType: 'application/pdf',
      category: 'laboratory',
      size: 1,
      recipient: keys.recipientOf('laboratory'),
    };
    for (const [recipient, message] of [
      [owner.verifyingKey().toCompressedBytes(), /not one of the patient's 1 published/], // the identity key
      [keys.recipientOf('psychiatry'), /category "laboratory"/], // another category's key
      [keys.recipientOf('laboratory', 1), /published encryption key/], // an epoch not published
    ] as const) {
      const error = await ledger.append('record', { ...body, recipient }, owner).catch((e) => e);
      expect(error).toBeInstanceOf(WrongRecipientError);
      expect(error.code).toBe('LEDGER_WRONG_RECIPIENT');
      expect(error.message).toMatch(message);
      // another author may propose it; the owner cannot accept it
      const proposal = await ledger.append(
        'record',
        { ...body, cid: `p${ledger.size}`, capsule: randomBytes(105), recipient },
        hospital,
      );
      const decision = { proposal: proposal.seq, entryHash: hashEntry(proposal), accept: true };
      expect(await ledger.append('endorse', decision, owner).catch((e) => e)).toBeInstanceOf(
        WrongRecipientError,
      );
      await ledger.append('endorse', { ...decision, accept: false }, owner);
    }
    // a category without a published key says so
    const unknown = await ledger
      .append('record', { ...body, category: 'dermatology' }, owner)
      .catch((e) => e);
    expect(unknown.message).toMatch(/published no encryption key yet/);
    // the right key is welcome, and so is a past epoch's after a rotation
    await ledger.append('record', body, owner);
    await ledger.append(
      'encryption-keys',
      { keys: [{ category: 'laboratory', epoch: 1, key: keys.recipientOf('laboratory', 1) }] },
      owner,
    );
    await ledger.append(
      'record',
      {
        ...body,
        cid: 'y',
        capsule: randomBytes(105),
        recipient: keys.recipientOf('laboratory', 1),
      },
      owner,
    );
    await ledger.append('record', { ...body, cid: 'z', capsule: randomBytes(105) }, owner);
    expect(verifyLedger(ledger.allEntryBytes()).size).toBe(ledger.size);
  });

  test('a grant delegates only categories its scope covers, and only published ones', async () => {
    const { ledger, owner } = await sampleLedger({ records: 0, accesses: 0 });
    const grant = decodeEntry(ledger.entryBytes(2)).body as EntryBody<'grant'>;
    const next = (change: Partial<EntryBody<'grant'>>) =>
      ledger
        .append('grant', { ...grant, grantId: randomBytes(32), ...change }, owner)
        .catch((e) => e);
    // the scope names laboratory: the psychiatry key may not ride along
    const wider = await next({ categories: ['laboratory', 'psychiatry'] });
    expect(wider).toBeInstanceOf(UnauthorizedEntryError);
    expect(wider.message).toMatch(/"psychiatry", which its scope does not cover/);
    // a scope by resource type may delegate any published category, not an unpublished one
    const unpublished = await next({
      scope: { resourceTypes: ['Observation'] },
      categories: ['dermatology'],
    });
    expect(unpublished.message).toMatch(/"dermatology", which has no published key/);
    await next({
      scope: { resourceTypes: ['Observation'] },
      categories: ['laboratory', 'imaging'],
    });
    expect(verifyLedger(ledger.allEntryBytes()).size).toBe(ledger.size);
  });

  test('encryption keys: only the owner publishes them, each epoch follows the last, no key serves twice, never withheld', async () => {
    const { ledger, owner, hospital, keys } = await sampleLedger({ records: 0, accesses: 0 });
    const publish = (entry: { category: string; epoch: number; key: Uint8Array }[], by = owner) =>
      ledger.append('encryption-keys', { keys: entry }, by).catch((e) => e);
    const lab1 = { category: 'laboratory', epoch: 1, key: keys.recipientOf('laboratory', 1) };
    expect(await publish([lab1], hospital)).toBeInstanceOf(UnauthorizedEntryError);
    expect((await publish([{ ...lab1, epoch: 2 }])).message).toMatch(/next key is epoch 1, not 2/);
    expect((await publish([{ ...lab1, epoch: 0 }])).message).toMatch(/next key is epoch 1, not 0/);
    expect((await publish([{ ...lab1, key: keys.recipientOf('imaging') }])).message).toMatch(
      /already the owner or another encryption key/,
    );
    expect((await publish([{ ...lab1, key: ledger.owner }])).message).toMatch(/already the owner/);
    expect((await publish([lab1, lab1])).message).toMatch(/named twice/);
    await publish([
      lab1,
      { category: 'dermatology', epoch: 0, key: keys.recipientOf('dermatology') },
    ]);
    expect(ledger.state.encryptionKeys.get('laboratory')).toHaveLength(2);
    // served as a stub, it does not verify: every party must see it
    const entries = ledger.allEntryBytes().map((b) => decodeAnyEntry(b));
    const withheld = entries.map((e) => (e.kind === 'encryption-keys' ? stubOf(e) : e));
    expect(caught(() => verifyLedger(withheld.map((e) => encodeEntry(e))))).toBeInstanceOf(
      WithheldEntryError,
    );
  });

  test('a record written again — same CID or same capsule — is refused, so nobody can re-label it into a scope', async () => {
    const { ledger, owner } = await sampleLedger({ records: 1, accesses: 0 });
    const first = decodeEntry(ledger.entryBytes(2)).body as EntryBody<'record'>;
    // the owner cannot count one capsule or CID twice
    const again = (change: Partial<EntryBody<'record'>>) =>
      ledger.append('record', { ...first, category: 'laboratory', ...change }, owner);
    for (const [change, what] of [
      [{ cid: 'bafkreianother' }, /capsule/],
      [{ capsule: randomBytes(105) }, /CID/],
      [{}, /CID/],
    ] as const) {
      const error = await again(change).catch((e) => e);
      expect(error).toBeInstanceOf(DuplicateRecordError);
      expect(error.code).toBe('LEDGER_DUPLICATE_RECORD');
      expect(error.message).toMatch(what);
    }
    // a reader holding a lab grant re-posts the capsule as "laboratory": only a proposal,
    // which nothing counts and which the owner cannot accept either
    const stranger = new Signer(SecretKey.random());
    const relabel = await ledger.append('record', { ...first, category: 'laboratory' }, stranger);
    expect(indexLedger(ledger.allEntryBytes()).records.size).toBe(1);
    const endorse = await ledger
      .append(
        'endorse',
        { proposal: relabel.seq, entryHash: hashEntry(relabel), accept: true },
        owner,
      )
      .catch((e) => e);
    expect(endorse).toBeInstanceOf(DuplicateRecordError);
    // the ledger still verifies; a new record is still welcome
    expect(ledger.size).toBe(5);
    await ledger.append(
      'record',
      { ...first, cid: 'bafkreinew', capsule: randomBytes(105) },
      owner,
    );
    expect(verifyLedger(ledger.allEntryBytes()).size).toBe(6);
  });

  test('another author’s record is a proposal: it counts only once the owner endorses it, and only the owner can', async () => {
    const { ledger, owner, hospital, keys } = await sampleLedger({ records: 0, accesses: 0 });
    const body = {
      cid: 'bafkreiproposed',
      capsule: randomBytes(105),
      contentType: 'application/fhir+json',
      category: 'laboratory',
      size: 10,
      recipient: keys.recipientOf('laboratory'),
    };
    const proposal = await ledger.append('record', body, hospital);
    expect(indexLedger(ledger.allEntryBytes()).records.size).toBe(0);
    expect([...indexLedger(ledger.allEntryBytes()).proposals.keys()]).toEqual([proposal.seq]);
    const decision = { proposal: proposal.seq, entryHash: hashEntry(proposal), accept: true };
    // nobody but the owner decides, and the hash must be the proposal's
    expect(await ledger.append('endorse', decision, hospital).catch((e) => e)).toBeInstanceOf(
      UnauthorizedEntryError,
    );
    const wrongHash = { ...decision, entryHash: randomBytes(32) };
    expect(await ledger.append('endorse', wrongHash, owner).catch((e) => e)).toBeInstanceOf(
      UnauthorizedEntryError,
    );
    const endorsed = await ledger.append('endorse', decision, owner);
    const index = indexLedger(ledger.allEntryBytes());
    expect(index.records.get('bafkreiproposed')).toMatchObject({
      seq: proposal.seq,
      endorsedAt: endorsed.seq,
      author: bytesToHex(hospital.verifyingKey().toCompressedBytes()),
    });
    // decided once
    expect(await ledger.append('endorse', decision, owner).catch((e) => e)).toBeInstanceOf(
      UnauthorizedEntryError,
    );
    // a rejected proposal never counts
    const other = await ledger.append(
      'record',
      { ...body, cid: 'bafkreirejected', capsule: randomBytes(105) },
      hospital,
    );
    await ledger.append(
      'endorse',
      { proposal: other.seq, entryHash: hashEntry(other), accept: false },
      owner,
    );
    expect(indexLedger(ledger.allEntryBytes()).records.has('bafkreirejected')).toBe(false);
    expect(verifyLedger(ledger.allEntryBytes()).size).toBe(ledger.size);
  });

  test('an access outside a grant: after revoke, after expiry, by an unlisted proxy', async () => {
    const revoked = await sampleLedger({ revoke: true });
    const proxy = revoked.proxies[0]!;
    const access = {
      grantId: revoked.grantId,
      proxy: proxy.verifyingKey().toCompressedBytes(),
      capsules: ['bafkreirecord0'],
    };
    await expect(revoked.ledger.append('access', access, proxy)).rejects.toBeInstanceOf(
      AccessOutsideGrantError,
    );

    const expired = await sampleLedger();
    expired.clock.advance(31 * 24 * 3600 * 1000);
    const p0 = expired.proxies[0]!;
    await expect(
      expired.ledger.append(
        'access',
        { ...access, grantId: expired.grantId, proxy: p0.verifyingKey().toCompressedBytes() },
        p0,
      ),
    ).rejects.toBeInstanceOf(AccessOutsideGrantError);

    const stranger = new Signer(SecretKey.random());
    await expect(
      expired.ledger.append(
        'access',
        { ...access, grantId: expired.grantId, proxy: stranger.verifyingKey().toCompressedBytes() },
        stranger,
      ),
    ).rejects.toBeInstanceOf(LedgerError);
  });

  test('a checkpoint whose root does not match', async () => {
    const { ledger, owner } = await sampleLedger();
    const cp = await ledger.checkpoint(owner);
    const forged = signCheckpoint(
      { ledger: cp.ledger, size: cp.size, root: randomBytes(32), time: cp.time },
      owner,
    );
    expect(
      caught(() => verifyLedger(ledger.allEntryBytes(), { checkpoints: [forged] })),
    ).toBeInstanceOf(CheckpointMismatchError);
    const tampered = encodeCheckpoint(cp);
    tampered[tampered.length - 1]! ^= 1;
    expect(caught(() => decodeCheckpoint(tampered))).toBeInstanceOf(LedgerSignatureError);
  });

  test('a consistency proof between checkpoints of two different histories', async () => {
    const a = await sampleLedger();
    const cpA = await a.ledger.checkpoint(a.owner);
    // the same owner rewrites history in a second ledger with the same id: replay genesis, then diverge
    const b = await Ledger.open(a.ledger.id, { store: new MemoryLedgerStore() });
    await b.appendSigned(a.ledger.entryBytes(0));
    await b.append(
      'emergency',
      {
        grantee: a.clinic.publicKey().toCompressedBytes(),
        note: new TextEncoder().encode('rewritten'),
        expiresAt: Date.now() + 1e9,
      },
      a.owner,
    );
    while (b.size < cpA.size + 2) {
      await b.append(
        'emergency',
        {
          grantee: a.clinic.publicKey().toCompressedBytes(),
          note: new TextEncoder().encode(`x${b.size}`),
          expiresAt: Date.now() + 1e9,
        },
        a.owner,
      );
    }
    const cpB = await b.checkpoint(a.owner);
    expect(
      caught(() => verifyConsistency(cpA, cpB, b.proveConsistency(cpA.size, cpB.size))),
    ).toBeInstanceOf(ConsistencyProofError);
  });

  test('a broken chain link and malformed bytes', async () => {
    const { ledger, owner } = await sampleLedger({ records: 1, accesses: 0 });
    const e = ledger.allEntryBytes();
    const last = decodeEntry(e[e.length - 1]!);
    const relinked = signEntry({ ...last, prev: randomBytes(32), author: last.author }, owner);
    expect(caught(() => verifyLedger([...e.slice(0, -1), encodeEntry(relinked)]))).toBeInstanceOf(
      ChainBrokenError,
    );
    expect(caught(() => verifyLedger([new Uint8Array([0xa0])]))).toBeInstanceOf(
      MalformedLedgerDataError,
    );
  });

  test('key rotation needs both keys and moves ownership', async () => {
    const { ledger, owner, grantId } = await sampleLedger({ records: 0, accesses: 0 });
    const next = new Signer(SecretKey.random());
    await ledger.append('key-rotation', signKeyRotation(next, ledger.id, ledger.head), owner);
    await expect(ledger.append('revoke', { grantId }, owner)).rejects.toBeInstanceOf(
      UnauthorizedEntryError,
    );
    await ledger.append('revoke', { grantId }, next);
    expect(verifyLedger(ledger.allEntryBytes()).owner).toEqual(
      next.verifyingKey().toCompressedBytes(),
    );
    const wrongHalf = signKeyRotation(next, ledger.id, randomBytes(32));
    await expect(ledger.append('key-rotation', wrongHalf, next)).rejects.toBeInstanceOf(
      LedgerSignatureError,
    );
  });
});
