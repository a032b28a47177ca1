/**
 * A fixed-vs-random timing check of the WASM module's secret
 * multiplications (dudect: Reparaz, Balasch, Verbauwhede, "Dude, is my code
 * constant time?", 2017). Run by `npm run bench:pre -w @medvault/core` after
 * the comparison with umbral-pre; a benchmark, not a test, because timing
 * on a shared machine is noisy.
 *
 * Two classes of inputs are interleaved at random: a fixed secret scalar
 * (1, the most special one, and n − 1) and fresh uniform ones; each call is
 * timed alone, the slowest 10% of each class are cropped (interrupts, GC),
 * and Welch's t-statistic compares the two distributions. |t| below 4.5
 * (dudect's threshold) means no timing difference was found; above 10 is a
 * leak. The module is instantiated on its own here and called directly, so
 * the figures measure the WebAssembly, not the JavaScript around it. A
 * control runs the variable-time public multiplication the same way, to
 * show the check sees a difference where there is one.
 */
import { numberToBytesBE } from '@noble/curves/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { U } from '../group.js';
import { SECP256K1_WASM_BASE64 } from './secp256k1.wasm.js';

type Exports = {
  memory: WebAssembly.Memory;
  mv_io(): number;
  mv_reserve(bytes: number): number;
  mv_mul_secret(): number;
  mv_mul_secret_sum(n: number): number;
  mv_mul_public(withPoint: number): number;
};

const N_MINUS_1 = Uint8Array.from(
  Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', 'hex'),
);
const ONE = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0));
/** U, Umbral's second generator: x ‖ y, affine. */
const U_XY = Uint8Array.from([...numberToBytesBE(U.x, 32), ...numberToBytesBE(U.y, 32)]);

/** A uniform scalar in [1, n−1] (rejection: top 128 bits all ones are rare). */
function randomScalar(): Uint8Array {
  for (;;) {
    const k = randomBytes(32);
    if (k.subarray(0, 16).some((b) => b !== 0xff) && k.some((b) => b !== 0)) return k;
  }
}

function welch(a: number[], b: number[]): number {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = (xs: number[], m: number) =>
    xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  const ma = mean(a);
  const mb = mean(b);
  return (ma - mb) / Math.sqrt(variance(a, ma) / a.length + variance(b, mb) / b.length);
}

function crop(xs: number[], keep = 0.9): number[] {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted.slice(0, Math.floor(sorted.length * keep));
}

/** Times `call` for `samples` inputs of each class, interleaved at random. */
function measure(
  samples: number,
  fixed: Uint8Array,
  write: (scalar: Uint8Array) => void,
  call: () => number,
): { t: number; fixedUs: number; randomUs: number } {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < 2000; i++) {
    write(i % 2 ? fixed : randomScalar());
    call();
  }
  for (let i = 0; i < 2 * samples; i++) {
    const cls = Math.random() < 0.5 ? 0 : 1;
    write(cls === 0 ? fixed : randomScalar());
    const start = process.hrtime.bigint();
    call();
    times[cls].push(Number(process.hrtime.bigint() - start));
  }
  const [f, r] = [crop(times[0]), crop(times[1])];
  const median = (xs: number[]) => (xs[Math.floor(xs.length / 2)] as number) / 1000;
  return { t: welch(f, r), fixedUs: median(f), randomUs: median(r) };
}

/**
 * Runs the check and prints one line per case.
 *
 * @example
 * ```ts
 * timingCheck(10_000); // pre.bench.ts runs it after the comparison
 * ```
 */
export function timingCheck(samples = Number(process.env.TIMING_SAMPLES ?? 10_000)): void {
  const binary = Uint8Array.from(atob(SECP256K1_WASM_BASE64), (c) => c.charCodeAt(0));
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(binary), {})
    .exports as unknown as Exports;
  const io = wasm.mv_io();
  const memory = () => new Uint8Array(wasm.memory.buffer);
  const putU = (at: number) => {
    memory().set(U_XY, at);
    memory().fill(0, at + 64, at + 96);
    memory()[at + 95] = 1;
  };
  console.log(
    `\nFixed-vs-random timing of the WASM module's secret multiplications (${samples} calls per class, Welch's t; |t| < 4.5: no difference found)`,
  );
  for (const [name, fixed] of [
    ['k = 1', ONE],
    ['k = n − 1', N_MINUS_1],
  ] as const) {
    const single = measure(
      samples,
      fixed,
      (k) => {
        memory().set(k, io);
        putU(io + 32);
      },
      () => wasm.mv_mul_secret(),
    );
    const heap = wasm.mv_reserve(2 * 128);
    const sum = measure(
      samples / 2,
      fixed,
      (k) => {
        memory().set(k, heap);
        putU(heap + 32);
        memory().set(randomScalar(), heap + 128);
        putU(heap + 160);
      },
      () => wasm.mv_mul_secret_sum(2),
    );
    for (const [op, r] of [
      ['mv_mul_secret', single],
      ['mv_mul_secret_sum (2)', sum],
    ] as const) {
      const verdict = Math.abs(r.t) < 4.5 ? 'no difference found' : 'DIFFERENCE';
      print(`${op}, fixed ${name}`, r, verdict);
    }
  }
  // The control: the variable-time public multiplication must show a difference.
  const control = measure(
    samples / 4,
    ONE,
    (k) => {
      memory().set(k, io);
      memory().fill(0, io + 32, io + 64);
      putU(io + 64);
    },
    () => wasm.mv_mul_public(1),
  );
  const found =
    Math.abs(control.t) >= 4.5
      ? 'difference found, as it must'
      : 'NO DIFFERENCE: the check is blind';
  print('control: mv_mul_public (variable-time), fixed k = 1', control, found);
}

function print(
  label: string,
  r: { t: number; fixedUs: number; randomUs: number },
  verdict: string,
) {
  console.log(
    `${label.padEnd(52)} t = ${r.t.toFixed(2).padStart(7)}  (median ${r.fixedUs.toFixed(1)} µs fixed, ${r.randomUs.toFixed(1)} µs random)  ${verdict}`,
  );
}
