/**
 * Benchmark harness: runs our implementation and a reference side by side in
 * the same process and prints medians, the ratio ours/reference and the
 * process's peak RSS. Not shipped (outside src/).
 */
import { Bench } from 'tinybench';

/** One operation measured for us and for the reference. */
export type Comparison = {
  name: string;
  ours: () => unknown;
  reference: () => unknown;
  /** Target ratio ours/reference (lower is better), printed as pass/miss. */
  target?: number;
};

function median(bench: Bench, name: string): number {
  const task = bench.getTask(name);
  const result = task?.result;
  if (result?.state !== 'completed') throw new Error(`benchmark "${name}" did not complete`);
  return result.latency.p50;
}

function format(ms: number): string {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

/** Measures each comparison and prints one table row per operation. */
export async function compare(
  title: string,
  comparisons: Comparison[],
  timeMs = 1500,
): Promise<void> {
  console.log(`\n${title}`);
  console.log(
    `${'operation'.padEnd(44)} ${'ours (p50)'.padStart(12)} ${'reference'.padStart(12)} ${'ratio'.padStart(7)}  target`,
  );
  for (const c of comparisons) {
    const bench = new Bench({ time: timeMs, warmupTime: 300 });
    bench.add('ours', c.ours).add('reference', c.reference);
    await bench.run();
    const ours = median(bench, 'ours');
    const reference = median(bench, 'reference');
    const ratio = ours / reference;
    const verdict =
      c.target === undefined
        ? ''
        : `≤ ${c.target.toFixed(1)} ${ratio <= c.target ? 'met' : 'MISSED'}`;
    console.log(
      `${c.name.padEnd(44)} ${format(ours).padStart(12)} ${format(reference).padStart(12)} ${ratio.toFixed(2).padStart(7)}  ${verdict}`,
    );
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
