/**
 * Progress of long work on stderr — bytes done, rate, time left — for a
 * person watching a terminal; silent when stderr is not a terminal (a pipe,
 * a file, a test), so logs and scripts see only the result.
 */

/** What a progress line counts. */
export type Progress = {
  /** Adds `bytes` to the work done. */
  add(bytes: number): void;
  /** Ends the line (after success or failure). */
  done(): void;
};

/** Where progress goes: stderr in the CLI. */
type Terminal = { isTTY?: boolean; write(text: string): unknown };

/** Redraws at most this often. */
const INTERVAL_MS = 200;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1.5 MiB` */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `0:07`, `1:02:03` */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One progress line's text. */
export function progressLine(
  label: string,
  done: number,
  total: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const parts = [
    label,
    total === undefined ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(total)}`,
  ];
  if (rate > 0) parts.push(`${formatBytes(rate)}/s`);
  if (total !== undefined && rate > 0 && done < total) {
    parts.push(`${formatDuration((total - done) / rate)} left`);
  }
  return parts.join('  ');
}

const SILENT: Progress = { add() {}, done() {} };

/**
 * A progress line for `label` over `total` bytes (unknown: no time left),
 * drawn on `terminal` when it is a TTY and `quiet` is not set.
 *
 * @example
 * ```ts
 * const progress = startProgress('sealing scan.dcm', size, { quiet: values.quiet });
 * for await (const chunk of input) progress.add(chunk.length);
 * progress.done();
 * ```
 */
export function startProgress(
  label: string,
  total: number | undefined,
  options: { quiet?: boolean | undefined; terminal?: Terminal } = {},
): Progress {
  const terminal = options.terminal ?? process.stderr;
  if (options.quiet || !terminal.isTTY) return SILENT;
  const started = performance.now();
  let done = 0;
  let drawn = 0;
  let shown = false;
  const draw = () => {
    const now = performance.now();
    drawn = now;
    shown = true;
    // \r and "erase to end of line": redraw in place
    terminal.write(`\r${progressLine(label, done, total, now - started)}\x1b[K`);
  };
  return {
    add(bytes) {
      done += bytes;
      if (performance.now() - drawn >= INTERVAL_MS) draw();
    },
    done() {
      if (shown) {
        draw();
        terminal.write('\n');
      }
    },
  };
}
