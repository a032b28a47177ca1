/**
 * Progress on stderr: drawn for a person at a terminal (a real pseudo-
 * terminal from util-linux's `script`), silent for pipes and with --quiet.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatBytes, formatDuration, progressLine, startProgress } from './progress.js';
import { CLI, medvault, ROOT } from './run-cli.js';

describe('progress line', () => {
  test('says bytes done of the total, the rate and the time left', () => {
    expect(progressLine('sealing a.dcm', 64 * 1024 * 1024, 256 * 1024 * 1024, 500)).toBe(
      'sealing a.dcm  64.0 MiB / 256.0 MiB  128.0 MiB/s  0:02 left',
    );
    expect(progressLine('opening x', 10, undefined, 0)).toBe('opening x  10 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  test('nothing is written unless the stream is a terminal, or with quiet', () => {
    const written: string[] = [];
    const pipe = { isTTY: false, write: (t: string) => written.push(t) };
    const tty = { isTTY: true, write: (t: string) => written.push(t) };
    const silent = [
      startProgress('a', 10, { terminal: pipe }),
      startProgress('b', 10, { terminal: tty, quiet: true }),
    ];
    for (const p of silent) {
      p.add(5);
      p.done();
    }
    expect(written).toEqual([]);
    const shown = startProgress('c', 10, { terminal: tty });
    shown.add(10);
    shown.done();
    const text = written.join('');
    expect(text).toContain('\rc  10 B / 10 B');
    expect(text.endsWith('\x1b[K\n')).toBe(true);
  });
});

const run = promisify(execFile);
const SCRIPT = '/usr/bin/script';

describe.runIf(existsSync(SCRIPT))('medvault seal / open at a terminal', () => {
  let dir: string;
  let pk: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medvault-progress-'));
    pk = (await medvault('keygen', '--out', join(dir, 'p.key'))).stdout.trim();
    await writeFile(join(dir, 'scan.dcm'), new Uint8Array(5 * 1024 * 1024 + 3).fill(1));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Runs the CLI with a pseudo-terminal as stdin, stdout and stderr (stdout
   * to `out` when given); returns what the terminal showed.
   */
  async function atTerminal(args: string[], out?: string): Promise<string> {
    const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
    const command = out ? `${quoted} > '${out}'` : quoted;
    const { stdout } = await run(SCRIPT, ['-qec', command, '/dev/null'], { cwd: ROOT });
    return stdout;
  }

  test('seal and open draw progress; --quiet silences it', async () => {
    const sealArgs = ['seal', '--to', pk, join(dir, 'scan.dcm'), '--out', join(dir, 'blobs')];
    const sealed = await atTerminal(sealArgs);
    expect(sealed).toMatch(/sealing scan\.dcm {2}[\d.]+ (B|KiB|MiB) \/ 5\.0 MiB {2}[\d.]+ \w+\/s/);
    const cid = sealed.match(/bafybei[a-z2-7]+/)?.[0] as string;
    expect(cid).toBeDefined();
    const quiet = await atTerminal([...sealArgs, '--quiet']);
    expect(quiet).toMatch(/^bafybei[a-z2-7]+\r?\n$/);
    const openArgs = ['open', cid, '--key', join(dir, 'p.key'), '--store', join(dir, 'blobs')];
    const shown = await atTerminal(openArgs, join(dir, 'out.dcm'));
    expect(shown).toMatch(/opening bafybei\S* {2}5\.0 MiB \/ 5\.0 MiB/);
    expect(await atTerminal([...openArgs, '--quiet'], join(dir, 'out.dcm'))).toBe('');
  });
});
