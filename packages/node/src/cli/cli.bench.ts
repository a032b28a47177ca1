/**
 * `npm run bench:cli -w @medvault/node`: the built `medvault` CLI as a user
 * runs it, each run a fresh process (start-up included):
 *
 * - `medvault seal FILE --out STORE` (file → FsStore) and `medvault open CID
 *   > FILE` (FsStore → file) at 256 MiB and 1 GiB, against raw node:crypto
 *   AES-256-GCM file to file (a fresh `node` process that reads, encrypts,
 *   writes) in the same run: seconds, ratio (raw seconds / ours: 1.0 is as
 *   fast as raw), peak RSS of the process;
 * - the same raw run with an fsync of its output before it exits: what a
 *   durable write costs here (the seal's blob is durable when it returns;
 *   the headline ratio is still against raw without it);
 * - `medvault --help` start-up against `node -e 0`.
 *
 * Runs alternate (raw, seal, open, raw, …) so load on the machine touches
 * both alike; each figure is the best of `ROUNDS` runs, and the spread is
 * printed too. Peak RSS comes from the process itself at exit
 * (`process.resourceUsage().maxRSS`, through a preloaded module).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZES = (process.env.BENCH_SIZES_MIB ?? '256,1024').split(',').map(Number);
const PACKAGE = join(import.meta.dirname, '../..');
const BIN = join(PACKAGE, 'dist/bin.js');

const dir = await mkdtemp(join(tmpdir(), 'medvault-cli-bench-'));

/** The reference: raw AES-256-GCM file to file, streaming, in its own process. */
const RAW = join(dir, 'raw-aes-gcm.mjs');
await writeFile(
  RAW,
  `import { createReadStream, createWriteStream } from 'node:fs';
import { createCipheriv, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
const out = createWriteStream(process.argv[3]);
await pipeline(createReadStream(process.argv[2], { highWaterMark: 1 << 20 }), cipher, out);
if (process.argv[4] === 'fsync') {
  const { open } = await import('node:fs/promises');
  const handle = await open(process.argv[3], 'r+');
  await handle.sync();
  await handle.close();
}
`,
);
/** Preloaded into every measured process: reports its peak RSS at exit. */
const RSS_HOOK = join(dir, 'report-rss.mjs');
await writeFile(
  RSS_HOOK,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));
`,
);

type Run = { seconds: number; rssMiB: number; stdout: string };

/** Runs `node args` to completion (stdout to `stdoutFile` when given); its wall time and peak RSS. */
async function measure(args: string[], stdoutFile?: string): Promise<Run> {
  const rssFile = join(dir, 'rss');
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const started = performance.now();
  // the CLI runs as a user runs it: its own executable, with the flags of its shebang
  const [command, rest] = args[0] === BIN ? [BIN, args.slice(1)] : [process.execPath, args];
  const child = spawn(command, rest, {
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--import=${RSS_HOOK}` },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const seconds = (performance.now() - started) / 1000;
  if (typeof out === 'number') closeSync(out);
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`);
  const rssKiB = Number(await readFile(rssFile, 'utf8'));
  return { seconds, rssMiB: rssKiB / 1024, stdout };
}

/** Writes `mib` MiB of random bytes to `path`, 1 MiB at a time. */
async function randomFile(path: string, mib: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let i = 0; i < mib; i++) await handle.write(randomBytes(MiB));
  } finally {
    await handle.close();
  }
}

const best = (runs: Run[]) => Math.min(...runs.map((r) => r.seconds));
const worst = (runs: Run[]) => Math.max(...runs.map((r) => r.seconds));
const peak = (runs: Run[]) => Math.max(...runs.map((r) => r.rssMiB));
const f2 = (n: number) => n.toFixed(2);

const keyFile = join(dir, 'patient.key');
const patientPk = (await measure([BIN, 'keygen', '--out', keyFile])).stdout.trim();

console.log(`medvault CLI, ${ROUNDS} rounds, best (worst) seconds; ratio = raw / ours\n`);
console.log(
  '| size | raw AES-GCM file→file | raw + fsync | seal file→store | ratio | peak RSS | open store→file | ratio | peak RSS |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const mib of SIZES) {
  const input = join(dir, `input-${mib}.bin`);
  await randomFile(input, mib);
  const raw: Run[] = [];
  const rawSynced: Run[] = [];
  const seal: Run[] = [];
  const opened: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const store = join(dir, 'store');
    const output = join(dir, 'output.bin');
    raw.push(await measure([RAW, input, output]));
    await rm(output, { force: true });
    rawSynced.push(await measure([RAW, input, output, 'fsync']));
    await rm(output, { force: true });
    const sealed = await measure([
      BIN,
      'seal',
      '--to',
      patientPk,
      input,
      '--out',
      store,
      '--quiet',
    ]);
    seal.push(sealed);
    const cid = sealed.stdout.trim();
    opened.push(
      await measure([BIN, 'open', cid, '--key', keyFile, '--store', store, '--quiet'], output),
    );
    const size = (await open(output, 'r').then(async (h) => {
      const { size } = await h.stat();
      await h.close();
      return size;
    })) as number;
    if (size !== mib * MiB) throw new Error(`open wrote ${size} bytes of ${mib * MiB}`);
    await rm(store, { recursive: true, force: true });
    await rm(output, { force: true });
  }
  console.log(
    `| ${mib} MiB | ${f2(best(raw))} (${f2(worst(raw))}) s | ${f2(best(rawSynced))} (${f2(worst(rawSynced))}) s | ${f2(best(seal))} (${f2(worst(seal))}) s | ${f2(best(raw) / best(seal))} | ${peak(seal).toFixed(0)} MiB | ${f2(best(opened))} (${f2(worst(opened))}) s | ${f2(best(raw) / best(opened))} | ${peak(opened).toFixed(0)} MiB |`,
  );
  await rm(input, { force: true });
}

// Start-up: what a person waits for before anything happens.
const startup = (args: string[]) => {
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const [command, rest] = args[0] === BIN ? [BIN, args.slice(1)] : [process.execPath, args];
    const r = spawnSync(command, rest, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
};
console.log(
  `\nmedvault --help: ${startup([BIN, '--help']).toFixed(0)} ms (node -e 0: ${startup(['-e', '0']).toFixed(0)} ms), best of 10`,
);
await rm(dir, { recursive: true, force: true });
