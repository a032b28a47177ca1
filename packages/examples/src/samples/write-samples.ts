/**
 * Writes the sample records to files: `tsx src/samples/write-samples.ts [OUTDIR] [--seed N]`
 * (default OUTDIR `samples/` in this package, which git ignores — generated
 * data is rebuilt, never committed).
 *
 * @example
 * ```sh
 * npm run samples -w @medvault/examples -- /tmp/samples --seed 2
 * ```
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSamples } from './generate.js';

const USAGE = 'usage: write-samples [OUTDIR] [--seed N]';

function parseArgs(argv: string[]): { outDir: string; seed: number } {
  let outDir = fileURLToPath(new URL('../../samples/', import.meta.url));
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isSafeInteger(seed)) throw new Error(`--seed needs an integer\n${USAGE}`);
    } else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else {
      outDir = resolve(arg);
    }
  }
  return { outDir, seed };
}

const { outDir, seed } = parseArgs(process.argv.slice(2));
await mkdir(outDir, { recursive: true });
const patients = await generateSamples(seed);
const index = [];
for (const patient of patients) {
  for (const record of patient.records) {
    await writeFile(join(outDir, record.name), record.bytes);
    const { bytes, ...meta } = record;
    index.push({ patient: patient.id, ...meta, size: bytes.length });
  }
}
// An index beside the files, so a portal script can seal them with their metadata.
await writeFile(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
console.log(`wrote ${index.length} records for ${patients.length} patients to ${outDir}`);
