/**
 * Trust model, part 1, tried as an attacker would, against the real local
 * stack (anvil with the registry, a ledger host, a blob service, three
 * proxies at 2 of 3 and one standing by), over real HTTP on 127.0.0.1:
 *
 * - a ledger host working with a reader shows the proxies a forked view in
 *   which a psychiatric note is re-posted by the reader as `laboratory`
 *   (and, once the patient anchored the true ledger, a view inconsistent
 *   with the anchor is refused altogether);
 * - a stranger writes a fake lab result into the patient's ledger;
 * - a junk record, a missing blob and a far-future entry;
 * - sharing while one of the patient's proxies is down.
 *
 * Each of these succeeded against the code before owner-endorsed records,
 * per-record results and the clock-skew rule.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anchorCheckpoint, KeyRetiredError, verifyLedgerAgainstChain } from '@medvault/core/chain';
import { collect, openRecord, sealRecordBytes } from '@medvault/core/envelope';
import {
  currentEncryptionKey,
  type EntryBody,
  LEDGER_VERSION,
  Ledger,
  MemoryLedgerStore,
  signCheckpoint,
  signEntry,
  type UnsignedEntry,
} from '@medvault/core/ledger';
import { LedgerHostClient, LedgerHostRequestError } from '@medvault/core/ledger-host';
import { SecretKey, Signer } from '@medvault/core/pre';
import {
  type Grant,
  grantAccess,
  indexLedger,
  listSharedRecords,
  NotEnoughFragmentsError,
  type ProxyEndpoint,
  readShared,
  revokeAccess,
  rotateCategories,
  rotateIdentity,
} from '@medvault/core/proxy';
import { HttpStore } from '@medvault/core/storage';
import { devClient, type RunningLedgerHost, startLedgerHost } from '@medvault/node/services';
import { recoverDelegatingKey, TEST_CATEGORIES, testPatient } from '@medvault/testing';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FREE_PORTS, type LocalStack, startLocalStack } from '../src/local-stack.js';

const DAY = 86_400_000;
let dir: string;
let stack: LocalStack;
let store: HttpStore;
let chain: Parameters<typeof grantAccess>[0]['chain'];
const servers: Server[] = [];
const hosts: RunningLedgerHost[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medvault-attacks-'));
  stack = await startLocalStack({ dataDir: join(dir, 'stack'), ports: FREE_PORTS, log: () => {} });
  store = new HttpStore({ gateway: stack.blobService.url });
  const { client, relayer } = await devClient(stack.chain.rpcUrl);
  chain = { client, registry: stack.chain.registry, relayer };
}, 120_000);

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const h of hosts) await h.close();
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const endpoints = (): ProxyEndpoint[] =>
  stack.proxies.map((p) => ({ url: p.url, publicKey: p.publicKey }));

/** A patient with a ledger on `hostUrl`. */
async function patientOn(hostUrl: string) {
  const patient = testPatient();
  const key = patient.identity;
  const owner = patient.owner;
  const host = new LedgerHostClient({ url: hostUrl, signer: owner });
  const genesis = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  const ledgerId = await host.createLedger(genesis.entryBytes(0));
  await host.submit(ledgerId, 'encryption-keys', patient.keysEntry(), owner);
  /** What grantAccess needs to delegate `categories` (epoch 0). */
  const keysFor = (categories: string[]) => ({
    identity: key,
    delegations: categories.map((category) => ({
      category,
      epoch: 0,
      secretKey: patient.secretOf(category),
    })),
    notesKey: patient.keys.notesKey().publicKey(),
  });
  /**
   * Seals `text` to the patient, stores it (unless `stored` is false), and
   * enters it in the ledger signed by `author`.
   */
  const record = async (text: string, category: string, author: Signer = owner, stored = true) => {
    const sealed = await sealRecordBytes(patient.keyOf(category), new TextEncoder().encode(text), {
      contentType: 'application/fhir+json',
    });
    if (stored) await store.put(sealed.bytes);
    const cid = sealed.cid.toString();
    const body: EntryBody<'record'> = {
      cid,
      capsule: sealed.capsule.toBytes(),
      contentType: 'application/fhir+json',
      resourceType: 'Observation',
      category,
      size: sealed.size,
      recipient: patient.recipientOf(category),
    };
    const entry = await host.submit(ledgerId, 'record', body, author);
    return { cid, body, entry };
  };
  /** A share of `categories` with `reader` through the stack's proxies; `overrides` changes any parameter. */
  const share = (
    reader: SecretKey,
    categories: string[],
    overrides: Partial<Parameters<typeof grantAccess>[0]> = {},
  ) =>
    grantAccess({
      ...keysFor(categories),
      reader: reader.publicKey(),
      scope: { categories },
      purpose: 'follow-up',
      expiresAt: Date.now() + DAY,
      proxies: endpoints(),
      // a test that stops a proxy leaves its place to the standby
      standby: stack.standbyProxies.map((p) => ({ url: p.url, publicKey: p.publicKey })),
      threshold: 2,
      ledger: { host, ledgerId },
      chain,
      ...overrides,
    });
  return { key, owner, host, ledgerId, record, share, keysFor, patient };
}

/** Reads `cids` as `reader`; the texts opened, and the failures by CID. */
async function readAs(reader: SecretKey, grant: Grant, cids: string[]) {
  const result = await readShared({ reader, grant, cids, store, timeoutMs: 5_000 });
  const texts = await Promise.all(
    result.records.map(async (r) => new TextDecoder().decode(await collect(r.stream))),
  );
  return {
    texts,
    failed: Object.fromEntries(result.failed.map((f) => [f.cid, f.code])),
  };
}

/**
 * An attacker's HTTP front: forwards each request to the URL `route` picks
 * for it, and may rewrite the answer's text (`rewrite`, given the path).
 * Returns its URL; it is closed after the tests.
 */
async function attackerFront(
  route: (req: IncomingMessage) => string,
  rewrite: (path: string, text: string) => string = (_path, text) => text,
): Promise<string> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host') headers[k] = v;
    const upstream = await fetch(`${route(req)}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(upstream.ok ? rewrite(req.url ?? '', text) : text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('attacks on the trust model', () => {
  test('a forked view in which the reader re-labels a psychiatric note as a lab result gets the reader nothing', async () => {
    // The attacker runs the "ledger host" the patient uses: a front that
    // serves the patient the true ledger and the proxies a fork (two ledger
    // hosts behind it, both answering to the front's URL).
    let truthUrl = '';
    let forkUrl = '';
    const proxyKeys = new Set(
      stack.proxies.map((p) => bytesToHex(p.publicKey.toCompressedBytes())),
    );
    const frontUrl = await attackerFront((req) => {
      const key = req.headers['x-medvault-key'];
      return typeof key === 'string' && proxyKeys.has(key) ? forkUrl : truthUrl;
    });
    const truth = await startLedgerHost({
      dataDir: join(dir, 'truth'),
      publicUrls: [frontUrl],
      log: () => {},
    });
    const forkHost = await startLedgerHost({
      dataDir: join(dir, 'fork'),
      publicUrls: [frontUrl],
      log: () => {},
    });
    hosts.push(truth, forkHost);
    truthUrl = truth.url;
    forkUrl = forkHost.url;

    const reader = SecretKey.random();
    const patient = await patientOn(frontUrl);
    const lab = await patient.record('{"code":"HbA1c","value":6.1}', 'laboratory');
    const grant = await patient.share(reader, ['laboratory']);
    const psych = await patient.record(
      'PSYCHIATRY: suicidal ideation, do not disclose',
      'psychiatry',
    );

    // the fork: the true entries up to the note, then the reader's own "record" of it
    const trueEntries = await new LedgerHostClient({
      url: truthUrl,
      signer: patient.owner,
    }).entries(patient.ledgerId);
    const forkClient = new LedgerHostClient({ url: forkHost.url, signer: patient.owner });
    await forkClient.createLedger(trueEntries[0] as Uint8Array);
    for (const bytes of trueEntries.slice(1, psych.entry.seq)) {
      await forkClient.submitSigned(patient.ledgerId, bytes);
    }
    await forkClient.submit(
      patient.ledgerId,
      'record',
      { ...psych.body, category: 'laboratory' },
      new Signer(reader),
    );

    const { texts, failed } = await readAs(reader, grant, [lab.cid, psych.cid]);
    expect(texts).toEqual(['{"code":"HbA1c","value":6.1}']);
    expect(failed).toEqual({ [psych.cid]: 'PROXY_OUT_OF_SCOPE' });

    // Once the patient anchors the true ledger, a view that is not consistent
    // with the anchor (here: one entry shorter, and another entry at its end)
    // is refused by every proxy: nothing is read through the fork at all.
    const truthView = await new LedgerHostClient({ url: truthUrl, signer: patient.owner }).entries(
      patient.ledgerId,
    );
    const held = await Ledger.open(hexToBytes(patient.ledgerId), {
      store: new MemoryLedgerStore(),
    });
    for (const bytes of truthView) await held.appendSigned(bytes);
    await anchorCheckpoint(chain.client, {
      registry: chain.registry,
      relayer: chain.relayer,
      checkpoint: await held.checkpoint(patient.owner),
      owner: patient.key,
    });
    // proxies reuse what the chain said for up to 1 s, as they do for a grant's status
    await new Promise((r) => setTimeout(r, 1_100));
    const refused = await readShared({ reader, grant, cids: [lab.cid], store, timeoutMs: 5_000 })
      .then(() => undefined)
      .catch((e) => e);
    expect(refused).toBeInstanceOf(NotEnoughFragmentsError);
    expect(
      (refused as NotEnoughFragmentsError).failures.every(
        (f) => f.code === 'PROXY_UPSTREAM_UNAVAILABLE',
      ),
    ).toBe(true);
  }, 120_000);

  test('a stranger’s fake lab result is not served, not listed, and waits for the patient as a proposal', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const real = await patient.record('{"code":"K","value":4.2}', 'laboratory');
    const grant = await patient.share(reader, ['laboratory']);
    // anyone who learns the ledger id may write a record entry: here a forged potassium 1.9
    const stranger = new Signer(SecretKey.random());
    const fake = await patient.record('{"code":"K","value":1.9}', 'laboratory', stranger);

    const listed = await listSharedRecords({
      host: new LedgerHostClient({ url: stack.ledgerHost.url }),
      grant,
      reader,
    });
    expect(listed.records.map((r) => r.cid)).toEqual([real.cid]);
    expect(listed.records[0]?.author).toBe(
      bytesToHex(patient.owner.verifyingKey().toCompressedBytes()),
    );
    const { texts, failed } = await readAs(reader, grant, [real.cid, fake.cid]);
    expect(texts).toEqual(['{"code":"K","value":4.2}']);
    expect(failed).toEqual({ [fake.cid]: 'PROXY_OUT_OF_SCOPE' });
    // the patient sees it as a proposal from its author, unendorsed
    const index = indexLedger(await patient.host.entries(patient.ledgerId));
    expect([...index.proposals.values()].map((p) => [p.cid, p.author])).toEqual([
      [fake.cid, bytesToHex(stranger.verifyingKey().toCompressedBytes())],
    ]);
    expect(index.records.has(fake.cid)).toBe(false);
  }, 60_000);

  test('a junk record, a missing blob and a far-future entry change nothing for the others', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const good = await patient.record('{"code":"LDL","value":2.4}', 'laboratory');
    // the patient's own record whose blob never reached storage
    const lost = await patient.record(
      '{"code":"HDL","value":1.1}',
      'laboratory',
      patient.owner,
      false,
    );
    const grant = await patient.share(reader, ['laboratory']);
    // a stranger's junk lab entry: a blob it stored, and a "capsule" that is not one
    const stranger = new Signer(SecretKey.random());
    const junkBlob = await sealRecordBytes(patient.patient.keyOf('laboratory'), randomBytes(64), {
      contentType: 'application/fhir+json',
    });
    const junkCid = (await store.put(junkBlob.bytes)).toString();
    await patient.host.submit(
      patient.ledgerId,
      'record',
      { ...good.body, cid: junkCid, capsule: randomBytes(98) },
      stranger,
    );
    // an entry dated at the end of time: refused, the ledger goes on
    const head = await patient.host.head(patient.ledgerId);
    const future = signEntry(
      {
        v: LEDGER_VERSION,
        ledger: hexToBytes(patient.ledgerId),
        seq: head.size,
        prev: hexToBytes(head.head),
        time: Number.MAX_SAFE_INTEGER,
        kind: 'record',
        body: { ...good.body, cid: 'bafkreifuture', capsule: randomBytes(98) },
        author: stranger.verifyingKey().toCompressedBytes(),
      } as UnsignedEntry<'record'>,
      stranger,
    );
    const refused = await patient.host.submitSigned(patient.ledgerId, future).catch((e) => e);
    expect(refused).toBeInstanceOf(LedgerHostRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'LEDGER_FUTURE_ENTRY' });

    const { texts, failed } = await readAs(reader, grant, [good.cid, lost.cid, junkCid]);
    expect(texts).toEqual(['{"code":"LDL","value":2.4}']);
    expect(Object.keys(failed).sort()).toEqual([lost.cid, junkCid].sort());
    expect(failed[junkCid]).toBe('PROXY_OUT_OF_SCOPE');
    expect(failed[lost.cid]).toMatch(/^STORAGE_/);
    // and a new grant after all this still starts and reads
    const again = await patient.share(reader, ['laboratory']);
    expect((await readAs(reader, again, [good.cid])).texts).toEqual(['{"code":"LDL","value":2.4}']);
  }, 60_000);

  test('a proxy that refuses every record to deny service is routed around', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const lab = await patient.record('{"code":"CRP","value":3}', 'laboratory');
    // in front of the first proxy: every record answered with a refusal
    const target = stack.proxies[0] as (typeof stack.proxies)[number];
    const refusingUrl = await attackerFront(
      () => target.url,
      (path, text) =>
        path !== '/v1/reencrypt'
          ? text
          : JSON.stringify({
              cfrags: (JSON.parse(text) as { cfrags: { cid: string }[] }).cfrags.map(({ cid }) => ({
                cid,
                error: { code: 'PROXY_OUT_OF_SCOPE', message: 'refused' },
              })),
            }),
    );
    const front = {
      url: refusingUrl,
      publicKey: target.publicKey,
    };
    const grant = await patient.share(reader, ['laboratory'], {
      proxies: [front, ...endpoints().slice(1)],
      standby: [],
    });
    const result = await readShared({
      reader,
      grant,
      cids: [lab.cid],
      store,
      timeoutMs: 5_000,
      hedgeAfterMs: 60_000, // no hedging: the next proxy is asked because the first refused
    });
    expect(result.failed).toEqual([]);
    expect(new TextDecoder().decode(await collect(result.records[0]!.stream))).toBe(
      '{"code":"CRP","value":3}',
    );
  }, 60_000);

  test('a share whose grant entry the ledger host refuses leaves no fragment behind', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const held = async () =>
      Promise.all(
        stack.proxies.map(
          async (p) =>
            ((await (await fetch(`${p.url}/v1/health`)).json()) as { grants: number }).grants,
        ),
      );
    const before = await held();
    // a ledger the host does not have: fragments are delivered, then the entry is refused
    const refused = await patient
      .share(reader, ['laboratory'], {
        ledger: { host: patient.host, ledgerId: bytesToHex(randomBytes(32)) },
        standby: [],
      })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(LedgerHostRequestError);
    expect(refused).toMatchObject({ status: 404 });
    expect(await held()).toEqual(before);
  }, 60_000);

  test('a share succeeds with one of the patient’s proxies down: the standby takes its fragment', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const lab = await patient.record('{"code":"TSH","value":2.0}', 'laboratory');
    const down = stack.proxies[2] as (typeof stack.proxies)[number];
    await stack.stopProxy(2);
    const grant = await patient.share(reader, ['laboratory']);
    expect(grant.proxies.map((p) => p.url)).toEqual([
      stack.proxies[0]?.url,
      stack.proxies[1]?.url,
      stack.standbyProxies[0]?.url,
    ]);
    expect(grant.proxyFailures.map((f) => f.proxy)).toEqual([down.url]);
    expect((await readAs(reader, grant, [lab.cid])).texts).toEqual(['{"code":"TSH","value":2.0}']);
  }, 60_000);
});

/** Key fragments proxy `name` of the stack holds for a grant, as its operator can read them off its disk. */
async function heldFragments(name: string, grantId: string) {
  const file = join(dir, 'stack', 'proxies', name, 'grants', `${grantId}.json`);
  const stored = JSON.parse(await readFile(file, 'utf8')) as {
    kfrags: { key: string; kfrag: string }[];
  };
  return stored.kfrags.map((k) => ({ key: k.key, kfrag: hexToBytes(k.kfrag) }));
}

/** What t proxies and the reader of a grant interpolate from the fragments they hold. */
function coalitionKeys(
  held: { key: string; kfrag: Uint8Array }[][],
  reader: SecretKey,
): Map<string, SecretKey> {
  const byKey = new Map<string, Uint8Array[]>();
  for (const proxy of held) {
    for (const { key, kfrag } of proxy) byKey.set(key, [...(byKey.get(key) ?? []), kfrag]);
  }
  return new Map(
    [...byKey].map(([key, kfrags]) => [
      key,
      SecretKey.fromBEBytes(recoverDelegatingKey(kfrags, reader.toBEBytes())),
    ]),
  );
}

/** Whether `key` opens the sealed record `cid` (its plaintext, or undefined). */
async function opensWith(cid: string, key: SecretKey): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await collect(await openRecord(await store.get(cid), key)));
  } catch {
    return undefined;
  }
}

describe('what a coalition of a grant’s proxies and its reader gets', () => {
  test('t proxies plus the reader of a lab grant recover the laboratory key of that epoch — no identity key, no other category', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const lab = await patient.record('{"code":"HbA1c","value":6.1}', 'laboratory');
    const psych = await patient.record('{"note":"psychiatric assessment"}', 'psychiatry');
    const grant = await patient.share(reader, ['laboratory']);
    expect(grant.categories).toEqual(['laboratory']);

    // the attack: proxies a and b (t = 2) pool what they hold with the reader
    const held = [await heldFragments('a', grant.grantId), await heldFragments('b', grant.grantId)];
    const stolen = coalitionKeys(held, reader);
    // exactly one key: the laboratory key of epoch 0
    expect([...stolen.keys()]).toEqual([bytesToHex(patient.patient.recipientOf('laboratory'))]);
    const key = stolen.values().next().value as SecretKey;
    expect(key.publicKey().equals(patient.patient.keyOf('laboratory'))).toBe(true);
    // it opens the lab record without any proxy: what the grant shares anyway
    expect(await opensWith(lab.cid, key)).toBe('{"code":"HbA1c","value":6.1}');
    // not the psychiatric note, sealed to the psychiatry key
    expect(await opensWith(psych.cid, key)).toBeUndefined();
    // not the identity key: the ledger refuses what it signs as the patient
    expect(key.publicKey().equals(patient.key.publicKey())).toBe(false);
    const forged = await patient.host
      .submit(patient.ledgerId, 'revoke', { grantId: hexToBytes(grant.grantId) }, new Signer(key))
      .catch((e) => e);
    expect(forged).toMatchObject({ code: 'LEDGER_UNAUTHORIZED' });
    // and no category key but the one delegated
    for (const category of TEST_CATEGORIES.filter((c) => c !== 'laboratory')) {
      expect(key.publicKey().equals(patient.patient.keyOf(category))).toBe(false);
    }
  }, 60_000);

  test('after a revocation, colluding proxies that kept their fragments and the reader cannot open a record sealed after it; other shares read on', async () => {
    const revokedReader = SecretKey.random();
    const otherReader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const before = await patient.record('{"code":"LDL","value":2.4}', 'laboratory');
    const revoked = await patient.share(revokedReader, ['laboratory']);
    const other = await patient.share(otherReader, ['laboratory']);
    // the colluding operators keep a copy of their fragments before the patient revokes
    const kept = [
      await heldFragments('a', revoked.grantId),
      await heldFragments('b', revoked.grantId),
    ];

    await revokeAccess({
      identity: patient.key,
      grant: revoked,
      ledger: { host: patient.host, ledgerId: patient.ledgerId },
      chain,
    });
    const verified = await patient.host.sync(patient.ledgerId);
    const { rotated, updated } = await rotateCategories({
      identity: patient.key,
      keys: patient.patient.keys,
      ledger: { host: patient.host, ledgerId: patient.ledgerId },
      verified: { state: verified.state, entries: await patient.host.entries(patient.ledgerId) },
      categories: revoked.categories,
    });
    expect(rotated).toEqual([{ category: 'laboratory', epoch: 1 }]);
    // the other lab share was given the new key by every proxy, with no prompt
    expect(updated).toEqual([{ grantId: other.grantId, categories: ['laboratory'], failures: [] }]);

    // a hospital seals the next lab result to the key the ledger now names
    const now = currentEncryptionKey(
      (
        await new LedgerHostClient({
          url: stack.ledgerHost.url,
          signer: new Signer(SecretKey.random()),
        }).sync(patient.ledgerId)
      ).state,
      'laboratory',
    );
    expect(now.epoch).toBe(1);
    const sealed = await sealRecordBytes(
      now.key,
      new TextEncoder().encode('{"code":"LDL","value":1.9}'),
      {
        contentType: 'application/fhir+json',
      },
    );
    await store.put(sealed.bytes);
    const after = sealed.cid.toString();
    await patient.host.submit(
      patient.ledgerId,
      'record',
      {
        cid: after,
        capsule: sealed.capsule.toBytes(),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: sealed.size,
        recipient: now.key.toCompressedBytes(),
      },
      patient.owner,
    );

    // the coalition: the epoch-0 key only — what it could read stays exposed, the new record does not open
    const stolen = coalitionKeys(kept, revokedReader);
    expect(stolen.size).toBe(1);
    const key = stolen.values().next().value as SecretKey;
    expect(await opensWith(before.cid, key)).toBe('{"code":"LDL","value":2.4}');
    expect(await opensWith(after, key)).toBeUndefined();
    // the other share reads old and new through the proxies
    expect((await readAs(otherReader, other, [before.cid, after])).texts).toEqual([
      '{"code":"LDL","value":2.4}',
      '{"code":"LDL","value":1.9}',
    ]);
    // and the revoked reader gets nothing through them
    const refused = await readShared({
      reader: revokedReader,
      grant: revoked,
      cids: [after],
      store,
      timeoutMs: 5_000,
    }).catch((e) => e);
    expect(refused).toBeInstanceOf(NotEnoughFragmentsError);
  }, 90_000);
});

describe('identity rotation after theft', () => {
  test('the old key can no longer grant, revoke or anchor; the registry, proxies and readers follow the new key', async () => {
    const reader = SecretKey.random();
    const patient = await patientOn(stack.ledgerHost.url);
    const oldKey = patient.key;
    const newKey = patient.patient.keys.identity(1);
    const ledger = { host: patient.host, ledgerId: patient.ledgerId };
    const before = await patient.record('{"code":"TSH","value":2.1}', 'laboratory');
    const grant = await patient.share(reader, ['laboratory']);

    const rotation = await rotateIdentity({ identity: oldKey, next: newKey, ledger, chain });
    expect(rotation.anchoredSize).toBe(rotation.seq + 1);

    // the stolen key: the ledger refuses its entries, the registry its calls
    const asThief = await patient.host
      .submit(
        patient.ledgerId,
        'revoke',
        { grantId: hexToBytes(grant.grantId) },
        new Signer(oldKey),
      )
      .catch((e) => e);
    expect(asThief).toMatchObject({ code: 'LEDGER_UNAUTHORIZED' });
    const thiefRevokes = await revokeAccess({ identity: oldKey, grant, ledger, chain }).catch(
      (e) => e,
    );
    expect(thiefRevokes).toBeInstanceOf(KeyRetiredError);
    const verified = await patient.host.withSigner(new Signer(newKey)).sync(patient.ledgerId);
    const thiefAnchors = await anchorCheckpoint(chain.client, {
      registry: chain.registry,
      relayer: chain.relayer,
      owner: oldKey,
      checkpoint: signCheckpoint(
        {
          ledger: hexToBytes(patient.ledgerId),
          size: verified.size,
          root: verified.root,
          time: Date.now(),
        },
        new Signer(oldKey),
      ),
    }).catch((e) => e);
    expect(thiefAnchors).toBeInstanceOf(KeyRetiredError);
    const thiefShares = await patient
      .share(SecretKey.random(), ['laboratory'], { purpose: 'exfiltration', standby: [] })
      .catch((e) => e);
    expect(thiefShares).toBeInstanceOf(KeyRetiredError);
    // verifiers find the ledger anchored under its new owner
    const { anchor } = await verifyLedgerAgainstChain(chain.client, {
      registry: chain.registry,
      entries: await patient.host.withSigner(new Signer(newKey)).entries(patient.ledgerId),
    });
    expect(anchor.size).toBe(rotation.anchoredSize);

    // the new key shares and revokes; rotating the laboratory key reaches the grant made
    // under the old key too: its proxies take fragments signed by the new key
    const second = await patient.share(SecretKey.random(), ['laboratory'], {
      identity: newKey,
      purpose: 'second opinion',
    });
    await revokeAccess({ identity: newKey, grant: second, ledger, chain });
    const state = (await patient.host.withSigner(new Signer(newKey)).sync(patient.ledgerId)).state;
    const { updated } = await rotateCategories({
      identity: newKey,
      keys: patient.patient.keys,
      ledger: { host: patient.host.withSigner(new Signer(newKey)), ledgerId: patient.ledgerId },
      verified: {
        state,
        entries: await patient.host.withSigner(new Signer(newKey)).entries(patient.ledgerId),
      },
      categories: ['laboratory'],
    });
    expect(updated).toEqual([{ grantId: grant.grantId, categories: ['laboratory'], failures: [] }]);
    const labNow = patient.patient.keyOf('laboratory', 1);
    const sealed = await sealRecordBytes(
      labNow,
      new TextEncoder().encode('{"code":"TSH","value":1.4}'),
      {
        contentType: 'application/fhir+json',
      },
    );
    await store.put(sealed.bytes);
    await patient.host.submit(
      patient.ledgerId,
      'record',
      {
        cid: sealed.cid.toString(),
        capsule: sealed.capsule.toBytes(),
        contentType: 'application/fhir+json',
        resourceType: 'Observation',
        category: 'laboratory',
        size: sealed.size,
        recipient: labNow.toCompressedBytes(),
      },
      new Signer(newKey),
    );
    // the reader of the old grant reads both, checking each fragment's signer is the patient's
    const listed = await listSharedRecords({ host: patient.host, grant, reader });
    expect(
      listed.identities.map((k) => k.equals(oldKey.publicKey()) || k.equals(newKey.publicKey())),
    ).toEqual([true, true]);
    const result = await readShared({
      reader,
      grant,
      cids: listed.records.map((r) => r.cid),
      store,
      identities: listed.identities,
      timeoutMs: 5_000,
    });
    expect(
      await Promise.all(
        result.records.map(async (r) => new TextDecoder().decode(await collect(r.stream))),
      ),
    ).toEqual(['{"code":"TSH","value":2.1}', '{"code":"TSH","value":1.4}']);
    expect(before.cid).toBe(listed.records[0]?.cid);
    // and the new key revokes the grant the old key made
    await revokeAccess({ identity: newKey, grant, ledger, chain });
    const refused = await readShared({
      reader,
      grant,
      cids: [before.cid],
      store,
      timeoutMs: 5_000,
    }).catch((e) => e);
    expect(refused).toBeInstanceOf(NotEnoughFragmentsError);
  }, 120_000);
});
