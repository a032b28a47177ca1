/**
 * `npm run bench:ledger -w @medvault/core`: append throughput, full and
 * incremental verification, and proofs at 1M leaves, against the issue's
 * targets. Not shipped.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { Bench } from 'tinybench';
import { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import {
  decodeEntry,
  type Entry,
  encodeEntry,
  hashEntry,
  LEDGER_VERSION,
  signEntry,
  verifyEntrySignature,
} from './entry.js';
import { Ledger } from './ledger.js';
import { MerkleTree, verifyConsistencyProof, verifyInclusionProof } from './merkle.js';
import { MemoryLedgerStore } from './store.js';
import { verifyAppended, verifyLedger } from './verify.js';

const owner = new Signer(SecretKey.random());
const hospitals = [0, 1, 2].map(() => new Signer(SecretKey.random()));
const ownerKey = owner.verifyingKey().toCompressedBytes();
/** The records are hospitals' proposals sealed to a laboratory key. */
const labKey = SecretKey.random().publicKey().toCompressedBytes();

function line(name: string, value: string, target?: string, met?: boolean): void {
  console.log(
    `${name.padEnd(52)} ${value.padStart(18)}  ${target ? `${target} ${met ? 'met' : 'MISSED'}` : ''}`,
  );
}

async function median(fn: () => unknown): Promise<number> {
  const bench = new Bench({ time: 500, warmupTime: 100 }).add('x', fn);
  await bench.run();
  const r = bench.getTask('x')?.result;
  if (r?.state !== 'completed') throw new Error('benchmark failed');
  return r.latency.p50;
}

/** n signed entries: genesis then records by three hospitals. */
function buildEntries(n: number): Uint8Array[] {
  const ledger = randomBytes(32);
  const out: Uint8Array[] = [];
  let prev: Uint8Array = new Uint8Array(32);
  for (let seq = 0; seq < n; seq++) {
    const signer = seq === 0 ? owner : (hospitals[seq % 3] as Signer);
    const entry: Entry =
      seq === 0
        ? signEntry(
            {
              v: LEDGER_VERSION,
              ledger,
              seq,
              prev,
              time: seq,
              kind: 'genesis',
              body: { owner: ownerKey },
              author: ownerKey,
            },
            owner,
          )
        : signEntry(
            {
              v: LEDGER_VERSION,
              ledger,
              seq,
              prev,
              time: seq,
              kind: 'record',
              body: {
                cid: `bafkrei${seq}`,
                capsule: randomBytes(105),
                contentType: 'application/fhir+json',
                category: 'laboratory',
                size: seq,
                recipient: labKey,
              },
              author: signer.verifyingKey().toCompressedBytes(),
            },
            signer,
          );
    const bytes = encodeEntry(entry);
    out.push(bytes);
    prev = hashEntry(bytes);
    if (seq % 20_000 === 19_999) process.stderr.write(`  built ${seq + 1} entries\n`);
  }
  return out;
}

console.log('\nPatient ledger');

// append throughput
{
  const ledger = await Ledger.create(owner, { store: new MemoryLedgerStore() });
  const n = 1000;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await ledger.append(
      'record',
      {
        cid: `bafkrei${i}`,
        capsule: randomBytes(105),
        contentType: 'application/fhir+json',
        category: 'laboratory',
        size: i,
        recipient: labKey,
      },
      hospitals[i % 3] as Signer,
    );
  }
  line(
    'append (sign + verify + store), entries/s',
    (n / ((performance.now() - start) / 1000)).toFixed(0),
  );
}

// full verification, and where the time goes
for (const n of [10_000, 100_000]) {
  const entries = buildEntries(n);
  const start = performance.now();
  verifyLedger(entries);
  const total = (performance.now() - start) / 1000;
  const decoded = entries.map((b) => decodeEntry(b));
  const sigStart = performance.now();
  for (const e of decoded) verifyEntrySignature(e);
  const sigs = (performance.now() - sigStart) / 1000;
  const hashStart = performance.now();
  for (const b of entries) sha256(b);
  const hashing = (performance.now() - hashStart) / 1000;
  line(
    `full verification of ${n} entries`,
    `${total.toFixed(1)} s`,
    n === 100_000 ? '< 60 s' : undefined,
    total < 60,
  );
  line(`  entries/s`, (n / total).toFixed(0));
  line(`  signature checks`, `${sigs.toFixed(1)} s (${((sigs / total) * 100).toFixed(0)}%)`);
  line(`  entry hashing`, `${hashing.toFixed(2)} s (${((hashing / total) * 100).toFixed(0)}%)`);
  line(`  decoding, rules, Merkle (the rest)`, `${(total - sigs - hashing).toFixed(1)} s`);

  if (n === 10_000) {
    // incremental: one more entry on top of a verified head
    const head = verifyLedger(entries.slice(0, -1));
    const last = entries.at(-1) as Uint8Array;
    const ms = await median(() => verifyAppended(head, [last]));
    line('incremental verification of one appended entry', `${ms.toFixed(2)} ms`, '< 2 ms', ms < 2);
  }
}

// proofs at 1M leaves
{
  const tree = new MerkleTree();
  const leaves = 1 << 20;
  for (let i = 0; i < leaves; i++)
    tree.append(sha256(Uint8Array.of(i & 255, (i >> 8) & 255, i >> 16)));
  const index = 777_777;
  const leaf = sha256(Uint8Array.of(index & 255, (index >> 8) & 255, index >> 16));
  const root = tree.root();
  const inclusion = tree.proveInclusion(index);
  const ms = await median(() => verifyInclusionProof(leaf, inclusion, root));
  line(
    'inclusion proof at 1M leaves: size',
    `${inclusion.path.length} hashes, ${inclusion.path.length * 32} B`,
  );
  line(
    'inclusion proof at 1M leaves: verification',
    `${(ms * 1000).toFixed(0)} µs`,
    '< 1 ms',
    ms < 1,
  );
  const old = 600_001;
  const consistency = tree.proveConsistency(old);
  const oldRoot = tree.root(old);
  const cms = await median(() => verifyConsistencyProof(consistency, oldRoot, root));
  line(
    'consistency proof 600001 → 1M: size',
    `${consistency.path.length} hashes, ${consistency.path.length * 32} B`,
  );
  line('consistency proof 600001 → 1M: verification', `${(cms * 1000).toFixed(0)} µs`);
}

console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
